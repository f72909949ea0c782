"""Listening topics: the company's brands, products, competitors and themes, each a boolean query.

A topic tags every interaction its query matches (with the matched spans). Only relevant interactions —
matching a topic, or addressed to the company (direct messages, e-mails, offline records, mentions of
our own accounts) — go on to routing; until any topic is defined, everything counts as relevant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.enrichment.models import Topic
from kith.enrichment.query import Document, Query, QuerySyntaxError, compile_query
from kith.interactions.service import ToEnrich

KINDS = ("brand", "product", "competitor", "theme")


class TopicError(ValueError):
    """A topic that cannot be saved; the message says why and how to fix it."""


@dataclass(frozen=True)
class CompiledTopic:
    id: int
    name: str
    query: Query

    def match_document(self, document: Document) -> list[tuple[int, int]] | None:
        found = self.query.match(document)
        return found.spans if found is not None else None


def document_of(item: ToEnrich, text: str) -> Document:
    """The query document of an interaction: its text plus the fields the operators filter on."""
    base = Document.from_text(
        text, author=item.author, channel=item.channel, lang=item.lang, country=item.country, url=item.url
    )
    attributes: dict[str, Any] = item.attributes

    def strings(key: str) -> tuple[str, ...]:
        values = attributes.get(key) or []
        return tuple(str(v) for v in values if isinstance(v, str))

    return Document(
        text,
        author=base.author,
        channel=base.channel,
        lang=base.lang,
        country=base.country,
        url=base.url,
        links=tuple(dict.fromkeys((*base.links, *strings("links")))),
        hashtags=tuple(dict.fromkeys((*base.hashtags, *(h.lstrip("#") for h in strings("hashtags"))))),
        mentions=tuple(dict.fromkeys((*base.mentions, *(m.lstrip("@") for m in strings("mentions"))))),
    )


def check_topic(session: Session, name: str, kind: str, query: str) -> None:
    if not name.strip():
        raise TopicError("a topic needs a name")
    if kind not in KINDS:
        raise TopicError(f"unknown kind {kind!r}; choose one of: {', '.join(KINDS)}")
    try:
        compile_query(query)
    except QuerySyntaxError as exc:
        raise TopicError(f"the query does not parse: {exc.message}\n{exc.caret()}") from exc
    if session.scalar(select(Topic.id).where(Topic.name == name.strip())):
        raise TopicError(f"a topic named {name!r} exists already")


def do_add_topic(session: Session, name: str, kind: str, query: str, department: str | None = None) -> Topic:
    check_topic(session, name, kind, query)
    topic = Topic(name=name.strip(), kind=kind, query=query, department=department, active=True)
    session.add(topic)
    session.flush()
    return topic


def list_topics(session: Session) -> list[Topic]:
    return list(session.scalars(select(Topic).order_by(Topic.kind, Topic.name)))


def do_remove_topic(session: Session, name: str) -> bool:
    topic = session.scalar(select(Topic).where(Topic.name == name))
    if topic is None:
        return False
    topic.active = False
    return True


def active_topics(session: Session) -> list[CompiledTopic]:
    return [
        CompiledTopic(t.id, t.name, compile_query(t.query))
        for t in session.scalars(select(Topic).where(Topic.active.is_(True)).order_by(Topic.id))
    ]
