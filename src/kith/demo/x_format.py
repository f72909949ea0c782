"""X (Twitter) API v2: recent-search pages and DM event pages, exactly as the API returns them.

Why these details: v2 only returns the fields and expansions a client asks for; a CRM asks for
``tweet.fields=created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,lang,
public_metrics,entities,edit_history_tweet_ids`` and ``expansions=author_id,referenced_tweets.id,
entities.mentions.username``, so users and referenced tweets arrive in ``includes`` and are joined by id.
Search pages are newest first with ``meta.next_token``; entity offsets count code points; a reply's
text starts with the @handle it answers; ``conversation_id`` is the id of the thread's first tweet.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kith.demo.conversation import Msg, Thread, build_dialogues, build_threads, plain, segments
from kith.demo.ids import Ids, pages, write_json
from kith.demo.story import WEB, Persona, Story, iso_z

COMPANY_HANDLE = "nordlicht_gear"


class _X:
    def __init__(self, rng: random.Random, story: Story) -> None:
        self.rng = rng
        self.story = story
        self.ids = Ids(rng)
        self.users: dict[str, dict[str, Any]] = {}  # user id -> user object
        self.tweets: dict[str, dict[str, Any]] = {}

    def handle(self, persona: Persona) -> str:
        return COMPANY_HANDLE if persona.kind == "company" else persona.handle[:15]

    def user(self, persona: Persona) -> str:
        if "x" not in persona.ids:
            created = self.story_time(persona)
            uid = (
                self.ids.snowflake(created) if self.rng.random() < 0.6 else self.ids.digits(self.rng.choice((8, 9, 10)))
            )
            persona.ids["x"] = uid
            company = persona.kind == "company"
            user: dict[str, Any] = {
                "id": uid,
                "name": persona.name,
                "username": self.handle(persona),
                "created_at": iso_z(created),
                "description": persona.bio,
                "profile_image_url": (
                    f"https://pbs.twimg.com/profile_images/{self.ids.digits(19, '1')}/{self.ids.b64(8)}_normal.jpg"
                ),
                "protected": False,
                "verified": company,
                "public_metrics": {
                    "followers_count": 18240 if company else int(self.rng.paretovariate(1.2) * 40),
                    "following_count": 312 if company else self.rng.randint(20, 900),
                    "tweet_count": 9120 if company else self.rng.randint(30, 20000),
                    "listed_count": 88 if company else self.rng.randint(0, 12),
                },
            }
            if persona.city:
                user["location"] = persona.city
            if company:
                user["url"] = "https://t.co/nLg3aR0xQe"
                user["entities"] = {
                    "url": {
                        "urls": [
                            {
                                "start": 0,
                                "end": 23,
                                "url": "https://t.co/nLg3aR0xQe",
                                "expanded_url": WEB,
                                "display_url": WEB.removeprefix("https://"),
                            }
                        ]
                    }
                }
            self.users[uid] = user
        return persona.ids["x"]

    def story_time(self, persona: Persona) -> datetime:
        base = datetime.fromisoformat("2010-01-01T00:00:00+00:00")
        return base + timedelta(days=self.rng.randint(0, 5800), seconds=self.rng.randrange(86400))

    def tweet(self, thread: Thread, index: int, ids: list[str]) -> dict[str, Any]:
        msg = thread.messages[index]
        author_id = self.user(msg.author)
        parent = thread.messages[msg.parent] if msg.parent is not None else None
        reply_to = self.handle(parent.author) if parent is not None and parent.author is not msg.author else None
        link = None
        if msg.author.kind == "company" and msg.parent is None and self.rng.random() < 0.6:
            link = (f"https://t.co/{self.ids.b64(10)}", f"{WEB}/news/{msg.at:%Y-%m}")
        parts = segments(msg, COMPANY_HANDLE, reply_to, link=link)
        text = plain(parts)
        entities: dict[str, list[dict[str, Any]]] = {}
        offset = 0
        for kind, shown, target in parts:
            end = offset + len(shown)
            if kind == "mention":
                mentioned = (
                    self.story.company
                    if target == COMPANY_HANDLE
                    else (parent.author if parent is not None else msg.author)
                )
                entities.setdefault("mentions", []).append(
                    {"start": offset, "end": end, "username": target, "id": self.user(mentioned)}
                )
            elif kind == "tag":
                entities.setdefault("hashtags", []).append({"start": offset, "end": end, "tag": target})
            elif kind == "link":
                entities.setdefault("urls", []).append(
                    {
                        "start": offset,
                        "end": end,
                        "url": shown,
                        "expanded_url": target,
                        "display_url": target.removeprefix("https://"),
                    }
                )
            offset = end
        children = thread.children(index)
        tweet: dict[str, Any] = {
            "id": ids[index],
            "text": text,
            "created_at": iso_z(msg.at),
            "author_id": author_id,
            "conversation_id": ids[0],
            "lang": msg.lang,
            "edit_history_tweet_ids": [ids[index]],
            "public_metrics": {
                "retweet_count": int(self.rng.paretovariate(2.5)) - 1 if msg.parent is None else 0,
                "reply_count": len(children),
                "like_count": int(self.rng.paretovariate(1.5)) - 1 + (3 if msg.theme == "praise" else 0),
                "quote_count": 0,
                "bookmark_count": self.rng.randint(0, 2),
                "impression_count": self.rng.randint(20, 4000),
            },
            "possibly_sensitive": False,
            "reply_settings": "everyone",
        }
        if entities:
            tweet["entities"] = entities
        if parent is not None and msg.parent is not None:
            tweet["in_reply_to_user_id"] = self.user(parent.author)
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": ids[msg.parent]}]
        self.tweets[tweet["id"]] = tweet
        return tweet


def _page_body(x: _X, page: list[dict[str, Any]], next_token: str | None) -> dict[str, Any]:
    user_ids: list[str] = []
    referenced: list[dict[str, Any]] = []
    for tweet in page:
        user_ids.append(tweet["author_id"])
        user_ids += [m["id"] for m in tweet.get("entities", {}).get("mentions", [])]
        for ref in tweet.get("referenced_tweets", []):
            if ref["id"] in x.tweets and all(t["id"] != ref["id"] for t in referenced):
                referenced.append(x.tweets[ref["id"]])
                user_ids.append(x.tweets[ref["id"]]["author_id"])
    unique_users = list(dict.fromkeys(user_ids))
    body: dict[str, Any] = {
        "data": page,
        "includes": {"users": [x.users[u] for u in unique_users]},
        "meta": {"newest_id": page[0]["id"], "oldest_id": page[-1]["id"], "result_count": len(page)},
    }
    if referenced:
        body["includes"]["tweets"] = referenced
    if next_token:
        body["meta"]["next_token"] = next_token
    return body


def _quote(x: _X, threads: list[Thread], all_ids: list[list[str]]) -> None:
    """A few people quote the company's announcements; the quoted tweet's URL ends the text."""
    announcements = [(t, ids) for t, ids in zip(threads, all_ids, strict=True) if t.root.author.kind == "company"]
    for thread, ids in zip(threads, all_ids, strict=True):
        root = x.tweets[ids[0]]
        earlier = [(t, i) for t, i in announcements if t.root.at < thread.root.at]
        if thread.root.author.kind == "company" or not earlier or x.rng.random() > 0.08:
            continue
        quoted_id = earlier[-1][1][0]
        short = f"https://t.co/{x.ids.b64(10)}"
        start = len(root["text"]) + 1
        root["text"] += f" {short}"
        root.setdefault("entities", {}).setdefault("urls", []).append(
            {
                "start": start,
                "end": start + len(short),
                "url": short,
                "expanded_url": f"https://twitter.com/{COMPANY_HANDLE}/status/{quoted_id}",
                "display_url": f"twitter.com/{COMPANY_HANDLE}/s…",
            }
        )
        root["referenced_tweets"] = [{"type": "quoted", "id": quoted_id}]
        x.tweets[quoted_id]["public_metrics"]["quote_count"] += 1


def write_x(out: Path, rng: random.Random, story: Story) -> list[Path]:
    x = _X(rng, story)
    x.user(story.company)
    threads = build_threads(rng, story, "x", 170, company_share=0.06, company_rate=0.5)
    all_ids: list[list[str]] = []
    for thread in threads:
        ids = [x.ids.snowflake(m.at) for m in thread.messages]
        all_ids.append(ids)
        for index in range(len(thread.messages)):
            x.tweet(thread, index, ids)
    _quote(x, threads, all_ids)
    ordered = sorted(x.tweets.values(), key=lambda t: (t["created_at"], t["id"]), reverse=True)
    files: list[Path] = []
    chunks = pages(ordered, 100)
    for number, chunk in enumerate(chunks, start=1):
        token = x.ids.token(45) if number < len(chunks) else None
        files.append(write_json(out / "x" / f"search-recent-{number:03d}.json", _page_body(x, chunk, token)))
    return files + _write_dms(out, x)


def _write_dms(out: Path, x: _X) -> list[Path]:
    company_id = x.user(x.story.company)
    events: list[dict[str, Any]] = []
    for dialogue in build_dialogues(x.rng, x.story, "x", 28):
        person = dialogue.root.author
        pid = x.user(person)
        low, high = sorted((int(company_id), int(pid)))
        for msg in dialogue.messages:
            events.append(_dm(x, msg, f"{low}-{high}"))
    events.sort(key=lambda e: (e["created_at"], e["id"]), reverse=True)
    files: list[Path] = []
    chunks = pages(events, 100)
    for number, chunk in enumerate(chunks, start=1):
        users = list(dict.fromkeys(e["sender_id"] for e in chunk))
        meta: dict[str, Any] = {"result_count": len(chunk)}
        if number < len(chunks):
            meta["next_token"] = x.ids.token(24).upper()
        body = {"data": chunk, "includes": {"users": [x.users[u] for u in users]}, "meta": meta}
        files.append(write_json(out / "x" / f"dm-events-{number:03d}.json", body))
    return files


def _dm(x: _X, msg: Msg, conversation: str) -> dict[str, Any]:
    return {
        "id": x.ids.snowflake(msg.at),
        "event_type": "MessageCreate",
        "text": msg.render("@" + COMPANY_HANDLE),
        "created_at": iso_z(msg.at),
        "sender_id": x.user(msg.author),
        "dm_conversation_id": conversation,
    }
