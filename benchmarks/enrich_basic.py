r"""Throughput of the basic enrichment stages — language, PII, product mentions — on realistic posts.

    python benchmarks/enrich_basic.py [--n 100000] [--seed 7] [--repeat 3]

Generates N posts from the demo's phrase bank (the demo's language mix: German, English, French,
Spanish, Japanese; product nicknames, prices, order numbers, store cities, emoji), with a contact detail
(e-mail, phone, IBAN or card) pasted into about 4 % of them and a misspelt product name into about 3 %,
as customers do. Each stage runs over the same texts in one process; the baseline is a bare tokenise-only
pass (``re.findall(r"\w+", text)``) over them, measured in the same run. Every stage reports the best of
``--repeat`` runs (the machine is shared; later runs also find the matcher's per-word caches warm, as a
long-running worker does). The ratio says how many times longer than tokenising a stage takes.
Agreement with the generator (the language it wrote in, the product it named) is printed as a sanity
check, not as an accuracy figure: the phrase bank is small and falls back to English for some themes.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence

from kith.channels.base import ProductRecord
from kith.demo.catalogue import PEOPLE, PRODUCTS, STORES
from kith.demo.phrases import THEMES, root_text
from kith.enrichment.language import detect_languages
from kith.enrichment.pii import find_pii_batch
from kith.enrichment.products import ProductMatcher

CONTACTS = (
    "Ruf mich an: 0171 {a}{b}",
    "call me on +44 20 7946 {b}",
    "Mail: {name}.{a}@example.com",
    "IBAN DE89 3704 0044 0532 0130 00 für die Erstattung",
    "Karte 4111 1111 1111 1111 wurde doppelt belastet",
    "appelez-moi au 06 12 34 {b2}",
)


def _misspell(rng: random.Random, word: str) -> str:
    """Double one inner letter or drop one, as fast typists do ("Aurorra", "Polaris" -> "Polars")."""
    index = rng.randrange(1, max(2, len(word) - 1))
    return word[:index] + word[index] + word[index:] if rng.random() < 0.5 else word[:index] + word[index + 1 :]


def make_posts(n: int, seed: int) -> list[tuple[str, str, str | None]]:
    """``(text, language written in, SKU talked about or None)``, deterministic for a seed."""
    rng = random.Random(seed)
    nationalities = list(PEOPLE)
    weights = [PEOPLE[key][0] for key in nationalities]
    posts = []
    for _ in range(n):
        lang = PEOPLE[rng.choices(nationalities, weights)[0]][1]
        lang = "en" if rng.random() < 0.25 else lang
        text, product = root_text(rng, rng.choice(THEMES), lang, rng.randint(5, 10), PRODUCTS, rng.choice(STORES).city)
        text = text.replace("{brand}", "@nordlicht")
        if product is not None and rng.random() < 0.03:
            for word in sorted(re.findall(r"[A-Za-z]{6,}", text), key=len, reverse=True)[:1]:
                if word.lower() in product.name.lower() or any(word in alias for alias in product.aliases):
                    text = text.replace(word, _misspell(rng, word), 1)
        if rng.random() < 0.04:
            contact = rng.choice(CONTACTS).format(
                a=rng.randint(100, 999), b=rng.randint(1000, 9999), b2=f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                name=rng.choice(("lena", "jonas", "camille", "lucia")),
            )  # fmt: skip
            text = f"{text} {contact}"
        posts.append((text, lang, product.sku if product else None))
    return posts


def _timed(label: str, func: Callable[[], object], rows: list[tuple[str, float]], repeat: int) -> object:
    """Best of ``repeat`` runs: the machine is shared, and the fastest run is the least disturbed one."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    rows.append((label, best))
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs per stage; the best is reported")
    args = parser.parse_args(argv)

    posts = make_posts(args.n, args.seed)
    texts = [text for text, _, _ in posts]
    catalogue = [ProductRecord(p.sku, p.name, p.category, p.price, "EUR", p.aliases, p.description) for p in PRODUCTS]
    detect_languages(["warm-up: load the model before timing"])
    rows: list[tuple[str, float]] = []
    word = re.compile(r"\w+")
    _timed("baseline: re.findall(r'\\w+')", lambda: [word.findall(text) for text in texts], rows, args.repeat)
    languages = _timed("language (py3langid + script + emoji)", lambda: detect_languages(texts), rows, args.repeat)
    pii = _timed("pii (email/url/mention/iban/card/phone)", lambda: find_pii_batch(texts, "DE"), rows, args.repeat)
    matcher = _timed("products: build index", lambda: ProductMatcher(catalogue), rows, args.repeat)
    assert isinstance(matcher, ProductMatcher)
    mentions = _timed("products (sku/name/alias/fuzzy)", lambda: matcher.find_many(texts), rows, args.repeat)

    baseline = rows[0][1]
    mean = sum(map(len, texts)) / len(texts)
    print(f"{len(texts):,} posts, mean {mean:.0f} characters, one process, best of {args.repeat} runs per stage")
    print(f"{'stage':<42} {'seconds':>8} {'texts/s':>10} {'× baseline':>11}")
    for label, seconds in rows:
        rate = f"{len(texts) / seconds:,.0f}" if "build" not in label else "-"
        print(f"{label:<42} {seconds:8.2f} {rate:>10} {seconds / baseline:11.1f}")

    assert isinstance(languages, list) and isinstance(pii, list) and isinstance(mentions, list)
    agree = sum(result.lang == lang for result, (_, lang, _) in zip(languages, posts, strict=True))
    und = sum(result.lang == "und" for result in languages)
    named = [(found, sku) for found, (_, _, sku) in zip(mentions, posts, strict=True) if sku]
    hit = sum(any(m.sku == sku for m in found) for found, sku in named)
    kinds = Counter(span.kind for spans in pii for span in spans)
    print(f"language agrees with the generator: {agree / len(posts):.1%} (undetermined {und / len(posts):.1%})")
    print(f"product named by the generator found: {hit / max(1, len(named)):.1%} of {len(named):,} posts")
    print("pii spans:", ", ".join(f"{kind} {count:,}" for kind, count in kinds.most_common()))


if __name__ == "__main__":
    main()
