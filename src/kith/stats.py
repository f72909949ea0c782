"""Row counts per table and per channel: ``kith stats`` and the tests use the same numbers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from kith.channels.models import Channel
from kith.db import Base, session_scope
from kith.identities.models import Identity
from kith.interactions.models import Conversation, Interaction
from kith.pipeline.models import RawItem


def collect(engine: Engine) -> dict[str, Any]:
    import kith.models  # noqa: F401  (every table registered)

    with session_scope(engine) as session:
        tables = {
            name: session.scalar(select(func.count()).select_from(table)) or 0
            for name, table in sorted(Base.metadata.tables.items())
            if name != "alembic_version"
        }
        names = dict(session.execute(select(Channel.id, Channel.name)).all())
        channels: dict[str, dict[str, int]] = {name: {} for name in sorted(names.values())}

        def per_channel(label: str, column: Any, *where: Any) -> None:
            stmt = select(column, func.count()).where(*where).group_by(column)
            for channel_id, count in session.execute(stmt):
                channels[names[channel_id]][label] = count

        for status in ("new", "done", "quarantined", "replayed"):
            per_channel(f"raw_{status}", RawItem.channel_id, RawItem.status == status)
        per_channel("interactions", Interaction.channel_id)
        per_channel("deleted", Interaction.channel_id, Interaction.deleted_at.is_not(None))
        per_channel("identities", Identity.channel_id)
        per_channel("conversations", Conversation.channel_id)
    labels = ("raw_new", "raw_done", "raw_quarantined", "raw_replayed", "interactions", "deleted")
    for counts in channels.values():
        for label in (*labels, "identities", "conversations"):
            counts.setdefault(label, 0)
    return {"tables": tables, "channels": channels}
