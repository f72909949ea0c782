"""Intent of customer messages: ``classify_intent(texts) -> list[Label]``, and corrections to learn from."""

from kith.enrichment.intent.corrections import learn_from_correction
from kith.enrichment.intent.model import CLASSES, classify_intent, model_version

__all__ = ["CLASSES", "classify_intent", "learn_from_correction", "model_version"]
