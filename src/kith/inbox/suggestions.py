"""Suggested answers: how colleagues answered conversations like this one, so knowledge flows between agents.

"Like this one" is the cosine similarity of hashed text vectors (:mod:`kith.enrichment.text_vectors`) of the
customer's words. Candidates are conversations that were answered and then resolved — a reply that
closed the matter — newest first, capped so the page stays fast; each suggestion shows the reply that was
sent and how similar its conversation was. Saved answers are ranked the same way against their title and
text. A department member only ever gets suggestions from their own department's conversations.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.enrichment.text_vectors import top_k, vectorize
from kith.inbox.answers import visible_answers
from kith.inbox.models import ConversationEvent, SavedAnswer
from kith.interactions.models import Conversation, Interaction

CANDIDATES = 2_000  # most recent resolved conversations compared
TEXT_PER_CONVERSATION = 2_000  # characters of customer text per conversation
MIN_SIMILARITY = 0.05


@dataclass(frozen=True)
class PastAnswer:
    public_id: str
    question: str
    reply: str
    similarity: float
    outcome: str | None


@dataclass(frozen=True)
class AnswerMatch:
    answer: SavedAnswer
    similarity: float


def _texts(session: Session, conversation_ids: list[int]) -> dict[int, str]:
    """Customer-side text per conversation (every live interaction; replies we sent are events, not these)."""
    texts: dict[int, list[str]] = {}
    rows = session.execute(
        select(Interaction.conversation_id, Interaction.title, Interaction.text)
        .where(Interaction.conversation_id.in_(conversation_ids), Interaction.deleted_at.is_(None))
        .order_by(Interaction.sort_at, Interaction.id)
    )
    for cid, title, text in rows:
        if cid is not None:
            texts.setdefault(cid, []).extend(t for t in (title, text) if t)
    return {cid: " ".join(parts)[:TEXT_PER_CONVERSATION] for cid, parts in texts.items()}


def conversation_text(session: Session, conversation: Conversation) -> str:
    return _texts(session, [conversation.id]).get(conversation.id, "")


def similar_answered(
    session: Session, conversation: Conversation, department: str | None, k: int = 3
) -> list[PastAnswer]:
    """The ``k`` most similar resolved conversations that got a reply, with their (last) reply."""
    query_text = conversation_text(session, conversation)
    if not query_text.strip():
        return []
    stmt = (
        select(Conversation.id, Conversation.public_id, Conversation.outcome)
        .where(
            Conversation.status == "resolved",
            Conversation.id != conversation.id,
            Conversation.id.in_(select(ConversationEvent.conversation_id).where(ConversationEvent.kind == "reply")),
        )
        .order_by(Conversation.resolved_at.desc(), Conversation.id.desc())
        .limit(CANDIDATES)
    )
    if department is not None:
        stmt = stmt.where(Conversation.department == department)
    candidates = session.execute(stmt).all()
    texts = _texts(session, [c.id for c in candidates])
    kept = [c for c in candidates if texts.get(c.id, "").strip()]
    if not kept:
        return []
    best = top_k(vectorize([query_text]), vectorize([texts[c.id] for c in kept]), k)
    chosen = [(kept[i], sim) for i, sim in best if sim >= MIN_SIMILARITY]
    replies: dict[int, str] = {}
    for cid, body in session.execute(
        select(ConversationEvent.conversation_id, ConversationEvent.body)
        .where(ConversationEvent.kind == "reply", ConversationEvent.conversation_id.in_([c.id for c, _ in chosen]))
        .order_by(ConversationEvent.id)
    ):
        replies[cid] = body or ""  # the last reply wins: the one that closed the matter
    return [PastAnswer(c.public_id, texts[c.id], replies.get(c.id, ""), sim, c.outcome) for c, sim in chosen]


def similar_saved_answers(
    session: Session, conversation: Conversation, department: str | None, k: int = 3
) -> list[AnswerMatch]:
    query_text = conversation_text(session, conversation)
    if not query_text.strip():
        return []
    stmt = select(SavedAnswer).where(visible_answers(department))
    if conversation.department is not None:
        stmt = stmt.where((SavedAnswer.department.is_(None)) | (SavedAnswer.department == conversation.department))
    answers = list(session.scalars(stmt.order_by(SavedAnswer.id).limit(CANDIDATES)))
    if not answers:
        return []
    best = top_k(vectorize([query_text]), vectorize([f"{a.title} {a.body}" for a in answers]), k)
    return [AnswerMatch(answers[i], sim) for i, sim in best if sim >= MIN_SIMILARITY]
