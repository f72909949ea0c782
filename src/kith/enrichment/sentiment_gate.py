"""Sentiment only where the model is competent: English (and undetermined, e.g. emoji-only) text.

The shipped model was trained on English tweets. Kith's language stage already knows each text's language
(more reliably than the model's own quick check on short posts), so everything else is labelled
``unsupported`` explicitly — never a silent English guess.
"""

from __future__ import annotations

from collections.abc import Sequence

from kith.enrichment.labels import UNSUPPORTED, Label
from kith.enrichment.language import LanguageResult, detect_languages
from kith.enrichment.sentiment import classify_sentiment, model_version

SUPPORTED = frozenset({"en", "und"})


def sentiment_by_language(texts: Sequence[str], languages: Sequence[LanguageResult] | None = None) -> list[Label]:
    found = list(languages) if languages is not None else detect_languages(texts)
    chosen = [i for i, lang in enumerate(found) if lang.lang in SUPPORTED]
    labels = [Label(UNSUPPORTED, 1.0, model_version()) for _ in texts]
    for i, label in zip(chosen, classify_sentiment([texts[i] for i in chosen]), strict=True):
        labels[i] = label
    return labels
