"""Sentiment throughput and quality on the TweetEval val tweets, against a tokenise-only pass.

    python benchmarks/sentiment.py [--data ../shared/data/tweeteval] [--repeat 5]

Measures, in one process and one run: (1) the baseline — only normalising and cutting each text into its
word and character n-grams (``features.blocks``), the floor any n-gram model pays; (2) ``classify_sentiment``
end to end (language check, featurise, score, softmax, Label objects). Prints texts/s for both, the ratio
model/baseline, macro recall and per-class recall on val (unsupported counts as wrong), and artifact sizes.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kith.enrichment.labels import UNSUPPORTED
from kith.enrichment.sentiment import features
from kith.enrichment.sentiment.model import ARTIFACTS, CLASSES, classify_sentiment, shipped_model
from kith.enrichment.sentiment.train import DEFAULT_DATA


def rate(fn: object, texts: list[str], repeat: int) -> float:
    assert callable(fn)
    start = time.perf_counter()
    for _ in range(repeat):
        fn(texts)
    return len(texts) * repeat / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    texts = (args.data / "val_text.txt").read_text(encoding="utf-8").splitlines()
    gold = [CLASSES[int(x)] for x in (args.data / "val_labels.txt").read_text().split()]

    shipped_model()
    labels = classify_sentiment(texts)  # warm-up, and the predictions scored below
    base = rate(lambda ts: [features.blocks(t) for t in ts], texts, args.repeat)
    model = rate(classify_sentiment, texts, args.repeat)

    recalls = {}
    for name in CLASSES:
        idx = [i for i, g in enumerate(gold) if g == name]
        recalls[name] = sum(labels[i].label == name for i in idx) / len(idx)
    macro = sum(recalls.values()) / len(recalls)
    unsupported = sum(label.label == UNSUPPORTED for label in labels)

    print(f"model {labels[0].model}, {len(texts)} val tweets x {args.repeat}, single process")
    print(f"baseline (tokenise only)  {base:10.0f} texts/s")
    print(f"classify_sentiment        {model:10.0f} texts/s   ratio {model / base:.2f} of baseline")
    print(f"val macro recall {macro:.4f}  " + "  ".join(f"{k} {v:.4f}" for k, v in recalls.items()))
    print(f"unsupported on val: {unsupported}")
    for f in sorted(ARTIFACTS.iterdir()):
        print(f"artifact {f.name}: {f.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
