"""Sentiment of short social texts: ``classify_sentiment(texts) -> list[Label]`` from a shipped model."""

from kith.enrichment.sentiment.model import classify_sentiment, model_version

__all__ = ["classify_sentiment", "model_version"]
