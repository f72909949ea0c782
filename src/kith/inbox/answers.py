"""Saved answers — the knowledge base agents reuse: global or for one department, optionally per language.

A department member sees global answers and their own department's, and writes only their department's
(a global answer speaks for everyone, so admins and agents keep those); admins and agents see and write
all. ``uses`` counts the replies an answer was inserted into (counted when the reply is queued, not when
it is merely picked, so the count means "was sent").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from kith.auth.models import Department
from kith.db import utcnow
from kith.inbox.models import SavedAnswer
from kith.inbox.service import InboxError

MAX_TITLE = 200
MAX_BODY = 10_000
MAX_LANG = 16


@dataclass(frozen=True)
class AnswerInput:
    title: str
    body: str
    department: str | None
    lang: str | None


def visible_answers(department: str | None) -> ColumnElement[bool]:
    """Condition for the answers a viewer confined to ``department`` may see (``None``: all)."""
    if department is None:
        return SavedAnswer.id.is_not(None)
    return or_(SavedAnswer.department.is_(None), SavedAnswer.department == department)


def list_answers(
    session: Session, confined: str | None, q: str | None = None, department: str | None = None, limit: int = 200
) -> list[SavedAnswer]:
    """Answers visible to the viewer, most used first; ``q`` searches title and body (case-insensitive)."""
    stmt = select(SavedAnswer).where(visible_answers(confined))
    if q:
        pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                func.lower(SavedAnswer.title).like(pattern, escape="\\"),
                func.lower(SavedAnswer.body).like(pattern, escape="\\"),
            )
        )
    if department:
        stmt = stmt.where(SavedAnswer.department == department)
    return list(session.scalars(stmt.order_by(SavedAnswer.uses.desc(), SavedAnswer.title, SavedAnswer.id).limit(limit)))


def answer_for(session: Session, public_id: str, confined: str | None) -> SavedAnswer | None:
    if len(public_id) > 32:
        return None
    return session.scalar(select(SavedAnswer).where(SavedAnswer.public_id == public_id, visible_answers(confined)))


def validate(session: Session, data: AnswerInput, confined: str | None) -> AnswerInput:
    title = " ".join(data.title.replace("\x00", "").split())
    body = data.body.replace("\x00", "").strip()
    if not title or len(title) > MAX_TITLE:
        raise InboxError(f"Give the answer a title (1–{MAX_TITLE} characters).")
    if not body or len(body) > MAX_BODY:
        raise InboxError(f"The answer text must have 1–{MAX_BODY} characters.")
    department = (data.department or "").strip() or confined  # a department member writes for their own
    if confined is not None and department != confined:
        raise InboxError("You may only save answers for your own department.")
    if department is not None and session.scalar(select(Department.id).where(Department.slug == department)) is None:
        raise InboxError(f"Unknown department {department!r}.")
    lang = (data.lang or "").strip().lower() or None
    if lang is not None and (len(lang) > MAX_LANG or not lang.replace("-", "").isalnum()):
        raise InboxError("The language is a code like en, de or pt-br.")
    return AnswerInput(title, body, department, lang)


def create_answer(session: Session, data: AnswerInput, confined: str | None, user_id: int | None) -> SavedAnswer:
    clean = validate(session, data, confined)
    answer = SavedAnswer(
        title=clean.title,
        body=clean.body,
        department=clean.department,
        lang=clean.lang,
        tags=[],
        uses=0,
        user_id=user_id,
    )
    session.add(answer)
    session.flush()
    return answer


def update_answer(session: Session, answer: SavedAnswer, data: AnswerInput, confined: str | None) -> None:
    if confined is not None and answer.department != confined:
        raise InboxError("Only admins and agents may edit a global answer or another department's.")
    clean = validate(session, data, confined)
    answer.title, answer.body, answer.department, answer.lang = clean.title, clean.body, clean.department, clean.lang
    answer.updated_at = utcnow()


def delete_answer(session: Session, answer: SavedAnswer, confined: str | None) -> None:
    if confined is not None and answer.department != confined:
        raise InboxError("Only admins and agents may delete a global answer or another department's.")
    session.delete(answer)
