"""Admin pages for channels (/admin/channels). Admins only.

A channel's credentials are write-only here: forms say how they are set ("set (encrypted)", "from
$ENV_NAME") and offer a field to replace them, and nothing a page renders is ever decrypted.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from kith.auth.admin_views import done_message, finish, page_of
from kith.auth.service import Principal
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
from kith.channels.registry import channel_names
from kith.channels.service import DISPLAY_NAMES
from kith.web.deps import AdminOnly, SessionDep
from kith.web.pages import render

router = APIRouter(prefix="/admin/channels", include_in_schema=False)

Field = Annotated[str, Form(max_length=1000)]
SecretField = Annotated[str, Form(max_length=20_000)]
DONE = {
    "channel-created": "The channel was added.",
    "channel-updated": "The channel was updated.",
    "channel-enabled": "The channel was enabled.",
    "channel-disabled": "The channel was disabled: nothing is fetched from or sent to it until it is enabled.",
}


def kinds() -> list[tuple[str, str]]:
    return [(name, DISPLAY_NAMES.get(name, name)) for name in channel_names()]


@router.get("", response_class=HTMLResponse)
def channels(
    request: Request,
    viewer: AdminOnly,
    session: SessionDep,
    after: Annotated[str | None, Query(max_length=64)] = None,
    done: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    page = page_of(list_channels, session, after)
    context = {"page": page, "after": after, "done": done_message(DONE, done), "section": "channels"}
    return render(request, "admin_channels.html", context, viewer)


def channel_form(
    request: Request,
    viewer: Principal,
    values: dict[str, Any],
    error: str | None = None,
    channel: Channel | None = None,
    status: int = 200,
) -> Response:
    """The add/edit form; ``values`` never holds a secret, so a re-rendered form cannot show one."""
    context = {
        "values": values,
        "error": error,
        "channel": row_of(channel) if channel else None,
        "kinds": kinds(),
        "section": "channels",
    }
    return render(request, "admin_channel_form.html", context, viewer, status)


@router.get("/new", response_class=HTMLResponse)
def new_channel(request: Request, viewer: AdminOnly) -> Response:
    values = {"name": "", "kind": "", "display_name": "", "account": "", "credentials": "none", "credentials_ref": ""}
    return channel_form(request, viewer, values)


@router.post("")
def create_channel(
    request: Request,
    viewer: AdminOnly,
    session: SessionDep,
    name: Field = "",
    kind: Field = "",
    display_name: Field = "",
    account: Field = "",
    credentials: Field = "none",
    credentials_ref: Field = "",
    secret: SecretField = "",
) -> Response:
    name = name.strip()
    form = ChannelForm(display_name, account, credentials, credentials_ref, secret)
    try:
        check_new_channel(session, name, kind, form)
    except ChannelError as exc:
        values = {
            "name": name,
            "kind": kind,
            "display_name": display_name,
            "account": account,
            "credentials": credentials,
            "credentials_ref": credentials_ref,
        }
        return channel_form(request, viewer, values, f"Could not add the channel: {exc}.", status=400)
    do_create_channel(session, name, kind, form)
    return finish(session, "/admin/channels?done=channel-created")


def channel_or_404(session: Session, public_id: str) -> Channel:
    channel = channel_by_public_id(session, public_id)
    if channel is None:
        raise HTTPException(404, "There is no such channel; pick one from Admin → Channels.")
    return channel


@router.get("/{public_id}", response_class=HTMLResponse)
def edit_channel(request: Request, viewer: AdminOnly, session: SessionDep, public_id: str) -> Response:
    channel = channel_or_404(session, public_id)
    values = {
        "display_name": channel.display_name,
        "account": channel.account or "",
        "credentials": Credentials.KEEP.value,
        "credentials_ref": channel.credentials_ref or "",
    }
    return channel_form(request, viewer, values, channel=channel)


@router.post("/{public_id}")
def update_channel(
    request: Request,
    viewer: AdminOnly,
    session: SessionDep,
    public_id: str,
    display_name: Field = "",
    account: Field = "",
    credentials: Field = "keep",
    credentials_ref: Field = "",
    secret: SecretField = "",
) -> Response:
    channel = channel_or_404(session, public_id)
    form = ChannelForm(display_name, account, credentials, credentials_ref, secret)
    try:
        check_channel_form(form, editing=True)
    except ChannelError as exc:
        values = {
            "display_name": display_name,
            "account": account,
            "credentials": credentials,
            "credentials_ref": credentials_ref,
        }
        return channel_form(request, viewer, values, f"Could not update the channel: {exc}.", channel, 400)
    do_update_channel(session, channel, form)
    return finish(session, "/admin/channels?done=channel-updated")


@router.post("/{public_id}/enabled")
def set_enabled(
    request: Request, viewer: AdminOnly, session: SessionDep, public_id: str, enabled: Field = ""
) -> Response:
    channel = channel_or_404(session, public_id)
    if enabled not in ("yes", "no"):
        raise HTTPException(400, "Use the Enable or Disable button on the channel list.")
    do_set_enabled(session, channel, enabled == "yes")
    return finish(session, f"/admin/channels?done=channel-{'enabled' if enabled == 'yes' else 'disabled'}")
