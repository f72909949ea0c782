"""What the Person page shows: the person's identities with the evidence of each link, and open suggestions.

Why its own module: the page gathers from four tables (identities, their channels, link evidence, match
suggestions) and the view should only decide access and render. Everything is read in a few grouped
queries, never one per identity, so a person with many identities costs the same handful of queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kith.channels.models import Channel
from kith.channels.service import DISPLAY_NAMES
from kith.identities.models import Identity, LinkEvidence, MatchSuggestion, Person


@dataclass(frozen=True)
class LinkedIdentity:
    identity: Identity
    channel: str
    evidence: list[LinkEvidence]  # active evidence, newest first
    history: list[LinkEvidence]  # revoked evidence (moved, unlinked), newest first


@dataclass(frozen=True)
class OpenSuggestion:
    suggestion: MatchSuggestion
    ours: Identity  # the person's identity in the pair
    other: Identity
    other_channel: str


@dataclass(frozen=True)
class PersonView:
    person: Person
    identities: list[LinkedIdentity]
    suggestions: list[OpenSuggestion]
    former: list[tuple[Identity, str, LinkEvidence]]  # identities once linked, since unlinked or moved


def person_by_public_id(session: Session, public_id: str) -> Person | None:
    if len(public_id) > 32:
        return None
    return session.scalar(select(Person).where(Person.public_id == public_id))


def identity_ids_of(session: Session, person: Person) -> list[int]:
    return list(session.scalars(select(Identity.id).where(Identity.person_id == person.id).order_by(Identity.id)))


def _channel_names(session: Session) -> dict[int, str]:
    return {cid: DISPLAY_NAMES.get(name, name) for cid, name in session.execute(select(Channel.id, Channel.name))}


def person_view(session: Session, person: Person, max_suggestions: int = 50) -> PersonView:
    """The person's identities with their evidence, former identities, and open suggestions involving them."""
    channels = _channel_names(session)
    identities = list(session.scalars(select(Identity).where(Identity.person_id == person.id).order_by(Identity.id)))
    ids = [i.id for i in identities]
    evidence = list(
        session.scalars(
            select(LinkEvidence)
            .where(LinkEvidence.person_id == person.id)
            .order_by(LinkEvidence.created_at.desc(), LinkEvidence.id.desc())
        )
    )
    linked = [
        LinkedIdentity(
            identity,
            channels.get(identity.channel_id, ""),
            [e for e in evidence if e.identity_id == identity.id and e.revoked_at is None],
            [e for e in evidence if e.identity_id == identity.id and e.revoked_at is not None],
        )
        for identity in identities
    ]
    former_ids = sorted({e.identity_id for e in evidence} - set(ids))
    former_identities = (
        {i.id: i for i in session.scalars(select(Identity).where(Identity.id.in_(former_ids)))} if former_ids else {}
    )
    former = []
    for identity_id in former_ids:
        last = next(e for e in evidence if e.identity_id == identity_id)
        identity = former_identities[identity_id]
        former.append((identity, channels.get(identity.channel_id, ""), last))
    suggestions: list[OpenSuggestion] = []
    if ids:
        found = list(
            session.scalars(
                select(MatchSuggestion)
                .where(
                    MatchSuggestion.status == "open",
                    or_(MatchSuggestion.left_identity_id.in_(ids), MatchSuggestion.right_identity_id.in_(ids)),
                )
                .order_by(MatchSuggestion.probability.desc(), MatchSuggestion.id)
                .limit(max_suggestions)
            )
        )
        others = {s.right_identity_id if s.left_identity_id in ids else s.left_identity_id for s in found}
        by_id = {i.id: i for i in identities}
        if others:
            by_id.update({i.id: i for i in session.scalars(select(Identity).where(Identity.id.in_(sorted(others))))})
        for s in found:
            ours, other = (
                (s.left_identity_id, s.right_identity_id)
                if s.left_identity_id in ids
                else (s.right_identity_id, s.left_identity_id)
            )
            suggestions.append(OpenSuggestion(s, by_id[ours], by_id[other], channels.get(by_id[other].channel_id, "")))
    return PersonView(person, linked, suggestions, former)
