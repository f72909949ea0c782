"""Answers given outside Kith: a reply the company wrote natively on the network (in the X app, the
Facebook page inbox, a mail client) is a response too, and response times must count it.

After routing, for each routed conversation that has no first response yet, the first interaction written
by one of the company's own accounts *after* the customer's first message is taken as the first response:
it sets ``first_response_at``, records a ``reply`` event (``data.native``: not sent through Kith; the event's
time is the reply's, so follow-ups and the digest see it where it happened) with ``response_seconds``, and a
conversation still ``open`` becomes ``pending`` — the customer has an answer and the next move is theirs
(the follow-up step reopens it when they write again).

Only the first response is measured this way; later native replies stay visible in the thread. Idempotent:
a conversation with ``first_response_at`` set is never looked at again. Replies Kith sent itself set
``first_response_at`` when they were queued (see ``reply``), so they are never counted twice.

``settle_answered`` runs after the follow-up step: an ``open`` conversation whose newest message is the
company's own answer (the customer wrote again, and we answered on the network again) becomes ``pending``,
with a ``status`` event dated at that answer — so it leaves the open queue until the customer writes again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kith.channels.base import Visibility
from kith.channels.service import channel_names
from kith.db import session_scope
from kith.identities.service import our_identity_ids
from kith.inbox.events import record_event
from kith.interactions.models import Conversation, Interaction

BATCH = 500


@dataclass
class NativeReport:
    captured: int = 0  # conversations whose first response was found on the network


def capture_native_replies(engine: Engine, batch_size: int = BATCH) -> NativeReport:
    report = NativeReport()
    after = 0
    while True:
        with session_scope(engine) as session:
            ids = list(
                session.scalars(
                    select(Conversation.id)
                    .where(
                        Conversation.id > after,
                        Conversation.routed_at.is_not(None),
                        Conversation.first_response_at.is_(None),
                        Conversation.merged_into_id.is_(None),
                    )
                    .order_by(Conversation.id)
                    .limit(batch_size)
                )
            )
            if not ids:
                return report
            after = ids[-1]
            report.captured += _capture(session, ids)


def _capture(session: Session, conversation_ids: list[int]) -> int:
    ours = our_identity_ids(session)
    if not ours:
        return 0
    names = channel_names(session)
    rows = session.execute(
        select(Interaction.conversation_id, Interaction.identity_id, Interaction.sort_at, Interaction.public_id)
        .where(
            Interaction.conversation_id.in_(conversation_ids),
            Interaction.deleted_at.is_(None),
            Interaction.visibility != Visibility.OFFLINE.value,
        )
        .order_by(Interaction.conversation_id, Interaction.sort_at, Interaction.id)
    ).all()
    first_customer: dict[int, datetime] = {}
    answer: dict[int, tuple[datetime, str]] = {}
    for conversation_id, identity_id, at, public_id in rows:
        if conversation_id is None:
            continue
        if identity_id in ours:
            if conversation_id in first_customer and conversation_id not in answer:
                answer[conversation_id] = (at, public_id)
        elif conversation_id not in first_customer:
            first_customer[conversation_id] = at
    captured = 0
    for conversation in session.scalars(select(Conversation).where(Conversation.id.in_(list(answer)))):
        asked, (replied, public_id) = first_customer[conversation.id], answer[conversation.id]
        seconds = max(0, int((replied - asked).total_seconds()))
        conversation.first_response_at = replied
        record_event(
            session,
            conversation,
            "reply",
            at=replied,
            channel=names.get(conversation.channel_id),
            response_seconds=seconds,
            data={"native": True, "interaction": public_id},
        )
        if conversation.status == "open":
            conversation.status = "pending"
        captured += 1
    return captured


def settle_answered(engine: Engine, batch_size: int = BATCH) -> int:
    """Mark ``pending`` the open, routed conversations whose newest message is ours; returns how many."""
    settled = 0
    after = 0
    while True:
        with session_scope(engine) as session:
            conversations = list(
                session.scalars(
                    select(Conversation)
                    .where(
                        Conversation.id > after,
                        Conversation.status == "open",
                        Conversation.routed_at.is_not(None),
                        Conversation.merged_into_id.is_(None),
                    )
                    .order_by(Conversation.id)
                    .limit(batch_size)
                )
            )
            if not conversations:
                return settled
            after = conversations[-1].id
            ours = our_identity_ids(session)
            if not ours:
                return settled
            newest: dict[int, tuple[int | None, datetime, str]] = {}
            rows = session.execute(
                select(Interaction.conversation_id, Interaction.identity_id, Interaction.sort_at, Interaction.public_id)
                .where(
                    Interaction.conversation_id.in_([c.id for c in conversations]),
                    Interaction.deleted_at.is_(None),
                    Interaction.visibility != Visibility.OFFLINE.value,
                )
                .order_by(Interaction.conversation_id, Interaction.sort_at, Interaction.id)
            )
            for conversation_id, identity_id, at, public_id in rows:
                if conversation_id is not None:
                    newest[conversation_id] = (identity_id, at, public_id)  # ordered: the last one wins
            for conversation in conversations:
                last = newest.get(conversation.id)
                if last is None or last[0] not in ours:
                    continue
                conversation.status = "pending"
                record_event(
                    session,
                    conversation,
                    "status",
                    at=last[1],
                    data={"from": "open", "to": "pending", "reason": "answered on the network", "interaction": last[2]},
                )
                settled += 1
