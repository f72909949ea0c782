"""Compare two profiles field by field, each comparison giving one named level (Fellegi-Sunter style).

Why levels and not one similarity number: a reviewer must see *why* two identities were suggested
("name: initial, handle: same_letters, location: equal"), and the scoring model needs a discrete outcome
per field to weigh it by how often it happens among true matches (m) and among random pairs (u).
``None`` means the field cannot be compared (one side does not have it): it neither helps nor hurts.
"""

from __future__ import annotations

from rapidfuzz.distance import JaroWinkler
from rapidfuzz.fuzz import ratio

from kith.identities.social_profile import NameParts, SocialProfile

FUZZY_NAME = 0.92  # Jaro-Winkler of folded given names (or surnames) from which they count as a typo apart
SIMILAR_HANDLE = 85.0  # rapidfuzz ratio (0-100) of the letters of two handles
MIN_NAME_IN_HANDLE = 3  # a given name shorter than this inside a handle proves nothing ("jo", "al")
MIN_SURNAME_IN_HANDLE = 4

Levels = dict[str, str]


def compare_names(a: NameParts, b: NameParts) -> str | None:
    """exact | nickname | initial | first_only | fuzzy | different (``None``: a name is missing)."""
    if not a.known or not b.known:
        return None
    if a.full & b.full:
        return "exact" if a.last and b.last else "first_only" if not (a.last_initial or b.last_initial) else "initial"
    first = bool(a.first & b.first)
    last = bool(a.last & b.last)
    if first and last:
        return "nickname"
    if first and (not a.last or not b.last):
        if a.last_initial and b.last_initial:
            return "initial" if a.last_initial == b.last_initial else "different"
        return "first_only"
    if a.last_squeezed and b.last_squeezed and a.first_squeezed and b.first_squeezed:
        surname = JaroWinkler.similarity(a.last_squeezed, b.last_squeezed)
        given = JaroWinkler.similarity(a.first_squeezed, b.first_squeezed)
        if (last or surname >= FUZZY_NAME) and (first or given >= FUZZY_NAME):
            return "fuzzy"  # a typo or a spelling apart in one of them ("Jonathon"/"Jonathan")
    return "different"


def compare_handles(a: SocialProfile, b: SocialProfile) -> str | None:
    """same | same_letters | similar | different (``None`` unless both have a handle)."""
    if not a.handle or not b.handle:
        return None
    if a.handle.replace(".", "_").replace("-", "_") == b.handle.replace(".", "_").replace("-", "_"):
        return "same"
    if not a.handle_letters or not b.handle_letters:
        return "different"
    if a.handle_letters == b.handle_letters:
        return "same_letters"
    if min(len(a.handle_letters), len(b.handle_letters)) >= 5 and ratio(a.handle_letters, b.handle_letters) >= (
        SIMILAR_HANDLE
    ):
        return "similar"
    return "different"


def _handle_against_name(handle: str, name: NameParts) -> str | None:
    if not handle or not name.known:
        return None
    first, last = name.first_squeezed, name.last_squeezed
    if first and last and (first + last in handle or last + first in handle or (first[0] + last) in handle):
        return "full_name"
    if last and len(last) >= MIN_SURNAME_IN_HANDLE and last in handle:
        return "surname"
    if first and len(first) >= MIN_NAME_IN_HANDLE and handle.startswith(first):
        return "given_name"
    return "none"


def compare_handle_name(a: SocialProfile, b: SocialProfile) -> str | None:
    """The handle of one read against the name of the other; both ways, the weaker, when both can be read.

    Why the weaker: when both have a handle and a name, each handle must fit the other's name; one that
    fits while the other does not is what two different people with similar handles look like.
    """
    order = ("full_name", "surname", "given_name", "none")
    found = [
        level
        for level in (_handle_against_name(a.handle_letters, b.name), _handle_against_name(b.handle_letters, a.name))
        if level is not None
    ]
    return max(found, key=order.index) if found else None


def compare_emails(a: SocialProfile, b: SocialProfile) -> str | None:
    if not a.emails or not b.emails:
        return None
    return "equal" if a.emails & b.emails else "different"


def compare_links(a: SocialProfile, b: SocialProfile) -> str | None:
    """One profile links to the other (a bio naming the other's profile URL), or both name the same site."""
    if (a.own_urls & b.urls) or (b.own_urls & a.urls):
        return "links_to_other"
    if (a.urls - a.own_urls) & (b.urls - b.own_urls):
        return "same_site"
    return None


def compare_places(a: SocialProfile, b: SocialProfile) -> str | None:
    """equal | different; a city named in the other's bio counts as equal."""
    if a.city and b.city:
        if a.city & b.city:
            return "equal"
        return "different"
    for one, other in ((a, b), (b, a)):
        if one.city and any(f" {city} " in other.place_text for city in one.city):
            return "equal"
    return None


NAME_COVERS = {  # handle-vs-name levels that only repeat what the name comparison already counted
    "exact": {"full_name", "surname", "given_name", "none"},
    "nickname": {"full_name", "surname", "given_name", "none"},
    "initial": {"given_name", "none"},
    "first_only": {"given_name", "none"},
}


def handle_name_beyond(name_level: str | None, handle_level: str | None) -> str | None:
    """The handle-vs-name level, unless the name comparison already counted the same evidence.

    Why: handles are built from names, so "Lena" agreeing and ``lena_rides`` starting with "lena" are
    one fact, not two; counting both would make a shared first name look like strong evidence. A handle
    adds evidence only where the name is missing, differs, or gave just an initial the handle spells out.
    """
    if handle_level is None or name_level is None:
        return handle_level
    return None if handle_level in NAME_COVERS.get(name_level, set()) else handle_level


def compare(
    a: SocialProfile, b: SocialProfile, shared_links: str | None = None, co_occurring: str | None = None
) -> Levels:
    """Every comparable field's level; fields that cannot be compared are left out.

    ``shared_links`` and ``co_occurring`` come from what the two posted (``"yes"``/``"no"``, ``None``
    when one of them posted nothing to compare), see :class:`kith.identities.social_match.Signals`.
    """
    levels: Levels = {}
    name_level = compare_names(a.name, b.name)
    for field_name, level in (
        ("name", name_level),
        ("handle", compare_handles(a, b)),
        ("handle_name", handle_name_beyond(name_level, compare_handle_name(a, b))),
        ("email", compare_emails(a, b)),
        ("link", compare_links(a, b)),
        ("location", compare_places(a, b)),
        ("shared_links", shared_links),
        ("co_occurring", co_occurring),
    ):
        if level is not None:
            levels[field_name] = level
    return levels
