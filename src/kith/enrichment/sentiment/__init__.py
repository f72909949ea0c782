"""Sentiment of short social texts: ``classify_sentiment(texts) -> list[Label]`` from a shipped model.

The package's ``features`` module is shared with other models (``kith.enrichment.linear_text``), so the
package itself imports nothing heavy at import time: the model loads on first use.
"""

from __future__ import annotations

from collections.abc import Sequence

from kith.enrichment.labels import Label


def classify_sentiment(texts: Sequence[str], batch_size: int = 64) -> list[Label]:
    from kith.enrichment.sentiment.model import classify_sentiment as classify

    return classify(texts, batch_size)


def model_version() -> str:
    from kith.enrichment.sentiment.model import model_version as version

    return version()


__all__ = ["classify_sentiment", "model_version"]
