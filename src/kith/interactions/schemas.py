"""API shapes of interactions and conversations: public ids only, never the database's integer ids."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from kith.interactions.models import Conversation
from kith.interactions.stream import StreamRow
from kith.web.api_common import Page


class AuthorOut(BaseModel):
    public_id: str
    display_name: str | None
    handle: str | None


class InteractionOut(BaseModel):
    public_id: str
    channel: str
    kind: str
    text: str
    title: str | None
    lang: str | None
    url: str | None
    created_at: datetime | None
    sort_at: datetime  # created_at, or when Kith received it if the source gives no time: the list order
    edited_at: datetime | None
    deleted: bool
    visibility: str
    basis: str
    sentiment: str | None
    author: AuthorOut | None
    conversation_id: str | None

    @classmethod
    def of(cls, row: StreamRow) -> InteractionOut:
        i = row.interaction
        author = (
            AuthorOut(public_id=row.author_public_id, display_name=row.author_name, handle=row.author_handle)
            if row.author_public_id
            else None
        )
        return cls(
            public_id=i.public_id,
            channel=row.channel,
            kind=i.kind,
            text=i.text,
            title=i.title,
            lang=i.lang,
            url=i.url,
            created_at=i.created_at,
            sort_at=i.sort_at,
            edited_at=i.edited_at,
            deleted=i.deleted_at is not None,
            visibility=i.visibility,
            basis=i.basis,
            sentiment=i.sentiment,
            author=author,
            conversation_id=row.conversation_public_id,
        )


class InteractionPage(Page[InteractionOut]):
    """Interactions newest first (``sort_at``, then id)."""


class ConversationOut(BaseModel):
    public_id: str
    channel: str
    status: str
    department: str | None
    priority: str | None
    assignee: str | None
    started_at: datetime | None
    last_activity_at: datetime | None

    @classmethod
    def of(cls, conversation: Conversation, channel: str) -> ConversationOut:
        return cls(
            public_id=conversation.public_id,
            channel=channel,
            status=conversation.status,
            department=conversation.department,
            priority=conversation.priority,
            assignee=conversation.assignee,
            started_at=conversation.started_at,
            last_activity_at=conversation.last_activity_at,
        )


class ConversationPage(Page[InteractionOut]):
    """A conversation and one page of its interactions, oldest first."""

    conversation: ConversationOut
