"""Agents' intent corrections, kept as a plain CSV outside the package so an upgrade never erases them.

Why a file and not an immediate model update: the shipped model is a handful of numpy arrays fitted by
``train.py``; a correction is recorded here and folded in by the next ``retrain`` (seed + BANKING77 +
corrections, deterministically), so two installs with the same corrections file get the same model and
the model version says which corrections it saw.
"""

from __future__ import annotations

import csv
from pathlib import Path

from kith.enrichment.intent.model import CLASSES

DEFAULT_CORRECTIONS = Path("kith-intent-corrections.csv")  # relative: the working directory, never the package
FIELDS = ("text", "intent")


def learn_from_correction(text: str, intent: str, corrections: Path = DEFAULT_CORRECTIONS) -> None:
    """Append one (text, intent) correction; the next ``retrain`` learns from it."""
    if intent not in CLASSES:
        raise ValueError(f"unknown intent {intent!r}; expected one of {', '.join(CLASSES)}")
    if not text.strip():
        raise ValueError("cannot learn from an empty text")
    new = not corrections.exists() or corrections.stat().st_size == 0
    corrections.parent.mkdir(parents=True, exist_ok=True)
    with corrections.open("a", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        if new:
            writer.writerow(FIELDS)
        writer.writerow((text, intent))


def read_corrections(corrections: Path = DEFAULT_CORRECTIONS) -> list[tuple[str, str]]:
    """The recorded corrections in file order, the last one winning for a repeated text; [] if none yet."""
    if not corrections.exists():
        return []
    latest: dict[str, str] = {}
    with corrections.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row.get("intent") in CLASSES and (row.get("text") or "").strip():
                latest.pop(row["text"], None)  # re-insert so order follows the latest correction
                latest[row["text"]] = row["intent"]
    return list(latest.items())
