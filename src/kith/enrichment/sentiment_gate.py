"""Sentiment and intent only where the models are competent: English (and undetermined, e.g. emoji-only) text.

The shipped models were trained on English text. Kith's language stage already knows each text's language
(more reliably than the model's own quick check on short posts), so everything else is labelled
``unsupported`` explicitly — never a silent English guess.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kith.enrichment import intent, sentiment
from kith.enrichment.labels import UNSUPPORTED, Label
from kith.enrichment.language import LanguageResult, detect_languages

SUPPORTED = frozenset({"en", "und"})


def _gated(
    classify: Callable[[Sequence[str]], list[Label]],
    version: str,
    texts: Sequence[str],
    languages: Sequence[LanguageResult] | None,
) -> list[Label]:
    found = list(languages) if languages is not None else detect_languages(texts)
    chosen = [i for i, lang in enumerate(found) if lang.lang in SUPPORTED]
    labels = [Label(UNSUPPORTED, 1.0, version) for _ in texts]
    for i, label in zip(chosen, classify([texts[i] for i in chosen]), strict=True):
        labels[i] = label
    return labels


def sentiment_by_language(texts: Sequence[str], languages: Sequence[LanguageResult] | None = None) -> list[Label]:
    return _gated(sentiment.classify_sentiment, sentiment.model_version(), texts, languages)


def intent_by_language(texts: Sequence[str], languages: Sequence[LanguageResult] | None = None) -> list[Label]:
    return _gated(intent.classify_intent, intent.model_version(), texts, languages)
