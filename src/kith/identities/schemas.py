"""API shapes of identities: what a handle or address tells about itself, by public id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from kith.identities.models import Identity
from kith.interactions.schemas import InteractionOut
from kith.web.api_common import Page


class IdentityOut(BaseModel):
    public_id: str
    channel: str
    handle: str | None
    display_name: str | None
    profile_url: str | None
    email: str | None
    phone: str | None
    visibility: str
    basis: str
    consent_state: str
    person_id: str | None  # public id of the linked person, when identities were linked on evidence
    first_seen: datetime | None
    last_seen: datetime | None
    attributes: dict[str, Any]

    @classmethod
    def of(cls, identity: Identity, channel: str, person_public_id: str | None) -> IdentityOut:
        return cls(
            public_id=identity.public_id,
            channel=channel,
            handle=identity.handle,
            display_name=identity.display_name,
            profile_url=identity.profile_url,
            email=identity.email,
            phone=identity.phone,
            visibility=identity.visibility,
            basis=identity.basis,
            consent_state=identity.consent_state,
            person_id=person_public_id,
            first_seen=identity.first_seen,
            last_seen=identity.last_seen,
            attributes=dict(identity.attributes or {}),
        )


class IdentityPage(Page[IdentityOut]):
    """Identities in public-id order (stable while new ones arrive)."""


class IdentityDetail(Page[InteractionOut]):
    """An identity and one page of its interactions, newest first."""

    identity: IdentityOut
