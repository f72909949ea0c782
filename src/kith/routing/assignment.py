"""Assigning a routed conversation to an agent of its department: round robin or least loaded.

Only agents who can take it are candidates: active members of the department (roles that answer), with the
skill the deciding rule asks for, and speaking the conversation's language when they list languages (an
agent who lists none is assumed to answer in any). Ties break by who waited longest, then by id, so the
choice is deterministic. The ``Assigner`` keeps the department's agents and their loads for a whole batch
and updates them as it assigns, so a batch spreads work instead of giving it all to one person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kith.auth.models import Role, User
from kith.inbox.events import record_event
from kith.interactions.models import Conversation
from kith.routing.departments import DepartmentInfo

STRATEGIES = ("none", "round_robin", "least_loaded")
ANSWERING_ROLES = (Role.ADMIN.value, Role.AGENT.value, Role.DEPARTMENT.value)
OPEN_STATUSES = ("open", "pending", "snoozed")
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Agent:
    id: int
    name: str
    skills: tuple[str, ...]
    languages: tuple[str, ...]
    last_assigned_at: datetime | None
    open_count: int = 0


def primary_language(lang: str | None) -> str | None:
    return lang.split("-")[0].lower() if lang else None


def candidates(agents: list[Agent], skill: str | None, lang: str | None) -> list[Agent]:
    """Agents with ``skill`` (when asked) who speak ``lang`` (when they list languages)."""
    primary = primary_language(lang)
    found = []
    for agent in agents:
        if skill and skill.lower() not in {s.lower() for s in agent.skills}:
            continue
        if primary and agent.languages and primary not in {primary_language(x) for x in agent.languages}:
            continue
        found.append(agent)
    return found


def pick(agents: list[Agent], strategy: str, skill: str | None, lang: str | None) -> Agent | None:
    """The agent ``strategy`` chooses among the candidates, or ``None`` (no strategy, nobody fits)."""
    if strategy not in ("round_robin", "least_loaded"):
        return None
    able = candidates(agents, skill, lang)
    if not able:
        return None

    def waited(agent: Agent) -> tuple[datetime, int]:
        return (agent.last_assigned_at or _NEVER, agent.id)

    if strategy == "least_loaded":
        return min(able, key=lambda a: (a.open_count, *waited(a)))
    return min(able, key=waited)


class Assigner:
    """Assigns conversations for one batch (one transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.agents: dict[int, list[Agent]] = {}

    def agents_of(self, department: DepartmentInfo) -> list[Agent]:
        if department.id not in self.agents:
            users = list(
                self.session.scalars(
                    select(User)
                    .where(User.department_id == department.id, User.active.is_(True))
                    .where(User.role.in_(ANSWERING_ROLES))
                    .order_by(User.id)
                )
            )
            loads = dict(
                self.session.execute(
                    select(Conversation.assignee_id, func.count())
                    .where(Conversation.assignee_id.in_([u.id for u in users]))
                    .where(Conversation.status.in_(OPEN_STATUSES))
                    .group_by(Conversation.assignee_id)
                ).all()
            )
            self.agents[department.id] = [
                Agent(
                    u.id,
                    u.name,
                    tuple(u.skills or ()),
                    tuple(u.languages or ()),
                    u.last_assigned_at,
                    int(loads.get(u.id, 0)),
                )
                for u in users
            ]
        return self.agents[department.id]

    def assign(
        self,
        conversation: Conversation,
        department: DepartmentInfo | None,
        *,
        skill: str | None,
        lang: str | None,
        now: datetime,
        assignee_id: int | None = None,
        rule_name: str | None = None,
    ) -> dict[str, Any] | None:
        """Assign (a rule's named assignee, else the department's strategy); the explanation, or None."""
        if assignee_id is not None:
            user = self.session.get(User, assignee_id)
            if user is None or not user.active:
                return {"assignee": None, "why": f"rule «{rule_name}» names an assignee who is no longer active"}
            self._give(conversation, user.id, now, "rule")
            return {"assignee": user.name, "user_id": user.id, "why": f"rule «{rule_name}» names them"}
        strategy = department.assignment if department is not None else "none"
        if department is None or strategy not in ("round_robin", "least_loaded"):
            return None
        agents = self.agents_of(department)
        chosen = pick(agents, strategy, skill, lang)
        wants = [f"skill {skill}"] if skill else []
        if lang:
            wants.append(f"language {primary_language(lang)}")
        if chosen is None:
            need = f" with {' and '.join(wants)}" if wants else ""
            return {"assignee": None, "why": f"no active agent in {department.name}{need}: left for the team"}
        # strictly after everyone's last turn, so several assignments at one clock reading still rotate
        latest = max((a.last_assigned_at for a in agents if a.last_assigned_at is not None), default=None)
        turn = now if latest is None or latest < now else latest + timedelta(microseconds=1)
        chosen.last_assigned_at = turn
        chosen.open_count += 1
        self._give(conversation, chosen.id, turn, strategy)
        how = "round robin (longest without a new conversation)" if strategy == "round_robin" else "least loaded"
        detail = f"{how}; {chosen.open_count - 1} open before"
        return {"assignee": chosen.name, "user_id": chosen.id, "why": detail, "needs": wants}

    def _give(self, conversation: Conversation, user_id: int, now: datetime, how: str) -> None:
        conversation.assignee_id = user_id
        user = self.session.get(User, user_id)
        if user is not None:
            user.last_assigned_at = now
        record_event(self.session, conversation, "assign", at=now, data={"to": user_id, "how": how}, flush=False)
