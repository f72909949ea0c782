"""Identity operations: record what each individual's handle/address tells about itself.

``record_identities`` merges what a batch says about identities into what is stored: a new non-empty
value wins, an absent one never erases a known value (an order row that names only a customer number
must not blank the customer's name). Identities are never merged with each other here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kith.channels.base import IdentityRecord
from kith.channels.service import is_ours, our_accounts
from kith.db import earliest, json_merge, latest, new_public_id, upsert, utcnow
from kith.identities.models import Identity

_SCALARS = ("handle", "display_name", "profile_url", "email", "phone")
CHUNK = 500


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def record_identities(
    session: Session,
    channel_id: int,
    sightings: Iterable[tuple[IdentityRecord, datetime | None]],
) -> dict[str, int]:
    """Upsert identities seen in a batch (record + when it was seen); return external_id → row id."""
    merged: dict[str, dict[str, Any]] = {}
    for record, seen_at in sightings:
        row = merged.get(record.external_id)
        if row is None:
            row = merged[record.external_id] = {
                "external_id": record.external_id,
                "visibility": str(record.visibility),
                "basis": str(record.basis),
                "attributes": {},
                "first_seen": seen_at,
                "last_seen": seen_at,
            }
        _merge_into(row, _record_values(record), seen_at)
    if not merged:
        return {}

    now = utcnow()
    rows = [
        {
            **{name: row.get(name) for name in _SCALARS},
            "external_id": key,
            "channel_id": channel_id,
            "public_id": new_public_id(),
            "attributes": row["attributes"],
            "visibility": row["visibility"],
            "basis": row["basis"],
            "consent_state": "unknown",
            "first_seen": row["first_seen"],
            "last_seen": row["last_seen"],
            "created_at": now,
            "updated_at": now,
        }
        for key, row in sorted(merged.items())
    ]
    # merged in SQL, in the same statement: a known value is never erased by an absent one
    returned = upsert(
        session,
        Identity.__table__,
        rows,
        keys=["channel_id", "external_id"],
        update=["updated_at"],
        merge={
            **{name: _keep_known(name) for name in _SCALARS},
            "attributes": lambda t, new: json_merge(session, t.c.attributes, new.attributes),
            "first_seen": lambda t, new: earliest(t.c.first_seen, new.first_seen),
            "last_seen": lambda t, new: latest(t.c.last_seen, new.last_seen),
        },
        returning=[Identity.external_id, Identity.id],
    )
    return dict(returned)


def _keep_known(name: str) -> Callable[[Any, Any], Any]:
    return lambda t, new: func.coalesce(new[name], t.c[name])


def identity_ids(session: Session, channel_id: int, keys: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in chunks(list(keys)):
        found.update(
            session.execute(
                select(Identity.external_id, Identity.id).where(
                    Identity.channel_id == channel_id, Identity.external_id.in_(part)
                )
            ).all()
        )
    return found


def _record_values(record: IdentityRecord) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(record, name) for name in _SCALARS}
    values["attributes"] = dict(record.attributes)
    return values


def _merge_into(target: dict[str, Any], new: dict[str, Any], seen_at: datetime | None) -> None:
    for name in _SCALARS:
        value = new.get(name)
        if value not in (None, ""):
            target[name] = value
        else:
            target.setdefault(name, None)
    attributes = new.get("attributes") or {}
    target["attributes"] = {**(target.get("attributes") or {}), **attributes}
    if seen_at is not None:
        target["first_seen"] = _min_time(target.get("first_seen"), seen_at)
        target["last_seen"] = _max_time(target.get("last_seen"), seen_at)


def _min_time(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _max_time(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def our_identity_ids(session: Session) -> set[int]:
    """Identities that are the company's own accounts (by handle, external id or name on that channel; a
    fediverse handle ``name@instance`` counts by its local part, as the channel's account is written)."""
    accounts = our_accounts(session)
    if not accounts:
        return set()
    names = {n for names in accounts.values() for n in names}
    wanted = names | {"@" + n for n in names}
    handle = func.lower(Identity.handle)
    rows = session.execute(
        select(Identity.id, Identity.channel_id, Identity.handle, Identity.external_id, Identity.display_name).where(
            Identity.channel_id.in_(accounts),
            or_(
                handle.in_(wanted),
                *(handle.like(f"{n}@%") for n in names),
                *(handle.like(f"@{n}@%") for n in names),
                func.lower(Identity.external_id).in_(wanted),
                func.lower(Identity.display_name).in_(wanted),
            ),
        )
    )
    ours = set()
    for ident, channel_id, *labels in rows:
        if any(is_ours(label, accounts[channel_id]) for label in labels):
            ours.add(int(ident))
    return ours
