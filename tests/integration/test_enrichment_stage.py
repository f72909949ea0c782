"""The enrichment stage on SQLite and PostgreSQL: language, PII, products, topics, relevance, re-enrichment."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, select

from kith.channels.models import Channel
from kith.db import session_scope
from kith.enrichment.intent import CLASSES
from kith.enrichment.models import InteractionTopic, ProductMention, Topic
from kith.enrichment.stage import enrich_pending
from kith.enrichment.topics import TopicError, do_add_topic
from kith.interactions.models import Interaction
from kith.interactions.service import pending_enrichment
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending

pytestmark = pytest.mark.storage

PRODUCTS = (
    "sku,name,category,price,currency,aliases\n"
    "NL-EB-1001,Aurora 500,e-bike,2499.00,EUR,Aurora|A500\n"
    "NL-TE-3001,Fjell 2 Tent,tent,349.00,EUR,Fjell\n"
)


def status(ident: str, text: str, *, visibility: str = "public", edited_at: str | None = None) -> dict[str, object]:
    return {
        "id": ident,
        "created_at": "2026-09-01T10:00:00.000Z",
        "content": f"<p>{text}</p>",
        "visibility": visibility,
        "in_reply_to_id": None,
        "spoiler_text": "",
        "edited_at": edited_at,
        "account": {"id": "7", "username": "mia", "acct": "mia@example.social", "display_name": "Mia"},
    }


def load(engine: Engine, statuses: list[dict[str, object]]) -> None:
    ingest_bytes(engine, "mastodon", json.dumps(statuses).encode(), "test")
    run_pending(engine)


def row(engine: Engine, ident: str) -> Interaction:
    with session_scope(engine) as session:
        found = session.scalar(select(Interaction).where(Interaction.external_id == ident))
        assert found is not None
        return found


def test_every_interaction_is_enriched_once_and_again_after_an_edit(engine: Engine) -> None:
    ingest_bytes(engine, "csv", PRODUCTS.encode(), "products.csv")
    with session_scope(engine) as session:
        do_add_topic(session, "Brand", "brand", "nordlicht* OR aurora*", "marketing")
        session.scalar(select(Channel).where(Channel.name == "mastodon"))
    load(
        engine,
        [
            status("1", "Der Akku meines Aurora 500 hält nur 20 km. Ruft mich an: +49 30 1234567"),
            status("2", "Lovely weather at the lake today, nothing else to say."),
            status("3", "こんにちは、テントは最高です 🏕️", visibility="direct"),
        ],
    )
    assert enrich_pending(engine).enriched == 3
    assert enrich_pending(engine).enriched == 0  # nothing left

    first, second, third = row(engine, "1"), row(engine, "2"), row(engine, "3")
    assert (first.detected_lang, first.script) == ("de", "Latin")
    assert first.pii == ["phone"]
    assert first.relevant is True and second.relevant is False
    assert third.detected_lang == "ja" and third.relevant is True  # a direct message is addressed to us
    assert first.models["language"].startswith("py3langid")
    assert first.sentiment == "unsupported"  # German: the shipped model is English-only, and says so
    assert second.sentiment in {"negative", "neutral", "positive"}
    assert second.models["sentiment"].startswith("sentiment-")
    assert first.intent == "unsupported" and second.intent in CLASSES
    assert second.models["intent"].startswith("intent-")
    with session_scope(engine) as session:
        mention = session.scalar(select(ProductMention).where(ProductMention.interaction_id == first.id))
        assert mention is not None and mention.matched == "Aurora 500" and mention.how == "name"
        assert first.text[mention.start : mention.end] == "Aurora 500"
        tagged = session.scalar(select(InteractionTopic).where(InteractionTopic.interaction_id == first.id))
        assert tagged is not None and tagged.spans

    load(engine, [status("1", "Problem solved, thanks!", edited_at="2026-09-01T12:00:00.000Z")])
    with session_scope(engine) as session:
        assert pending_enrichment(session) == 1
    enrich_pending(engine)
    edited = row(engine, "1")
    assert edited.detected_lang == "en" and edited.pii == [] and edited.relevant is False
    with session_scope(engine) as session:
        assert session.scalar(select(ProductMention).where(ProductMention.interaction_id == edited.id)) is None


def test_without_topics_everything_is_relevant_and_bad_queries_are_refused(engine: Engine) -> None:
    load(engine, [status("9", "Just chatting about the weather.")])
    enrich_pending(engine)
    assert row(engine, "9").relevant is True
    with session_scope(engine) as session, pytest.raises(TopicError, match="column"):
        do_add_topic(session, "Broken", "brand", "(nordlicht OR", None)
    with session_scope(engine) as session:
        assert session.scalar(select(Topic.id)) is None


def test_the_stream_filters_by_topic_relevance_and_detected_language(engine: Engine) -> None:
    from kith.interactions.stream import StreamFilter, stream_page

    with session_scope(engine) as session:
        topic_id = do_add_topic(session, "Bikes", "product", "aurora* OR bike*", None).id
    load(
        engine,
        [
            status("21", "My Aurora bike is great"),
            status("22", "Das Wetter ist heute schön"),
            status("23", "Completely unrelated chatter about lunch"),
        ],
    )
    enrich_pending(engine)

    def ids(f: StreamFilter) -> set[str]:
        with session_scope(engine) as session:
            return {row.interaction.external_id for row in stream_page(session, f).rows}

    assert ids(StreamFilter(topic_id=topic_id)) == {"21"}
    assert ids(StreamFilter(relevant=True)) == {"21"}
    assert ids(StreamFilter(relevant=False)) == {"22", "23"}
    assert ids(StreamFilter(lang="de")) == {"22"}  # detected: the source declared no language


def test_cards_show_topics_products_and_intent(engine: Engine) -> None:
    from kith.interactions.stream import StreamFilter, stream_page
    from kith.web.stream import cards

    ingest_bytes(engine, "csv", PRODUCTS.encode(), "products.csv")
    with session_scope(engine) as session:
        do_add_topic(session, "Bikes", "product", "aurora* OR bike*", None)
    load(engine, [status("31", "Where can I buy the Aurora 500 in Hamburg?")])
    enrich_pending(engine)
    with session_scope(engine) as session:
        (card,) = cards(session, stream_page(session, StreamFilter()).rows)
    assert card.tags == ("Bikes", "Aurora 500")
    assert card.intent in {c.replace("_", " ") for c in CLASSES}
