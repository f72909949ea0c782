"""What a public profile (or a customer record) really says about who is behind it, ready to compare.

Why a separate, flat snapshot: matching compares every candidate pair on the same few facts — the name
in its foldings and short forms, the handle as it reads without separators, e-mail addresses and links
written in the bio, the place named in the location field or the bio — and each of them is cheaper to
compute once per identity than once per pair. Nothing here touches the database: :func:`profile_of`
reads an ``Identity`` already loaded, so the same code serves the batch and the synthetic benchmark.

An address read from a bio is *not* customer-given: it is evidence for a suggestion, never for a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kith.identities.models import Identity
from kith.identities.nicknames import given_name_forms
from kith.identities.transliterate import fold, fold_variants, squeeze

RECORD_CHANNELS = frozenset({"csv", "email"})  # the customer gave these details themselves
BIO_KEYS = ("bio", "description", "note", "about", "summary")
PLACE_KEYS = ("location", "city")
SITE_KEYS = ("website", "url", "blog")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
PIN = re.compile(r"📍\s*([^\n|,·•✉️📧]+)")
TAGS = re.compile(r"<[^>]+>")
HANDLE_SUFFIX = re.compile(r"(\.bsky\.social|@[\w.-]+)$")
HANDLE_WORDS = re.compile(r"[a-z]+")
PARTICLES = frozenset({"de", "van", "von", "der", "den", "di", "da", "del", "le", "la", "du", "ten", "ter"})


@dataclass(frozen=True)
class NameParts:
    """A personal name as compared: foldings of the whole, of the given name(s) and of the surname."""

    full: frozenset[str] = frozenset()  # foldings of the whole name, words sorted (order-free)
    first: frozenset[str] = frozenset()  # foldings and nickname groups of the first given name
    last: frozenset[str] = frozenset()  # foldings of the surname ("" when only an initial is known)
    last_initial: str = ""  # "s" for "Lena S." and for "Lena Schmidt"
    first_squeezed: str = ""
    last_squeezed: str = ""

    @property
    def known(self) -> bool:
        return bool(self.first or self.last)


@dataclass
class SocialProfile:
    identity_id: int
    channel: str
    is_record: bool  # a customer-given record (CSV, e-mail) rather than a public profile
    person_id: int | None = None
    name: NameParts = field(default_factory=NameParts)
    handle: str = ""  # lower-case, separators kept, network suffix dropped ("lena_rides")
    handle_letters: str = ""  # letters only ("lenarides")
    emails: frozenset[str] = frozenset()
    urls: frozenset[str] = frozenset()  # own profile URL, website and links in the bio, normalised
    own_urls: frozenset[str] = frozenset()  # the identity's own profile URL(s)
    city: frozenset[str] = frozenset()  # foldings of an explicit place (record city, location, 📍)
    place_text: str = ""  # the folded bio and location, where a city may be named in passing
    links: frozenset[str] = frozenset()  # rare links it posted (filled in by the batch)
    extra: dict[str, Any] = field(default_factory=dict)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s]+", text) if any(ch.isalpha() for ch in w)]


def name_parts(display_name: str | None) -> NameParts:
    """Split a display name into given name, surname or surname initial; emoji and decoration dropped."""
    words = [w.strip(".,;:()[]\"'") for w in _words(display_name or "")]
    words = [w for w in words if w and not w.startswith("@")]
    if not words:
        return NameParts()
    full = frozenset(" ".join(sorted(v.split())) for v in fold_variants(" ".join(words)))
    first = given_name_forms(words[0])
    if len(words) == 1:
        return NameParts(full=full, first=first, first_squeezed=squeeze(words[0]))
    last_word = words[-1]
    if len(words) > 2 and words[-2].lower() in PARTICLES:
        last_word = f"{words[-2]}{last_word}"  # "Lotte de Vries": surname "devries", as handles spell it
    squeezed_last = squeeze(last_word)
    if len(squeezed_last) == 1 and display_name and (last_word.endswith(".") or len(last_word) == 1):
        return NameParts(full=full, first=first, last_initial=squeezed_last, first_squeezed=squeeze(words[0]))
    last = frozenset(v.replace(" ", "") for v in fold_variants(last_word))
    return NameParts(
        full=full,
        first=first,
        last=last,
        last_initial=squeezed_last[:1],
        first_squeezed=squeeze(words[0]),
        last_squeezed=squeezed_last,
    )


def normal_url(url: str) -> str:
    """``https://www.Example.com/a/`` → ``example.com/a``: scheme, ``www.`` and trailing slash don't matter."""
    text = url.strip().rstrip(".,;:)").lower()
    text = re.sub(r"^https?://", "", text)
    text = text.removeprefix("www.")
    return text.rstrip("/")


def normal_handle(handle: str | None) -> str:
    text = (handle or "").strip().lower().lstrip("@")
    return HANDLE_SUFFIX.sub("", text)


def _texts(attributes: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    found = []
    for key in keys:
        value = attributes.get(key)
        if isinstance(value, str) and value.strip():
            found.append(TAGS.sub(" ", value))
    fields = attributes.get("fields")
    if isinstance(fields, list) and keys is SITE_KEYS:
        for item in fields:
            if isinstance(item, dict) and isinstance(item.get("value"), str):
                found.append(TAGS.sub(" ", item["value"]))
    return found


def profile_of(identity: Identity, channel: str) -> SocialProfile:
    """The comparable facts of one identity (``channel`` is its channel's name)."""
    attributes = identity.attributes or {}
    bio = " ".join(_texts(attributes, BIO_KEYS))
    places = _texts(attributes, PLACE_KEYS) + [m.group(1) for m in PIN.finditer(bio)]
    sites = _texts(attributes, SITE_KEYS)
    is_record = channel in RECORD_CHANNELS
    emails = {e.lower().rstrip(".") for e in EMAIL.findall(bio)}
    if is_record and identity.email:
        emails.add(identity.email.strip().lower())
    own = {normal_url(identity.profile_url)} if identity.profile_url else set()
    urls = {normal_url(u) for text in [bio, *sites] for u in URL.findall(text)}
    urls.update(normal_url(s) for s in sites if "." in s and " " not in s.strip())
    handle = normal_handle(identity.handle)
    name = identity.display_name
    if name and name.startswith("@"):
        name = None  # YouTube shows the @handle as the author name: not a personal name
    return SocialProfile(
        identity_id=identity.id,
        channel=channel,
        is_record=is_record,
        person_id=identity.person_id,
        name=name_parts(name),
        handle=handle,
        handle_letters="".join(HANDLE_WORDS.findall(fold(handle))),
        emails=frozenset(emails),
        urls=frozenset(urls | own),
        own_urls=frozenset(own),
        city=frozenset(v for p in places for v in fold_variants(p.strip())),
        place_text=" " + " ".join(fold(t) for t in [bio, *places]) + " ",
    )
