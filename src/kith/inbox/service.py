"""Who may see and act on a conversation in the inbox, and the few lookups every inbox page shares.

The rules are the stream's: a department member sees only conversations routed to their department (any
other answers 404 exactly like a missing one, so its existence does not leak). Acting — replying, notes,
status, routing — is for admins, agents and the members of the conversation's department; analysts and
read-only users may read but never change anything.
"""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.auth.models import Department, Role, User
from kith.auth.service import Principal
from kith.channels.models import Channel
from kith.identities.models import Identity
from kith.interactions.models import Conversation, Interaction

ACTORS = (Role.ADMIN, Role.AGENT, Role.DEPARTMENT)
NOT_VISIBLE = "There is no such conversation, or it is not one you may see."


class InboxError(ValueError):
    """A request the inbox refuses for a reason the person can fix (shown as a one-line message)."""


def confined_to(viewer: Principal) -> str | None:
    """The department a viewer is confined to (``None``: every department)."""
    return viewer.department_slug if viewer.role == Role.DEPARTMENT else None


def may_see(viewer: Principal, conversation: Conversation) -> bool:
    confined = confined_to(viewer)
    return confined is None or conversation.department == confined


def may_act(viewer: Principal, conversation: Conversation) -> bool:
    """Admins and agents act anywhere; a department member only in their department; others never."""
    return viewer.role in ACTORS and may_see(viewer, conversation)


def conversation_for(session: Session, viewer: Principal, public_id: str) -> Conversation:
    """The conversation if this viewer may see it, else 404 (missing and hidden look the same)."""
    found = None
    if len(public_id) <= 32:
        found = session.scalar(select(Conversation).where(Conversation.public_id == public_id))
    if found is None or not may_see(viewer, found):
        raise HTTPException(404, NOT_VISIBLE)
    return found


def actionable(session: Session, viewer: Principal, public_id: str) -> Conversation:
    """The conversation if this viewer may change it: refused by role first (403), then by visibility (404)."""
    if viewer.role not in ACTORS:
        raise HTTPException(403, "Your role may read the inbox but not act on conversations.")
    conversation = conversation_for(session, viewer, public_id)
    if not may_act(viewer, conversation):
        raise HTTPException(403, "You may not act on this conversation.")
    return conversation


def is_ours(channel: Channel | None, identity: Identity | None) -> bool:
    """Whether an interaction was written by our own account on the channel (an answer, not the customer)."""
    if channel is None or identity is None or not channel.account:
        return False
    account = channel.account.lstrip("@").lower()
    return account in {(identity.handle or "").lstrip("@").lower(), identity.external_id.lower()}


def customer_interactions(session: Session, conversation: Conversation) -> list[tuple[Interaction, Identity | None]]:
    """The conversation's live interactions written by the customer side, oldest first."""
    channel = session.get(Channel, conversation.channel_id)
    rows = session.execute(
        select(Interaction, Identity)
        .outerjoin(Identity, Identity.id == Interaction.identity_id)
        .where(Interaction.conversation_id == conversation.id, Interaction.deleted_at.is_(None))
        .order_by(Interaction.sort_at, Interaction.id)
    ).all()
    return [(i, who) for i, who in rows if not is_ours(channel, who)]


def customer_identity(session: Session, conversation: Conversation) -> Identity | None:
    """Who the conversation is with: the author of its first customer interaction."""
    for _, who in customer_interactions(session, conversation):
        if who is not None:
            return who
    return None


def departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.name)))


def assignable_users(session: Session, conversation: Conversation) -> list[User]:
    """Who a conversation may be assigned to: admins, agents and members of its department (active)."""
    department_id = session.scalar(select(Department.id).where(Department.slug == conversation.department))
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.name, User.id))
    return [
        u
        for u in users
        if u.role in (Role.ADMIN, Role.AGENT) or (u.role == Role.DEPARTMENT and u.department_id == department_id)
    ]
