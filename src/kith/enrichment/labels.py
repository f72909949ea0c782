"""The answer every classifier gives, so the CLI, the pipeline and the API print and store one shape."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

UNSUPPORTED = "unsupported"  # the model does not cover this input (e.g. its language): never a silent guess


@dataclass(frozen=True)
class Label:
    label: str
    score: float  # confidence in [0, 1] for the label given
    model: str  # model name and version, e.g. "sentiment-tfidf-lr@2026.11.1"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
