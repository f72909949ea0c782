"""Blog and review-site feeds: RSS 2.0, Atom and JSON Feed.

Why this parser looks the way it does:

* A feed is one document holding many entries, so ``split`` parses it once (feedparser for RSS/Atom, which
  copes with the many malformed and mis-encoded feeds in the wild; ``json`` for JSON Feed, which feedparser
  does not read) and cuts it into one raw record per entry. Each payload is a small, plain-JSON envelope
  ``{"feed": {...}, "entry": {...}}`` with times already turned into ISO 8601 strings, so ``normalise`` needs
  neither feedparser nor the rest of the feed.
* Feeds carry no stable numeric ids: the entry's ``id``/``guid`` is the id, else its link, else a hash of
  title and date. A later ``updated`` than ``published`` is an edit and gets its own raw id (``id@updated``).
* Comment feeds (Blogger, WordPress) thread with the Atom threading extension ``thr:in-reply-to``; its
  ``ref`` is the parent's entry id, so such entries become comments replying to that id.
* feedparser is lenient on purpose; we are not where it would hide data loss: a document that is not a feed,
  a truncated file, or bytes that do not match the declared encoding are reported as :class:`ParseError`.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from kith.channels.base import (
    Basis,
    IdentityRecord,
    InteractionRecord,
    Kind,
    Normalised,
    ParseError,
    Parser,
    RawRecord,
    Rejected,
    Visibility,
    dump,
    load,
    parse_time,
)
from kith.channels.html_text import html_to_text

JSON_FEED_VERSION = "jsonfeed.org/version/1"
_TRUNCATION_ERRORS = ("no element found", "unclosed token")
_NOREPLY = ("noreply@", "no-reply@", "donotreply@", "do-not-reply@")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _time_of(raw: Any, parsed: Any = None) -> datetime | None:
    """A feed time as UTC: ISO 8601 (Atom, JSON Feed), RFC 822 (RSS), else feedparser's own parse."""
    if isinstance(raw, str) and raw.strip():
        try:
            return parse_time(raw)
        except ParseError:
            pass
        try:
            value = parsedate_to_datetime(raw)
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        except (TypeError, ValueError):
            pass
    if isinstance(parsed, time.struct_time | tuple) and len(parsed) >= 6:
        year, month, day, hour, minute, second = (int(part) for part in parsed[:6])
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)  # feedparser's parse is UTC
    return None


def _clean(value: dict[str, Any]) -> dict[str, Any]:
    return {key: item for key, item in value.items() if item not in (None, "", [], {})}


class FeedsParser(Parser):
    name = "feeds"
    suffixes = (".xml", ".rss", ".atom", ".json", ".feed")

    def split(self, data: bytes, source: str) -> Iterator[RawRecord | Rejected]:
        if not data.strip():
            raise ParseError(f"{source}: the input is empty")
        stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
        if stripped.startswith((b"{", b"[")):
            feed, entries = _read_json_feed(data, source)
        else:
            feed, entries = _read_xml_feed(data, source)
        for entry in entries:
            envelope = {"feed": feed, "entry": entry}
            stable_id = entry["id"]
            published, updated = entry.get("published"), entry.get("updated")
            newer = updated and published and parse_time(updated) > parse_time(published)
            version = updated if newer else None
            yield RawRecord(f"{stable_id}@{version}" if version else stable_id, dump(envelope))

    def normalise(self, payload: bytes) -> list[Normalised]:
        envelope = load(payload)
        if not isinstance(envelope, dict) or not isinstance(envelope.get("entry"), dict):
            raise ParseError("not a feeds payload: expected an object with 'feed' and 'entry'")
        feed: dict[str, Any] = envelope.get("feed") or {}
        entry: dict[str, Any] = envelope["entry"]
        entry_id = entry.get("id")
        if not isinstance(entry_id, str) or not entry_id:
            raise ParseError("feed entry has no id (expected entry.id, the guid, link or title hash)")
        published = parse_time(entry["published"], field_name="published") if entry.get("published") else None
        updated = parse_time(entry["updated"], field_name="updated") if entry.get("updated") else None
        content = entry.get("content") or {}
        if content.get("type") == "html":
            text = html_to_text(str(content.get("value", "")))
        else:
            text = str(content.get("value", "")).strip()
        reply = entry.get("in_reply_to") or {}
        attributes = _clean(
            {
                "tags": entry.get("tags"),
                "links": entry.get("links"),
                "enclosures": entry.get("enclosures"),
                "comments_url": entry.get("comments_url"),
                "in_reply_to_url": reply.get("href"),
                "feed_title": feed.get("title"),
                "feed_url": feed.get("link"),
                "feed_format": feed.get("format"),
            }
        )
        return [
            InteractionRecord(
                external_id=entry_id,
                kind=Kind.COMMENT if reply.get("ref") else Kind.ARTICLE,
                text=text,
                created_at=published or updated,
                visibility=Visibility.PUBLIC,
                basis=Basis.PUBLIC_CONTENT,
                author=_author(entry.get("authors") or [], feed),
                url=entry.get("link") or None,
                title=entry.get("title") or None,
                lang=entry.get("lang") or feed.get("lang") or None,
                in_reply_to=reply.get("ref") or None,
                edited_at=updated if updated and published and updated > published else None,
                attributes=attributes,
            )
        ]


def _author(authors: list[dict[str, Any]], feed: dict[str, Any]) -> IdentityRecord | None:
    """The entry's first author; the id is the author's URI or e-mail, else the feed host plus the name."""
    if not authors:
        return None
    first = authors[0]
    name, uri = first.get("name") or None, first.get("uri") or None
    email = (first.get("email") or "").strip().lower() or None
    if email and email.startswith(_NOREPLY):
        email = None  # Blogger gives everyone noreply@blogger.com: not an identity
    if uri:
        external_id = uri
    elif email:
        external_id = email
    elif name:
        external_id = f"{feed.get('host') or 'feed'}:{name}"
    else:
        return None
    return IdentityRecord(
        external_id=external_id,
        visibility=Visibility.PUBLIC,
        basis=Basis.PUBLIC_CONTENT,
        display_name=name,
        profile_url=uri,
        email=email,
        attributes=_clean({"avatar": first.get("avatar")}),
    )


def _entry_id(explicit: Any, link: Any, title: Any, date: Any) -> str:
    if isinstance(explicit, str | int) and str(explicit).strip():
        return str(explicit).strip()
    if isinstance(link, str) and link.strip():
        return link.strip()
    digest = hashlib.sha256(f"{title or ''}\x00{date or ''}".encode()).hexdigest()
    return f"sha256:{digest[:32]}"


def _read_xml_feed(data: bytes, source: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    # a stream, never bytes: feedparser would treat bytes that name a path as a file to open
    parsed = feedparser.parse(io.BytesIO(data))
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    name = type(problem).__name__ if problem else ""
    if name in ("CharacterEncodingOverride", "CharacterEncodingUnknown"):
        raise ParseError(
            f"{source}: the feed's bytes do not match its declared encoding ({problem}); re-save it "
            "in the encoding its <?xml ... encoding=...?> line declares (or as UTF-8) and ingest it again"
        )
    version = parsed.get("version") or ""
    if not version:  # feedparser found no <rss>, <feed> or <rdf:RDF>: any "entries" are guesses
        found = "an HTML page" if b"<html" in data[:2048].lower() else "no RSS, Atom or JSON Feed document"
        detail = f" (the parser said: {problem})" if problem else ""
        raise ParseError(
            f"{source}: not a feed: found {found}{detail}; expected RSS 2.0 (<rss>), Atom (<feed>) "
            'or a JSON Feed ({"version": "https://jsonfeed.org/version/1.1", "items": [...]})'
        )
    if problem and any(marker in str(problem) for marker in _TRUNCATION_ERRORS):
        raise ParseError(f"{source}: the feed ends too early ({problem}); the file is truncated — download it again")
    head = parsed.feed
    link = head.get("link") or ""
    feed = _clean(
        {
            "title": head.get("title"),
            "link": link,
            "host": urlsplit(link).hostname or "",
            "lang": head.get("language"),
            "format": version or "unknown",
        }
    )
    return feed, [_xml_entry(entry, feed) for entry in parsed.entries]


def _xml_entry(entry: Any, feed: dict[str, Any]) -> dict[str, Any]:
    # dict.get, not entry.get: FeedParserDict maps a missing `updated` to `published` (with a warning)
    published = _time_of(dict.get(entry, "published"), dict.get(entry, "published_parsed"))
    updated = _time_of(dict.get(entry, "updated"), dict.get(entry, "updated_parsed"))
    if entry.get("content"):
        body = entry["content"][0]
        value, mime = body.get("value", ""), body.get("type", "text/html")
    else:
        detail = entry.get("summary_detail") or {}
        value, mime = entry.get("summary", ""), detail.get("type", "text/html")
    reply = entry.get("thr_in-reply-to") or {}
    date = _iso(published or updated)
    return _clean(
        {
            "id": _entry_id(entry.get("id"), entry.get("link"), entry.get("title"), date),
            "link": entry.get("link"),
            "title": entry.get("title"),
            "published": _iso(published),
            "updated": _iso(updated),
            "content": {"type": "html" if "html" in mime else "text", "value": value} if value else None,
            "authors": [
                _clean({"name": a.get("name"), "email": a.get("email"), "uri": a.get("href")})
                for a in entry.get("authors") or []
                if isinstance(a, dict)
            ],
            "tags": [t.get("term") for t in entry.get("tags") or [] if t.get("term")],
            "links": sorted({x.get("href") for x in entry.get("links") or [] if x.get("href")}),
            "enclosures": [x.get("href") for x in entry.get("enclosures") or [] if x.get("href")],
            "comments_url": entry.get("comments"),
            "in_reply_to": _clean({"ref": reply.get("ref"), "href": reply.get("href")}),
            "lang": (entry.get("title_detail") or {}).get("language"),
        }
    )


def _read_json_feed(data: bytes, source: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"{source}: not valid UTF-8 (byte {exc.start}: {data[exc.start : exc.start + 1]!r}); "
            "a JSON Feed must be UTF-8 — save it as UTF-8 and ingest it again"
        ) from exc
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"{source}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); the file may be truncated"
        ) from exc
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or JSON_FEED_VERSION not in version:
        keys = ", ".join(sorted(doc)[:12]) if isinstance(doc, dict) else type(doc).__name__
        raise ParseError(
            f'{source}: not a JSON Feed: expected an object with "version": '
            f'"https://jsonfeed.org/version/1.1" and "items"; got {keys or "an empty object"}'
        )
    items = doc.get("items")
    if not isinstance(items, list):
        raise ParseError(f'{source}: JSON Feed has no "items" list')
    link = str(doc.get("home_page_url") or doc.get("feed_url") or "")
    feed = _clean(
        {
            "title": doc.get("title"),
            "link": link,
            "host": urlsplit(link).hostname or "",
            "lang": doc.get("language"),
            "format": "json" + version.rsplit("/", 1)[-1],
        }
    )
    feed_authors = doc.get("authors") or ([doc["author"]] if isinstance(doc.get("author"), dict) else [])
    return feed, [_json_entry(item, feed_authors) for item in items if isinstance(item, dict)]


def _json_entry(item: dict[str, Any], feed_authors: list[Any]) -> dict[str, Any]:
    published = _time_of(item.get("date_published"))
    updated = _time_of(item.get("date_modified"))
    authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
    authors = authors or feed_authors  # JSON Feed: items inherit the feed's authors
    if item.get("content_html"):
        content = {"type": "html", "value": item["content_html"]}
    elif item.get("content_text") or item.get("summary"):
        content = {"type": "text", "value": item.get("content_text") or item.get("summary")}
    else:
        content = None
    link = item.get("url") or item.get("external_url")
    return _clean(
        {
            "id": _entry_id(item.get("id"), link, item.get("title"), _iso(published or updated)),
            "link": link,
            "title": item.get("title"),
            "published": _iso(published),
            "updated": _iso(updated),
            "content": content,
            "authors": [
                _clean({"name": a.get("name"), "uri": a.get("url"), "avatar": a.get("avatar")})
                for a in authors
                if isinstance(a, dict)
            ],
            "tags": [str(tag) for tag in item.get("tags") or []],
            "links": [x for x in (item.get("external_url"),) if x],
            "enclosures": [a["url"] for a in item.get("attachments") or [] if isinstance(a, dict) and a.get("url")],
            "lang": item.get("language"),
        }
    )


parser = FeedsParser()
