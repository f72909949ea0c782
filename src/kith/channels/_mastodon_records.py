"""Mastodon objects (status, notification, conversation, edit-history version, account) → Kith records.

The normalise side of :mod:`kith.channels.mastodon`, kept apart so each module stays readable; the
envelope shapes it reads are described there. Statuses carry HTML (``content``, the account's ``note`` and
profile ``fields``): it becomes plain text, and plain links are taken from the anchors Mastodon does not
mark as mentions or hashtags.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from kith.channels.base import (
    Basis,
    IdentityRecord,
    InteractionRecord,
    Kind,
    Normalised,
    ParseError,
    Visibility,
    parse_time,
)
from kith.channels.html_text import html_to_text

PUBLIC_NOTIFICATIONS = frozenset({"follow", "favourite", "reblog", "quote"})
PUBLIC_VISIBILITIES = frozenset({"public", "unlisted", "local"})
_METRICS = {
    "replies_count": "replies",
    "reblogs_count": "shares",
    "favourites_count": "likes",
    "quotes_count": "quotes",
}


def keys_of(doc: Any) -> str:
    """Describe an unexpected JSON value for an error message."""
    if isinstance(doc, dict):
        return "an object with keys " + ", ".join(sorted(doc)[:12])
    return f"a JSON {type(doc).__name__}"


class _LinkCollector(HTMLParser):
    """hrefs of anchors that are plain links (Mastodon marks mentions and hashtags with class="mention")."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        href, classes = values.get("href"), (values.get("class") or "").split()
        if tag == "a" and href and "mention" not in classes and "hashtag" not in classes:
            self.links.append(href)


def normalise_envelope(doc: Any) -> list[Normalised]:
    """Records from one raw envelope: {status}, {notification}, {conversation}, {version}, {account} or {deleted}."""
    if not isinstance(doc, dict):
        raise ParseError("a Mastodon raw payload must be a JSON object")
    if isinstance(doc.get("status"), dict):
        return _status(doc["status"], thread_root=doc.get("thread_root"))
    if isinstance(doc.get("notification"), dict):
        return _notification(doc["notification"])
    if isinstance(doc.get("conversation"), dict):
        return _conversation(doc["conversation"])
    if isinstance(doc.get("version"), dict):
        return _version(doc)
    if isinstance(doc.get("account"), dict):
        return [_identity(doc["account"], Visibility.PUBLIC, Basis.PUBLIC_CONTENT)]
    if isinstance(doc.get("deleted"), str) and doc["deleted"]:
        return [
            InteractionRecord(
                external_id=doc["deleted"],
                kind=Kind.POST,
                text="",
                created_at=None,
                visibility=Visibility.PRIVATE,
                basis=Basis.DIRECT_CONTACT,
                deleted=True,
                attributes={"tombstone": True},
            )
        ]
    raise ParseError(
        "unknown Mastodon raw payload: expected status, notification, conversation, "
        "version, account or deleted; got " + keys_of(doc)
    )


def _identity(account: dict[str, Any], visibility: Visibility, basis: Basis) -> IdentityRecord:
    key = account.get("id") or account.get("acct") or account.get("url")
    if not key:
        raise ParseError("an account has no id, acct or url")
    attributes: dict[str, Any] = {}
    for name in ("followers_count", "following_count", "statuses_count"):
        if isinstance(account.get(name), int):
            attributes[name] = account[name]
    if account.get("note"):
        attributes["bio"] = html_to_text(account["note"])
    if account.get("bot"):
        attributes["bot"] = True
    fields = {
        f.get("name"): html_to_text(f.get("value") or "")
        for f in account.get("fields") or []
        if isinstance(f, dict) and f.get("name")
    }
    if fields:
        attributes["fields"] = fields
    if account.get("avatar"):
        attributes["avatar"] = account["avatar"]
    return IdentityRecord(
        external_id=str(key),
        visibility=visibility,
        basis=basis,
        handle=account.get("acct") or None,
        display_name=account.get("display_name") or None,
        profile_url=account.get("url") or None,
        attributes=attributes,
    )


def _privacy(visibility: Any) -> tuple[Visibility, Basis]:
    if visibility in PUBLIC_VISIBILITIES:
        return Visibility.PUBLIC, Basis.PUBLIC_CONTENT
    return Visibility.PRIVATE, Basis.DIRECT_CONTACT  # private, direct, limited, or unknown: the safe side


def _content_attributes(s: dict[str, Any]) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    if s.get("spoiler_text"):
        attributes["content_warning"] = s["spoiler_text"]
    if s.get("sensitive"):
        attributes["sensitive"] = True
    tags = [t.get("name") for t in s.get("tags") or [] if isinstance(t, dict) and t.get("name")]
    mentions = [m.get("acct") for m in s.get("mentions") or [] if isinstance(m, dict) and m.get("acct")]
    collector = _LinkCollector()
    collector.feed(s.get("content") or "")
    links = collector.links
    card = s.get("card")
    if isinstance(card, dict) and card.get("url") and card["url"] not in links:
        links.append(card["url"])
    media = [
        {"type": m.get("type"), "url": m.get("url"), "description": m.get("description")}
        for m in s.get("media_attachments") or []
        if isinstance(m, dict)
    ]
    quote = s.get("quote")
    quoted = quote.get("quoted_status") if isinstance(quote, dict) else None
    for key, value in (("hashtags", tags), ("mentions", mentions), ("links", links), ("media", media)):
        if value:
            attributes[key] = value
    if isinstance(quoted, dict) and quoted.get("id"):
        attributes["quoted"] = str(quoted["id"])
    elif isinstance(quote, dict) and quote.get("quoted_status_id"):
        attributes["quoted"] = str(quote["quoted_status_id"])
    return attributes


def _status(
    s: dict[str, Any],
    *,
    thread_root: Any = None,
    extra: dict[str, Any] | None = None,
) -> list[Normalised]:
    if not s.get("id"):
        raise ParseError("a status has no id")
    if not s.get("created_at"):
        raise ParseError(f"status {s['id']} has no created_at")
    visibility, basis = _privacy(s.get("visibility"))
    account = s.get("account")
    author = _identity(account, visibility, basis) if isinstance(account, dict) else None
    reblog = s.get("reblog")
    if isinstance(reblog, dict):
        share = InteractionRecord(
            external_id=str(s["id"]),
            kind=Kind.SHARE,
            text="",
            created_at=parse_time(s["created_at"]),
            visibility=visibility,
            basis=basis,
            author=author,
            url=s.get("url") or s.get("uri"),
            attributes={"shared": str(reblog.get("id"))},
        )
        return [share, *_status(reblog)]
    if s.get("visibility") == "direct":
        kind = Kind.DIRECT_MESSAGE
    else:
        kind = Kind.COMMENT if s.get("in_reply_to_id") else Kind.POST
    metrics = {name: s[key] for key, name in _METRICS.items() if isinstance(s.get(key), int)}
    attributes = _content_attributes(s) | (extra or {})
    return [
        InteractionRecord(
            external_id=str(s["id"]),
            kind=kind,
            text=html_to_text(s.get("content") or ""),
            created_at=parse_time(s["created_at"], field_name="created_at"),
            visibility=visibility,
            basis=basis,
            author=author,
            url=s.get("url") or s.get("uri"),
            lang=s.get("language") or None,
            in_reply_to=str(s["in_reply_to_id"]) if s.get("in_reply_to_id") else None,
            thread_root=str(thread_root) if thread_root else None,
            edited_at=parse_time(s["edited_at"], field_name="edited_at") if s.get("edited_at") else None,
            metrics=metrics,
            attributes=attributes,
        )
    ]


def _notification(n: dict[str, Any]) -> list[Normalised]:
    if not n.get("id") or not n.get("created_at"):
        raise ParseError("a notification has no id or no created_at")
    visibility, basis = _privacy("public" if n.get("type") in PUBLIC_NOTIFICATIONS else "direct")
    account = n.get("account")
    status = n.get("status")
    attributes: dict[str, Any] = {"notification_type": n.get("type")}
    if n.get("grouped"):
        attributes.update(grouped=True, time_approximate=True)
    return [
        InteractionRecord(
            external_id=f"notification:{n['id']}",
            kind=Kind.NOTIFICATION,
            text="",
            created_at=parse_time(n["created_at"], field_name="created_at"),
            visibility=visibility,
            basis=basis,
            author=_identity(account, visibility, basis) if isinstance(account, dict) else None,
            in_reply_to=str(status["id"]) if isinstance(status, dict) and status.get("id") else None,
            attributes=attributes,
        )
    ]


def _conversation(c: dict[str, Any]) -> list[Normalised]:
    status = c.get("last_status")
    if not isinstance(status, dict):
        raise ParseError(f"conversation {c.get('id')} has no last_status")
    participants = [a for a in c.get("accounts") or [] if isinstance(a, dict)]
    extra = {
        "conversation_id": str(c.get("id")),
        "unread": bool(c.get("unread")),
        "participants": [str(a.get("id")) for a in participants],
    }
    records = _status(status, thread_root=f"conversation:{c.get('id')}", extra=extra)
    return records + [_identity(a, Visibility.PRIVATE, Basis.DIRECT_CONTACT) for a in participants]


def _version(doc: dict[str, Any]) -> list[Normalised]:
    v, index = doc["version"], doc.get("index", 0)
    if not doc.get("status_id") or not v.get("created_at"):
        raise ParseError("an edit-history version needs status_id and created_at")
    visibility, basis = Visibility.PRIVATE, Basis.DIRECT_CONTACT  # the history does not say: the safe side
    account = v.get("account")
    first = doc.get("first_created_at") or v["created_at"]
    attributes = _content_attributes(v)
    attributes.update(history_version=index, visibility_unknown=True)
    return [
        InteractionRecord(
            external_id=str(doc["status_id"]),
            kind=Kind.POST,
            text=html_to_text(v.get("content") or ""),
            created_at=parse_time(first, field_name="created_at"),
            visibility=visibility,
            basis=basis,
            author=_identity(account, visibility, basis) if isinstance(account, dict) else None,
            edited_at=parse_time(v["created_at"], field_name="created_at") if index else None,
            attributes=attributes,
        )
    ]
