"""Reddit listings: search results (t3), comment trees (t1, with a "more" stub) and private messages (t4).

Why these details: Reddit wraps everything as ``{"kind": "t1"|"t3"|"t4"|"more", "data": ...}`` inside
Listings; a submission's page is ``[t3 listing, t1 tree]`` with replies nested under ``replies`` ("" when
none); ``created_utc`` is epoch seconds, ``edited`` is ``false`` or the edit's epoch seconds, and deleted
or removed comments keep their place in the tree as ``[deleted]`` / ``[removed]``. Private messages name
the first message of their conversation (``first_message_name``) and their ``parent_id``.
"""

from __future__ import annotations

import html
import random
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kith.demo.conversation import Msg, Thread, build_dialogues, build_threads, plain, segments
from kith.demo.ids import Ids, pages, write_json
from kith.demo.story import Persona, Story

REDDIT_ACCOUNT = "Nordlicht_Official"

_SUBS = {
    "bike": ("ebikes", "bikecommuting", "fahrrad"),
    "part": ("ebikes", "fahrrad"),
    "gear": ("CampingGear", "Ultralight", "WildernessBackpacking"),
    "service": ("ebikes",),
}
_EXTRA = {
    "en": (
        "Bought it in March, about 1,200 km since.",
        "Any advice welcome.",
        "Throwaway because my partner reads here.",
        "Edit: thanks for all the replies!",
        "Long-time lurker, first post.",
    ),
    "de": ("Gekauft im März, seitdem ca. 1.200 km.", "Danke vorab für Tipps!", "Erster Post hier, sonst nur Mitleser."),
}


def _reddit_name(rng: random.Random, ids: Ids, persona: Persona) -> tuple[str, str]:
    if persona.kind == "company":
        return REDDIT_ACCOUNT, "t2_8nordl1c"
    if "reddit" not in persona.ids:
        style = rng.random()
        base = persona.handle
        name = base if style < 0.5 else base.title() if style < 0.75 else f"{base}{rng.randint(2, 99)}"
        persona.ids["reddit"] = name[:20]
        persona.ids["reddit_t2"] = "t2_" + ids.base36(rng.choice((8, 10)))
    return persona.ids["reddit"], persona.ids["reddit_t2"]


def _md_html(text: str, submission: bool = False) -> str:
    paragraphs = "\n\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in text.split("\n\n"))
    body = f'<div class="md">{paragraphs}\n</div>'
    return f"<!-- SC_OFF -->{body}<!-- SC_ON -->" if submission else body


def _epoch(moment: datetime) -> float:
    return float(int(moment.timestamp()))


def _title_and_body(rng: random.Random, msg: Msg) -> tuple[str, str]:
    text = plain(segments(msg, None, tags=False))
    match = re.match(r"(.+?[.?!])\s+(.+)", text, re.S)
    title, rest = (match.group(1), match.group(2)) if match else (text, "")
    if len(title) > 120:
        title, rest = title[:117] + "...", text
    extra = rng.choice(_EXTRA.get(msg.lang, _EXTRA["en"]))
    return title.rstrip("."), (rest + "\n\n" + extra).strip()


def write_reddit(out: Path, rng: random.Random, story: Story) -> list[Path]:
    ids = Ids(rng)
    threads = build_threads(
        rng,
        story,
        "reddit",
        46,
        company_share=0.04,
        side_weights=(6, 14, 22, 22, 18, 10, 8),
        company_rate=0.45,
        tag_chance=0.0,
    )
    listing: list[dict[str, Any]] = []
    files: list[Path] = []
    tombstones = {"[deleted]": 3, "[removed]": 1}
    for number, thread in enumerate(threads):
        root = thread.root
        product_kind = root.product.kind if root.product else "bike"
        sub = "de" if root.lang == "de" and rng.random() < 0.4 else rng.choice(_SUBS[product_kind])
        post_id = ids.base36(7, "1")
        author, fullname = _reddit_name(rng, ids, root.author)
        title, selftext = _title_and_body(rng, root)
        slug = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:50]
        permalink = f"/r/{sub}/comments/{post_id}/{slug}/"
        t3 = {
            "kind": "t3",
            "data": {
                "subreddit": sub,
                "selftext": selftext,
                "author_fullname": fullname,
                "title": title,
                "subreddit_name_prefixed": f"r/{sub}",
                "name": f"t3_{post_id}",
                "upvote_ratio": round(rng.uniform(0.6, 1.0), 2),
                "ups": rng.randint(1, 300),
                "downs": 0,
                "score": rng.randint(1, 300),
                "created": _epoch(root.at),
                "created_utc": _epoch(root.at),
                "link_flair_text": None,
                "is_self": True,
                "domain": f"self.{sub}",
                "selftext_html": _md_html(selftext, submission=True),
                "id": post_id,
                "author": author,
                "num_comments": len(thread.messages) - 1,
                "permalink": permalink,
                "url": f"https://www.reddit.com{permalink}",
                "edited": False,
                "over_18": False,
                "stickied": False,
                "locked": False,
                "distinguished": None,
                "subreddit_id": _subreddit_id(sub),
                "archived": False,
                "likes": None,
                "saved": False,
                "hidden": False,
            },
        }
        listing.append(t3)
        comment_ids = [post_id] + [ids.base36(7, "n") for _ in thread.messages[1:]]
        tree = [
            _t1(rng, ids, thread, i, comment_ids, sub, permalink, tombstones)
            for i in sorted(thread.children(0), key=lambda i: thread.messages[i].at)
        ]
        if number == 7 and tree:
            tree.append(
                {
                    "kind": "more",
                    "data": {
                        "count": 3,
                        "name": f"t1_{ids.base36(7, 'n')}",
                        "id": ids.base36(7, "n"),
                        "parent_id": f"t3_{post_id}",
                        "depth": 0,
                        "children": [ids.base36(7, "n") for _ in range(3)],
                    },
                }
            )
        page = [_listing([t3]), _listing(tree)]
        files.append(write_json(out / "reddit" / f"comments-{post_id}.json", page))
    listing.sort(key=lambda t: t["data"]["created_utc"], reverse=True)
    chunks = pages(listing, 25)
    for number, chunk in enumerate(chunks, start=1):
        after = chunk[-1]["data"]["name"] if number < len(chunks) else None
        files.insert(
            number - 1, write_json(out / "reddit" / f"search-nordlicht-{number:03d}.json", _listing(chunk, after))
        )
    return files + _messages(out, rng, ids, story)


def _subreddit_id(name: str) -> str:
    """A subreddit's fullname is fixed; derive a stable base36 one from its name."""
    number = sum(ord(ch) * 31**i for i, ch in enumerate(name.lower())) % 36**5
    digits = ""
    while len(digits) < 5:
        number, rest = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[rest] + digits
    return f"t5_2{digits}"


def _listing(children: list[dict[str, Any]], after: str | None = None) -> dict[str, Any]:
    return {
        "kind": "Listing",
        "data": {
            "after": after,
            "dist": len(children),
            "modhash": "",
            "geo_filter": "",
            "children": children,
            "before": None,
        },
    }


def _t1(
    rng: random.Random,
    ids: Ids,
    thread: Thread,
    index: int,
    comment_ids: list[str],
    sub: str,
    permalink: str,
    tombstones: dict[str, int],
) -> dict[str, Any]:
    msg = thread.messages[index]
    author, fullname = _reddit_name(rng, ids, msg.author)
    body = plain(segments(msg, None, tags=False))
    parent = msg.parent or 0
    depth = 0
    cursor = parent
    while cursor:
        depth += 1
        cursor = thread.messages[cursor].parent or 0
    replies = [
        _t1(rng, ids, thread, i, comment_ids, sub, permalink, tombstones)
        for i in sorted(thread.children(index), key=lambda i: thread.messages[i].at)
    ]
    edited: bool | float = False
    if rng.random() < 0.03:
        edited = _epoch(msg.at + timedelta(minutes=rng.randint(3, 300)))
        body += "\n\nEdit: typo"
    data: dict[str, Any] = {
        "subreddit_id": _subreddit_id(sub),
        "subreddit": sub,
        "link_id": f"t3_{comment_ids[0]}",
        "parent_id": f"t3_{comment_ids[0]}" if parent == 0 else f"t1_{comment_ids[parent]}",
        "id": comment_ids[index],
        "name": f"t1_{comment_ids[index]}",
        "author": author,
        "author_fullname": fullname,
        "body": body,
        "body_html": _md_html(body),
        "created": _epoch(msg.at),
        "created_utc": _epoch(msg.at),
        "edited": edited,
        "score": rng.randint(-2, 60),
        "ups": rng.randint(0, 60),
        "downs": 0,
        "replies": _listing(replies) if replies else "",
        "permalink": f"{permalink}{comment_ids[index]}/",
        "depth": depth,
        "is_submitter": msg.author is thread.root.author,
        "stickied": False,
        "locked": False,
        "score_hidden": False,
        "controversiality": 0,
        "distinguished": None,
        "author_flair_text": "Official" if msg.author.kind == "company" else None,
    }
    for marker, left in tombstones.items():
        if left and msg.author.kind != "company" and rng.random() < 0.02:
            tombstones[marker] = left - 1
            data.update(author="[deleted]", body=marker, body_html=_md_html(marker), edited=False)
            del data["author_fullname"]
            break
    return {"kind": "t1", "data": data}


def _messages(out: Path, rng: random.Random, ids: Ids, story: Story) -> list[Path]:
    inbox: list[dict[str, Any]] = []
    sent: list[dict[str, Any]] = []
    for dialogue in build_dialogues(rng, story, "reddit", 14):
        person = dialogue.root.author
        subject = plain(segments(dialogue.root, None, tags=False))[:60].rsplit(" ", 1)[0]
        first_id = ids.base36(7, "2")
        previous = ""
        for step, msg in enumerate(dialogue.messages):
            mid = first_id if step == 0 else ids.base36(7, "2")
            author, fullname = _reddit_name(rng, ids, msg.author)
            dest = REDDIT_ACCOUNT if msg.author is person else _reddit_name(rng, ids, person)[0]
            body = plain(segments(msg, None, tags=False))
            item = {
                "kind": "t4",
                "data": {
                    "first_message": None if step == 0 else int(first_id, 36),
                    "first_message_name": None if step == 0 else f"t4_{first_id}",
                    "subreddit": None,
                    "likes": None,
                    "replies": "",
                    "author_fullname": fullname,
                    "id": mid,
                    "subject": subject if step == 0 else f"re: {subject}",
                    "associated_awarding_id": None,
                    "score": 0,
                    "author": author,
                    "num_comments": None,
                    "parent_id": None if step == 0 else f"t4_{previous}",
                    "subreddit_name_prefixed": None,
                    "new": False,
                    "type": "unknown",
                    "body": body,
                    "dest": dest,
                    "was_comment": False,
                    "body_html": _md_html(body),
                    "name": f"t4_{mid}",
                    "created": _epoch(msg.at),
                    "created_utc": _epoch(msg.at),
                    "context": "",
                    "distinguished": None,
                },
            }
            (inbox if msg.author is person else sent).append(item)
            previous = mid
    files = []
    for name, items in (("messages-inbox", inbox), ("messages-sent", sent)):
        items.sort(key=lambda t: t["data"]["created_utc"], reverse=True)
        files.append(write_json(out / "reddit" / f"{name}-001.json", _listing(items)))
    return files
