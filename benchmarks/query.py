"""Topic query matching throughput, against one precompiled ``re.search`` over the same texts.

    python benchmarks/query.py [--n 100000] [--seed 7]

Generates N short social posts (several languages, emoji, hashtags, mentions, links; about 1 in 12
mentions a brand of the query), compiles a realistic 30-term brand query (phrases, wildcards, NEAR,
~n, raw:, hashtags, field filters, NOT groups) and matches every post. The baseline is
``re.compile(r"\\bkith\\b", re.I).search`` over the same texts, timed in the same run; the ratio says
how many single-word regex scans one full query costs.
"""

from __future__ import annotations

import argparse
import random
import re
import time

from kith.enrichment.query import Document, compile_query
from kith.enrichment.query import parser as ast

QUERY = """
(
  kith OR "kith crm" OR raw:KithCRM OR #kith OR @kithapp OR "social crm"~2
  OR (acme NEAR/3 (crm OR inbox OR helpdesk)) OR zendesk* OR "hub spot"
  OR ((sales OR service) NEAR/2f (cloud OR desk)) OR ソニー OR 客服 OR "müller kundenservice"
  OR 🚲 OR (bike* NEAR/4 (broke* OR repair* OR warranty))
)
AND NOT (job* OR hiring OR "we are hiring" OR intern?ship OR #ad)
AND NOT author:spam*
"""

# customer-service vocabulary in several scripts; a few words (service, sales, desk, app) overlap the query
WORDS = """
the a to and my is it for of in on with this that was so but not just have love hate great terrible
support please help order shipping late refund price cheap expensive app crm inbox team service sales
cloud desk ticket reply fast slow again today tomorrow week broke battery warranty store online delivery
quality new update bug crash feature request thanks café müller straße über déjà naïve jalapeño ça
marche très bien gracias por favor muy bueno привет спасибо доставка جميل شكرا समस्या धन्यवाद 배송
감사합니다 ありがとう 配送が遅い 质量很好 谢谢
""".split()  # noqa: SIM905 - a word list reads better as prose than as 120 quoted strings
BRANDS = [
    *("Kith", "kith crm", "KithCRM", "#kith", "@kithapp", "acme helpdesk", "Zendesk", "zendesks", "hub spot"),
    *("sales cloud", "ソニーのカメラ", "客服太慢", "Müller Kundenservice", "🚲", "bike broke", "#ad", "hiring"),
]
EMOJI = ["😀", "👍🏽", "❤️", "🔥", "😡", "🙏", "🇩🇪", "🚲"]


def leaves(node: ast.Node) -> int:
    """Terms, phrases, tags and fields in a parsed query (operators not counted)."""
    if isinstance(node, ast.And | ast.Or):
        return sum(leaves(child) for child in node.children)
    if isinstance(node, ast.Not):
        return leaves(node.child)
    if isinstance(node, ast.Near):
        return leaves(node.left) + leaves(node.right)
    return 1


def posts(n: int, seed: int) -> list[Document]:
    rnd = random.Random(seed)
    docs = []
    for _ in range(n):
        words = rnd.choices(WORDS, k=rnd.randint(6, 30))
        if rnd.random() < 1 / 12:
            words.insert(rnd.randrange(len(words) + 1), rnd.choice(BRANDS))
        if rnd.random() < 0.3:
            words.append(rnd.choice(EMOJI))
        if rnd.random() < 0.2:
            words.append(f"#{rnd.choice(WORDS)}")
        if rnd.random() < 0.15:
            words.insert(0, f"@{rnd.choice(['bob', 'ana_k', 'support'])}")
        if rnd.random() < 0.1:
            words.append(f"https://example.com/{rnd.choice(WORDS)}")
        author = rnd.choice(["bob", "ana_k", "spambot42", "kith_fan", None])
        docs.append(Document(" ".join(words), author=author, channel="x", lang="en"))
    return docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    docs = posts(args.n, args.seed)
    texts = [d.text for d in docs]

    t0 = time.perf_counter()
    query = compile_query(QUERY)
    compile_s = time.perf_counter() - t0

    search = re.compile(r"\bkith\b", re.IGNORECASE).search
    t0 = time.perf_counter()
    base_hits = sum(1 for t in texts if search(t))
    base_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    hits = sum(1 for m in query.match_many(docs) if m is not None)
    query_s = time.perf_counter() - t0

    terms = leaves(ast.parse(QUERY))
    print(f"posts: {args.n}, query: {terms} terms, compiled in {compile_s * 1000:.1f} ms")
    print(f"baseline re.search(\\bkith\\b): {args.n / base_s:,.0f} docs/s ({base_hits} hits)")
    print(f"query.match_many:             {args.n / query_s:,.0f} docs/s ({hits} matches)")
    print(f"ratio query/baseline throughput: {base_s / query_s:.3f} (the query is {query_s / base_s:.1f}x slower)")


if __name__ == "__main__":
    main()
