"""Ingest + normalise throughput on SQLite and PostgreSQL, against a bare PostgreSQL COPY of the same rows.

    python benchmarks/ingest.py [--n 100000] [--pg-url postgresql://postgres@127.0.0.1:5432/test]

Generates N realistic X API v2 search results (pages of 100 tweets with `includes.users`, replies that
reference earlier tweets, non-Latin text and emoji), then for each backend measures
  1. ingest: split the response bodies into raw items and store them (``kith ingest``), and
  2. normalise: ``kith run`` — identities, conversations and interactions upserted in batches,
and prints items/s. The baseline is ``COPY`` of the same N interaction rows (the columns the pipeline
writes) into an unindexed PostgreSQL table, measured in the same run; the ratio is pipeline/COPY.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kith.db import make_engine, normalise_url
from kith.pipeline.ingest import ingest
from kith.pipeline.runner import run_pending
from kith.schema import upgrade

WORDS = [  # customer-service vocabulary in several languages, with emoji
    *[
        "battery",
        "charger",
        "broke",
        "again",
        "after",
        "two",
        "weeks",
        "support",
        "please",
        "help",
        "love",
        "the",
        "new",
        "model",
        "price",
    ],
    *[
        "too",
        "expensive",
        "when",
        "will",
        "it",
        "ship",
        "store",
        "staff",
        "were",
        "great",
        "refund",
        "order",
        "delayed",
    ],
    *["akku", "kaputt", "ça", "marche", "pas", "最高", "🚲", "🔋", "😡", "❤️"],
]


def generate(n: int, seed: int = 7) -> list[dict[str, object]]:
    """Pages of X API v2 search results, 100 tweets each, as the API returns them."""
    rng = random.Random(seed)
    start = datetime(2026, 5, 1, tzinfo=UTC)
    users = [{"id": str(10_000 + u), "name": f"User {u} 🙂", "username": f"user{u}"} for u in range(max(50, n // 20))]
    pages: list[dict[str, object]] = []
    tweets: list[dict[str, object]] = []
    for i in range(n):
        tid = str(1_800_000_000_000_000_000 + i)
        author = users[rng.randrange(len(users))]
        tweet: dict[str, object] = {
            "id": tid,
            "text": " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 30))),
            "created_at": (start + timedelta(seconds=i * 37)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "author_id": author["id"],
            "conversation_id": tid,
            "lang": "en",
            "edit_history_tweet_ids": [tid],
            "public_metrics": {"retweet_count": rng.randint(0, 5), "reply_count": 0, "like_count": rng.randint(0, 50)},
        }
        if i > 10 and rng.random() < 0.4:
            parent = str(1_800_000_000_000_000_000 + rng.randrange(max(0, i - 500), i))
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": parent}]
            tweet["conversation_id"] = parent
        tweets.append(tweet)
        if len(tweets) == 100 or i == n - 1:
            ids = {t["author_id"] for t in tweets}
            pages.append(
                {
                    "data": tweets,
                    "includes": {"users": [u for u in users if u["id"] in ids]},
                    "meta": {"result_count": len(tweets), "newest_id": tweets[0]["id"], "oldest_id": tweets[-1]["id"]},
                }
            )
            tweets = []
    return pages


def write_pages(pages: list[dict[str, object]], folder: Path) -> Path:
    path = folder / "search.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for page in pages:
            out.write(json.dumps(page, ensure_ascii=False) + "\n")
    return path


def measure_pipeline(url: str, data: Path, n: int) -> dict[str, float]:
    engine = make_engine(url)
    upgrade(engine)
    t0 = time.perf_counter()
    counts = ingest(engine, "x", str(data))
    t1 = time.perf_counter()
    report = run_pending(engine, batch_size=1000)
    t2 = time.perf_counter()
    engine.dispose()
    assert counts.new == n and report.processed == n, (counts, report.processed)
    return {"ingest_s": t1 - t0, "normalise_s": t2 - t1, "total_s": t2 - t0}


def measure_copy(url: str, pages: list[dict[str, object]]) -> float:
    """Seconds for a bare COPY of the interaction rows (same columns, no index) — the baseline."""
    buffer = io.StringIO()
    for page in pages:
        for t in page["data"]:  # type: ignore[attr-defined]
            row = [
                t["id"],
                t["text"],
                t["created_at"],
                t["author_id"],
                t["conversation_id"],
                t["lang"],
                json.dumps(t["public_metrics"]),
            ]
            buffer.write("\t".join(str(v).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ") for v in row))
            buffer.write("\n")
    payload = buffer.getvalue()
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(
            "CREATE TEMP TABLE copy_baseline (external_id text, text text, created_at timestamptz,"
            " author text, conversation text, lang text, metrics jsonb)"
        )
        start = time.perf_counter()
        with conn.cursor().copy("COPY copy_baseline FROM STDIN") as copy:
            copy.write(payload)
        return time.perf_counter() - start


def fresh_pg_database(admin_url: str) -> tuple[str, str]:
    name = f"kith_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="interactions to generate (default 100000)")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test", help="PostgreSQL server")
    args = parser.parse_args()
    admin_url = normalise_url(args.pg_url)
    pages = generate(args.n)
    print(f"generated {args.n} tweets in {len(pages)} X API v2 pages")
    with tempfile.TemporaryDirectory() as tmp:
        data = write_pages(pages, Path(tmp))
        results = {"sqlite": measure_pipeline(f"sqlite:///{Path(tmp) / 'bench.db'}", data, args.n)}
        name, pg_url = fresh_pg_database(admin_url)
        try:
            results["postgresql"] = measure_pipeline(pg_url, data, args.n)
            copy_s = measure_copy(pg_url, pages)
        finally:
            drop_pg_database(admin_url, name)
    copy_rate = args.n / copy_s
    print(f"\nbaseline  PostgreSQL COPY of {args.n} rows: {copy_s:.2f} s = {copy_rate:,.0f} rows/s")
    print(f"{'backend':12}{'ingest/s':>12}{'normalise/s':>14}{'end-to-end/s':>15}{'vs COPY':>10}")
    for backend, r in results.items():
        rate = args.n / r["total_s"]
        print(
            f"{backend:12}{args.n / r['ingest_s']:>12,.0f}{args.n / r['normalise_s']:>14,.0f}"
            f"{rate:>15,.0f}{rate / copy_rate:>9.1%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
