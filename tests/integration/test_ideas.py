"""The ideas stage and board operations on SQLite and PostgreSQL, fed by the real pipeline."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from kith.db import session_scope
from kith.ideas.models import Idea, IdeaMention
from kith.ideas.notify import do_notify_shipped
from kith.ideas.service import IdeaError, board, do_change_status, do_merge, history_of, mentions_of
from kith.ideas.stage import collect_ideas, pending_ideas
from kith.inbox.models import ConversationEvent, OutboxMessage
from kith.interactions.models import Conversation
from tests.ideas_seed import seed

pytestmark = pytest.mark.storage


def ideas_by_title(engine: Engine) -> dict[str, Idea]:
    with session_scope(engine) as session:
        ideas = session.scalars(select(Idea)).all()
        session.expunge_all()
    return {i.title: i for i in ideas}


def test_suggestions_become_deduplicated_ideas_with_votes_by_person(engine: Engine) -> None:
    seed(engine)
    with session_scope(engine) as session:
        assert pending_ideas(session) == 5  # our own account's post and the non-suggestion are left out
    report = collect_ideas(engine, batch_size=2)
    assert (report.new_ideas, report.mentions) == (2, 3)
    ideas = ideas_by_title(engine)
    rental = ideas["A rental option for the Aurora 500 before buying would be great"]
    # mia twice, ben and carl (one linked person): 4 mentions, 2 people
    assert (rental.mentions, rental.votes) == (4, 2)
    bottle = ideas["A bottle-cage mount on the cargo bike"]
    assert (bottle.mentions, bottle.votes, bottle.product_id) == (1, 1, None)
    with session_scope(engine) as session:
        assert pending_ideas(session) == 0
        assert session.scalar(select(func.count()).select_from(IdeaMention)) == 5
        events = session.scalars(select(ConversationEvent).where(ConversationEvent.kind == "idea")).all()
        assert sorted(e.data["action"] for e in events) == ["created", "created", "mentioned", "mentioned", "mentioned"]
        assert [c.title for c in board(session)] == [rental.title, bottle.title]
        assert board(session, status="planned") == []
        assert rental.product_id is not None
    again = collect_ideas(engine)
    assert (again.new_ideas, again.mentions) == (0, 0)
    assert ideas_by_title(engine)[rental.title].votes == 2


def test_shipping_tells_each_person_once_and_marks_the_outcome(engine: Engine) -> None:
    seed(engine)
    collect_ideas(engine)
    title = "A rental option for the Aurora 500 before buying would be great"
    with session_scope(engine) as session:
        idea = session.scalars(select(Idea).where(Idea.title == title)).one()
        with pytest.raises(IdeaError, match="under_review"):
            do_change_status(session, idea, "maybe", "because", None)
        with pytest.raises(IdeaError, match="reason"):
            do_change_status(session, idea, "planned", "  ", None)
        assert do_change_status(session, idea, "planned", "On the roadmap for spring", None)
        assert not do_change_status(session, idea, "planned", "On the roadmap for spring", None)
    with session_scope(engine) as session:
        accepted = session.scalar(
            select(func.count()).select_from(ConversationEvent).where(ConversationEvent.outcome == "idea_accepted")
        )
        assert accepted == 4  # one per conversation of the idea
        idea = session.scalars(select(Idea).where(Idea.title == title)).one()
        do_change_status(session, idea, "shipped", "Rentals in every store from May", None)
        report = do_notify_shipped(session, idea, "It shipped, thank you!", None)
        assert (report.queued, report.already, report.via) == (2, 0, {"mastodon": 2})
    with session_scope(engine) as session:
        idea = session.scalars(select(Idea).where(Idea.title == title)).one()
        again = do_notify_shipped(session, idea, "It shipped, thank you!", None)
        assert (again.queued, again.already) == (0, 2)
        messages = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert len(messages) == 2
        assert {m.transport for m in messages} == {"mastodon"} and all(m.in_reply_to for m in messages)
        assert all(m.body == "It shipped, thank you!" for m in messages)
        told = [m for m in mentions_of(session, idea) if m.notified_at is not None]
        assert len(told) == 4 and {m.notify_via for m in told} == {"mastodon"}
        outcomes = session.scalar(
            select(func.count()).select_from(ConversationEvent).where(ConversationEvent.outcome == "idea_accepted")
        )
        assert outcomes == 4  # shipping after planned adds none
        assert (
            session.scalar(
                select(func.count()).select_from(Conversation).where(Conversation.outcome == "idea_accepted")
            )
            == 4
        )
        texts = [h.text for h in history_of(session, idea)]
        assert texts[1:] == [
            "status new → planned: On the roadmap for spring",
            "status planned → shipped: Rentals in every store from May",
            "2 customer(s) told it shipped",
        ]


def test_merging_a_duplicate_moves_its_mentions_and_recounts_votes(engine: Engine) -> None:
    seed(engine)
    collect_ideas(engine)
    with session_scope(engine) as session:
        rental = session.scalars(select(Idea).where(Idea.title.like("A rental%"))).one()
        bottle = session.scalars(select(Idea).where(Idea.title.like("A bottle%"))).one()
        with pytest.raises(IdeaError):
            do_merge(session, rental, rental, None)
        assert do_merge(session, rental, bottle, None) == 1
    with session_scope(engine) as session:
        ideas = session.scalars(select(Idea)).all()
        assert len(ideas) == 1 and (ideas[0].mentions, ideas[0].votes) == (5, 3)
        assert "merged with the duplicate" in history_of(session, ideas[0])[-1].text
