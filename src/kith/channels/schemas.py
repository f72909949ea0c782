"""API shapes of channels. Credentials are write-only: output says only whether and how they are set."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from kith.channels.admin_service import MAX_ACCOUNT, MAX_DISPLAY, MAX_NAME, MAX_SECRET, ChannelRow
from kith.web.api_common import Page

ENV_PATTERN = r"^[A-Z_][A-Z0-9_]*$"


class ChannelOut(BaseModel):
    public_id: str
    name: str
    kind: str
    display_name: str
    account: str | None
    enabled: bool
    has_credentials: bool
    credentials_ref: str | None  # the environment variable holding them, when that is how they are given
    created_at: datetime

    @classmethod
    def of(cls, row: ChannelRow) -> ChannelOut:
        return cls(
            public_id=row.public_id,
            name=row.name,
            kind=row.kind,
            display_name=row.display_name,
            account=row.account,
            enabled=row.enabled,
            has_credentials=row.credentials != "none",
            credentials_ref=row.credentials_ref,
            created_at=row.created_at,
        )


class ChannelPage(Page[ChannelOut]):
    """Channels by name."""


class ChannelCreate(BaseModel):
    name: str = Field(max_length=MAX_NAME, description="Slug: lower-case letters, digits, single hyphens.")
    kind: str = Field(max_length=64, description="A registered parser (x, mastodon, email, csv, …).")
    display_name: str = Field(max_length=MAX_DISPLAY)
    account: str | None = Field(None, max_length=MAX_ACCOUNT, description="Our handle/page/mailbox there.")
    credentials: str | None = Field(
        None,
        max_length=MAX_SECRET,
        description="Secret, stored encrypted; never returned.",
        json_schema_extra={"writeOnly": True},
    )
    credentials_ref: str | None = Field(
        None, max_length=200, pattern=ENV_PATTERN, description="Name of the environment variable holding them."
    )


class ChannelUpdate(BaseModel):
    """Only the fields sent change; ``null`` credentials (or credentials_ref) removes them."""

    display_name: str | None = Field(None, max_length=MAX_DISPLAY)
    account: str | None = Field(None, max_length=MAX_ACCOUNT)
    enabled: bool | None = None
    credentials: str | None = Field(None, max_length=MAX_SECRET, json_schema_extra={"writeOnly": True})
    credentials_ref: str | None = Field(None, max_length=200, pattern=ENV_PATTERN)
