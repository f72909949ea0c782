"""The shared stream query (filters, search, keyset cursor, department visibility) and the reading queries
of the thread and queue pages, on SQLite and PostgreSQL, over data ingested from recorded payloads.

Routing and enrichment do not exist yet: department and sentiment are set directly, as they will be.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select, update

from kith.db import session_scope
from kith.identities.models import Identity
from kith.interactions.models import Conversation, Interaction
from kith.interactions.service import Cursor
from kith.interactions.stream import StreamFilter, StreamPage, stream_page, visible_to
from kith.interactions.views import queue_page, thread_order
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending
from kith.web.stream import thread_sizes
from tests.conftest import PAYLOADS

SEED = [
    ("reddit", "submission-comments.json"),  # a 3-deep thread from 2014
    ("reddit", "subreddit-new.json"),  # 100 AskReddit submissions from 2016-03-01
    ("x", "v2-search-recent.json"),  # 10 tweets without author or date
    ("x", "v2_page_with_expansions_mentions_includes.json"),  # 1 English retweet with its author
    ("mastodon", "status.json"),  # 1 English toot
]
TOTAL = 3 + 100 + 10 + 1 + 1


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    for channel, name in SEED:
        ingest_bytes(engine, channel, (PAYLOADS / channel / name).read_bytes(), name)
    run_pending(engine)
    with session_scope(engine) as session:
        session.execute(update(Conversation).where(Conversation.thread_key == "t3_2gmzqe").values(department="service"))
        session.execute(update(Conversation).where(Conversation.thread_key == "t3_48f9cb").values(department="sales"))
        for external_id, mood in {"t1_cklfmye": "negative", "t3_48f9cb": "negative", "t1_cklhv0f": "positive"}.items():
            session.execute(update(Interaction).where(Interaction.external_id == external_id).values(sentiment=mood))
    return engine


def ids(page: StreamPage) -> list[str]:
    return [row.interaction.external_id for row in page.rows]


def everything(engine: Engine, f: StreamFilter, limit: int = 200) -> list[str]:
    """External ids of the whole filtered stream, walking it page by page with the cursor."""
    found: list[str] = []
    cursor = None
    with session_scope(engine) as session:
        while True:
            page = stream_page(session, f, cursor, limit)
            found += ids(page)
            if page.next_cursor is None:
                return found
            cursor = Cursor.decode(page.next_cursor)


def test_search_finds_words_in_text_and_title(seeded: Engine) -> None:
    assert everything(seeded, StreamFilter(q="PRAW")) == ["t3_2gmzqe"]
    assert everything(seeded, StreamFilter(q="praw branch")) == ["t3_2gmzqe"]  # all words, any case
    assert everything(seeded, StreamFilter(q="meaning life")) == ["t3_48f9cb"]  # a title-only post
    assert everything(seeded, StreamFilter(q="%%%")) == []  # LIKE wildcards are literal
    assert everything(seeded, StreamFilter(q="   ")) == everything(seeded, StreamFilter())
    if seeded.dialect.name == "postgresql":  # web search syntax: phrases and exclusions
        assert everything(seeded, StreamFilter(q='"HTTPS over the API"')) == ["t3_2gmzqe"]
        assert "t3_2gmzqe" not in everything(seeded, StreamFilter(q="PRAW -branch"))


def test_filters_narrow_and_combine(seeded: Engine) -> None:
    assert len(everything(seeded, StreamFilter())) == TOTAL
    assert len(everything(seeded, StreamFilter(channels=("x",)))) == 11
    assert len(everything(seeded, StreamFilter(channels=("x", "mastodon")))) == 12
    march = StreamFilter(since=datetime(2016, 3, 1, tzinfo=UTC), until=datetime(2016, 3, 2, tzinfo=UTC))
    assert len(everything(seeded, march)) == 100
    assert everything(seeded, StreamFilter(until=datetime(2015, 1, 1, tzinfo=UTC))) == [
        "t1_cklhv0f",
        "t1_cklfmye",
        "t3_2gmzqe",
    ]
    assert set(everything(seeded, StreamFilter(lang="en"))) == {"117020585487094447", "1589681856941002753"}
    assert set(everything(seeded, StreamFilter(sentiment="negative"))) == {"t1_cklfmye", "t3_48f9cb"}
    assert everything(seeded, StreamFilter(sentiment="negative", channels=("reddit",), q="issue")) == ["t1_cklfmye"]
    assert len(everything(seeded, StreamFilter(department="service"))) == 3
    assert everything(seeded, StreamFilter(department="sales")) == ["t3_48f9cb"]
    anonymous = everything(seeded, StreamFilter(has_identity=False))
    assert len(anonymous) == 10 and all(i.startswith("15785") for i in anonymous)
    assert len(everything(seeded, StreamFilter(has_identity=True))) == TOTAL - 10


def test_identity_and_conversation_filters(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        bboe = session.scalar(select(Identity.id).where(Identity.handle == "bboe"))
        thread = session.scalar(select(Conversation.id).where(Conversation.thread_key == "t3_2gmzqe"))
    assert everything(seeded, StreamFilter(identity_id=bboe)) == ["t1_cklhv0f", "t3_2gmzqe"]
    assert everything(seeded, StreamFilter(conversation_id=thread)) == ["t1_cklhv0f", "t1_cklfmye", "t3_2gmzqe"]


def test_rows_carry_channel_author_and_conversation(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        (row,) = stream_page(session, StreamFilter(q="PRAW")).rows
        assert (row.channel, row.author_handle) == ("reddit", "bboe")
        assert row.author_public_id and row.conversation_public_id
        (anonymous, *_) = stream_page(session, StreamFilter(has_identity=False)).rows
        assert anonymous.author_public_id is None and anonymous.author_name is None


@pytest.mark.parametrize("limit", [1, 7, 50])
def test_the_cursor_walks_every_row_once_newest_first(seeded: Engine, limit: int) -> None:
    walked = everything(seeded, StreamFilter(), limit)
    assert len(walked) == len(set(walked)) == TOTAL
    with session_scope(seeded) as session:
        order = session.execute(
            select(Interaction.external_id).order_by(Interaction.sort_at.desc(), Interaction.id.desc())
        ).scalars()
        assert walked == list(order)  # ties (the undated tweets share one receive time) broken by id
    filtered = everything(seeded, StreamFilter(channels=("reddit",)), limit)
    assert len(filtered) == 103 and set(filtered) <= set(walked)


def test_last_page_has_no_cursor_and_limits_are_clamped(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        assert stream_page(session, StreamFilter(), None, 10_000).next_cursor is None  # clamped to 200 ≥ TOTAL
        assert len(stream_page(session, StreamFilter(), None, 0).rows) == 1
        assert stream_page(session, StreamFilter(department="sales")).next_cursor is None


def test_visible_to_confines_a_department_member(seeded: Engine) -> None:
    asked = StreamFilter(department="sales", channels=("reddit",))
    assert visible_to(asked, None) == asked
    assert len(everything(seeded, visible_to(asked, "service"))) == 3
    assert everything(seeded, visible_to(StreamFilter(), "legal")) == []
    assert everything(seeded, visible_to(StreamFilter(has_identity=False), "service")) == []


def test_thread_order_and_sizes(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        thread = session.scalar(select(Conversation.id).where(Conversation.thread_key == "t3_2gmzqe"))
        assert thread is not None
        order = thread_order(session, thread)
        external = dict(session.execute(select(Interaction.id, Interaction.external_id)).all())
        assert [(external[i], depth) for i, _, depth in order] == [
            ("t3_2gmzqe", 0),
            ("t1_cklfmye", 1),
            ("t1_cklhv0f", 2),
        ]
        sizes = thread_sizes(session, {thread})
        assert sizes == {thread: 3}


def test_department_queue_pages_by_last_activity(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        session.execute(update(Conversation).where(Conversation.channel_id.is_not(None)).values(department="product"))
        total = session.scalar(select(func.count()).select_from(Conversation))
        seen: list[str] = []
        cursor = None
        while True:
            entries, next_cursor = queue_page(session, "product", cursor, limit=9)
            seen += [e.public_id for e in entries]
            if next_cursor is None:
                break
            cursor = Cursor.decode(next_cursor)
        assert len(seen) == len(set(seen)) == total
        first, *_ = queue_page(session, "product", None, limit=200)[0]
        assert first.channel == "Mastodon" and first.snippet == "Toot!" and first.count == 1
        entries, _ = queue_page(session, "product", None, limit=200)
        praw = next(e for e in entries if e.title and "PRAW" in e.title)
        assert praw.count == 3 and praw.snippet.startswith("Yes it does") and praw.author == "bboe"
        assert all(len(e.snippet) <= 241 for e in entries)
        assert queue_page(session, "legal", None) == ([], None)
