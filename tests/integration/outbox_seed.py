"""Small helpers to seed conversations, messages and events for the outbox, SLA, follow-up and digest tests,
and a local SMTP sink (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.auth.models import Department, User
from kith.auth.service import ensure_default_departments
from kith.channels.models import Channel
from kith.identities.models import Identity
from kith.interactions.models import Conversation, Interaction
from kith.pipeline.models import RawItem


def channel(session: Session, name: str) -> Channel:
    found = session.scalar(select(Channel).where(Channel.name == name))
    if found is None:
        found = Channel(name=name, kind=name, display_name=name.capitalize())
        session.add(found)
        session.flush()
    return found


def conversation(
    session: Session, channel_name: str, key: str, *, department: str | None = "service", **fields: Any
) -> Conversation:
    conv = Conversation(channel_id=channel(session, channel_name).id, thread_key=key, department=department, **fields)
    session.add(conv)
    session.flush()
    return conv


def message(
    session: Session,
    conv: Conversation,
    external_id: str,
    at: datetime,
    text: str = "hello",
    *,
    sentiment: str | None = None,
    enriched: bool = True,
    payload: dict[str, Any] | None = None,
    identity: Identity | None = None,
    **fields: Any,
) -> Interaction:
    raw_id = None
    if payload is not None:
        raw = RawItem(channel_id=conv.channel_id, external_id=external_id, payload=json.dumps(payload).encode())
        session.add(raw)
        session.flush()
        raw_id = raw.id
    item = Interaction(
        channel_id=conv.channel_id,
        external_id=external_id,
        conversation_id=conv.id,
        raw_item_id=raw_id,
        identity_id=identity.id if identity else None,
        kind=fields.pop("kind", "comment"),
        text=text,
        visibility=fields.pop("visibility", "public"),
        basis="public_content",
        created_at=at,
        sort_at=at,
        sentiment=sentiment,
        enriched_at=at if enriched else None,
        **fields,
    )
    session.add(item)
    session.flush()
    return item


def identity(session: Session, channel_name: str, external_id: str, **fields: Any) -> Identity:
    ident = Identity(
        channel_id=channel(session, channel_name).id,
        external_id=external_id,
        visibility=fields.pop("visibility", "public"),
        basis=fields.pop("basis", "public_content"),
        **fields,
    )
    session.add(ident)
    session.flush()
    return ident


def department(session: Session, slug: str, email: str | None = None) -> Department:
    ensure_default_departments(session)
    dept = session.scalar(select(Department).where(Department.slug == slug))
    assert dept is not None
    dept.email = email
    return dept


def member(session: Session, dept: Department, email: str, *, active: bool = True) -> User:
    user = User(
        email=email,
        name=email.split("@")[0],
        password_hash="x",
        role="department",
        department_id=dept.id,
        active=active,
    )
    session.add(user)
    session.flush()
    return user


class Sink:
    """A local SMTP server that keeps what it receives (parsed with the modern e-mail policy)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


@contextmanager
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
