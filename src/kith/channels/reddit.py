"""Reddit: listings of submissions (t3), comment trees (t1) and private messages (t4).

What is special about the format:

* Everything is a *thing* ``{"kind": "t1"|"t3"|"t4"|"more", "data": {...}}``, often inside a ``Listing``
  (``{"kind": "Listing", "data": {"children": [...]}}``); a submission's comments page is a JSON list of two
  listings: the submission, then the comment tree.
* Comment and message replies nest under ``replies``, which is ``""`` when there are none or a Listing;
  ``more`` stubs only name comments that were not loaded, so they are skipped (nothing is recorded for them).
* Ids: the *fullname* (``t3_abc``, ``t1_def``, ``t4_ghi``) is the external id because ``parent_id`` and
  ``link_id`` are fullnames too: ``parent_id`` → ``in_reply_to``, ``link_id`` → ``thread_root``; a message's
  thread root is ``first_message_name``.
* ``created_utc`` and ``edited`` are epoch seconds (``edited`` is ``false`` when never edited): an edited
  item gets the raw id ``"<fullname>@<edited>"``.
* A body (or self text) of ``[deleted]``/``[removed]`` means the content is gone: the raw id is
  ``"<fullname>@deleted"`` and the record a tombstone (threading kept). An author of ``[deleted]`` with a live
  body only means the account was deleted: the text is kept, the author is None.
* Authors: ``author_fullname`` (``t2_...``) is the stable id when present, else ``"u/<name>"``.
* Bodies are Markdown; we assume ``raw_json=1`` (as PRAW asks), so text is not HTML-escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kith.channels.base import (
    SHAPE_ERRORS,
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
    iter_json_documents,
    load,
    parse_time,
    unwrap_recording,
    why_failed,
)

Item = RawRecord | Rejected


GONE = frozenset({"[deleted]", "[removed]"})
CONTENT = frozenset({"t1", "t3", "t4"})
_LINK = re.compile(r"https?://[^\s)\]>\"']+")
_USER = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})")


def _keys(doc: Any) -> str:
    if isinstance(doc, dict):
        return "an object with keys " + ", ".join(sorted(doc)[:12])
    return f"a JSON {type(doc).__name__}"


def _guess_kind(data: dict[str, Any]) -> str | None:
    """The kind of a bare data object (JSON Lines of single items, Pushshift-style dumps)."""
    name = data.get("name")
    if isinstance(name, str) and name[:3] in ("t1_", "t3_", "t4_"):
        return name[:2]
    if "link_id" in data and "body" in data:
        return "t1"
    if "title" in data and "subreddit" in data:
        return "t3"
    if "dest" in data and "subject" in data:
        return "t4"
    return None


def _fullname(kind: str, data: dict[str, Any]) -> str:
    name = data.get("name")
    if isinstance(name, str) and name.startswith(kind + "_"):
        return name
    if data.get("id"):
        return f"{kind}_{data['id']}"
    raise ParseError(f"a Reddit {kind} item has neither name nor id")


def _is_gone(kind: str, data: dict[str, Any]) -> bool:
    if kind == "t3":
        return data.get("selftext") in GONE or bool(data.get("removed_by_category"))
    return data.get("body") in GONE


def _thing(kind: str, data: dict[str, Any]) -> Iterator[Item]:
    """One item's raw record (without its nested replies), then its replies'."""
    try:
        fullname = _fullname(kind, data)
    except ParseError as exc:
        yield Rejected(str(exc), dump({"kind": kind, "data": data}))
        return
    item = {key: value for key, value in data.items() if key != "replies"}
    edited = data.get("edited")
    if _is_gone(kind, data):
        raw_id = f"{fullname}@deleted"
    elif edited not in (None, False, 0):
        raw_id = f"{fullname}@{'edited' if edited is True else edited}"
    else:
        raw_id = fullname
    yield RawRecord(raw_id, dump({"kind": kind, "data": item}))
    yield from _children(data.get("replies"))


def _children(listing: Any) -> Iterator[Item]:
    if isinstance(listing, dict) and listing.get("kind") == "Listing":
        data = listing.get("data")
        for child in data.get("children") or [] if isinstance(data, dict) else []:
            yield from _child(child)


def _child(child: Any) -> Iterator[Item]:
    kind = child.get("kind") if isinstance(child, dict) else None
    data = child.get("data") if isinstance(child, dict) else None
    if kind == "more":
        return  # comments that were not loaded: nothing to record
    if kind == "Listing":
        yield from _children(child)
    elif kind in CONTENT and isinstance(data, dict):
        yield from _thing(str(kind), data)
    else:
        yield Rejected(f"unsupported Reddit thing (kind {kind!r}); expected t1, t3, t4 or more", dump(child))


class RedditParser(Parser):
    """JSON bodies of the Reddit API, read as :class:`JsonParser` reads them."""

    name = "reddit"
    suffixes: tuple[str, ...] = (".json", ".jsonl", ".ndjson")

    def split(self, data: bytes, source: str) -> Iterator[RawRecord | Rejected]:
        for doc_bytes, doc in iter_json_documents(data, source):
            if isinstance(doc, Rejected):
                yield doc
                continue
            try:
                items = list(self._walk(unwrap_recording(doc)))
            except (ParseError, *SHAPE_ERRORS) as exc:
                yield Rejected(f"{source}: {why_failed(exc)}", doc_bytes)
                continue
            for item in items:
                yield Rejected(f"{source}: {item.reason}", item.payload) if isinstance(item, Rejected) else item

    def _walk(self, doc: Any) -> Iterator[Item]:
        if isinstance(doc, list):
            for element in doc:
                yield from self._walk(element)
        elif isinstance(doc, dict) and doc.get("kind") == "Listing":
            yield from _children(doc)
        elif isinstance(doc, dict) and isinstance(doc.get("kind"), str) and isinstance(doc.get("data"), dict):
            yield from _child(doc)
        elif isinstance(doc, dict) and (kind := _guess_kind(doc)):
            yield from _thing(kind, doc)
        else:
            raise ParseError(
                "not a Reddit payload: expected a Listing, a list of Listings (a submission with its "
                "comments), a thing {kind, data} or a single submission/comment/message object; got " + _keys(doc)
            )

    def normalise(self, payload: bytes) -> list[Normalised]:
        try:
            return self._normalise(load(payload))
        except SHAPE_ERRORS as exc:
            raise ParseError(f"a Reddit payload field has an unexpected type ({type(exc).__name__}: {exc})") from exc

    def _normalise(self, doc: Any) -> list[Normalised]:
        if not isinstance(doc, dict) or doc.get("kind") not in CONTENT or not isinstance(doc.get("data"), dict):
            raise ParseError("a Reddit raw payload must be {kind: t1|t3|t4, data: {...}}")
        return [_interaction(doc["kind"], doc["data"])]


def _author(data: dict[str, Any], visibility: Visibility, basis: Basis) -> IdentityRecord | None:
    name = data.get("author")
    if not isinstance(name, str) or not name or name in GONE:
        return None
    attributes = {"flair": data["author_flair_text"]} if data.get("author_flair_text") else {}
    return IdentityRecord(
        external_id=data.get("author_fullname") or f"u/{name}",
        visibility=visibility,
        basis=basis,
        handle=name,
        profile_url=f"https://www.reddit.com/user/{name}",
        attributes=attributes,
    )


def _permalink(kind: str, data: dict[str, Any]) -> str | None:
    """The item's path on www.reddit.com; old comments carry no permalink, so it is built from the ids."""
    given = data.get("permalink") or data.get("context")
    if isinstance(given, str) and given.startswith("/"):
        return given
    link, sub, item_id = str(data.get("link_id") or ""), data.get("subreddit"), data.get("id")
    if kind == "t1" and link.startswith("t3_") and sub and item_id:
        return f"/r/{sub}/comments/{link[3:]}/_/{item_id}/"
    if kind == "t4" and item_id:
        return f"/message/messages/{item_id}"
    return None


def _interaction(kind: str, data: dict[str, Any]) -> InteractionRecord:
    fullname = _fullname(kind, data)
    if data.get("created_utc") is None and data.get("created") is None:
        raise ParseError(f"{fullname} has no created_utc")
    created = parse_time(data.get("created_utc", data.get("created")), field_name="created_utc")
    private = kind == "t4"
    visibility, basis = (
        (Visibility.PRIVATE, Basis.DIRECT_CONTACT) if private else (Visibility.PUBLIC, Basis.PUBLIC_CONTENT)
    )
    gone = _is_gone(kind, data)
    if kind == "t3":
        is_link = data.get("is_self") is False and bool(data.get("url"))
        text = str(data.get("url")) if is_link else str(data.get("selftext") or "")
        record_kind, title = Kind.POST, data.get("title")
        in_reply_to, root = None, None
    elif kind == "t1":
        text, record_kind, title = str(data.get("body") or ""), Kind.COMMENT, None
        in_reply_to, root = data.get("parent_id"), data.get("link_id")
    else:
        text, record_kind, title = str(data.get("body") or ""), Kind.DIRECT_MESSAGE, data.get("subject")
        in_reply_to, root = data.get("parent_id"), data.get("first_message_name")
    attributes: dict[str, Any] = {}
    if data.get("subreddit"):
        attributes["subreddit"] = data["subreddit"]
    if private and data.get("dest"):
        attributes["to"] = data["dest"]
    if data.get("author") in GONE:
        attributes["author_deleted"] = True
    for key in ("over_18", "distinguished", "stickied", "link_flair_text"):
        if data.get(key):
            attributes[key] = data[key]
    links = [url for url in _LINK.findall(text) if url]
    mentions = sorted(set(_USER.findall(text)))
    if links and not gone:
        attributes["links"] = links
    if mentions and not gone:
        attributes["mentions"] = mentions
    if gone and data.get("removed_by_category"):
        attributes["removed_by"] = data["removed_by_category"]
    metrics = {
        name: data[key]
        for key, name in (("score", "score"), ("num_comments", "comments"))
        if isinstance(data.get(key), int) and not isinstance(data.get(key), bool)
    }
    edited = data.get("edited")
    permalink = _permalink(kind, data)
    return InteractionRecord(
        external_id=fullname,
        kind=record_kind,
        text="" if gone else text,
        created_at=created,
        visibility=visibility,
        basis=basis,
        author=_author(data, visibility, basis),
        url=f"https://www.reddit.com{permalink}" if permalink else None,
        title=None if gone or not title else str(title),
        in_reply_to=in_reply_to or None,
        thread_root=root if root and root != fullname else None,
        edited_at=parse_time(edited, field_name="edited")
        if isinstance(edited, int | float) and not isinstance(edited, bool) and edited
        else None,
        deleted=gone,
        metrics=metrics,
        attributes=attributes,
    )


parser = RedditParser()
