"""Notifications for one user (@mentions, assignments…): listing, marking read, and the count in the nav."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kith.db import session_scope, utcnow
from kith.inbox.models import Notification
from kith.interactions.models import Conversation

PAGE = 100


@dataclass(frozen=True)
class NotificationEntry:
    id: int
    kind: str
    text: str
    created_at: datetime
    read: bool
    conversation: str | None  # public id


def notifications_for(session: Session, user_id: int, limit: int = PAGE) -> list[NotificationEntry]:
    rows = session.execute(
        select(Notification, Conversation.public_id)
        .outerjoin(Conversation, Conversation.id == Notification.conversation_id)
        .where(Notification.user_id == user_id)
        .order_by(Notification.read_at.is_not(None), Notification.id.desc())
        .limit(limit)
    ).all()
    return [NotificationEntry(n.id, n.kind, n.text, n.created_at, n.read_at is not None, pid) for n, pid in rows]


def unread_count(session: Session, user_id: int) -> int:
    stmt = select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    return int(session.scalar(stmt) or 0)


def mark_read(session: Session, user_id: int, notification_id: int | None = None) -> int:
    """Mark one (or, with ``None``, every) unread notification of ``user_id`` read; returns how many."""
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    return int(session.execute(stmt.values(read_at=utcnow())).rowcount or 0)  # type: ignore[attr-defined]


def unread_for_template(request: Any, viewer: Any) -> int:
    """The nav's unread count (a Jinja global): never raises — a count is not worth an error page."""
    user_id = getattr(viewer, "user_id", None)
    engine = getattr(getattr(getattr(request, "app", None), "state", None), "engine", None)
    if user_id is None or engine is None:
        return 0
    try:
        with session_scope(engine) as session:
            return unread_count(session, user_id)
    except SQLAlchemyError:
        return 0
