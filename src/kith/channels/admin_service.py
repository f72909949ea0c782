"""Channel administration: add, edit, enable and disable channels, and keep their credentials secret.

Credentials are either the *name* of an environment variable (``credentials_ref``; the secret stays in the
deployment's environment) or a value encrypted with Fernet (``credentials_encrypted``). Nothing here returns
a clear secret: the list and forms only learn *how* credentials are set, so a page cannot leak them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kith.auth.admin_service import BrokenCursor, Page
from kith.auth.security import encrypt
from kith.channels.models import Channel
from kith.channels.registry import channel_names

PAGE_SIZE = 50
NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
MAX_NAME = 64
MAX_DISPLAY = 200
MAX_ACCOUNT = 300
MAX_SECRET = 10_000


class ChannelError(ValueError):
    """A channel form the admin can correct; the message says how."""


class Credentials(StrEnum):
    """What the form asks to do with the credentials."""

    KEEP = "keep"  # editing: leave them as they are
    NONE = "none"  # no credentials (file imports), or remove them
    ENV = "env"  # read from an environment variable
    SECRET = "secret"  # store this value encrypted  # noqa: S105  (a choice, not a secret)


@dataclass(frozen=True)
class ChannelRow:
    """A channel as pages see it: how credentials are set, never what they are."""

    public_id: str
    name: str
    kind: str
    display_name: str
    account: str | None
    enabled: bool
    credentials: str  # "encrypted", "env" or "none"
    credentials_ref: str | None
    created_at: datetime


@dataclass(frozen=True)
class ChannelForm:
    """What an admin typed; ``secret`` is only ever written, encrypted."""

    display_name: str
    account: str
    credentials: str
    credentials_ref: str = ""
    secret: str = ""


def row_of(channel: Channel) -> ChannelRow:
    if channel.credentials_encrypted:
        how = "encrypted"
    elif channel.credentials_ref:
        how = "env"
    else:
        how = "none"
    return ChannelRow(
        public_id=channel.public_id,
        name=channel.name,
        kind=channel.kind or channel.name,
        display_name=channel.display_name,
        account=channel.account,
        enabled=channel.enabled,
        credentials=how,
        credentials_ref=channel.credentials_ref if how == "env" else None,
        created_at=channel.created_at,
    )


def count_channels(session: Session) -> tuple[int, int]:
    """All channels and the enabled ones."""
    total = session.scalar(select(func.count(Channel.id))) or 0
    enabled = session.scalar(select(func.count(Channel.id)).where(Channel.enabled.is_(True))) or 0
    return total, enabled


def list_channels(session: Session, after: str | None = None, limit: int = PAGE_SIZE) -> Page[ChannelRow]:
    stmt = select(Channel).order_by(Channel.name).limit(limit + 1)
    if after:
        last = session.scalar(select(Channel.name).where(Channel.public_id == after))
        if last is None:
            raise BrokenCursor(after)
        stmt = stmt.where(Channel.name > last)
    found = list(session.scalars(stmt))
    rows = [row_of(c) for c in found[:limit]]
    return Page(rows, rows[-1].public_id if len(found) > limit else None)


def channel_by_public_id(session: Session, public_id: str) -> Channel | None:
    return session.scalar(select(Channel).where(Channel.public_id == public_id))


def check_channel_form(form: ChannelForm, *, editing: bool) -> None:
    if not form.display_name.strip():
        raise ChannelError("the display name must not be empty")
    if len(form.display_name.strip()) > MAX_DISPLAY:
        raise ChannelError(f"the display name must have at most {MAX_DISPLAY} characters")
    if len(form.account.strip()) > MAX_ACCOUNT:
        raise ChannelError(f"the account must have at most {MAX_ACCOUNT} characters")
    allowed = {c.value for c in Credentials} - (set() if editing else {Credentials.KEEP.value})
    if form.credentials not in allowed:
        raise ChannelError("choose how the credentials are given")
    if form.credentials == Credentials.ENV:
        ref = form.credentials_ref.strip()
        if not ENV_NAME.match(ref) or len(ref) > 200:
            raise ChannelError(
                "the environment variable name must be upper-case letters, digits and underscores, "
                "not starting with a digit (like KITH_X_TOKEN)"
            )
    if form.credentials == Credentials.SECRET:
        if not form.secret.strip():
            raise ChannelError("enter the secret value (it is stored encrypted and never shown again)")
        if len(form.secret) > MAX_SECRET:
            raise ChannelError(f"the secret must have at most {MAX_SECRET} characters")


def check_new_channel(session: Session, name: str, kind: str, form: ChannelForm) -> None:
    if not NAME.match(name) or len(name) > MAX_NAME:
        raise ChannelError(
            f"the name must be 1–{MAX_NAME} lower-case letters, digits and single hyphens (like 'x-support')"
        )
    if session.scalar(select(Channel.id).where(Channel.name == name)) is not None:
        raise ChannelError(f"a channel named {name!r} already exists")
    if kind not in channel_names():
        raise ChannelError(f"unknown kind {kind!r}; choose one of: {', '.join(channel_names())}")
    check_channel_form(form, editing=False)


def _apply(channel: Channel, form: ChannelForm) -> None:
    channel.display_name = form.display_name.strip()
    channel.account = form.account.strip() or None
    if form.credentials == Credentials.NONE:
        channel.credentials_ref, channel.credentials_encrypted = None, None
    elif form.credentials == Credentials.ENV:
        channel.credentials_ref, channel.credentials_encrypted = form.credentials_ref.strip(), None
    elif form.credentials == Credentials.SECRET:
        channel.credentials_ref, channel.credentials_encrypted = None, encrypt(form.secret.strip())


def do_create_channel(session: Session, name: str, kind: str, form: ChannelForm) -> Channel:
    channel = Channel(name=name, kind=kind, enabled=True)
    _apply(channel, form)
    session.add(channel)
    session.flush()
    return channel


def do_update_channel(session: Session, channel: Channel, form: ChannelForm) -> None:
    """Name and kind stay: stored raw items and interactions are filed under them."""
    _apply(channel, form)
    session.flush()


def do_set_enabled(session: Session, channel: Channel, enabled: bool) -> None:
    channel.enabled = enabled
    session.flush()
