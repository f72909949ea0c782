"""Facebook Page and Instagram Graph API pages: the page feed, post comments, media comments.

Why these details: Graph API times look like ``2026-05-03T10:00:00+0000``; a page post id is
``{page-id}_{post-id}`` and a comment id ``{post-id}_{comment-id}``; with ``filter=stream`` replies to
comments come flat with a ``parent`` object (Facebook threads only two levels deep); Instagram nests
replies under ``replies.data`` and gives them ``parent_id``. Pages carry ``paging.cursors`` and a
``next`` URL that includes an ``access_token`` query parameter (a fake one here), which a parser must
strip before storing anything.
"""

from __future__ import annotations

import base64
import random
from pathlib import Path
from typing import Any

from kith.demo.conversation import Msg, Thread, build_threads, plain, segments
from kith.demo.ids import Ids, pages, write_json
from kith.demo.story import Persona, Story

GRAPH = "https://graph.facebook.com/v21.0"
PAGE_ID = "104857392018374"
PAGE_NAME = "Nordlicht Outdoor"
IG_USER_ID = "17841401234567890"
IG_USERNAME = "nordlicht.outdoor"
_FAKE_TOKEN = "EAAGm0PX4ZCpsBAKdemoTokenNotARealCredential0ZDZD"  # noqa: S105 - a made-up token to strip
_IG_REPLY_FIELDS = "id,text,timestamp,username,from,like_count,parent_id"


def graph_time(msg: Msg) -> str:
    return msg.at.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _cursor(rng: random.Random) -> str:
    raw = "".join(rng.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") for _ in range(30))
    return base64.b64encode(raw.encode()).decode().rstrip("=")


def _paging(rng: random.Random, path: str, fields: str, more: bool) -> dict[str, Any]:
    before, after = _cursor(rng), _cursor(rng)
    paging: dict[str, Any] = {"cursors": {"before": before, "after": after}}
    if more:
        paging["next"] = f"{GRAPH}/{path}?access_token={_FAKE_TOKEN}&fields={fields}&limit=25&after={after}"
    return paging


def _top(thread: Thread, index: int) -> int:
    """The top-level comment above ``index`` (the root post is 0)."""
    while (parent := thread.messages[index].parent) not in (0, None):
        index = parent
    return index


class _Meta:
    def __init__(self, rng: random.Random, story: Story) -> None:
        self.rng = rng
        self.story = story
        self.ids = Ids(rng)

    def fb_user(self, persona: Persona) -> dict[str, str]:
        if persona.kind == "company":
            return {"name": PAGE_NAME, "id": PAGE_ID}
        if "facebook" not in persona.ids:
            persona.ids["facebook"] = self.ids.digits(16, "10")
        return {"name": persona.name, "id": persona.ids["facebook"]}

    def ig_user(self, persona: Persona) -> dict[str, str]:
        if persona.kind == "company":
            return {"id": IG_USER_ID, "username": IG_USERNAME}
        if "instagram" not in persona.ids:
            persona.ids["instagram"] = self.ids.digits(17, "1784")
        return {"id": persona.ids["instagram"], "username": persona.handle.replace("_", ".")}


def write_facebook(out: Path, rng: random.Random, story: Story) -> list[Path]:
    meta = _Meta(rng, story)
    threads = build_threads(
        rng,
        story,
        "facebook",
        48,
        company_share=0.45,
        comments_under_company=(3, 10),
        side_weights=(30, 30, 20, 12, 8),
        tag_chance=0.0,
    )
    posts: list[dict[str, Any]] = []
    files: list[Path] = []
    for thread in threads:
        post_obj = meta.ids.digits(15, "1")
        root = thread.root
        post: dict[str, Any] = {
            "id": f"{PAGE_ID}_{post_obj}",
            "created_time": graph_time(root),
            "from": meta.fb_user(root.author),
            "message": plain(segments(root, None, tags=False)),
            "permalink_url": f"https://www.facebook.com/{PAGE_ID}/posts/{post_obj}",
        }
        if root.author.kind == "company":
            post["shares"] = {"count": int(rng.paretovariate(1.8))}
        posts.append(post)
        if len(thread.messages) > 1:
            files += _fb_comments(out, meta, thread, post_obj)
    posts.sort(key=lambda p: p["created_time"], reverse=True)
    chunks = pages(posts, 25)
    fields = "id,created_time,from,message,permalink_url,shares"
    for number, chunk in enumerate(chunks, start=1):
        body = {"data": chunk, "paging": _paging(rng, f"{PAGE_ID}/feed", fields, number < len(chunks))}
        files.insert(number - 1, write_json(out / "facebook" / f"page-feed-{number:03d}.json", body))
    return files


def _fb_comments(out: Path, meta: _Meta, thread: Thread, post_obj: str) -> list[Path]:
    ids = [""] + [f"{post_obj}_{meta.ids.digits(16, '1')}" for _ in thread.messages[1:]]
    comments: list[dict[str, Any]] = []
    order = sorted(range(1, len(thread.messages)), key=lambda i: thread.messages[i].at)
    for index in order:
        msg = thread.messages[index]
        top = _top(thread, index)
        comment_id = ids[index].split("_", 1)[1]
        top_id = ids[top].split("_", 1)[1]
        permalink = f"https://www.facebook.com/{PAGE_ID}/posts/{post_obj}/?comment_id={top_id}"
        comment: dict[str, Any] = {
            "id": ids[index],
            "created_time": graph_time(msg),
            "from": meta.fb_user(msg.author),
            "message": plain(segments(msg, None, tags=False)),
            "like_count": int(meta.rng.paretovariate(1.7)) - 1,
            "comment_count": sum(1 for j in range(1, len(thread.messages)) if j != top and _top(thread, j) == top)
            if top == index
            else 0,
            "permalink_url": permalink if top == index else f"{permalink}&reply_comment_id={comment_id}",
        }
        if top != index:
            parent = thread.messages[top]
            comment["parent"] = {
                "created_time": graph_time(parent),
                "from": meta.fb_user(parent.author),
                "message": plain(segments(parent, None, tags=False)),
                "id": ids[top],
            }
        comments.append(comment)
    files: list[Path] = []
    chunks = pages(comments, 25)
    fields = "id,created_time,from,message,like_count,comment_count,permalink_url,parent"
    for number, chunk in enumerate(chunks, start=1):
        body = {
            "data": chunk,
            "paging": _paging(meta.rng, f"{PAGE_ID}_{post_obj}/comments", fields, number < len(chunks)),
            "summary": {"order": "chronological", "total_count": len(comments), "can_comment": True},
        }
        files.append(write_json(out / "facebook" / f"comments-{post_obj}-{number:03d}.json", body))
    return files


def write_instagram(out: Path, rng: random.Random, story: Story) -> list[Path]:
    meta = _Meta(rng, story)
    threads = build_threads(
        rng, story, "instagram", 23, company_share=1.0, comments_under_company=(5, 12), tag_chance=0.0
    )
    files: list[Path] = []
    media_list: list[dict[str, Any]] = []
    for thread in threads:
        media_id = meta.ids.digits(17, "179")
        media_list.append(_ig_media(meta, thread, media_id))
        ids = [media_id] + [meta.ids.digits(17, "178") for _ in thread.messages[1:]]
        top_level = [i for i in range(1, len(thread.messages)) if _top(thread, i) == i]
        top_level.sort(key=lambda i: thread.messages[i].at, reverse=True)
        data = []
        for index in top_level:
            item = _ig_comment(meta, thread, index, ids, media_id)
            replies = [j for j in range(1, len(thread.messages)) if j != index and _top(thread, j) == index]
            replies.sort(key=lambda j: thread.messages[j].at)
            if replies:
                item["replies"] = {
                    "data": [_ig_comment(meta, thread, j, ids, media_id, parent_id=ids[index]) for j in replies]
                }
            data.append(item)
        chunks = pages(data, 25)
        fields = f"id,text,timestamp,username,from,like_count,media,replies{{{_IG_REPLY_FIELDS}}}"
        for number, chunk in enumerate(chunks, start=1):
            body = {"data": chunk, "paging": _paging(rng, f"{media_id}/comments", fields, number < len(chunks))}
            files.append(write_json(out / "instagram" / f"media-comments-{media_id}-{number:03d}.json", body))
    media_list.sort(key=lambda m: str(m["timestamp"]), reverse=True)
    fields = "id,caption,media_type,media_url,permalink,timestamp,username,like_count,comments_count"
    chunks = pages(media_list, 25)
    for number, chunk in enumerate(chunks, start=1):
        body = {"data": chunk, "paging": _paging(rng, f"{IG_USER_ID}/media", fields, number < len(chunks))}
        files.insert(number - 1, write_json(out / "instagram" / f"media-{number:03d}.json", body))
    return files


_IG_TAGS = ("nordlicht", "outdoor", "ebike", "camping", "draussenzuhause", "bikepacking")


def _ig_media(meta: _Meta, thread: Thread, media_id: str) -> dict[str, Any]:
    """The company's own post (``GET /{ig-user-id}/media``): caption with hashtags, counts, permalink."""
    root = thread.root
    tags = " ".join(f"#{t}" for t in meta.rng.sample(_IG_TAGS, 3))
    kind = meta.rng.choice(("IMAGE", "IMAGE", "CAROUSEL_ALBUM", "VIDEO"))
    shortcode = meta.ids.b64(11)
    extension = "mp4" if kind == "VIDEO" else "jpg"
    return {
        "id": media_id,
        "caption": f"{root.text}\n\n{tags}",
        "media_type": kind,
        "media_url": f"https://scontent.cdninstagram.com/v/t51.29350-15/{meta.ids.digits(18, '4')}_n.{extension}",
        "permalink": f"https://www.instagram.com/{'reel' if kind == 'VIDEO' else 'p'}/{shortcode}/",
        "timestamp": graph_time(root),
        "username": IG_USERNAME,
        "like_count": int(meta.rng.paretovariate(1.1) * 60),
        "comments_count": len(thread.messages) - 1,
    }


def _ig_comment(
    meta: _Meta, thread: Thread, index: int, ids: list[str], media_id: str, parent_id: str | None = None
) -> dict[str, Any]:
    msg = thread.messages[index]
    user = meta.ig_user(msg.author)
    parent = thread.messages[msg.parent] if msg.parent else None
    reply_to = (
        meta.ig_user(parent.author)["username"] if parent is not None and parent.author is not msg.author else None
    )
    msg_tags = msg.tags or ((msg.product and ("nordlicht", "outdoor")) or ())
    text = plain(
        segments(Msg(msg.author, msg.text, msg.lang, msg.theme, msg.at, tags=tuple(msg_tags)), IG_USERNAME, reply_to)
    )
    comment: dict[str, Any] = {
        "id": ids[index],
        "text": text,
        "timestamp": graph_time(msg),
        "username": user["username"],
        "from": user,
        "like_count": int(meta.rng.paretovariate(1.6)) - 1,
    }
    if parent_id:
        comment["parent_id"] = parent_id
    else:
        comment["media"] = {"id": media_id}
        comment["hidden"] = False
    return comment
