"""Bluesky (AT Protocol) app views: ``app.bsky.feed.searchPosts`` and ``app.bsky.feed.getAuthorFeed`` pages.

Why these details: a post is a record (``text``, ``createdAt``, ``langs``, ``reply.root``/``reply.parent``
as strong refs of ``uri`` + ``cid``, ``facets``) wrapped in a ``postView`` with its author (a ``did:plc``
DID plus a changeable handle) and counts. Facets index the text in UTF-8 *bytes*, so every emoji, umlaut
or kana before a mention shifts the offsets: they are computed from the encoded text here. Record keys
are TIDs (time-sortable base32) and a post's id is its ``at://`` URI.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kith.demo.conversation import Msg, Thread, build_threads, segments
from kith.demo.ids import Ids, pages, write_json
from kith.demo.story import START, WEB, Persona, Story, iso_z

COMPANY_HANDLE = "nordlicht.bsky.social"
_POST = "app.bsky.feed.post"


class _Sky:
    def __init__(self, rng: random.Random, story: Story) -> None:
        self.rng = rng
        self.story = story
        self.ids = Ids(rng)
        self.by_handle: dict[str, Persona] = {}

    def handle(self, persona: Persona) -> str:
        if persona.kind == "company":
            return COMPANY_HANDLE
        return f"{persona.handle.replace('_', '-').lower()}.bsky.social"

    def profile(self, persona: Persona) -> dict[str, Any]:
        if "bluesky" not in persona.ids:
            persona.ids["bluesky"] = self.ids.did()
            persona.ids["bluesky_since"] = iso_z(self.story_time())
        did = persona.ids["bluesky"]
        self.by_handle[self.handle(persona)] = persona
        return {
            "did": did,
            "handle": self.handle(persona),
            "displayName": persona.name,
            "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did}/{self.ids.cid().replace('bafyrei', 'bafkrei')}"
            "@jpeg",
            "associated": {"chat": {"allowIncoming": "all" if persona.kind == "company" else "following"}},
            "viewer": {"muted": False, "blockedBy": False},
            "labels": [],
            "createdAt": persona.ids["bluesky_since"],
        }

    def story_time(self) -> datetime:
        return START - timedelta(days=self.rng.randint(40, 900), seconds=self.rng.randrange(86400))

    def record(self, msg: Msg, reply: dict[str, Any] | None, link: tuple[str, str] | None) -> dict[str, Any]:
        parts = segments(msg, COMPANY_HANDLE, None, link=link)
        text = ""
        facets: list[dict[str, Any]] = []
        for kind, shown, target in parts:
            start = len(text.encode())
            text += shown
            end = len(text.encode())
            if kind == "mention":
                feature = {"$type": "app.bsky.richtext.facet#mention", "did": self.by_handle_did(target)}
            elif kind == "tag":
                feature = {"$type": "app.bsky.richtext.facet#tag", "tag": target}
            elif kind == "link":
                feature = {"$type": "app.bsky.richtext.facet#link", "uri": target}
            else:
                continue
            facets.append(
                {
                    "$type": "app.bsky.richtext.facet",
                    "index": {"byteStart": start, "byteEnd": end},
                    "features": [feature],
                }
            )
        record: dict[str, Any] = {"$type": _POST, "createdAt": iso_z(msg.at), "langs": [msg.lang], "text": text}
        if facets:
            record["facets"] = facets
        if reply:
            record["reply"] = reply
        if link:
            record["embed"] = {
                "$type": "app.bsky.embed.external",
                "external": {
                    "uri": link[1],
                    "title": "Nordlicht – Outdoor-Ausrüstung & E-Bikes",
                    "description": link[0],
                },
            }
        return record

    def by_handle_did(self, handle: str) -> str:
        did: str = self.profile(self.by_handle.get(handle, self.story.company))["did"]
        return did


def _views(sky: _Sky, thread: Thread) -> list[dict[str, Any]]:
    views: list[dict[str, Any]] = []
    for index, msg in enumerate(thread.messages):
        author = sky.profile(msg.author)
        uri = f"at://{author['did']}/{_POST}/{sky.ids.tid(msg.at)}"
        ref = {"cid": sky.ids.cid(), "uri": uri}
        reply = None
        if msg.parent is not None:
            parent, root = views[msg.parent], views[0]
            reply = {
                "parent": {"cid": parent["cid"], "uri": parent["uri"]},
                "root": {"cid": root["cid"], "uri": root["uri"]},
            }
        link = None
        if msg.author.kind == "company" and msg.parent is None:
            url = f"{WEB}/news/{msg.at:%Y-%m}"
            link = (url.removeprefix("https://www."), url)
        view: dict[str, Any] = {
            "uri": ref["uri"],
            "cid": ref["cid"],
            "author": author,
            "record": sky.record(msg, reply, link),
        }
        if link:
            view["embed"] = {
                "$type": "app.bsky.embed.external#view",
                "external": {
                    "uri": link[1],
                    "title": "Nordlicht – Outdoor-Ausrüstung & E-Bikes",
                    "description": link[0],
                },
            }
        view.update(
            {
                "replyCount": len(thread.children(index)),
                "repostCount": int(sky.rng.paretovariate(2.4)) - 1,
                "likeCount": int(sky.rng.paretovariate(1.5)) - 1,
                "quoteCount": 0,
                "indexedAt": iso_z(msg.at + timedelta(milliseconds=sky.rng.randint(40, 900))),
                "viewer": {"threadMuted": False, "embeddingDisabled": False},
                "labels": [],
            }
        )
        views.append(view)
    return views


def write_bluesky(out: Path, rng: random.Random, story: Story) -> list[Path]:
    sky = _Sky(rng, story)
    sky.profile(story.company)
    threads = build_threads(rng, story, "bluesky", 125, company_share=0.06, company_rate=0.5)
    found: list[dict[str, Any]] = []
    company_feed: list[dict[str, Any]] = []
    for thread in threads:
        views = _views(sky, thread)
        for msg, view in zip(thread.messages, views, strict=True):
            if msg.author.kind != "company":
                found.append(view)
                continue
            item: dict[str, Any] = {"post": view}
            if msg.parent is not None:
                item["reply"] = {
                    "root": {"$type": "app.bsky.feed.defs#postView", **views[0]},
                    "parent": {"$type": "app.bsky.feed.defs#postView", **views[msg.parent]},
                }
            company_feed.append(item)
    found.sort(key=lambda v: v["record"]["createdAt"], reverse=True)
    files: list[Path] = []
    chunks = pages(found, 100)
    for number, chunk in enumerate(chunks, start=1):
        body: dict[str, Any] = {"posts": chunk, "hitsTotal": len(found)}
        if number < len(chunks):
            body = {"cursor": str(number * 100), **body}
        files.append(write_json(out / "bluesky" / f"search-posts-{number:03d}.json", body))
    company_feed.sort(key=lambda f: f["post"]["record"]["createdAt"], reverse=True)
    chunks = pages(company_feed, 50)
    for number, chunk in enumerate(chunks, start=1):
        feed_body: dict[str, Any] = {"feed": chunk}
        if number < len(chunks):
            feed_body["cursor"] = chunk[-1]["post"]["indexedAt"]
        files.append(write_json(out / "bluesky" / f"author-feed-{number:03d}.json", feed_body))
    return files
