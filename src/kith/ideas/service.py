"""The ideas board's operations: read the board and one idea; ``check_*`` validate, ``do_*`` act.

Status history lives on the conversations: every change is an "idea" ``ConversationEvent`` on each
conversation that raised the idea (``data``: idea, action "status", from, to, reason, change). The
inbox timeline of a conversation therefore shows what became of the customer's idea, and the idea page
reads its history back from the same rows (one row per change and conversation, shown once per change).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from kith.auth.models import Role, User
from kith.auth.service import Principal
from kith.channels.models import Channel
from kith.commerce.models import Product
from kith.db import utcnow
from kith.ideas.models import Idea, IdeaMention
from kith.identities.models import Identity
from kith.inbox.events import record_event
from kith.inbox.models import ConversationEvent
from kith.interactions.models import Conversation, Interaction

STATUSES = ("new", "under_review", "planned", "shipped", "declined")
ACCEPTED = ("planned", "shipped")  # the conversations' outcome becomes "idea_accepted"
SORTS = ("votes", "newest")
PRODUCT_DEPARTMENT = "product"
MAX_TITLE = 300
MAX_REASON = 2000


class IdeaError(ValueError):
    """A request the user can correct; the message says how."""


def may_manage(viewer: Principal) -> bool:
    """Product design owns the board: its members (any role but read-only) and admins change ideas."""
    if viewer.role == Role.ADMIN:
        return True
    return viewer.department_slug == PRODUCT_DEPARTMENT and viewer.role != Role.READONLY


@dataclass(frozen=True)
class IdeaCard:
    public_id: str
    title: str
    summary: str
    status: str
    status_reason: str | None
    votes: int
    mentions: int
    product: str | None
    product_id: int | None
    created_at: datetime
    updated_at: datetime
    shipped_at: datetime | None


def _card(idea: Idea, product: str | None) -> IdeaCard:
    return IdeaCard(
        idea.public_id,
        idea.title,
        idea.summary,
        idea.status,
        idea.status_reason,
        idea.votes,
        idea.mentions,
        product,
        idea.product_id,
        idea.created_at,
        idea.updated_at,
        idea.shipped_at,
    )


def board(
    session: Session, status: str | None = None, product: str | None = None, sort: str = "votes", limit: int = 200
) -> list[IdeaCard]:
    """Ideas with at least one mention, filtered by status and product (public id), most votes or newest first."""
    stmt = select(Idea, Product.name).outerjoin(Product, Product.id == Idea.product_id).where(Idea.mentions > 0)
    if status:
        stmt = stmt.where(Idea.status == status)
    if product:
        stmt = stmt.where(Product.public_id == product)
    order = (
        (Idea.created_at.desc(), Idea.id.desc())
        if sort == "newest"
        else (Idea.votes.desc(), Idea.mentions.desc(), Idea.id.desc())
    )
    return [_card(idea, name) for idea, name in session.execute(stmt.order_by(*order).limit(limit))]


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Idea.status, func.count()).where(Idea.mentions > 0).group_by(Idea.status))
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({str(s): int(n) for s, n in rows})
    return counts


def products_on_board(session: Session) -> list[tuple[str, str]]:
    """(public id, name) of products that have ideas, for the board's filter."""
    rows = session.execute(
        select(Product.public_id, Product.name)
        .join(Idea, Idea.product_id == Product.id)
        .distinct()
        .order_by(Product.name)
    )
    return [(str(p), str(n)) for p, n in rows]


def all_products(session: Session) -> list[tuple[str, str]]:
    """(public id, name) of every product, for linking an idea to one."""
    return [
        (str(p), str(n)) for p, n in session.execute(select(Product.public_id, Product.name).order_by(Product.name))
    ]


def idea_by_public_id(session: Session, public_id: str) -> Idea:
    idea = session.scalar(select(Idea).where(Idea.public_id == public_id))
    if idea is None:
        raise LookupError(f"no idea {public_id!r}")
    return idea


def card_of(session: Session, idea: Idea) -> IdeaCard:
    product = session.get(Product, idea.product_id) if idea.product_id else None
    return _card(idea, product.name if product else None)


@dataclass(frozen=True)
class MentionRow:
    interaction_public_id: str
    conversation_public_id: str | None
    department: str | None  # the conversation's department (department members see only theirs)
    channel: str
    author: str | None
    author_public_id: str | None
    text: str
    url: str | None
    at: datetime | None
    similarity: float
    notified_at: datetime | None
    notify_via: str | None
    note: str | None
    deleted: bool


def _quoted(interaction: Interaction) -> str:
    if interaction.deleted_at is not None:
        return ""
    if interaction.title and not interaction.title.lower().startswith(("re:", "aw:", "fwd:", "wg:")):
        return f"{interaction.title}\n{interaction.text}"
    return interaction.text


def mentions_of(session: Session, idea: Idea) -> list[MentionRow]:
    """The idea's mentions, newest first, with what the idea page shows of each."""
    rows = session.execute(
        select(IdeaMention, Interaction, Channel.name, Identity, Conversation.public_id, Conversation.department)
        .join(Interaction, Interaction.id == IdeaMention.interaction_id)
        .join(Channel, Channel.id == Interaction.channel_id)
        .outerjoin(Identity, Identity.id == Interaction.identity_id)
        .outerjoin(Conversation, Conversation.id == Interaction.conversation_id)
        .where(IdeaMention.idea_id == idea.id)
        .order_by(Interaction.sort_at.desc(), IdeaMention.id.desc())
    )
    return [
        MentionRow(
            interaction.public_id,
            conversation_pid,
            department,
            channel,
            (identity.display_name or identity.handle or identity.external_id) if identity else None,
            identity.public_id if identity else None,
            _quoted(interaction),
            interaction.url,
            interaction.created_at or interaction.sort_at,
            mention.similarity,
            mention.notified_at,
            mention.notify_via,
            mention.note,
            interaction.deleted_at is not None,
        )
        for mention, interaction, channel, identity, conversation_pid, department in rows
    ]


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    action: str  # created | status | merge | edit | product | notified
    text: str
    who: str | None


def history_of(session: Session, idea: Idea) -> list[HistoryEntry]:
    """What happened to the idea, oldest first: one entry per change (not per conversation it touched)."""
    conversations = (
        select(Interaction.conversation_id)
        .join(IdeaMention, IdeaMention.interaction_id == Interaction.id)
        .where(IdeaMention.idea_id == idea.id)
    )
    rows = session.execute(
        select(ConversationEvent, User.name)
        .outerjoin(User, User.id == ConversationEvent.user_id)
        .where(ConversationEvent.kind == "idea", ConversationEvent.conversation_id.in_(conversations))
        .order_by(ConversationEvent.at, ConversationEvent.id)
    )
    seen: set[str] = set()
    entries = [HistoryEntry(idea.created_at, "created", "collected from a customer's suggestion", None)]
    for event, who in rows:
        data: dict[str, Any] = event.data or {}
        change = str(data.get("change") or "")
        if data.get("idea") != idea.public_id or not change or change in seen:
            continue
        seen.add(change)
        entries.append(HistoryEntry(event.at, str(data.get("action")), describe(data), who))
    return entries


def describe(data: dict[str, Any]) -> str:
    action = data.get("action")
    if action == "status":
        reason = f": {data['reason']}" if data.get("reason") else ""
        return f"status {data.get('from')} → {data.get('to')}{reason}"
    if action == "merge":
        return f"merged with the duplicate “{data.get('duplicate_title')}” ({data.get('moved')} mention(s))"
    if action == "product":
        return f"product set to {data.get('product') or 'none'}"
    if action == "edit":
        return "title or summary edited"
    if action == "notified":
        return f"{data.get('people')} customer(s) told it shipped"
    return str(action)


def _conversations_of(session: Session, idea_id: int) -> list[Conversation]:
    return list(
        session.scalars(
            select(Conversation)
            .where(
                Conversation.id.in_(
                    select(Interaction.conversation_id)
                    .join(IdeaMention, IdeaMention.interaction_id == Interaction.id)
                    .where(IdeaMention.idea_id == idea_id)
                )
            )
            .order_by(Conversation.id)
        )
    )


def log_change(session: Session, idea: Idea, action: str, user_id: int | None, **data: Any) -> str:
    """Record one change of the idea on each of its conversations; returns the change id."""
    change = uuid.uuid4().hex[:16]
    now = utcnow()
    for conversation in _conversations_of(session, idea.id):
        record_event(
            session,
            conversation,
            "idea",
            user_id=user_id,
            at=now,
            data={"idea": idea.public_id, "action": action, "change": change, **data},
        )
    return change


def recount_votes(session: Session, idea_ids: Iterable[int]) -> None:
    """votes = distinct people (a person's linked identities count once; an unlinked identity counts on its
    own; a mention without a known author counts once); mentions = interactions."""
    ids = sorted(set(idea_ids))
    if not ids:
        return
    people: dict[int, set[tuple[str, int]]] = {i: set() for i in ids}
    mentions: dict[int, int] = dict.fromkeys(ids, 0)
    rows = session.execute(
        select(IdeaMention.idea_id, IdeaMention.id, IdeaMention.identity_id, Identity.person_id)
        .outerjoin(Identity, Identity.id == IdeaMention.identity_id)
        .where(IdeaMention.idea_id.in_(ids))
    )
    for idea_id, mention_id, identity_id, person_id in rows:
        mentions[idea_id] += 1
        if person_id is not None:
            people[idea_id].add(("person", int(person_id)))
        elif identity_id is not None:
            people[idea_id].add(("identity", int(identity_id)))
        else:
            people[idea_id].add(("mention", int(mention_id)))
    for idea_id in ids:
        session.execute(
            update(Idea).where(Idea.id == idea_id).values(votes=len(people[idea_id]), mentions=mentions[idea_id])
        )


def check_status(status: str, reason: str) -> str:
    status = status.strip().lower().replace(" ", "_").replace("-", "_")
    if status not in STATUSES:
        raise IdeaError(f"unknown status {status!r}; choose one of: {', '.join(STATUSES)}")
    if not reason.strip():
        raise IdeaError("give a reason for the status change (it is shown to colleagues and may go to customers)")
    if len(reason) > MAX_REASON:
        raise IdeaError(f"the reason is too long ({len(reason)} characters; at most {MAX_REASON})")
    return status


def do_change_status(session: Session, idea: Idea, status: str, reason: str, user_id: int | None) -> bool:
    """Set the status with its reason; planned or shipped marks the conversations "idea_accepted".

    Returns False when nothing changed (same status and reason): re-saving is harmless.
    """
    status = check_status(status, reason)
    reason = reason.strip()
    if idea.status == status and (idea.status_reason or "") == reason:
        return False
    previous = idea.status
    now = utcnow()
    idea.status, idea.status_reason, idea.status_changed_by, idea.updated_at = status, reason, user_id, now
    if status == "shipped" and idea.shipped_at is None:
        idea.shipped_at = now
    session.flush()
    log_change(session, idea, "status", user_id, **{"from": previous, "to": status, "reason": reason})
    if status in ACCEPTED:
        mark_accepted(session, idea, user_id)
    return True


def mark_accepted(session: Session, idea: Idea, user_id: int | None) -> int:
    """An "outcome: idea_accepted" event on each conversation of the idea that has none yet."""
    conversations = _conversations_of(session, idea.id)
    done = set(
        session.scalars(
            select(ConversationEvent.conversation_id).where(
                ConversationEvent.kind == "outcome",
                ConversationEvent.outcome == "idea_accepted",
                ConversationEvent.conversation_id.in_([c.id for c in conversations]),
            )
        )
    )
    marked = 0
    for conversation in conversations:
        if conversation.id in done:
            continue
        record_event(
            session, conversation, "outcome", user_id=user_id, outcome="idea_accepted", data={"idea": idea.public_id}
        )
        if conversation.outcome is None:
            conversation.outcome = "idea_accepted"
        marked += 1
    return marked


def do_edit(session: Session, idea: Idea, title: str, summary: str, user_id: int | None) -> bool:
    title, summary = " ".join(title.split()), summary.strip()
    if not title:
        raise IdeaError("the title must not be empty")
    if len(title) > MAX_TITLE:
        raise IdeaError(f"the title is too long ({len(title)} characters; at most {MAX_TITLE})")
    if title == idea.title and summary == idea.summary:
        return False
    idea.title, idea.summary, idea.updated_at = title, summary, utcnow()
    log_change(session, idea, "edit", user_id)
    return True


def do_link_product(session: Session, idea: Idea, product_id: int | None, user_id: int | None) -> bool:
    product = session.get(Product, product_id) if product_id else None
    if product_id and product is None:
        raise IdeaError("unknown product; pick one from the list")
    if idea.product_id == product_id:
        return False
    idea.product_id, idea.updated_at = product_id, utcnow()
    log_change(session, idea, "product", user_id, product=product.name if product else None)
    return True


def do_merge(session: Session, target: Idea, duplicate: Idea, user_id: int | None) -> int:
    """Move the duplicate's mentions to ``target``, recount its votes and delete the duplicate.

    Returns how many mentions moved. The duplicate's history stays on its conversations' timelines.
    """
    if duplicate.id == target.id:
        raise IdeaError("an idea cannot be merged into itself")
    moved = int(
        session.scalar(select(func.count()).select_from(IdeaMention).where(IdeaMention.idea_id == duplicate.id)) or 0
    )
    session.execute(update(IdeaMention).where(IdeaMention.idea_id == duplicate.id).values(idea_id=target.id))
    if target.product_id is None and duplicate.product_id is not None:
        target.product_id = duplicate.product_id
    target.updated_at = utcnow()
    title = duplicate.title
    session.execute(delete(Idea).where(Idea.id == duplicate.id))
    session.flush()
    recount_votes(session, [target.id])
    session.refresh(target)
    log_change(session, target, "merge", user_id, duplicate_title=title, moved=moved)
    if target.status in ACCEPTED:
        mark_accepted(session, target, user_id)
    return moved
