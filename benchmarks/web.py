"""Read latency of the web app and the REST API on a large PostgreSQL database, against the bare SQL.

    python benchmarks/web.py [--n 1000000] [--requests 200] [--pg-url postgresql://postgres@127.0.0.1:5432/test]

Loads N interactions (with their channels, identities and conversations) into a fresh PostgreSQL
database — by ``COPY`` straight into the migrated tables, because this measures reading, not ingest
(``benchmarks/ingest.py`` measures that) — then ANALYZEs, starts ``kith serve`` on it and times, one
request after another over a kept-alive connection:
  1. the Stream page (``/``, signed-in browser session),
  2. ``GET /api/v1/interactions?channel=x&lang=de`` (API token),
  3. ``GET /api/v1/interactions?q=akku`` (API token, full-text search),
each against the baseline: the same first-page SQL (the statement the app builds, compiled for
PostgreSQL) run with psycopg on a warm connection. The ratio is HTTP/SQL: what the web stack, the
session/token check, any further queries of the page and the rendering cost on top of the query.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from ingest import WORDS, drop_pg_database, fresh_pg_database  # the sibling benchmark (its folder is on sys.path)
from kith.auth.models import Role, User
from kith.auth.service import do_create_token, do_create_user
from kith.db import make_engine, normalise_url, session_scope
from kith.interactions.stream import StreamFilter, stream_select
from kith.schema import upgrade

CHANNELS = ["x", "mastodon", "facebook", "instagram", "youtube", "reddit", "email", "feeds"]
LANGS = ["en"] * 8 + ["de"] * 5 + ["fr"] * 2 + ["es", "ja", None]
KINDS = {"email": "email", "feeds": "article"}
DEPARTMENTS = [None, None, "service", "sales", "marketing", "product"]
SENTIMENTS = [None, "negative", "neutral", "positive"]
PER_CONVERSATION = 3
PASSWORD = "benchmark password 123"  # noqa: S105  (a throwaway account in a throwaway database)
PAGE = 50  # the Stream page and the API's default page size


def conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# ---- loading ------------------------------------------------------------------------------------------


def secondary_indexes(conn: psycopg.Connection[Any], tables: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of the indexes that back no constraint: dropped for the load, rebuilt after."""
    return list(
        conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            (tables,),
        ).fetchall()
    )


IDENTITY_COLUMNS = (
    "id, public_id, channel_id, external_id, handle, display_name, attributes, visibility, basis, consent_state,"
    " first_seen, last_seen, created_at, updated_at"
)
CONVERSATION_COLUMNS = "id, public_id, channel_id, thread_key, started_at, last_activity_at, status, department"
INTERACTION_COLUMNS = (
    "id, public_id, channel_id, external_id, identity_id, conversation_id, kind, text, lang, url, in_reply_to,"
    " visibility, basis, created_at, sort_at, revision, sentiment, metrics, attributes, ingested_at"
)
START = datetime(2025, 1, 1, tzinfo=UTC)


def identity_rows(count: int, now: datetime) -> Iterator[list[Any]]:
    for iid in range(1, count + 1):
        channel_id = (iid - 1) % len(CHANNELS) + 1
        yield [
            *(iid, uuid.uuid4().hex, channel_id, f"u{iid}", f"user{iid}", f"User {iid} 🙂", "{}"),
            *("public", "public_content", "unknown", START, now, now, now),
        ]


def conversation_rows(count: int, rng: random.Random) -> Iterator[list[Any]]:
    for conv in range(1, count + 1):
        first = START + timedelta(seconds=(conv - 1) * PER_CONVERSATION * 30)
        last = first + timedelta(seconds=(PER_CONVERSATION - 1) * 30)
        channel_id = (conv - 1) % len(CHANNELS) + 1
        yield [conv, uuid.uuid4().hex, channel_id, f"t{conv}", first, last, "open", rng.choice(DEPARTMENTS)]


def interaction_rows(n: int, n_identities: int, rng: random.Random, now: datetime) -> Iterator[list[Any]]:
    """Three to a conversation, 30 s apart; one in ten without a known author; text mixes languages."""
    for i in range(1, n + 1):
        conv = (i - 1) // PER_CONVERSATION + 1
        channel_id = (conv - 1) % len(CHANNELS) + 1
        channel = CHANNELS[channel_id - 1]
        identity = None
        if rng.random() > 0.1:
            identity = channel_id + len(CHANNELS) * rng.randrange(n_identities // len(CHANNELS))
        at = START + timedelta(seconds=(i - 1) * 30)
        root = (i - 1) % PER_CONVERSATION == 0
        yield [
            i,
            uuid.uuid4().hex,
            channel_id,
            f"e{i}",
            identity,
            conv,
            KINDS.get(channel, "post" if root else "comment"),
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 30))),
            rng.choice(LANGS),
            f"https://example.com/{channel}/{i}",
            None if root else f"e{i - 1}",
            "public",
            "public_content",
            at,
            at,
            "",
            rng.choice(SENTIMENTS),
            '{"likes": 1}',
            "{}",
            now,
        ]


def copy_rows(conn: psycopg.Connection[Any], table: str, columns: str, rows: Iterator[list[Any]]) -> None:
    with conn.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def load(url: str, n: int, seed: int = 11) -> dict[str, int]:
    """COPY n interactions (and what they refer to) into the migrated, empty database; index; analyse."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    n_identities = max(len(CHANNELS) * 4, n // 20)
    n_conversations = max(1, -(-n // PER_CONVERSATION))
    tables = ["channel", "identity", "conversation", "interaction"]
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        indexes = secondary_indexes(conn, tables)
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        channels = (
            [cid, uuid.uuid4().hex, name, name, name.title(), True, now] for cid, name in enumerate(CHANNELS, 1)
        )
        copy_rows(conn, "channel", "id, public_id, name, kind, display_name, enabled, created_at", channels)
        copy_rows(conn, "identity", IDENTITY_COLUMNS, identity_rows(n_identities, now))
        copy_rows(conn, "conversation", CONVERSATION_COLUMNS, conversation_rows(n_conversations, rng))
        copy_rows(conn, "interaction", INTERACTION_COLUMNS, interaction_rows(n, n_identities, rng, now))
        conn.execute("SET maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            conn.execute(definition)
        for table in tables:
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.execute("VACUUM ANALYZE")
    return {"identities": n_identities, "conversations": n_conversations}


def accounts(engine: Engine) -> str:
    """An agent (signs in to the pages) and their read token (for the API); returns the clear token."""
    with session_scope(engine) as session:
        user: User = do_create_user(session, "agent@bench.example", "Agent", PASSWORD, Role.AGENT)
        _, token = do_create_token(session, user, "benchmark", ["read"])
    return token


# ---- serving and timing -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def kith_serve(url: str, folder: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "KITH_DATABASE_URL": url, "KITH_SECRET_FILE": str(folder / "bench.secret")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kith", "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            raise RuntimeError("kith serve did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def sign_in(client: httpx.Client) -> None:
    page = client.get("/login").text
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF field on the sign-in page"
    form = {"email": "agent@bench.example", "password": PASSWORD, "csrf_token": match.group(1)}
    response = client.post("/login", data=form)
    assert response.status_code == 303, response.text[:300]


def timed(call: Callable[[], None], requests: int, warmup: int = 10) -> list[float]:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def http_call(client: httpx.Client, path: str, check: Callable[[httpx.Response], bool]) -> Callable[[], None]:
    def call() -> None:
        response = client.get(path)
        if response.status_code != 200 or not check(response):
            raise RuntimeError(f"GET {path}: {response.status_code} {response.text[:300]}")

    return call


def sql_call(conn: psycopg.Connection[Any], engine: Engine, f: StreamFilter) -> Callable[[], None]:
    """The first page's statement as the app builds it, compiled for PostgreSQL, run bare."""
    with Session(engine) as session:
        stmt = stream_select(session, f).limit(PAGE + 1)
    compiled = stmt.compile(dialect=engine.dialect, compile_kwargs={"render_postcompile": True})
    sql, params = str(compiled), dict(compiled.params)

    def call() -> None:
        if not conn.execute(sql, params).fetchall():
            raise RuntimeError("the baseline query found nothing")

    return call


def p(times: list[float], q: float) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[int(q) - 1]


CASES = [  # (label, path, the same filter for the baseline SQL, how to authenticate)
    ("Stream page / (session)", "/", StreamFilter(), "session"),
    (
        "API channel=x&lang=de (token)",
        "/api/v1/interactions?channel=x&lang=de",
        StreamFilter(channels=("x",), lang="de"),
        "token",
    ),
    ("API q=akku (token)", "/api/v1/interactions?q=akku", StreamFilter(q="akku"), "token"),
]
Result = tuple[str, list[float], list[float]]


def measure(url: str, engine: Engine, token: str, requests: int) -> list[Result]:
    results = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        kith_serve(url, Path(tmp)) as base,
        httpx.Client(base_url=base, timeout=60) as browser,
        httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"}) as api,
        psycopg.connect(conninfo(url), autocommit=True) as conn,
    ):
        sign_in(browser)
        for label, path, f, auth in CASES:
            if auth == "session":
                call = http_call(browser, path, lambda r: "<html" in r.text)  # 200 and a page, not a redirect
            else:
                call = http_call(api, path, lambda r: len(json.loads(r.content)["items"]) == PAGE)
            results.append((label, timed(call, requests), timed(sql_call(conn, engine, f), requests)))
    return results


def report(n: int, requests: int, results: list[Result]) -> None:
    print(f"\n{n:,} interactions; {requests} sequential requests per case after 10 warm-up; times in ms")
    print(f"{'case':34}{'HTTP p50':>10}{'p95':>9}{'SQL p50':>10}{'p95':>9}{'p50 ×':>8}{'p95 ×':>8}")
    for label, web, sql in results:
        print(
            f"{label:34}{p(web, 50):>10.2f}{p(web, 95):>9.2f}{p(sql, 50):>10.2f}{p(sql, 95):>9.2f}"
            f"{p(web, 50) / p(sql, 50):>8.1f}{p(web, 95) / p(sql, 95):>8.1f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="interactions to load (default 1000000)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per case (at least 200)")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test", help="PostgreSQL server")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    requests = max(200, args.requests)
    admin_url = normalise_url(args.pg_url)
    name, url = fresh_pg_database(admin_url)
    try:
        engine = make_engine(url)
        upgrade(engine)
        t0 = time.perf_counter()
        sizes = load(url, args.n)
        print(
            f"loaded {args.n:,} interactions, {sizes['identities']:,} identities, {sizes['conversations']:,} "
            f"conversations (COPY, index build, ANALYZE) in {time.perf_counter() - t0:.1f} s"
        )
        results = measure(url, engine, accounts(engine), requests)
        engine.dispose()
    finally:
        if args.keep:
            print(f"kept database {name}")
        else:
            drop_pg_database(admin_url, name)
    report(args.n, requests, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
