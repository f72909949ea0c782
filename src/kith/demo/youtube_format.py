"""YouTube Data API v3 ``commentThreads.list`` pages (``part=snippet,replies``), one video per file set.

Why these details: each top-level comment is a ``youtube#commentThread`` whose replies sit under
``replies.comments`` with ``parentId`` (replies to replies are flattened into the same thread and start
with the @handle answered); ``textDisplay`` is HTML, ``textOriginal`` plain; an edited comment has
``updatedAt`` later than ``publishedAt``; ``authorDisplayName`` is the author's @handle.
"""

from __future__ import annotations

import html
import random
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from kith.demo.conversation import Thread, build_threads, plain, segments
from kith.demo.ids import Ids, pages, write_json
from kith.demo.story import Persona, Story, iso_z

YT_CHANNEL = "UCn0rdl1chtOutd00rGear1"
YT_HANDLE = "NordlichtOutdoor"


def _yt_html(text: str) -> str:
    escaped = html.escape(text, quote=True).replace("&#x27;", "&#39;").replace("\n", "<br>")
    return re.sub(r"(https://[^\s<]+)", r'<a href="\1">\1</a>', escaped)


def write_youtube(out: Path, rng: random.Random, story: Story) -> list[Path]:
    ids = Ids(rng)
    threads = build_threads(
        rng,
        story,
        "youtube",
        11,
        company_share=1.0,
        comments_under_company=(14, 24),
        company_rate=0.4,
        tag_chance=0.0,
        topics=True,
    )
    files: list[Path] = []
    for thread in threads:
        video = ids.b64(11)
        top_ids: dict[int, str] = {}
        items_by_top: dict[int, list[dict[str, Any]]] = {}
        for index in sorted(range(1, len(thread.messages)), key=lambda i: thread.messages[i].at):
            top = index
            while thread.messages[top].parent not in (0, None):
                top = thread.messages[top].parent or 0
            if top == index:
                top_ids[index] = "Ugz" + ids.b64(20) + "4AaABAg"
                items_by_top[index] = []
                comment_id, parent_id = top_ids[index], None
            else:
                comment_id, parent_id = f"{top_ids[top]}.{ids.b64(22)}", top_ids[top]
            comment = _yt_comment(rng, story, thread, index, comment_id, parent_id, video)
            items_by_top[top].append(comment)
        threads_json = []
        for top, comments in items_by_top.items():
            first, replies = comments[0], comments[1:]
            item: dict[str, Any] = {
                "kind": "youtube#commentThread",
                "etag": ids.b64(27),
                "id": first["id"],
                "snippet": {
                    "channelId": YT_CHANNEL,
                    "videoId": video,
                    "topLevelComment": first,
                    "canReply": True,
                    "totalReplyCount": len(replies),
                    "isPublic": True,
                },
            }
            if replies:
                item["replies"] = {"comments": replies}
            threads_json.append((thread.messages[top].at, item))
        threads_json.sort(key=lambda pair: pair[0], reverse=True)
        chunks = pages([item for _, item in threads_json], 20)
        for number, chunk in enumerate(chunks, start=1):
            body: dict[str, Any] = {"kind": "youtube#commentThreadListResponse", "etag": ids.b64(27)}
            if number < len(chunks):
                body["nextPageToken"] = ids.b64(56)
            body["pageInfo"] = {"totalResults": len(chunk), "resultsPerPage": 20}
            body["items"] = chunk
            files.append(write_json(out / "youtube" / f"commentThreads-{video}-{number:03d}.json", body))
    return files


def _yt_user(rng: random.Random, persona: Persona) -> tuple[str, str]:
    if persona.kind == "company":
        return YT_CHANNEL, YT_HANDLE
    if "youtube" not in persona.ids:
        persona.ids["youtube"] = "UC" + "".join(
            rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") for _ in range(22)
        )
    return persona.ids["youtube"], persona.handle.replace("_", "")


def _yt_comment(
    rng: random.Random, story: Story, thread: Thread, index: int, comment_id: str, parent_id: str | None, video: str
) -> dict[str, Any]:
    msg = thread.messages[index]
    channel, handle = _yt_user(rng, msg.author)
    parent = thread.messages[msg.parent] if msg.parent else None
    reply_to = _yt_user(rng, parent.author)[1] if parent_id and parent and parent.author is not msg.author else None
    text = plain(segments(msg, None, reply_to, tags=False))
    updated = msg.at
    if rng.random() < 0.04:
        updated = msg.at + timedelta(minutes=rng.randint(2, 90))
        text += " (edit: typo)" if msg.lang == "en" else " (edit)"
    snippet: dict[str, Any] = {
        "channelId": YT_CHANNEL,
        "videoId": video,
        "textDisplay": _yt_html(text),
        "textOriginal": text,
        "authorDisplayName": f"@{handle}",
        "authorProfileImageUrl": f"https://yt3.ggpht.com/ytc/{rng.choice('ABCDEFGH')}{rng.getrandbits(60):x}=s48-c-k-c0x00ffffff-no-rj",
        "authorChannelUrl": f"http://www.youtube.com/@{handle}",
        "authorChannelId": {"value": channel},
        "canRate": True,
        "viewerRating": "none",
        "likeCount": int(rng.paretovariate(1.4)) - 1,
        "publishedAt": iso_z(msg.at, millis=False),
        "updatedAt": iso_z(updated, millis=False),
    }
    if parent_id:
        snippet["parentId"] = parent_id
    return {
        "kind": "youtube#comment",
        "etag": "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789_-") for _ in range(27)),
        "id": comment_id,
        "snippet": snippet,
    }
