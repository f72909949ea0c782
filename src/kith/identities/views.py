"""Identity page (``/identities/{public_id}``): one handle or address, and what it said over time.

An identity is an individual with its own history; it is shown on its own and only mentions a person when
a link exists (``person_id``). Attributes come from the network and are shown as text, scalars only, so a
nested or odd value can neither break the layout nor smuggle markup.

The "Profile" section (participation tier, engagement stage, RFM, active channels) is computed on read
by :mod:`kith.profiles`, each figure with the evidence behind it; the "Customer profile" section (CLV,
willingness to pay, preferences, influence) is the stored one the pipeline refreshes
(:mod:`kith.profiles.refresh`), shown only once it exists.

A department member may see an identity only if at least one of its interactions is in a conversation of
their department; otherwise the page answers 404 exactly like a missing identity.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.channels.models import Channel
from kith.channels.service import DISPLAY_NAMES
from kith.identities.models import Identity, Person
from kith.interactions.stream import StreamFilter, stream_page, visible_to
from kith.profiles.refresh import stored_profile
from kith.profiles.service import profile_for
from kith.web.deps import Reader, SessionDep
from kith.web.pages import render
from kith.web.stream import PAGE_SIZE, cards, department_of, page_url, read_cursor, web_url

router = APIRouter()
MAX_ATTRIBUTES = 40
MAX_VALUE = 500
PICTURES = ("avatar", "header", "banner", "image", "picture", "thumbnail")  # links to images: noise as text


def identity_by_public_id(session: Session, public_id: str) -> Identity | None:
    if len(public_id) > 32:
        return None
    return session.scalar(select(Identity).where(Identity.public_id == public_id))


def shown_attributes(attributes: dict[str, object]) -> list[tuple[str, str]]:
    """The attributes worth a definition list: scalar values only, as text, shortened."""
    shown = []
    for key, value in attributes.items():
        if isinstance(value, bool):
            text = "yes" if value else "no"
        elif isinstance(value, int | float | str):
            text = str(value).strip()
        else:
            continue  # lists and objects: not a "fact" a person can read at a glance
        if text and not any(word in str(key).lower() for word in PICTURES):
            label = str(key).replace("_count", "").replace("_", " ")
            shown.append((label, text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + "…"))
        if len(shown) >= MAX_ATTRIBUTES:
            break
    return shown


@router.get("/identities/{public_id}", response_class=HTMLResponse)
def identity_view(request: Request, public_id: str, viewer: Reader, session: SessionDep) -> Response:
    identity = identity_by_public_id(session, public_id)
    confined = department_of(viewer)
    visible = visible_to(StreamFilter(identity_id=identity.id if identity else -1), confined)
    if identity is None or (confined is not None and not stream_page(session, visible, None, 1).rows):
        raise HTTPException(404, "There is no such identity, or it is not one you may see.")
    cursor = read_cursor(request.query_params.get("after"))
    page = stream_page(session, visible, cursor, PAGE_SIZE)
    channel = session.get(Channel, identity.channel_id)
    person = session.get(Person, identity.person_id) if identity.person_id else None
    context = {
        "identity": identity,
        "name": identity.display_name or identity.handle or identity.email or "unknown",
        "channel": DISPLAY_NAMES.get(channel.name, channel.name) if channel else "",
        "profile_url": web_url(identity.profile_url),
        "attributes": shown_attributes(identity.attributes or {}),
        "person": person,
        "profile": profile_for(session, identity.id),
        "stored": stored_profile(session, identity),  # refreshed by the pipeline
        "items": cards(session, page.rows),
        "first_url": None if cursor is None else page_url(request.url.path, []),
        "next_url": page_url(request.url.path, [], page.next_cursor) if page.next_cursor else None,
    }
    return render(request, "identity.html", context, viewer)
