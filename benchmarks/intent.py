"""Intent throughput against a tokenise-only pass, on the seed set repeated to a realistic batch.

    python benchmarks/intent.py [--repeat 5] [--copies 20]

Measures in one process and one run: (1) the baseline — only normalising and cutting each text into its
word and character n-grams (``features.blocks``), the floor any n-gram model pays; (2) ``classify_intent``
end to end (language check, featurise, VADER, score, Label objects). Prints texts/s for both and the ratio.
Quality is not measured here: it is the hold-out in ``artifacts/metrics.json`` written by training.
"""

from __future__ import annotations

import argparse
import csv
import time
from collections.abc import Callable, Sequence

from kith.enrichment.intent.model import classify_intent, shipped_model
from kith.enrichment.intent.train import SEED_FILE
from kith.enrichment.sentiment import features


def rate(fn: Callable[[Sequence[str]], object], texts: list[str], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn(texts)
    return len(texts) * repeat / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    with SEED_FILE.open(newline="", encoding="utf-8") as fh:
        texts = [row["text"] for row in csv.DictReader(fh)] * args.copies
    shipped_model()
    classify_intent(texts[:100])  # warm-up: language model and VADER load lazily
    base = rate(lambda ts: [features.blocks(t) for t in ts], texts, args.repeat)
    model = rate(classify_intent, texts, args.repeat)
    print(f"texts: {len(texts)} x {args.repeat}")
    print(f"baseline (tokenise only): {base:,.0f} texts/s")
    print(f"classify_intent:          {model:,.0f} texts/s  ({model / base:.2f}x baseline)")


if __name__ == "__main__":
    main()
