"""Everything the inbox's conversation view shows, gathered in one place so the view stays a thin shell.

The thread (plus threads merged into it), the person's whole cross-channel history (every identity linked
to the same person, newest first, capped), the profile summary, the next best offer, how the
conversation was routed and what the learned router suggests, suggested answers and the event timeline.
Every list respects the viewer's department: a department member never sees another department's
conversations here either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.auth.models import Department, User
from kith.auth.service import Principal
from kith.channels.models import Channel
from kith.channels.service import DISPLAY_NAMES
from kith.db import utcnow
from kith.identities.models import Identity
from kith.inbox.answers import answer_for
from kith.inbox.merge import merge_candidates, merged_sources
from kith.inbox.models import ConversationEvent
from kith.inbox.queues import sla_clock
from kith.inbox.reply import reply_targets
from kith.inbox.service import assignable_users, confined_to, customer_identity, departments, may_act
from kith.inbox.suggestions import similar_answered, similar_saved_answers
from kith.interactions.models import Conversation, Interaction
from kith.interactions.stream import StreamFilter, StreamRow, stream_select, visible_to
from kith.interactions.views import MAX_INDENT, rows_by_id, thread_order, thread_title
from kith.profiles.next_offer import next_best_offers
from kith.profiles.service import profile_for
from kith.routing.models import RoutingDecision
from kith.routing.service import explanation_for
from kith.web.stream import Card, card_of

HISTORY = 20
TIMELINE = 100
THREAD = 200


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    at: Any
    who: str
    body: str | None
    outcome: str | None
    channel: str | None
    response_seconds: int | None
    data: dict[str, Any]


def thread_cards(session: Session, conversation: Conversation, confined: str | None) -> list[Card]:
    shown = thread_order(session, conversation.id)[:THREAD]
    only_this = visible_to(StreamFilter(conversation_id=conversation.id), confined)
    rows = rows_by_id(session, only_this, [i for i, _, _ in shown])
    return [card_of(rows[i], depth=min(depth, MAX_INDENT)) for i, _, depth in shown if i in rows]


def person_identities(session: Session, identity: Identity) -> list[Identity]:
    if identity.person_id is None:
        return [identity]
    return list(session.scalars(select(Identity).where(Identity.person_id == identity.person_id).order_by(Identity.id)))


def history_cards(
    session: Session, identities: list[Identity], exclude: list[int], confined: str | None
) -> tuple[list[Card], bool]:
    """The person's interactions outside this conversation, newest first, capped (and whether there are more)."""
    f = visible_to(StreamFilter(), confined)
    stmt = (
        stream_select(session, f)
        .where(Interaction.identity_id.in_([i.id for i in identities]))
        .where((Interaction.conversation_id.is_(None)) | (Interaction.conversation_id.not_in(exclude)))
        .order_by(Interaction.sort_at.desc(), Interaction.id.desc())
        .limit(HISTORY + 1)
    )
    rows = [StreamRow(r[0], r[1], r[2], r[3], r[4], r[5]) for r in session.execute(stmt).all()]
    return [card_of(r) for r in rows[:HISTORY]], len(rows) > HISTORY


def timeline(session: Session, conversation: Conversation) -> list[TimelineEntry]:
    rows = session.execute(
        select(ConversationEvent, User.name)
        .outerjoin(User, User.id == ConversationEvent.user_id)
        .where(ConversationEvent.conversation_id == conversation.id)
        .order_by(ConversationEvent.at.desc(), ConversationEvent.id.desc())
        .limit(TIMELINE)
    ).all()
    return [
        TimelineEntry(e.kind, e.at, name or "Kith", e.body, e.outcome, e.channel, e.response_seconds, e.data or {})
        for e, name in rows
    ]


def routing_context(session: Session, conversation: Conversation) -> dict[str, Any]:
    """The decision in force, its explanation (which rule or model decided and why), and an open suggestion."""
    decision = (
        session.get(RoutingDecision, conversation.routing_decision_id) if conversation.routing_decision_id else None
    )
    explanation = explanation_for(session, conversation)
    suggestion = session.scalar(
        select(RoutingDecision)
        .where(RoutingDecision.conversation_id == conversation.id, RoutingDecision.source == "suggestion")
        .order_by(RoutingDecision.id.desc())
        .limit(1)
    )
    if suggestion is not None and (
        suggestion.department == conversation.department or (decision is not None and decision.id > suggestion.id)
    ):
        suggestion = None
    return {"decision": decision, "explanation": explanation, "suggestion": suggestion}


def conversation_context(
    session: Session, viewer: Principal, conversation: Conversation, prefill: str | None
) -> dict[str, Any]:
    confined = confined_to(viewer)
    now = utcnow()
    channel = session.get(Channel, conversation.channel_id)
    items = thread_cards(session, conversation, confined)
    merged = [(c, thread_cards(session, c, confined)) for c in merged_sources(session, conversation)]
    who = customer_identity(session, conversation)
    identities = person_identities(session, who) if who is not None else []
    exclude = [conversation.id, *(c.id for c, _ in merged)]
    history, more_history = history_cards(session, identities, exclude, confined) if identities else ([], False)
    profile = profile_for(session, who.id, now) if who is not None else None
    offers = next_best_offers(session, who.id) if who is not None else []
    answer = answer_for(session, prefill, confined) if prefill else None
    target = session.get(Conversation, conversation.merged_into_id) if conversation.merged_into_id else None
    channel_names = {c.id: c.name for c in session.scalars(select(Channel))}
    return {
        "conversation": conversation,
        "channel": DISPLAY_NAMES.get(channel.name, channel.name) if channel else "",
        "channel_names": {name: DISPLAY_NAMES.get(name, name) for name in channel_names.values()},
        "department": session.scalar(select(Department).where(Department.slug == conversation.department)),
        "departments": departments(session),
        "title": thread_title(items),
        "items": items,
        "merged": merged,
        "merged_into": target,
        "who": who,
        "identities": identities,
        "history": history,
        "more_history": more_history,
        "profile": profile,
        "offers": offers,
        "sla": sla_clock(conversation.sla_due_at, now, conversation.status),
        "assignee": session.get(User, conversation.assignee_id) if conversation.assignee_id else None,
        "assignable": assignable_users(session, conversation),
        "targets": reply_targets(session, conversation),
        "prefill": answer,
        "past_answers": similar_answered(session, conversation, confined),
        "saved_matches": similar_saved_answers(session, conversation, confined),
        "candidates": merge_candidates(session, conversation, confined),
        "events": timeline(session, conversation),
        "can_act": may_act(viewer, conversation) and conversation.status != "merged",
        **routing_context(session, conversation),
    }
