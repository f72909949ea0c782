"""@mentions in internal notes: ``@name`` or ``@email-local-part`` resolved to colleagues in any department.

A mention must name exactly one active user: the part of their e-mail before the ``@`` (``@ana.lopez``),
their name without spaces or with dots/underscores for spaces (``@AnaLopez``, ``@ana_lopez``), or their
first name when no other user shares it (``@Ana``). Anything else is reported back to the writer rather
than silently dropped — a note that was meant to reach someone and did not is worse than an error.
An address inside the text (``mia@example.com``) is not a mention: the ``@`` must start a word.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.auth.models import User

MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][\w.+-]*)")


@dataclass(frozen=True)
class Mentions:
    users: tuple[User, ...]  # each once, in order of first mention
    unknown: tuple[str, ...]  # handles that name nobody
    ambiguous: tuple[str, ...]  # handles that name several people


def mentioned_handles(text: str) -> list[str]:
    """The handles mentioned in ``text`` (without ``@``, trailing punctuation dropped), in order, unique."""
    seen: list[str] = []
    for match in MENTION.finditer(text):
        handle = match.group(1).rstrip(".-+")
        if handle and handle.lower() not in (h.lower() for h in seen):
            seen.append(handle)
    return seen


def _names(user: User) -> set[str]:
    words = user.name.lower().split()
    keys = {user.email.split("@", 1)[0].lower()}
    if words:
        keys |= {"".join(words), ".".join(words), "_".join(words), "-".join(words)}
    return keys


def resolve_mentions(session: Session, text: str) -> Mentions:
    handles = mentioned_handles(text)
    if not handles:
        return Mentions((), (), ())
    users = list(session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)))
    exact: dict[str, list[User]] = defaultdict(list)
    first: dict[str, list[User]] = defaultdict(list)
    for user in users:
        for key in _names(user):
            exact[key].append(user)
        words = user.name.lower().split()
        if words:
            first[words[0]].append(user)
    found: list[User] = []
    unknown: list[str] = []
    ambiguous: list[str] = []
    for handle in handles:
        key = handle.lower()
        candidates = list({u.id: u for u in exact.get(key, [])}.values()) or first.get(key, [])
        if len(candidates) == 1:
            if candidates[0] not in found:
                found.append(candidates[0])
        elif candidates:
            ambiguous.append(handle)
        else:
            unknown.append(handle)
    return Mentions(tuple(found), tuple(unknown), tuple(ambiguous))
