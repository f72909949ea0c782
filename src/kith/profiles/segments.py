"""Saved segments: create, change, delete, and find their members (shared by the CLI, web pages and filters).

Members are evaluated on read from the definition (see ``customer_facts`` for why in Python); each count
is written back to the segment row with the time, so the list shows "N members, counted at …" without
re-evaluating every segment. A segment that another segment refers to (``segment:<slug>``) cannot be
deleted until that reference is removed: deleting it would silently break the other definition.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.db import utcnow
from kith.enrichment.query.errors import QuerySyntaxError
from kith.profiles.customer_facts import CustomerFacts, all_customer_facts, identity_ids_of, recent_customer_facts
from kith.profiles.segment_rules import Definition, Resolver, compile_definition
from kith.profiles.segments_models import Segment
from kith.profiles.value import SEGMENTS

MAX_NAME = 200
MAX_DEFINITION = 4000
MAX_DESCRIPTION = 2000
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class SegmentError(ValueError):
    """A segment that cannot be saved or found; the message says what to do instead."""


@dataclass(frozen=True)
class Evaluation:
    """A definition's members, and how many customers it was tested against."""

    members: list[CustomerFacts]
    customers: int
    counted_at: datetime


def slugify(name: str) -> str:
    """``"High-value creators (DE)"`` → ``"high-value-creators-de"``: ASCII, lower case, dashes."""
    ascii_name = unicodedata.normalize("NFKD", name.replace("ß", "ss")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:64].strip("-")


def resolver(session: Session) -> Resolver:
    """``segment:<slug>`` lookups for compiling definitions (one query per referenced segment)."""

    def resolve(slug: str) -> str | None:
        return session.scalar(select(Segment.definition).where(Segment.slug == slug))

    return resolve


def compile_for(session: Session, definition: str, slug: str | None = None) -> Definition:
    """Compile a definition against the saved segments; ``slug`` is the segment being edited (no self-reference)."""
    if len(definition) > MAX_DEFINITION:
        raise QuerySyntaxError(f"the definition is too long (at most {MAX_DEFINITION} characters)", definition, 0)
    return compile_definition(definition, resolver(session), (slug,) if slug else ())


def get_segment(session: Session, slug: str) -> Segment:
    found = session.scalar(select(Segment).where(Segment.slug == slug.strip().lower()))
    if found is None:
        raise SegmentError(f"there is no segment {slug!r}; `kith segments list` shows them")
    return found


def list_segments(session: Session) -> list[Segment]:
    return list(session.scalars(select(Segment).order_by(Segment.name, Segment.id)))


def _check(name: str, description: str) -> tuple[str, str]:
    name, description = name.strip(), description.strip()
    if not name:
        raise SegmentError("a segment needs a name")
    if len(name) > MAX_NAME:
        raise SegmentError(f"the name is too long (at most {MAX_NAME} characters)")
    if len(description) > MAX_DESCRIPTION:
        raise SegmentError(f"the description is too long (at most {MAX_DESCRIPTION} characters)")
    return name, description


def create_segment(
    session: Session,
    name: str,
    definition: str,
    *,
    description: str = "",
    slug: str | None = None,
    created_by: str = "",
    created_by_id: int | None = None,
) -> Segment:
    """Save a new segment; raises ``SegmentError`` (name, slug) or ``QuerySyntaxError`` (definition)."""
    name, description = _check(name, description)
    slug = (slug or slugify(name)).strip().lower()
    if not _SLUG.fullmatch(slug) or len(slug) > 64:
        raise SegmentError(f"the slug {slug!r} must be lower-case letters, digits and dashes, e.g. de-creators")
    if slug in SEGMENTS:
        raise SegmentError(f"{slug!r} is a built-in segment class; choose another name or slug")
    if session.scalar(select(Segment.id).where(Segment.slug == slug)) is not None:
        raise SegmentError(f"a segment with the slug {slug!r} exists already; choose another name or edit it")
    compile_for(session, definition, slug)
    now = utcnow()
    segment = Segment(
        slug=slug,
        name=name,
        definition=definition.strip(),
        description=description,
        created_by=created_by,
        created_by_id=created_by_id,
        created_at=now,
        updated_at=now,
    )
    session.add(segment)
    session.flush()
    return segment


def update_segment(session: Session, segment: Segment, name: str, definition: str, description: str = "") -> None:
    """Change a segment's name, definition and description (the slug stays: links and filters keep working)."""
    name, description = _check(name, description)
    compile_for(session, definition, segment.slug)
    segment.name, segment.definition, segment.description = name, definition.strip(), description
    segment.member_count, segment.counted_at = None, None
    segment.updated_at = utcnow()


def users_of(session: Session, slug: str) -> list[Segment]:
    """Other segments whose definition refers to ``slug``."""
    found = []
    for other in list_segments(session):
        if other.slug == slug:
            continue
        try:
            uses = compile_for(session, other.definition, other.slug).uses
        except QuerySyntaxError:
            continue
        if slug in uses:
            found.append(other)
    return found


def delete_segment(session: Session, segment: Segment) -> None:
    users = users_of(session, segment.slug)
    if users:
        names = ", ".join(u.slug for u in users)
        raise SegmentError(f"the segment {segment.slug} is used by {names}; change their definitions first")
    session.delete(segment)


def evaluate(session: Session, definition: Definition, facts: list[CustomerFacts] | None = None) -> Evaluation:
    """Members of a compiled definition among every customer (``facts`` when the caller gathered them)."""
    everyone = all_customer_facts(session) if facts is None else facts
    return Evaluation([f for f in everyone if definition(f)], len(everyone), utcnow())


def members_of(session: Session, segment: Segment, facts: list[CustomerFacts] | None = None) -> Evaluation:
    """A saved segment's members now; the count and time are cached on the segment row."""
    result = evaluate(session, compile_for(session, segment.definition, segment.slug), facts)
    segment.member_count, segment.counted_at = len(result.members), result.counted_at
    return result


def segment_identity_ids(session: Session, slug: str) -> frozenset[int]:
    """Every identity of the segment's members: what the stream and inbox filters narrow to (facts up to a
    minute old, see ``recent_customer_facts``)."""
    facts = recent_customer_facts(session)
    return frozenset(identity_ids_of(members_of(session, get_segment(session, slug), facts).members))
