"""What a query is matched against: a text plus the few fields the listening operators filter on.

Why a small frozen dataclass rather than the interaction record itself: the matcher is a pure function
used by the pipeline, the CLI (one line of text at a time) and benchmarks alike; each of them can build
a ``Document`` cheaply, and the matcher never reaches into storage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kith.enrichment.query.text import TOKEN

if TYPE_CHECKING:
    from kith.channels.base import InteractionRecord


@dataclass(frozen=True)
class Document:
    text: str
    author: str | None = None  # handle or display name, with or without "@"
    channel: str | None = None  # e.g. "x", "mastodon", "email"
    lang: str | None = None  # BCP 47, e.g. "en" or "pt-BR"
    country: str | None = None  # ISO code or name, as the source gives it
    url: str | None = None  # where the item lives
    links: tuple[str, ...] = ()  # links the source lists (expanded); links in ``text`` are found too
    hashtags: tuple[str, ...] = ()  # without "#"
    mentions: tuple[str, ...] = ()  # without "@"

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        author: str | None = None,
        channel: str | None = None,
        lang: str | None = None,
        country: str | None = None,
        url: str | None = None,
    ) -> Document:
        """A document whose links, hashtags and mentions are read from the text itself."""
        links: list[str] = []
        tags: list[str] = []
        mentions: list[str] = []
        for m in TOKEN.finditer(text):
            k = m.lastindex
            if k == 1:
                links.append(m.group(1))
            elif k == 2:  # group numbers of TOKEN: 1 link, 2 hashtag, 3 mention
                tags.append(m.group(2))
            elif k == 3:
                mentions.append(m.group(3))
        return cls(
            text,
            author=author,
            channel=channel,
            lang=lang,
            country=country,
            url=url,
            links=tuple(links),
            hashtags=tuple(tags),
            mentions=tuple(mentions),
        )

    @classmethod
    def from_interaction(cls, record: InteractionRecord, channel: str | None = None) -> Document:
        """A document for a normalised interaction (its attributes carry hashtags, mentions, links)."""
        author = record.author
        handle = (author.handle or author.display_name) if author else None
        country = author.attributes.get("country") if author else None
        title = f"{record.title}\n" if record.title else ""
        return cls(
            title + record.text,
            author=handle,
            channel=channel,
            lang=record.lang,
            country=country if isinstance(country, str) else None,
            url=record.url,
            links=_strings(record.attributes.get("links")),
            hashtags=tuple(s.lstrip("#") for s in _strings(record.attributes.get("hashtags"))),
            mentions=tuple(s.lstrip("@") for s in _strings(record.attributes.get("mentions"))),
        )


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(v for v in value if isinstance(v, str))
    return ()
