"""Person page (``/people/{public_id}``): everything known about one person across all their identities.

A person exists only because identities were linked on evidence, so the page leads with the identities and
the evidence of each link (who or which rule decided, and why), with an Unlink button for admins and
agents (the same :func:`kith.identities.matching.do_unlink` as the identity page). Then the open match
suggestions that involve them, the stored customer profile (shared with the identity page), and one
timeline across every channel, offline ones included (orders, store visits, calls, panel answers are
interactions of the customer-list identities).

Access is the identity page's: a department member sees a person only if at least one of the person's
interactions is in a conversation of their department, and then only those interactions; otherwise the
page answers 404 exactly like a missing person.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kith.auth.models import Role
from kith.identities.matching import MatchError, do_unlink
from kith.identities.models import Identity, Person
from kith.identities.person_page import identity_ids_of, person_by_public_id, person_view
from kith.identities.review_views import Reviewer
from kith.identities.views import identity_by_public_id
from kith.interactions.stream import StreamFilter, stream_page, visible_to
from kith.profiles.refresh import stored_profile
from kith.web.deps import Reader, SessionDep
from kith.web.pages import render
from kith.web.stream import PAGE_SIZE, cards, department_of, page_url, read_cursor, web_url

router = APIRouter()
NOT_VISIBLE = "There is no such person, or it is not one you may see."


@router.get("/people/{public_id}", response_class=HTMLResponse)
def person_page(request: Request, public_id: str, viewer: Reader, session: SessionDep) -> Response:
    person = person_by_public_id(session, public_id)
    ids = identity_ids_of(session, person) if person else []
    confined = department_of(viewer)
    visible = visible_to(StreamFilter(identity_ids=frozenset(ids)), confined)
    if person is None or (confined is not None and (not ids or not stream_page(session, visible, None, 1).rows)):
        raise HTTPException(404, NOT_VISIBLE)
    view = person_view(session, person)
    cursor = read_cursor(request.query_params.get("after"))
    page = stream_page(session, visible, cursor, PAGE_SIZE) if ids else None
    first: Identity | None = view.identities[0].identity if view.identities else None
    context = {
        "view": view,
        "name": person.display_name or next((i.identity.display_name for i in view.identities), None) or "Person",
        "profile_urls": {i.identity.id: web_url(i.identity.profile_url) for i in view.identities},
        "stored": stored_profile(session, first) if first is not None else None,
        "can_review": viewer.role in (Role.ADMIN, Role.AGENT),
        "items": cards(session, page.rows) if page else [],
        "first_url": None if cursor is None else page_url(request.url.path, []),
        "next_url": page_url(request.url.path, [], page.next_cursor) if page and page.next_cursor else None,
        "notice": "Unlinked." if request.query_params.get("done") == "unlinked" else None,
    }
    return render(request, "person.html", context, viewer)


@router.get("/identities/{public_id}/person")
def person_of_identity(public_id: str, viewer: Reader, session: SessionDep) -> Response:
    """From a review row or a link that only knows the identity: on to its person's page."""
    identity = identity_by_public_id(session, public_id)
    person = session.get(Person, identity.person_id) if identity and identity.person_id else None
    confined = department_of(viewer)
    visible = visible_to(StreamFilter(identity_id=identity.id if identity else -1), confined)
    if person is None or (confined is not None and not stream_page(session, visible, None, 1).rows):
        raise HTTPException(404, "This identity is not linked to a person you may see.")
    return RedirectResponse(f"/people/{person.public_id}", status_code=303)


@router.post("/people/{public_id}/unlink/{identity_public_id}")
def unlink_from_person(public_id: str, identity_public_id: str, viewer: Reviewer, session: SessionDep) -> Response:
    """Take one identity out of the person (its evidence revoked), then back to the person page."""
    person = person_by_public_id(session, public_id)
    identity = identity_by_public_id(session, identity_public_id)
    if person is None or identity is None or identity.person_id != person.id:
        raise HTTPException(404, "This identity is not linked to this person.")
    try:
        do_unlink(session, identity.public_id, viewer.email)
    except MatchError as exc:
        raise HTTPException(409, str(exc)) from None
    session.commit()
    return RedirectResponse(f"/people/{person.public_id}?done=unlinked", status_code=303)
