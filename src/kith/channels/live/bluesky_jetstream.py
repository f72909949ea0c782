"""Bluesky through Jetstream: new posts as JSON over a websocket, resumable by ``time_us``.

Why Jetstream and not the raw firehose: Jetstream sends the same commits as plain JSON (no CAR/CBOR
decoding) and filters server-side by collection (``wantedCollections=app.bsky.feed.post``) and author
(``wantedDids``). Each event carries ``time_us``; reconnecting with ``cursor=<time_us>`` replays from
there, so the cursor is the newest ``time_us`` seen, rewound by ``REWIND_US`` on reconnect as Jetstream's
documentation advises (what is read twice is a duplicate the raw store ignores, a post being unique by
its ``at://`` URI). There is no REST catch-up: the cursor *is* the catch-up (Jetstream keeps about a day).

Why a filter is required: without ``dids`` the stream is every post on the network (hundreds a second).
A source therefore names ``dids`` (our own accounts and those we follow closely) and/or ``keywords``
(kept when the text contains one, case-insensitively); the rest only moves the cursor, written at most
every ``CURSOR_EVERY_US`` so skipped traffic costs no database writes.

Each kept post is stored as a ``com.atproto.repo.getRecord``-shaped body (``{uri, cid, value}``), the
form the ``bluesky`` parser reads. Deletions and edits are not stored (the parser has no tombstones).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from websockets.exceptions import ConnectionClosedOK, InvalidStatus, WebSocketException
from websockets.sync.client import connect

from kith.channels.live.base import CursorState, PollError, PollResult, SourceError, StreamSource, TransientError

DEFAULT_URL = "wss://jetstream2.us-east.bsky.network/subscribe"
COLLECTION = "app.bsky.feed.post"
REWIND_US = 5_000_000
CURSOR_EVERY_US = 10_000_000
RECV_TIMEOUT_S = 90.0
MAX_DIDS = 10_000  # Jetstream's limit on wantedDids


class JetstreamSource(StreamSource):
    kind = "bluesky-jetstream"
    parser = "bluesky"

    def check_params(self, params: dict[str, Any]) -> dict[str, Any]:
        dids = _listed(params.get("dids"))
        keywords = [k.lower() for k in _listed(params.get("keywords"))]
        if not dids and not keywords:
            raise SourceError(
                "bluesky-jetstream needs dids=did:plc:…[,…] and/or keywords=WORD[,…]: the unfiltered "
                "stream is every post on Bluesky"
            )
        bad = [d for d in dids if not d.startswith("did:")]
        if bad or len(dids) > MAX_DIDS:
            raise SourceError(f"bluesky-jetstream dids= must be DIDs (did:plc:…), at most {MAX_DIDS}; got {bad[:3]}")
        url = str(params.get("url") or DEFAULT_URL)
        if urlsplit(url).scheme not in ("ws", "wss"):
            raise SourceError(f"bluesky-jetstream url= must be a ws:// or wss:// address, e.g. {DEFAULT_URL}")
        return {"url": url, "dids": dids, "keywords": keywords}

    def source_for(self, params: dict[str, Any]) -> str:
        what = ",".join([*params["dids"][:3], *params["keywords"][:5]])
        return f"bluesky-jetstream:{what}@{urlsplit(params['url']).netloc}"[:1000]

    def catch_up(self, client: httpx.Client, cursor: CursorState) -> PollResult:
        return PollResult(bodies=[], new_state=dict(cursor.position))  # the stream's cursor replays the gap

    def events(self, client: httpx.Client, cursor: CursorState) -> Iterator[tuple[bytes | None, dict[str, Any]]]:
        p = cursor.params
        position = dict(cursor.position)
        query: list[tuple[str, str]] = [("wantedCollections", COLLECTION)]
        query += [("wantedDids", d) for d in p["dids"]]
        if isinstance(position.get("time_us"), int):
            query.append(("cursor", str(max(0, position["time_us"] - REWIND_US))))
        url = f"{p['url']}?{urlencode(query, safe=':')}"
        written: int = position["time_us"] if isinstance(position.get("time_us"), int) else 0
        try:
            with connect(url, open_timeout=20, close_timeout=2, max_size=2**22) as socket:
                while True:
                    message = socket.recv(timeout=RECV_TIMEOUT_S)
                    event = _json(message)
                    time_us = event.get("time_us") if isinstance(event, dict) else None
                    if isinstance(time_us, int) and time_us > int(position.get("time_us") or 0):
                        position["time_us"] = time_us
                    body = record_body(event, p["keywords"])
                    if body is not None or int(position.get("time_us") or 0) - written >= CURSOR_EVERY_US:
                        written = int(position.get("time_us") or 0)
                        yield body, dict(position)
        except ConnectionClosedOK:
            return  # the server ended the stream cleanly: reconnect from the cursor, no failure
        except InvalidStatus as exc:
            status = exc.response.status_code
            kind = TransientError if status >= 500 or status == 429 else PollError
            raise kind(f"{p['url']}: HTTP {status} on connect; check url=") from exc
        except TimeoutError as exc:
            raise TransientError(f"{p['url']}: no event in {RECV_TIMEOUT_S:g} s") from exc
        except (WebSocketException, OSError) as exc:
            raise TransientError(f"{p['url']}: stream broken ({exc})") from exc


def _listed(value: Any) -> list[str]:
    """A comma-separated parameter (from the CLI) or the list already checked (stored params)."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [str(i).strip() for i in items if str(i).strip()]


def record_body(event: Any, keywords: list[str]) -> bytes | None:
    """A created post as a getRecord-shaped body, if it passes the keyword filter; else None."""
    if not isinstance(event, dict) or event.get("kind") != "commit":
        return None
    commit = event.get("commit")
    if not isinstance(commit, dict) or commit.get("operation") != "create" or commit.get("collection") != COLLECTION:
        return None
    record, did, rkey = commit.get("record"), event.get("did"), commit.get("rkey")
    if not isinstance(record, dict) or not isinstance(did, str) or not isinstance(rkey, str):
        return None
    text = str(record.get("text") or "").lower()
    if keywords and not any(k in text for k in keywords):
        return None
    doc = {"uri": f"at://{did}/{COLLECTION}/{rkey}", "cid": commit.get("cid"), "value": record}
    return json.dumps(doc, ensure_ascii=False).encode()


def _json(message: str | bytes) -> Any:
    try:
        return json.loads(message)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
