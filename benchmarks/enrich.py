r"""Texts per second of each enrichment stage and of the whole enrichment, on realistic posts.

    python benchmarks/enrich.py [--n 100000] [--seed 7]

Posts come from the same generator as ``benchmarks/enrich_basic.py`` (the demo's phrase bank and language
mix, with pasted contact details and misspellings). Every stage runs in one process over the same texts:
language and script, sentiment (gated by language, as the pipeline does), PII, product mentions, and the
demo's six listening topics. "all stages" is what the enrichment stage of ``kith run`` computes per batch,
without the database. The baseline is a bare tokenise-only pass (``re.findall(r"\w+", text)``) measured in
the same run; the ratio says how many times longer than tokenising each stage takes.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from enrich_basic import make_posts
from kith.demo.catalogue import PRODUCTS
from kith.demo.setup import TOPICS
from kith.enrichment.language import detect_languages
from kith.enrichment.pii import find_pii_batch
from kith.enrichment.products import ProductMatcher
from kith.enrichment.query import Document, compile_query
from kith.enrichment.sentiment_gate import sentiment_by_language

BATCH = 500


def timed(run: Callable[[Sequence[str]], Any], texts: Sequence[str]) -> float:
    start = time.perf_counter()
    for i in range(0, len(texts), BATCH):
        run(texts[i : i + BATCH])
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    texts = [text for text, _, _ in make_posts(args.n, args.seed)]
    matcher = ProductMatcher(PRODUCTS)
    queries = [compile_query(query) for _, _, query, _ in TOPICS]

    def topics(batch: Sequence[str]) -> list[list[int]]:
        return [[i for i, q in enumerate(queries) if q.match(Document.from_text(t))] for t in batch]

    def everything(batch: Sequence[str]) -> None:
        languages = detect_languages(batch)
        sentiment_by_language(batch, languages)
        find_pii_batch(batch)
        matcher.find_many(batch)
        topics(batch)

    stages: list[tuple[str, Callable[[Sequence[str]], Any]]] = [
        ("tokenise (baseline)", lambda batch: [re.findall(r"\w+", t) for t in batch]),
        ("language + script", detect_languages),
        ("sentiment (gated)", sentiment_by_language),
        ("pii", find_pii_batch),
        ("product mentions", matcher.find_many),
        (f"topics ({len(queries)} queries)", topics),
        ("all stages", everything),
    ]
    print(f"{len(texts):,} posts, batches of {BATCH}, one process")
    baseline = None
    print(f"{'stage':28}{'seconds':>10}{'texts/s':>12}{'× baseline':>12}")
    for name, run in stages:
        seconds = timed(run, texts)
        baseline = baseline or seconds
        print(f"{name:28}{seconds:>10.2f}{len(texts) / seconds:>12,.0f}{seconds / baseline:>12.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
