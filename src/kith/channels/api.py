"""``/api/v1/channels``: list channels (everyone), add and change them (admins).

The same checks and operations as the admin pages (``kith.channels.admin_service``), so a channel made
through the API obeys the same rules. Credentials go in, never out: the output only says whether they are
set and, when given as an environment variable, its name.
"""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy import select

from kith.auth.admin_service import BrokenCursor
from kith.channels.admin_service import (
    ChannelError,
    ChannelForm,
    Credentials,
    channel_by_public_id,
    check_channel_form,
    check_new_channel,
    do_create_channel,
    do_set_enabled,
    do_update_channel,
    list_channels,
    row_of,
)
from kith.channels.models import Channel
from kith.channels.schemas import ChannelCreate, ChannelOut, ChannelPage, ChannelUpdate
from kith.web.api_common import (
    DEFAULT_LIMIT,
    CursorParam,
    ErrorOut,
    Limit,
    PublicId,
    api_router,
    broken_cursor,
    not_found,
    sentence,
)
from kith.web.deps import AdminOnly, Reader, SessionDep

router = api_router("channels")


@router.get("/channels", response_model=ChannelPage, summary="List channels")
def get_channels(
    session: SessionDep, viewer: Reader, cursor: CursorParam = None, limit: Limit = DEFAULT_LIMIT
) -> ChannelPage:
    try:
        page = list_channels(session, cursor, limit)
    except BrokenCursor as exc:
        raise broken_cursor() from exc
    return ChannelPage(items=[ChannelOut.of(r) for r in page.rows], next_cursor=page.next_after)


def _credentials(secret: str | None, ref: str | None, sent: set[str], *, editing: bool) -> tuple[str, str, str]:
    """(how, ref, secret) for the admin form from what the request sent."""
    if secret is not None and ref is not None:
        raise HTTPException(400, "Send either credentials (stored encrypted) or credentials_ref (a variable name).")
    if secret is not None:
        return Credentials.SECRET.value, "", secret
    if ref is not None:
        return Credentials.ENV.value, ref, ""
    if editing and not sent & {"credentials", "credentials_ref"}:
        return Credentials.KEEP.value, "", ""
    return Credentials.NONE.value, "", ""


@router.post(
    "/channels",
    response_model=ChannelOut,
    status_code=201,
    summary="Add a channel (admin)",
    responses={409: {"model": ErrorOut, "description": "A channel with this name exists"}},
)
def create_channel(session: SessionDep, admin: AdminOnly, body: ChannelCreate) -> ChannelOut:
    how, ref, secret = _credentials(body.credentials, body.credentials_ref, body.model_fields_set, editing=False)
    form = ChannelForm(body.display_name, body.account or "", how, ref, secret)
    try:
        check_new_channel(session, body.name, body.kind, form)
    except ChannelError as exc:
        status = 409 if session.scalar(select(Channel.id).where(Channel.name == body.name)) else 400
        raise HTTPException(status, sentence(exc)) from exc
    return ChannelOut.of(row_of(do_create_channel(session, body.name, body.kind, form)))


@router.patch("/channels/{public_id}", response_model=ChannelOut, summary="Change a channel (admin)")
def update_channel(session: SessionDep, admin: AdminOnly, public_id: PublicId, body: ChannelUpdate) -> ChannelOut:
    """Name and kind never change: stored raw items and interactions are filed under them."""
    channel = channel_by_public_id(session, public_id)
    if channel is None:
        raise not_found("channel")
    sent = body.model_fields_set
    if "display_name" in sent and body.display_name is None:
        raise HTTPException(400, "display_name cannot be null; send a name, or leave the field out.")
    how, ref, secret = _credentials(body.credentials, body.credentials_ref, sent, editing=True)
    form = ChannelForm(
        body.display_name if body.display_name is not None else channel.display_name,
        (body.account or "") if "account" in sent else (channel.account or ""),
        how,
        ref,
        secret,
    )
    try:
        check_channel_form(form, editing=True)
    except ChannelError as exc:
        raise HTTPException(400, sentence(exc)) from exc
    do_update_channel(session, channel, form)
    if body.enabled is not None:
        do_set_enabled(session, channel, body.enabled)
    return ChannelOut.of(row_of(channel))
