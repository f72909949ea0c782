"""API shapes of users and personal API tokens. Passwords and token digests never go out."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from kith.auth.admin_service import UserRow
from kith.auth.models import ApiToken
from kith.auth.service import Principal
from kith.web.api_common import Page

Scope = Literal["read", "ingest", "admin"]


class UserOut(BaseModel):
    public_id: str
    email: str
    name: str
    role: str
    department: str | None  # slug
    active: bool
    created_at: datetime
    last_login_at: datetime | None

    @classmethod
    def of(cls, row: UserRow) -> UserOut:
        return cls(
            public_id=row.public_id,
            email=row.email,
            name=row.name,
            role=row.role,
            department=row.department_slug,
            active=row.active,
            created_at=row.created_at,
            last_login_at=row.last_login_at,
        )


class UserPage(Page[UserOut]):
    """Users by e-mail."""


class UserCreate(BaseModel):
    email: str = Field(max_length=320)
    name: str = Field(max_length=200)
    password: str = Field(max_length=1000, json_schema_extra={"writeOnly": True})
    role: Literal["admin", "agent", "analyst", "department", "readonly"]
    department: str | None = Field(None, max_length=64, description="Department slug (required for 'department').")


class MeOut(BaseModel):
    public_id: str
    email: str
    name: str
    role: str
    department: str | None
    scopes: list[str]  # what this request may do: all for a browser session, the token's otherwise

    @classmethod
    def of(cls, principal: Principal) -> MeOut:
        return cls(
            public_id=principal.public_id,
            email=principal.email,
            name=principal.name,
            role=principal.role.value,
            department=principal.department_slug,
            scopes=sorted(principal.scopes),
        )


class TokenOut(BaseModel):
    public_id: str
    name: str
    prefix: str  # the first characters, to tell tokens apart
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, token: ApiToken) -> TokenOut:
        return cls(
            public_id=token.public_id,
            name=token.name,
            prefix=token.prefix,
            scopes=list(token.scopes),
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )


class TokenPage(Page[TokenOut]):
    """Your tokens, newest first, revoked ones included."""


class TokenCreate(BaseModel):
    name: str = Field(max_length=200, description="What it is for, e.g. 'nightly export'.")
    scopes: list[Scope] = Field(default=["read"], min_length=1, description="Any of read, ingest, admin.")


class TokenCreated(TokenOut):
    token: str = Field(description="The secret: shown this once, send it as 'Authorization: Bearer …'.")
