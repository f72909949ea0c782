"""Mastodon: statuses, notifications (v1 and grouped v2), direct conversations, contexts, edit history and
the streaming API.

What is special about the format:

* ``content`` is HTML (mentions, hashtags and links are anchors); we store plain text and take links from
  the anchors that are neither mentions nor hashtags.
* ``visibility`` decides privacy: public/unlisted are public posts, private (followers only) and direct are
  private; ``direct`` statuses are direct messages.
* A reblog is a status wrapping another status (``reblog``): a SHARE by the reblogger, plus the original.
* Edits keep the id and set ``edited_at``; every version gets its own raw id ``"<id>@<edited_at>"``.
* Notifications: a mention/status/update/poll/quote notification *is* a status, so the status is recorded.
  The others (follow, favourite, reblog of ours, ...) have no text of their own and become
  ``Kind.NOTIFICATION`` records ``"notification:<id>"`` by the acting account; any status they carry
  (usually ours) is recorded too. Grouped v2 notifications join ``accounts``/``statuses`` by id and give
  one NOTIFICATION per sample account (``"notification:<group_key>/<account id>"``, time approximate).
* Conversations (``/api/v1/conversations``) carry only the last status: it is recorded as a DIRECT_MESSAGE
  with ``thread_root`` ``"conversation:<conversation id>"`` (prefixed: it is not a status id) under the raw id
  ``"conversation:<id>/<status raw id>"``, so the conversation link survives even when the same status was
  already stored through a notification or the stream. The participants become identities too.
* Edit history (``/statuses/:id/history``) versions carry no id and no visibility: the id is taken from the
  recording's request URL; versions get raw ids ``"<id>@history/<created_at>"`` and are assumed PRIVATE
  (the safe side) with ``attributes["visibility_unknown"]``.
* Streaming is server-sent events (``event:``/``data:`` lines, ``:`` heartbeats); ``delete`` carries only the
  id and becomes a tombstone ``"<id>@deleted"`` (kind and visibility unknown: POST/PRIVATE placeholders).
* An account object (or a list of them) alone becomes an IdentityRecord ``"account:<id>"``.

Raw envelopes: ``{"status": ..., "thread_root"?: ...}``, ``{"notification": ...}``, ``{"conversation": ...}``,
``{"version": ..., "status_id", "index", "first_created_at"}``, ``{"account": ...}``, ``{"deleted": "<id>"}``.
This module splits; :mod:`kith.channels._mastodon_records` turns an envelope into records.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kith.channels._mastodon_records import keys_of, normalise_envelope
from kith.channels.base import (
    SHAPE_ERRORS,
    Normalised,
    ParseError,
    Parser,
    RawRecord,
    Rejected,
    dump,
    iter_json_documents,
    load,
    unwrap_recording,
    why_failed,
)

Item = RawRecord | Rejected


STATUS_NOTIFICATIONS = frozenset({"mention", "status", "update", "poll", "quote"})
IGNORED_EVENTS = frozenset(
    {
        "filters_changed",
        "announcement",
        "announcement.reaction",
        "announcement.delete",
        "notifications_merged",
        "encrypted_message",
    }
)
_HISTORY_URL = re.compile(r"/api/v1/statuses/([^/?#]+)/history")
_CONTEXT_URL = re.compile(r"/api/v1/statuses/([^/?#]+)/context")
_SSE_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?::|event:|data:|id:|retry:)")


def _located(item: Item, where: str) -> Item:
    return Rejected(f"{where}: {item.reason}", item.payload) if isinstance(item, Rejected) else item


def _status_raw_id(status: dict[str, Any]) -> str:
    if "id" not in status:
        raise ParseError("a status has no id")
    edited = status.get("edited_at")
    return f"{status['id']}@{edited}" if edited else str(status["id"])


def _is_status(d: dict[str, Any]) -> bool:
    return "id" in d and "account" in d and ("content" in d or "reblog" in d)


def _is_version(d: dict[str, Any]) -> bool:
    return "id" not in d and "content" in d and "account" in d and "created_at" in d


def _status_record(status: dict[str, Any], **hints: Any) -> RawRecord:
    envelope: dict[str, Any] = {"status": status, **{k: v for k, v in hints.items() if v is not None}}
    return RawRecord(_status_raw_id(status), dump(envelope))


def _notification_records(n: dict[str, Any]) -> Iterator[Item]:
    if "id" not in n or "type" not in n:
        yield Rejected("a notification has no id or type", dump(n))
        return
    status = n.get("status")
    if isinstance(status, dict):
        yield _status_record(status)
    if n["type"] not in STATUS_NOTIFICATIONS or not isinstance(status, dict):
        yield RawRecord(f"notification:{n['id']}", dump({"notification": n}))


def _conversation_records(c: dict[str, Any]) -> Iterator[Item]:
    status = c.get("last_status")
    if "id" not in c:
        yield Rejected("a conversation has no id", dump(c))
    elif isinstance(status, dict):  # a conversation whose last status is gone has nothing to record
        yield RawRecord(f"conversation:{c['id']}/{_status_raw_id(status)}", dump({"conversation": c}))


def _grouped_records(doc: dict[str, Any]) -> Iterator[Item]:
    accounts = {
        a["id"]: a
        for a in (doc.get("accounts") or []) + (doc.get("partial_accounts") or [])
        if isinstance(a, dict) and "id" in a
    }
    statuses = {s["id"]: s for s in doc.get("statuses") or [] if isinstance(s, dict) and "id" in s}
    for each in statuses.values():
        yield _status_record(each)
    for group in doc.get("notification_groups") or []:
        status = statuses.get(group.get("status_id"))
        if group.get("type") in STATUS_NOTIFICATIONS and status is not None:
            continue  # the status itself is the interaction, recorded above
        for account_id in group.get("sample_account_ids") or []:
            account = accounts.get(account_id, {"id": account_id})
            note = {
                "id": f"{group.get('group_key')}/{account_id}",
                "type": group.get("type"),
                "created_at": group.get("latest_page_notification_at"),
                "account": account,
                "status": status,
                "grouped": True,
                "notifications_count": group.get("notifications_count"),
            }
            yield RawRecord(f"notification:{note['id']}", dump({"notification": note}))


def _history_records(versions: list[dict[str, Any]], request_uri: str | None) -> Iterator[Item]:
    match = _HISTORY_URL.search(request_uri or "")
    if match is None:
        raise ParseError(
            "a status edit history lists versions without the status id; ingest the recorded exchange "
            "with its request URL (/api/v1/statuses/<id>/history) or ingest the status itself"
        )
    status_id = match.group(1)
    first = versions[0].get("created_at")
    for number, version in enumerate(versions):
        envelope = {"version": version, "status_id": status_id, "index": number, "first_created_at": first}
        yield RawRecord(f"{status_id}@history/{version.get('created_at')}", dump(envelope))


class MastodonParser(Parser):
    """JSON bodies (as :class:`JsonParser` reads them) or a server-sent event stream."""

    name = "mastodon"
    suffixes: tuple[str, ...] = (".json", ".jsonl", ".ndjson", ".txt", ".sse")

    # ----------------------------------------------------------------------------------------- split
    def split(self, data: bytes, source: str) -> Iterator[RawRecord | Rejected]:
        seen: set[str] = set()  # a status shows up once per notification about it: keep the first
        for item in self._split_all(data, source):
            if isinstance(item, RawRecord):
                if item.external_id in seen:
                    continue
                seen.add(item.external_id)
            yield item

    def _split_all(self, data: bytes, source: str) -> Iterator[Item]:
        if _SSE_START.match(data):
            yield from self._split_sse(data, source)
            return
        for doc_bytes, doc in iter_json_documents(data, source):
            if isinstance(doc, Rejected):
                yield doc
                continue
            request = doc.get("request") if isinstance(doc, dict) and "body" in doc else None
            uri = request.get("uri") if isinstance(request, dict) else None
            try:
                items = list(self._walk(unwrap_recording(doc), uri if isinstance(uri, str) else None))
            except (ParseError, *SHAPE_ERRORS) as exc:
                yield Rejected(f"{source}: {why_failed(exc)}", doc_bytes)
                continue
            yield from (_located(item, source) for item in items)

    def _walk(self, doc: Any, request_uri: str | None) -> Iterator[Item]:
        if isinstance(doc, list):
            if doc and all(isinstance(d, dict) and _is_version(d) for d in doc):
                yield from _history_records(doc, request_uri)
                return
            for element in doc:
                try:
                    yield from self._walk_one(element)
                except (ParseError, *SHAPE_ERRORS) as exc:
                    yield Rejected(why_failed(exc), dump(element))
            return
        if isinstance(doc, dict) and "ancestors" in doc and "descendants" in doc:
            chain = [s for s in doc["ancestors"] + doc["descendants"] if isinstance(s, dict)]
            asked = _CONTEXT_URL.search(request_uri or "")
            root = chain[0].get("id") if doc["ancestors"] else (asked.group(1) if asked else None)
            for status in chain:
                yield _status_record(status, thread_root=root if status.get("id") != root else None)
            return
        if isinstance(doc, dict) and "notification_groups" in doc:
            yield from _grouped_records(doc)
            return
        if isinstance(doc, dict) and _is_version(doc):
            yield from _history_records([doc], request_uri)
            return
        yield from self._walk_one(doc)

    def _walk_one(self, d: Any) -> Iterator[Item]:
        if isinstance(d, dict) and _is_status(d):
            yield _status_record(d)
        elif isinstance(d, dict) and "type" in d and "account" in d:
            yield from _notification_records(d)
        elif isinstance(d, dict) and ("last_status" in d or ("accounts" in d and "unread" in d)):
            yield from _conversation_records(d)
        elif isinstance(d, dict) and "acct" in d and "id" in d:
            yield RawRecord(f"account:{d['id']}", dump({"account": d}))
        elif isinstance(d, dict) and "event" in d and "payload" in d:  # a WebSocket streaming message
            yield from self._event(str(d["event"]), d["payload"] if isinstance(d["payload"], str) else "")
        else:
            raise ParseError(
                "not a Mastodon payload: expected a status, a list of statuses, a notification, a "
                "conversation, a context, grouped notifications, an edit history or an account; got " + keys_of(d)
            )

    def _split_sse(self, data: bytes, source: str) -> Iterator[Item]:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParseError(f"{source}: the event stream is not valid UTF-8 (byte {exc.start})") from exc
        event, lines = "message", list[str]()
        for number, line in enumerate([*text.splitlines(), ""], start=1):
            if line.startswith(":"):
                continue  # heartbeat / comment
            if not line:
                if lines:
                    where = f"{source} event ending line {number}"
                    yield from (_located(item, where) for item in self._event(event, "\n".join(lines)))
                event, lines = "message", []
                continue
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                event = value
            elif field == "data":
                lines.append(value)

    def _event(self, event: str, data: str) -> Iterator[Item]:
        if event in IGNORED_EVENTS:
            return
        if event == "delete":
            status_id = data.strip()
            yield RawRecord(f"{status_id}@deleted", dump({"deleted": status_id}))
            return
        if event not in {"update", "status.update", "notification", "conversation"}:
            yield Rejected(f"unsupported streaming event {event!r}", data.encode())
            return
        try:
            doc = load(data.encode())
            yield from self._walk_one(doc)
        except (ParseError, *SHAPE_ERRORS) as exc:
            yield Rejected(f"streaming event {event!r}: {why_failed(exc)}", data.encode())

    # ------------------------------------------------------------------------------------ normalise
    def normalise(self, payload: bytes) -> list[Normalised]:
        try:
            return normalise_envelope(load(payload))
        except SHAPE_ERRORS as exc:
            raise ParseError(f"a Mastodon payload field has an unexpected type ({type(exc).__name__}: {exc})") from exc


parser = MastodonParser()
