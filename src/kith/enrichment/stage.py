"""The enrichment stage of the pipeline: detect language and script, PII, product mentions, topics and
sentiment for every interaction whose current content has not been enriched yet.

It runs after normalisation (``kith run``), batch by batch, each batch one transaction that also marks the
interactions enriched — so a crash loses nothing and redoes at most one batch. An edit clears the mark
(see ``interactions.service``), so edited text is enriched again. The stages themselves are pure
functions over lists of texts; this module only feeds them and stores what they say.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from kith.channels.base import Visibility
from kith.channels.service import is_ours, our_accounts
from kith.commerce.service import catalogue
from kith.db import insert_ignore, session_scope, utcnow
from kith.enrichment.language import detect_languages
from kith.enrichment.language import model_name as language_model
from kith.enrichment.models import InteractionTopic, ProductMention
from kith.enrichment.pii import find_pii_batch
from kith.enrichment.products import ProductMatcher
from kith.enrichment.sentiment_gate import intent_by_language, sentiment_by_language
from kith.enrichment.topics import CompiledTopic, active_topics, document_of
from kith.interactions.service import ToEnrich, claim_for_enrichment, record_enrichment

ADDRESSED_TO_US = {Visibility.PRIVATE.value, Visibility.EMAIL.value, Visibility.OFFLINE.value}
PII_KINDS_KEPT = ("email", "phone", "card", "iban")  # urls and mentions are public by nature


@dataclass
class EnrichReport:
    enriched: int = 0


@dataclass(frozen=True)
class _Context:
    """What a run needs once, not per batch: the catalogue, the compiled topics, our own accounts."""

    matcher: ProductMatcher
    sku_ids: dict[str, int]
    topics: list[CompiledTopic]
    accounts: dict[int, set[str]]  # channel id -> our handles there (lower case, no @)


def _context(session: Session) -> _Context:
    products, sku_ids = catalogue(session)
    return _Context(ProductMatcher(products), sku_ids, active_topics(session), our_accounts(session))


def enrich_pending(
    engine: Engine, batch_size: int = 500, on_batch: Callable[[int], None] | None = None
) -> EnrichReport:
    report = EnrichReport()
    with session_scope(engine) as session:
        context = _context(session)
    while True:
        with session_scope(engine) as session:
            items = claim_for_enrichment(session, batch_size)
            if not items:
                break
            _enrich_batch(session, context, items)
        report.enriched += len(items)
        if on_batch:
            on_batch(len(items))
    return report


def _enrich_batch(session: Session, context: _Context, items: list[ToEnrich]) -> None:
    live = [item for item in items if not item.deleted]
    texts = [_document(item) for item in live]
    languages = detect_languages(texts)
    sentiments = sentiment_by_language(texts, languages)
    intents = intent_by_language(texts, languages)
    pii = find_pii_batch(texts)
    mentions = context.matcher.find_many(texts)
    now = utcnow()
    results: list[dict[str, Any]] = []
    mention_rows: list[dict[str, Any]] = []
    topic_rows: list[dict[str, Any]] = []
    for item, text, lang, sentiment, intent, spans, found in zip(
        live, texts, languages, sentiments, intents, pii, mentions, strict=True
    ):
        document = document_of(item, text)
        matched_topics = [(topic, hit) for topic in context.topics if (hit := topic.match_document(document))]
        results.append(
            {
                "id": item.id,
                "detected_lang": lang.lang,
                "script": lang.script,
                "sentiment": sentiment.label,
                "sentiment_score": sentiment.score,
                "intent": intent.label,
                "intent_score": intent.score,
                "pii": sorted({span.kind for span in spans if span.kind in PII_KINDS_KEPT}),
                "relevant": bool(matched_topics)
                or _addressed_to_us(item, document.mentions, context)
                or not context.topics,
                "models": {"language": language_model(), "sentiment": sentiment.model, "intent": intent.model},
                "enriched_at": now,
            }
        )
        mention_rows.extend(
            {
                "interaction_id": item.id,
                "product_id": context.sku_ids[m.sku],
                "matched": m.text[:300],
                "start": m.start,
                "end": m.end,
                "how": m.how,
                "score": m.score,
            }
            for m in found
            if m.sku in context.sku_ids
        )
        topic_rows.extend(
            {"interaction_id": item.id, "topic_id": topic.id, "spans": [list(s) for s in match]}
            for topic, match in matched_topics
        )
    results.extend(
        {"id": item.id, "pii": [], "relevant": False, "models": {}, "enriched_at": now, **_cleared()}
        for item in items
        if item.deleted
    )
    ids = [item.id for item in items]
    session.execute(delete(ProductMention).where(ProductMention.interaction_id.in_(ids)))
    session.execute(delete(InteractionTopic).where(InteractionTopic.interaction_id.in_(ids)))
    insert_ignore(session, ProductMention.__table__, mention_rows, keys=["interaction_id", "product_id", "start"])
    insert_ignore(session, InteractionTopic.__table__, topic_rows, keys=["interaction_id", "topic_id"])
    _record(session, results)


def _cleared() -> dict[str, Any]:
    return {
        "detected_lang": None,
        "script": None,
        "sentiment": None,
        "sentiment_score": None,
        "intent": None,
        "intent_score": None,
    }


def _record(session: Session, results: list[dict[str, Any]]) -> None:
    # ORM bulk UPDATE groups rows by their set of keys: keep one shape per statement
    for shape in {tuple(sorted(r)) for r in results}:
        record_enrichment(session, [r for r in results if tuple(sorted(r)) == shape])


def _document(item: ToEnrich) -> str:
    return f"{item.title}\n{item.text}" if item.title else item.text


def _addressed_to_us(item: ToEnrich, mentions: tuple[str, ...], context: _Context) -> bool:
    if item.visibility in ADDRESSED_TO_US:
        return True
    ours = context.accounts.get(item.channel_id, set())
    return any(is_ours(m, ours) for m in mentions)
