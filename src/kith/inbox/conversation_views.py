"""The inbox's conversation view (``/inbox/c/{public_id}``) and its rendering, shared with the action
routes so a refused action re-renders the page with the message and what the person typed."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kith.auth.service import Principal
from kith.inbox.conversation_page import conversation_context
from kith.inbox.events import OUTCOMES
from kith.inbox.queues import wake_snoozed
from kith.inbox.service import conversation_for
from kith.web.deps import Reader, SessionDep
from kith.web.pages import render

router = APIRouter()


def render_conversation(
    request: Request,
    session: SessionDep,
    viewer: Principal,
    public_id: str,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    wake_snoozed(session)
    conversation = conversation_for(session, viewer, public_id)
    prefill = request.query_params.get("answer")
    context = conversation_context(session, viewer, conversation, prefill[:32] if prefill else None)
    context.update(
        {
            "error": error,
            "form": form or {},
            "done": (request.query_params.get("done") or "")[:20],
            "reply_token": secrets.token_urlsafe(16),
            "outcomes": OUTCOMES,
        }
    )
    return render(request, "inbox_conversation.html", context, viewer, status)


@router.get("/inbox/c/{public_id}", response_class=HTMLResponse)
def inbox_conversation(request: Request, public_id: str, viewer: Reader, session: SessionDep) -> Response:
    return render_conversation(request, session, viewer, public_id)
