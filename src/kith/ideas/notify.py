"""Telling the people who raised an idea that it shipped — once each, through the channel they prefer.

One message per *person* (their linked identities count once), queued in the outbox, never sent in the
request. The route: e-mail when the person prefers e-mail (``profiles.value``: the channel with most of
their activity) and has an e-mail identity whose consent is "given"; otherwise a reply to their newest
post about the idea, on that post's channel. The outbox key is ``idea-shipped:<idea>:<person>``, and the
mentions remember ``notified_at``/``notify_via``, so saving "shipped" again, or merging a duplicate that
had already shipped, never tells anyone twice. A person whose posts are all deleted and who has no
consented e-mail address is not contacted; the mention says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.channels.models import Channel
from kith.db import utcnow
from kith.ideas.models import Idea, IdeaMention
from kith.ideas.service import IdeaError, log_change
from kith.identities.models import Identity
from kith.inbox.outbox import queue_message
from kith.inbox.transports import transport_name
from kith.interactions.models import Interaction
from kith.profiles.value import CONSENT_GIVEN, EMAIL_CHANNEL, customer_values

MAX_MESSAGE = 5000


def default_message(idea: Idea) -> str:
    reason = (idea.status_reason or "").strip()
    if reason and not reason.endswith((".", "!", "?")):
        reason += "."
    reason = f" {reason}" if reason else ""
    return f"Good news: your idea “{idea.title}” is now available.{reason} Thank you for suggesting it!"


@dataclass(frozen=True)
class Route:
    channel: str
    transport: str
    recipient: str | None
    in_reply_to: str | None
    subject: str | None


@dataclass
class NotifyReport:
    queued: int = 0
    already: int = 0  # people told before (re-saving "shipped")
    unreachable: int = 0
    via: dict[str, int] = field(default_factory=dict)


@dataclass
class _Person:
    key: str
    mentions: list[tuple[IdeaMention, Interaction, Channel, Identity | None]] = field(default_factory=list)


def _people(session: Session, idea: Idea) -> list[_Person]:
    rows = session.execute(
        select(IdeaMention, Interaction, Channel, Identity)
        .join(Interaction, Interaction.id == IdeaMention.interaction_id)
        .join(Channel, Channel.id == Interaction.channel_id)
        .outerjoin(Identity, Identity.id == IdeaMention.identity_id)
        .where(IdeaMention.idea_id == idea.id)
        .order_by(Interaction.sort_at.desc(), IdeaMention.id.desc())
    ).all()
    people: dict[str, _Person] = {}
    for mention, interaction, channel, identity in rows:
        if identity is None:
            key = f"m{mention.id}"
        else:
            key = f"p{identity.person_id}" if identity.person_id is not None else f"i{identity.id}"
        people.setdefault(key, _Person(key)).mentions.append((mention, interaction, channel, identity))
    return list(people.values())


def _consented_email(session: Session, person_id: int | None, identity: Identity | None) -> str | None:
    """An e-mail address of this person (or this identity) whose owner gave consent."""
    stmt = (
        select(Identity.email, Identity.external_id)
        .join(Channel, Channel.id == Identity.channel_id)
        .where(
            (Channel.name == EMAIL_CHANNEL) | (Channel.kind == EMAIL_CHANNEL), Identity.consent_state == CONSENT_GIVEN
        )
        .order_by(Identity.id)
    )
    if person_id is not None:
        stmt = stmt.where(Identity.person_id == person_id)
    elif identity is not None:
        stmt = stmt.where(Identity.id == identity.id)
    else:
        return None
    row = session.execute(stmt).first()
    return (row[0] or row[1]) if row else None


def route_for(session: Session, person: _Person, prefers_email: bool, idea: Idea) -> tuple[Route, Interaction] | None:
    """Where this person's message goes, and the post it concerns (None: nobody to reach)."""
    _, newest, _, identity = person.mentions[0]
    if identity is not None and prefers_email:
        address = _consented_email(session, identity.person_id, identity)
        if address:
            return Route(
                EMAIL_CHANNEL, transport_name(EMAIL_CHANNEL), address, None, f"Your idea: {idea.title}"
            ), newest
    for _, interaction, channel, author in person.mentions:
        if interaction.deleted_at is not None or author is None:
            continue
        kind = channel.kind or channel.name
        if kind == EMAIL_CHANNEL:
            address = author.email or author.external_id
            return Route(kind, transport_name(kind), address, interaction.external_id, f"Re: {idea.title}"), interaction
        recipient = author.handle or author.external_id
        return Route(kind, transport_name(kind), recipient, interaction.external_id, None), interaction
    return None


def check_message(body: str) -> str:
    text = body.replace("\x00", "").strip()
    if not text:
        raise IdeaError("the message to the customers is empty; write one or keep the default")
    if len(text) > MAX_MESSAGE:
        raise IdeaError(f"the message is too long ({len(text)} characters; at most {MAX_MESSAGE})")
    return text


def do_notify_shipped(session: Session, idea: Idea, body: str | None, user_id: int | None) -> NotifyReport:
    """Queue the "it shipped" message for everyone who raised the idea and was not told yet."""
    if idea.status != "shipped":
        raise IdeaError("only a shipped idea can be announced to the people who raised it")
    text = check_message(body if body is not None else default_message(idea))
    report = NotifyReport()
    people = _people(session, idea)
    identities = [m[3].id for p in people for m in p.mentions if m[3] is not None]
    values = customer_values(session, identities)
    now = utcnow()
    planned: list[tuple[_Person, Route, Interaction]] = []
    for person in people:
        if any(mention.notified_at is not None for mention, *_ in person.mentions):
            report.already += 1
            continue
        author = person.mentions[0][3]
        value = values.get(author.id) if author is not None else None
        prefers_email = value is not None and value.preferred_channel == EMAIL_CHANNEL and value.email_with_consent
        found = route_for(session, person, prefers_email, idea)
        if found is None:
            report.unreachable += 1
            for mention, *_ in person.mentions:
                mention.note = "not told: no post left to answer and no e-mail address with consent"
            continue
        planned.append((person, *found))
    if not planned:
        session.flush()
        return report
    change = log_change(session, idea, "notified", user_id, people=len(planned))
    for person, route, interaction in planned:
        message = queue_message(
            session,
            idempotency_key=f"idea-shipped:{idea.public_id}:{person.key}",
            channel=route.channel,
            transport=route.transport,
            body=text,
            recipient=route.recipient,
            in_reply_to=route.in_reply_to,
            subject=route.subject,
            conversation_id=interaction.conversation_id,
            user_id=user_id,
        )
        for mention, *_ in person.mentions:
            mention.notified_at, mention.notify_via = now, route.channel
            mention.note = f"outbox {message.public_id} ({change})"
        report.queued += 1
        report.via[route.channel] = report.via.get(route.channel, 0) + 1
    idea.notified_at = now
    session.flush()
    return report
