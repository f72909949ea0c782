"""The raw store and the pipeline on SQLite and PostgreSQL: idempotency, quarantine, versions, threading."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from kith.db import session_scope
from kith.identities.models import Identity
from kith.interactions.models import Conversation, Interaction
from kith.pipeline.ingest import ingest, ingest_bytes
from kith.pipeline.models import RawItem
from kith.pipeline.quarantine import list_quarantine, replay
from kith.pipeline.runner import run_pending
from kith.stats import collect
from tests.conftest import FIXTURES, PAYLOADS
from tests.snapshot import snapshot

pytestmark = pytest.mark.storage

# every channel with the real payloads it reads (files the parsers must take without a quarantine)
REAL_INPUTS = {
    "x": ["x"],
    "facebook": ["facebook"],
    "instagram": ["instagram"],
    "youtube": ["youtube"],
    "mastodon": ["mastodon"],
    "bluesky": ["bluesky/thread-view-post.json", "bluesky/post-record.json"],
    "reddit": ["reddit"],
    "feeds": ["feeds"],
    "email": ["email"],
}


GOOD_CSV = ["products.csv", "customers.csv", "orders.csv", "store_visits.csv", "calls.csv", "panel.csv"]


def ingest_all_real(engine: Engine) -> None:
    for channel, parts in REAL_INPUTS.items():
        for part in parts:
            ingest(engine, channel, str(PAYLOADS / part))
    for name in GOOD_CSV:
        ingest(engine, "csv", str(FIXTURES / "csv" / name))


def test_every_channel_lands_and_reimport_is_a_no_op(engine: Engine) -> None:
    ingest_all_real(engine)
    first = run_pending(engine)
    assert first.quarantined == 0, first.reasons
    before = snapshot(engine)
    stats = collect(engine)
    for channel in [*REAL_INPUTS, "csv"]:
        assert stats["channels"][channel]["raw_done"] > 0, channel
        assert stats["channels"][channel]["raw_quarantined"] == 0, channel
    social = [c for c in REAL_INPUTS if c != "email"]
    for channel in social:
        assert stats["channels"][channel]["interactions"] > 0, channel

    for channel, parts in REAL_INPUTS.items():
        for part in parts:
            counts = ingest(engine, channel, str(PAYLOADS / part))
            assert counts.new == 0 and counts.duplicate > 0, (channel, counts)
    assert run_pending(engine).processed == 0
    assert snapshot(engine) == before


def test_times_are_utc_aware_and_text_survives(engine: Engine) -> None:
    ingest(engine, "mastodon", str(PAYLOADS / "mastodon" / "streaming_user_sse.txt"))
    body = {
        "id": "990001",
        "created_at": "2026-05-02T07:08:09.000Z",
        "content": "<p>Der Akku hält nicht 😡 — バッテリーが弱い, Привет, مرحبا</p>",
        "visibility": "public",
        "url": "https://example.social/@kim/990001",
        "account": {"id": "77", "username": "kim", "acct": "kim@example.social", "display_name": "Kim 金"},
        "in_reply_to_id": None,
        "spoiler_text": "",
        "language": "de",
        "edited_at": None,
    }
    ingest_bytes(engine, "mastodon", json.dumps(body).encode(), "inline")
    run_pending(engine)
    with session_scope(engine) as session:
        row = session.scalar(select(Interaction).where(Interaction.external_id == "990001"))
        assert row is not None
        assert row.text == "Der Akku hält nicht 😡 — バッテリーが弱い, Привет, مرحبا"
        assert row.created_at is not None and row.created_at.tzinfo is not None
        assert row.created_at.utcoffset() == UTC.utcoffset(None)
        assert row.created_at.isoformat() == "2026-05-02T07:08:09+00:00"
        author = session.get(Identity, row.identity_id)
        assert author is not None and author.display_name == "Kim 金"


def _status(text: str, edited_at: str | None) -> dict[str, object]:
    return {
        "id": "880001",
        "created_at": "2026-06-01T10:00:00.000Z",
        "content": f"<p>{text}</p>",
        "visibility": "public",
        "account": {"id": "5", "username": "ana", "acct": "ana", "display_name": "Ana"},
        "in_reply_to_id": None,
        "spoiler_text": "",
        "edited_at": edited_at,
    }


def test_edit_updates_and_delete_tombstones_without_duplicates(engine: Engine) -> None:
    original = json.dumps(_status("first words", None)).encode()
    edited = json.dumps(_status("second thoughts", "2026-06-01T11:00:00.000Z")).encode()
    ingest_bytes(engine, "mastodon", original, "a")
    run_pending(engine)
    ingest_bytes(engine, "mastodon", edited, "b")
    run_pending(engine)
    with session_scope(engine) as session:
        rows = session.scalars(select(Interaction).where(Interaction.external_id == "880001")).all()
        assert [r.text for r in rows] == ["second thoughts"]
    # the original replayed after the edit must not win
    with session_scope(engine) as session:
        raw = session.scalar(select(RawItem).where(RawItem.external_id == "880001"))
        assert raw is not None
        raw.status = "new"
    run_pending(engine)
    sse = b"event: delete\ndata: 880001\n\n"
    ingest_bytes(engine, "mastodon", sse, "stream")
    run_pending(engine)
    with session_scope(engine) as session:
        rows = session.scalars(select(Interaction).where(Interaction.external_id == "880001")).all()
        assert len(rows) == 1
        assert rows[0].deleted_at is not None and rows[0].text == ""
        assert rows[0].identity_id is not None  # the tombstone keeps who and where, not what
    ingest_bytes(engine, "mastodon", json.dumps(_status("back again?", "2026-06-01T12:00:00.000Z")).encode(), "c")
    run_pending(engine)
    with session_scope(engine) as session:
        row = session.scalar(select(Interaction).where(Interaction.external_id == "880001"))
        assert row is not None and row.deleted_at is not None and row.text == ""


BAD_INPUTS = {
    "truncated.json": ("x", b'{"data": [{"id": "1", "text": "hello"'),
    "invalid-utf8.json": ("x", b'{"data": [{"id": "2", "text": "caf\xe9"}]}'),
    "unknown-shape.json": ("mastodon", b'{"weather": "sunny", "temperature": 21}'),
}


def test_bad_inputs_are_quarantined_with_reasons_and_the_rest_lands(engine: Engine, tmp_path: Path) -> None:
    for name, (channel, data) in BAD_INPUTS.items():
        (tmp_path / channel).mkdir(exist_ok=True)
        (tmp_path / channel / name).write_bytes(data)
    (tmp_path / "x" / "good.json").write_bytes((PAYLOADS / "x" / "v2-search-recent.json").read_bytes())
    x_counts = ingest(engine, "x", str(tmp_path / "x"))
    assert x_counts.quarantined == 2 and x_counts.new > 0
    m_counts = ingest(engine, "mastodon", str(tmp_path / "mastodon"))
    assert m_counts.quarantined == 1
    csv_counts = ingest(engine, "csv", str(FIXTURES / "csv" / "bad_header.csv"))
    assert csv_counts.quarantined == 1
    report = run_pending(engine)
    assert report.processed == x_counts.new and report.quarantined == 0

    entries = {Path(e.source or "").name: e for e in list_quarantine(engine)}
    assert set(entries) == {"truncated.json", "invalid-utf8.json", "unknown-shape.json", "bad_header.csv"}
    assert "truncated" in entries["truncated.json"].reason or "not valid JSON" in entries["truncated.json"].reason
    assert "UTF-8" in entries["invalid-utf8.json"].reason
    assert "Mastodon" in entries["unknown-shape.json"].reason or "mastodon" in entries["unknown-shape.json"].reason
    assert "column" in entries["bad_header.csv"].reason.lower()

    # importing the same bad file again does not add a second quarantine entry
    assert ingest(engine, "x", str(tmp_path / "x" / "truncated.json")).duplicate == 1
    assert len(list_quarantine(engine)) == 4

    # replay without a fix keeps it quarantined; with the corrected content it lands
    still = replay(engine, [entries["truncated.json"].id])
    assert len(still.still_quarantined) == 1
    fixed = b'{"data": [{"id": "1", "text": "hello", "edit_history_tweet_ids": ["1"]}]}'
    result = replay(engine, [entries["truncated.json"].id], payload=fixed)
    assert result.still_quarantined == [] and result.run.processed == 1
    with session_scope(engine) as session:
        assert session.scalar(select(Interaction.text).where(Interaction.external_id == "1")) == "hello"
    assert len(list_quarantine(engine)) == 3


def test_replies_thread_into_one_conversation_even_out_of_order(engine: Engine) -> None:
    def status(ident: str, parent: str | None, minute: int) -> dict[str, object]:
        body = _status(f"message {ident}", None)
        body.update(id=ident, in_reply_to_id=parent, created_at=f"2026-07-01T10:{minute:02d}:00.000Z")
        return body

    # child and grandchild arrive before the root
    ingest_bytes(engine, "mastodon", json.dumps([status("3", "2", 3), status("2", "1", 2)]).encode(), "late")
    run_pending(engine)
    ingest_bytes(engine, "mastodon", json.dumps([status("1", None, 1)]).encode(), "root")
    run_pending(engine)
    with session_scope(engine) as session:
        keys = dict(
            session.execute(
                select(Interaction.external_id, Conversation.thread_key).join(
                    Conversation, Conversation.id == Interaction.conversation_id
                )
            ).all()
        )
        assert keys["1"] == keys["2"] == keys["3"] == "1"
        conversation = session.scalar(select(Conversation).where(Conversation.thread_key == keys["2"]))
        assert conversation is not None and conversation.last_activity_at is not None
        assert conversation.last_activity_at.minute == 3
        assert conversation.started_at is not None and conversation.started_at.minute == 1


def test_a_configured_channel_is_read_by_the_parser_of_its_kind(engine: Engine) -> None:
    from kith.channels.models import Channel

    with session_scope(engine) as session:
        session.add(Channel(name="x-support", kind="x", display_name="X support account", enabled=True))
    counts = ingest(engine, "x-support", str(PAYLOADS / "x" / "v2-search-recent.json"))
    assert counts.new == 10
    assert run_pending(engine).processed == 10
    stats = collect(engine)["channels"]
    assert stats["x-support"]["interactions"] == 10
    assert "x" not in stats  # nothing was filed under the parser's own name


def test_a_deletion_before_its_post_keeps_the_post_deleted_but_learns_who_and_when(engine: Engine) -> None:
    ingest_bytes(engine, "mastodon", b"event: delete\ndata: 880001\n\n", "stream")
    run_pending(engine)
    ingest_bytes(engine, "mastodon", json.dumps(_status("words that were deleted", None)).encode(), "timeline")
    run_pending(engine)
    with session_scope(engine) as session:
        row = session.scalar(select(Interaction).where(Interaction.external_id == "880001"))
        assert row is not None
        assert row.deleted_at is not None and row.text == ""
        assert row.identity_id is not None
        assert row.created_at is not None and row.created_at.isoformat() == "2026-06-01T10:00:00+00:00"
        assert row.sort_at == row.created_at


def test_a_deletion_in_the_same_batch_as_its_post(engine: Engine) -> None:
    ingest_bytes(engine, "mastodon", b"event: delete\ndata: 880001\n\n", "stream")
    ingest_bytes(engine, "mastodon", json.dumps(_status("gone soon", None)).encode(), "timeline")
    assert run_pending(engine).processed == 2  # one batch
    with session_scope(engine) as session:
        row = session.scalar(select(Interaction).where(Interaction.external_id == "880001"))
        assert row is not None
        assert row.deleted_at is not None and row.text == ""
        assert row.identity_id is not None and row.created_at is not None
