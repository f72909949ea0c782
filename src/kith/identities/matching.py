"""Turn the customer-list dedupe into match suggestions a person reviews, and link identities on evidence.

Why suggestions and not merges: a probable match is still a guess, and a wrong merge mixes two customers'
histories. Splink's pairs therefore become open ``MatchSuggestion`` rows; only an agent's accept links the
two identities into a ``Person`` (with ``LinkEvidence`` saying who decided and why). A decided pair keeps
its status for good: a rejected pair is never suggested again, and both decisions are the labels a later
matcher can learn from. Any link can be undone (``do_unlink``), which revokes its evidence.

The one link made without a person is the same e-mail address *given by the customer* on two channels:
the customers CSV (typed in at sign-up or by staff from the customer) and the e-mail channel (the address a
message came from). An address read from a social profile's bio is not given to us and is never used.

Identities whose ``consent_state`` is ``objected`` are neither suggested nor linked: they objected to
being profiled.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from kith.channels.models import Channel
from kith.db import utcnow
from kith.identities.dedupe import DEFAULT_THRESHOLD, Stage, dedupe_records, ignore_stage
from kith.identities.models import Identity, LinkEvidence, MatchSuggestion, Person

CUSTOMER_CHANNEL = "csv"
CUSTOMER_PREFIX = "customer:"
GIVEN_EMAIL_CHANNELS = ("csv", "email")  # channels where the customer gave us the address themselves
OBJECTED = "objected"
SIMILAR = 0.8  # SequenceMatcher ratio from which two names count as "similar" in the agreeing summary
COMPARED = ("name", "email", "phone", "city", "country", "loyalty_card")


class MatchError(ValueError):
    """A review action that cannot be done as asked (unknown suggestion, already decided, objected identity)."""


@dataclass(frozen=True)
class MatchRun:
    customers: int  # customer identities compared
    suggested: int  # new open suggestions
    updated: int  # open suggestions whose probability was refreshed
    auto_linked: int  # identities linked on the same customer-given e-mail


# ---- reading -----------------------------------------------------------------------------------------


def customer_identities(session: Session) -> list[Identity]:
    """The offline customers (CSV ``customer:…`` identities) that may be profiled."""
    stmt = (
        select(Identity)
        .join(Channel, Channel.id == Identity.channel_id)
        .where(
            Channel.name == CUSTOMER_CHANNEL,
            Identity.external_id.startswith(CUSTOMER_PREFIX, autoescape=True),
            Identity.consent_state != OBJECTED,
        )
        .order_by(Identity.id)
    )
    return list(session.scalars(stmt))


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """``"Anna Maria Müller"`` → (``"Anna Maria"``, ``"Müller"``); one word is a first name only."""
    words = (name or "").split()
    if not words:
        return None, None
    if len(words) == 1:
        return words[0], None
    return " ".join(words[:-1]), words[-1]


def dedupe_record(identity: Identity) -> dict[str, object]:
    """An identity as a customer-list row with headers the dedupe model maps without help."""
    first, last = split_name(identity.display_name)
    attributes = identity.attributes or {}
    return {
        "kith_id": str(identity.id),
        "first_name": first,
        "surname": last,
        "email": identity.email,
        "phone": identity.phone,
        "city": attributes.get("city") if isinstance(attributes.get("city"), str) else None,
    }


def _norm(value: object) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.casefold().split())


def _digits(value: object) -> str:
    return "".join(ch for ch in str(value or "") if ch.isdigit())


def field_values(identity: Identity) -> dict[str, str]:
    attributes = identity.attributes or {}
    return {
        "name": _norm(identity.display_name),
        "email": _norm(identity.email),
        "phone": _digits(identity.phone),
        "city": _norm(attributes.get("city")),
        "country": _norm(attributes.get("country")),
        "loyalty_card": _norm(attributes.get("loyalty_card")),
    }


def agreeing_fields(left: Identity, right: Identity) -> dict[str, str]:
    """Which fields agree, and how (``equal`` or ``similar``): a quick reason a reviewer can check by eye."""
    a, b = field_values(left), field_values(right)
    agreeing: dict[str, str] = {}
    for name in COMPARED:
        if not a[name] or not b[name]:
            continue
        if a[name] == b[name]:
            agreeing[name] = "equal"
        elif name in ("name", "email", "city") and SequenceMatcher(None, a[name], b[name]).ratio() >= SIMILAR:
            agreeing[name] = "similar"
    return agreeing


def _decided_or_known(session: Session, ids: Sequence[int]) -> dict[tuple[int, int], MatchSuggestion]:
    found: dict[tuple[int, int], MatchSuggestion] = {}
    if not ids:
        return found
    stmt = select(MatchSuggestion).where(MatchSuggestion.left_identity_id.in_(ids))
    for suggestion in session.scalars(stmt):
        found[(suggestion.left_identity_id, suggestion.right_identity_id)] = suggestion
    return found


# ---- matching ----------------------------------------------------------------------------------------


def do_match_customers(
    session: Session, threshold: float = DEFAULT_THRESHOLD, on_stage: Stage = ignore_stage
) -> MatchRun:
    """Suggest (never apply) links between probable duplicate customers; link same given e-mails."""
    customers = customer_identities(session)
    by_id = {identity.id: identity for identity in customers}
    pairs = dedupe_records(
        [dedupe_record(c) for c in customers], id_column="kith_id", threshold=threshold, on_stage=on_stage
    )
    on_stage("storing suggestions")
    known = _decided_or_known(session, sorted(by_id))
    suggested = updated = 0
    for pair in pairs:
        left_id, right_id = sorted((int(pair.left_id), int(pair.right_id)))
        left, right = by_id[left_id], by_id[right_id]
        if left.person_id is not None and left.person_id == right.person_id:
            continue  # already the same person
        existing = known.get((left_id, right_id))
        agreeing = agreeing_fields(left, right)
        if existing is None:
            suggestion = MatchSuggestion(
                left_identity_id=left_id,
                right_identity_id=right_id,
                probability=pair.probability,
                agreeing=agreeing,
                method="splink",
                status="open",
            )
            session.add(suggestion)
            known[(left_id, right_id)] = suggestion
            suggested += 1
        elif existing.status == "open" and (existing.probability != pair.probability or existing.agreeing != agreeing):
            existing.probability, existing.agreeing = pair.probability, agreeing
            updated += 1
    session.flush()
    on_stage("linking identical customer-given e-mail addresses")
    linked = do_link_same_emails(session)
    return MatchRun(customers=len(customers), suggested=suggested, updated=updated, auto_linked=linked)


def do_link_same_emails(session: Session) -> int:
    """Link identities of different channels that carry the same customer-given e-mail address.

    Only the CSV and e-mail channels count: there the customer gave the address (sign-up form, the From of
    their own message). An identity with a revoked link is left alone: someone undid a link on purpose.
    Returns how many identities were newly linked.
    """
    revoked = select(LinkEvidence.identity_id).where(LinkEvidence.revoked_at.is_not(None))
    stmt = (
        select(Identity, Channel.name)
        .join(Channel, Channel.id == Identity.channel_id)
        .where(
            Channel.name.in_(GIVEN_EMAIL_CHANNELS),
            Identity.email.is_not(None),
            Identity.email != "",
            Identity.consent_state != OBJECTED,
            Identity.id.not_in(revoked),
        )
        .order_by(Identity.id)
    )
    groups: dict[str, list[tuple[Identity, str]]] = {}
    for identity, channel in session.execute(stmt).all():
        groups.setdefault(_norm(identity.email), []).append((identity, channel))
    linked = 0
    for email, members in groups.items():
        if len({channel for _, channel in members}) < 2:
            continue
        identities = [identity for identity, _ in members]
        if len({i.person_id for i in identities}) == 1 and identities[0].person_id is not None:
            continue
        before = {i.id for i in identities if i.person_id is not None}
        link_identities(session, identities, "same_email", f"same customer-given e-mail {email}", "rule:same_email")
        linked += len([i for i in identities if i.id not in before])
    return linked


# ---- linking -----------------------------------------------------------------------------------------


def _person_sizes(session: Session, person_ids: Iterable[int]) -> dict[int, int]:
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    stmt = select(Identity.person_id, func.count()).where(Identity.person_id.in_(ids)).group_by(Identity.person_id)
    return {int(pid): int(n) for pid, n in session.execute(stmt).all() if pid is not None}


def _add_evidence(session: Session, person: Person, identity: Identity, kind: str, detail: str, by: str) -> None:
    session.add(LinkEvidence(person_id=person.id, identity_id=identity.id, kind=kind, detail=detail, decided_by=by))


def _revoke_active(session: Session, identity: Identity, note: str) -> int:
    active = session.scalars(
        select(LinkEvidence).where(LinkEvidence.identity_id == identity.id, LinkEvidence.revoked_at.is_(None))
    )
    now, count = utcnow(), 0
    for evidence in active:
        evidence.revoked_at = now
        evidence.detail = f"{evidence.detail or ''} [{note}]".strip()
        count += 1
    return count


def link_identities(session: Session, identities: Sequence[Identity], kind: str, detail: str, by: str) -> Person:
    """Put ``identities`` into one person, with evidence for every identity that joins or moves.

    Reuses the person one of them already has; when they have different persons, the smaller ones are
    merged into the largest (each moved identity gets its old evidence revoked and new evidence recorded).
    """
    sizes = _person_sizes(session, [i.person_id for i in identities if i.person_id is not None])
    if sizes:
        target_id = max(sizes, key=lambda pid: (sizes[pid], -pid))
        person = session.get(Person, target_id)
        assert person is not None  # a foreign key points at it
    else:
        name = next((i.display_name for i in identities if i.display_name), None)
        person = Person(display_name=name)
        session.add(person)
        session.flush()
    for other_id in sorted(set(sizes) - {person.id}):
        for moved in session.scalars(select(Identity).where(Identity.person_id == other_id)):
            _revoke_active(session, moved, f"moved to person {person.public_id}")
            moved.person_id = person.id
            _add_evidence(session, person, moved, kind, f"{detail}; merged from another person", by)
    for identity in identities:
        if identity.person_id != person.id:
            identity.person_id = person.id
            _add_evidence(session, person, identity, kind, detail, by)
    session.flush()
    return person


# ---- review actions ----------------------------------------------------------------------------------


def suggestion_by_public_id(session: Session, public_id: str) -> MatchSuggestion | None:
    if len(public_id) > 32:
        return None
    return session.scalar(select(MatchSuggestion).where(MatchSuggestion.public_id == public_id))


def _open_suggestion(session: Session, public_id: str) -> MatchSuggestion:
    suggestion = suggestion_by_public_id(session, public_id)
    if suggestion is None:
        raise MatchError("There is no such match suggestion; reload the review queue.")
    if suggestion.status != "open":
        raise MatchError(f"This suggestion was already {suggestion.status} by {suggestion.decided_by or 'someone'}.")
    return suggestion


def do_accept(session: Session, suggestion_public_id: str, user: str) -> Person:
    """An agent confirms the pair is one customer: link both into a person, with the agent as evidence."""
    suggestion = _open_suggestion(session, suggestion_public_id)
    left = session.get(Identity, suggestion.left_identity_id)
    right = session.get(Identity, suggestion.right_identity_id)
    assert left is not None and right is not None  # foreign keys
    if OBJECTED in (left.consent_state, right.consent_state):
        raise MatchError("One of these customers objected to profiling; their identities cannot be linked.")
    fields = ", ".join(f"{k} {v}" for k, v in sorted((suggestion.agreeing or {}).items())) or "none"
    detail = f"{suggestion.method} match, probability {suggestion.probability:.3f}; agreeing: {fields}"
    person = link_identities(session, [left, right], "agent", detail, user)
    suggestion.status, suggestion.decided_by, suggestion.decided_at = "accepted", user, utcnow()
    return person


def do_reject(session: Session, suggestion_public_id: str, user: str) -> MatchSuggestion:
    """An agent says the pair are different customers: remembered, never suggested again."""
    suggestion = _open_suggestion(session, suggestion_public_id)
    suggestion.status, suggestion.decided_by, suggestion.decided_at = "rejected", user, utcnow()
    return suggestion


def do_unlink(session: Session, identity_public_id: str, user: str) -> Identity:
    """Undo an identity's link: revoke its active evidence and take it out of its person.

    The person stays (with its other identities, and the revoked evidence for the audit trail).
    """
    identity = session.scalar(select(Identity).where(Identity.public_id == identity_public_id[:32]))
    if identity is None:
        raise MatchError("There is no such identity.")
    if identity.person_id is None:
        raise MatchError("This identity is not linked to a person.")
    _revoke_active(session, identity, f"unlinked by {user}")
    identity.person_id = None
    session.flush()
    return identity


def linked_identities(session: Session, identity: Identity) -> list[Identity]:
    """The other identities of the same person (for the identity page)."""
    if identity.person_id is None:
        return []
    stmt = select(Identity).where(Identity.person_id == identity.person_id, Identity.id != identity.id)
    return list(session.scalars(stmt.order_by(Identity.id)))


@dataclass(frozen=True)
class ReviewRow:
    suggestion: MatchSuggestion
    left: Identity
    right: Identity


@dataclass(frozen=True)
class ReviewPage:
    rows: list[ReviewRow]
    next_cursor: str | None  # "probability_id" of the last row when more follow


def review_page(session: Session, after: tuple[float, int] | None, limit: int) -> ReviewPage:
    """Open suggestions, most probable first (keyset on probability, id: stable while agents decide)."""
    stmt = select(MatchSuggestion).where(MatchSuggestion.status == "open")
    if after is not None:
        probability, last_id = after
        stmt = stmt.where(
            or_(
                MatchSuggestion.probability < probability,
                and_(MatchSuggestion.probability == probability, MatchSuggestion.id < last_id),
            )
        )
    found = list(
        session.scalars(stmt.order_by(MatchSuggestion.probability.desc(), MatchSuggestion.id.desc()).limit(limit + 1))
    )
    more, found = len(found) > limit, found[:limit]
    ids = {s.left_identity_id for s in found} | {s.right_identity_id for s in found}
    identities = {i.id: i for i in session.scalars(select(Identity).where(Identity.id.in_(sorted(ids))))} if ids else {}
    rows = [ReviewRow(s, identities[s.left_identity_id], identities[s.right_identity_id]) for s in found]
    last = found[-1] if found else None
    return ReviewPage(rows, f"{last.probability!r}_{last.id}" if more and last else None)
