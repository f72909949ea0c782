"""Mastodon REST lists (statuses, notifications, direct conversations, a thread context) and a user stream.

Why these details: Mastodon ``content`` is HTML with mentions as ``h-card`` spans and hashtags as
``rel="tag"`` links; ids are strings; accounts on other servers have an ``acct`` of ``user@domain``;
``visibility: direct`` is a private message; ``edited_at`` marks an edited status; a content warning is
``spoiler_text``. The streaming API is server-sent events: ``update`` / ``status.update`` / ``notification``
carry JSON, ``delete`` carries the bare status id, and lines starting with ``:`` are heartbeats.
"""

from __future__ import annotations

import html
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kith.demo.conversation import Msg, Thread, build_dialogues, build_threads, segments
from kith.demo.ids import Ids, pages, write_json
from kith.demo.story import END, Persona, Story, iso_z

HOME = "norden.social"
_SERVERS = {
    "de": ("norden.social", "chaos.social", "mastodon.social", "troet.cafe"),
    "en": ("mastodon.social", "fosstodon.org", "mastodon.online", "mstdn.social"),
    "fr": ("piaille.fr", "mastodon.social"),
    "es": ("mastodon.social", "masto.es"),
    "ja": ("mstdn.jp", "fedibird.com"),
}


def _esc(text: str) -> str:
    return html.escape(text, quote=True).replace("&#x27;", "&#39;")


class _Masto:
    def __init__(self, rng: random.Random, story: Story) -> None:
        self.rng = rng
        self.story = story
        self.ids = Ids(rng)
        self.accounts: dict[str, dict[str, Any]] = {}
        self.by_acct: dict[str, Persona] = {}

    def account(self, persona: Persona) -> dict[str, Any]:
        key = persona.key
        if key not in self.accounts:
            company = persona.kind == "company"
            server = HOME if company else self.rng.choice(_SERVERS.get(persona.lang, _SERVERS["en"]))
            username = "nordlicht" if company else persona.handle
            acct = username if server == HOME else f"{username}@{server}"
            created = (
                self.rng.choice(("2017-04-", "2018-11-", "2022-11-", "2023-07-", "2024-02-"))
                + f"{self.rng.randint(10, 28)}"
            )
            account_id = self.ids.mastodon(_date(created))
            fields = (
                [
                    {
                        "name": "Web",
                        "value": '<a href="https://www.nordlicht.example" rel="me nofollow noopener" '
                        'translate="no"><span class="invisible">https://www.</span><span class="">nordlicht.example'
                        '</span><span class="invisible"></span></a>',
                        "verified_at": "2024-02-01T09:00:00.000+00:00",
                    }
                ]
                if company
                else []
            )
            avatar = f"https://files.{HOME}/accounts/avatars/{account_id[:3]}/{account_id[3:6]}/original/{self.ids.token(16)}.png"
            self.accounts[key] = {
                "id": account_id,
                "username": username,
                "acct": acct,
                "display_name": persona.name,
                "locked": False,
                "bot": persona.kind == "spam",
                "discoverable": True,
                "indexable": True,
                "group": False,
                "created_at": f"{created}T00:00:00.000Z",
                "note": f"<p>{_esc(persona.bio)}</p>",
                "url": f"https://{server}/@{username}",
                "uri": f"https://{server}/users/{username}",
                "avatar": avatar,
                "avatar_static": avatar,
                "header": f"https://{HOME}/headers/original/missing.png",
                "header_static": f"https://{HOME}/headers/original/missing.png",
                "followers_count": 4810 if company else int(self.rng.paretovariate(1.3) * 25),
                "following_count": 220 if company else self.rng.randint(10, 700),
                "statuses_count": 1320 if company else self.rng.randint(5, 9000),
                "last_status_at": "2026-10-31",
                "hide_collections": False,
                "emojis": [],
                "roles": [],
                "fields": fields,
            }
            self.by_acct[acct] = persona
            persona.ids["mastodon"] = account_id
        return self.accounts[key]

    def content(self, msg: Msg, reply_to: Persona | None) -> tuple[str, list[dict[str, str]], list[dict[str, str]]]:
        company = self.account(self.story.company)
        parts = segments(msg, company["acct"], self.account(reply_to)["acct"] if reply_to else None)
        out: list[str] = []
        mentions: list[dict[str, str]] = []
        tags: list[dict[str, str]] = []
        for kind, shown, target in parts:
            if kind == "mention":
                acc = self.account(self.by_acct[target])
                out.append(
                    f'<span class="h-card" translate="no"><a href="{acc["url"]}" class="u-url mention">'
                    f"@<span>{acc['username']}</span></a></span>"
                )
                mentions.append({"id": acc["id"], "username": acc["username"], "url": acc["url"], "acct": acc["acct"]})
            elif kind == "tag":
                url = f"https://{HOME}/tags/{target.lower()}"
                out.append(f'<a href="{url}" class="mention hashtag" rel="tag">#<span>{target}</span></a>')
                tags.append({"name": target.lower(), "url": url})
            else:
                out.append(_esc(shown))
        return f"<p>{''.join(out)}</p>", mentions, tags

    def status(
        self, msg: Msg, sid: str, parent: tuple[str, Persona] | None, visibility: str, replies: int = 0
    ) -> dict[str, Any]:
        account = self.account(msg.author)
        content, mentions, tags = self.content(msg, parent[1] if parent and parent[1] is not msg.author else None)
        server = account["url"].split("/")[2]
        spoiler = "Rant" if msg.theme in ("complaint", "churn") and self.rng.random() < 0.08 else ""
        status: dict[str, Any] = {
            "id": sid,
            "created_at": iso_z(msg.at),
            "in_reply_to_id": parent[0] if parent else None,
            "in_reply_to_account_id": self.account(parent[1])["id"] if parent else None,
            "sensitive": bool(spoiler),
            "spoiler_text": spoiler,
            "visibility": visibility,
            "language": msg.lang,
            "uri": f"https://{server}/users/{account['username']}/statuses/{sid}",
            "url": f"https://{server}/@{account['username']}/{sid}",
            "replies_count": replies,
            "reblogs_count": int(self.rng.paretovariate(2.2)) - 1,
            "favourites_count": int(self.rng.paretovariate(1.6)) - 1,
            "quotes_count": 0,
            "edited_at": iso_z(msg.edited_at) if msg.edited_at else None,
            "favourited": False,
            "reblogged": False,
            "muted": False,
            "bookmarked": False,
            "content": content,
            "filtered": [],
            "reblog": None,
            "application": {"name": "Web", "website": None} if server == HOME else None,
            "account": account,
            "media_attachments": [],
            "mentions": mentions,
            "tags": tags,
            "emojis": [],
            "quote": None,
            "card": None,
            "poll": None,
        }
        if status["application"] is None:
            del status["application"]
        return status


def _date(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _thread_statuses(m: _Masto, thread: Thread, *, direct: bool = False) -> list[dict[str, Any]]:
    ids = [m.ids.mastodon(msg.at) for msg in thread.messages]
    out = []
    for index, msg in enumerate(thread.messages):
        parent = (ids[msg.parent], thread.messages[msg.parent].author) if msg.parent is not None else None
        visibility = "direct" if direct else ("public" if msg.parent is None or m.rng.random() < 0.6 else "unlisted")
        out.append(m.status(msg, ids[index], parent, visibility, replies=len(thread.children(index))))
    return out


def _sse(event: str, data: Any) -> str:
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: {event}\ndata: {payload}\n\n"


def write_mastodon(out: Path, rng: random.Random, story: Story) -> list[Path]:
    m = _Masto(rng, story)
    m.account(story.company)
    threads = build_threads(rng, story, "mastodon", 100, company_share=0.06, company_rate=0.45)
    for thread in threads[3::40]:  # a few people fix a typo after posting
        root = thread.root
        root.edited_at = root.at + timedelta(minutes=rng.randint(2, 40))
        root.text = (
            root.text.rstrip(".") + " (edited: added details)" if root.lang == "en" else root.text + " (bearbeitet)"
        )
    statuses = [s for t in threads for s in _thread_statuses(m, t)]
    statuses.sort(key=lambda s: (s["created_at"], s["id"]), reverse=True)
    files: list[Path] = []
    chunks = pages(statuses, 40)
    for number, chunk in enumerate(chunks, start=1):
        files.append(write_json(out / "mastodon" / f"timeline-home-{number:03d}.json", chunk))
    company_id = m.account(story.company)["id"]
    mentions = [s for s in statuses if any(x["id"] == company_id for x in s["mentions"])]
    notifications = [_notification(m, "mention", s["created_at"], s["account"], s) for s in mentions[:40]]
    fans = [p for p in story.active_on("mastodon") if p.kind != "spam"][:15]
    for index, fan in enumerate(fans):
        kind = ("favourite", "follow", "reblog")[index % 3]
        target = statuses[index * 3] if kind != "follow" else None
        notifications.append(
            _notification(
                m, kind, target["created_at"] if target else "2026-10-30T12:00:00.000Z", m.account(fan), target
            )
        )
    notifications.sort(key=lambda n: n["created_at"], reverse=True)
    files.append(write_json(out / "mastodon" / "notifications-001.json", notifications))
    files += _direct(out, m)
    files.append(_stream(out, m, statuses))
    return files


def _notification(
    m: _Masto, kind: str, created: str, account: dict[str, Any], status: dict[str, Any] | None
) -> dict[str, Any]:
    nid = str(m.rng.randint(100000, 999999))
    item: dict[str, Any] = {
        "id": nid,
        "type": kind,
        "created_at": created,
        "group_key": f"ungrouped-{nid}",
        "account": account,
    }
    if status is not None:
        item["status"] = status
    return item


def _direct(out: Path, m: _Masto) -> list[Path]:
    conversations = []
    files: list[Path] = []
    for dialogue in build_dialogues(m.rng, m.story, "mastodon", 16):
        statuses = _thread_statuses(m, dialogue, direct=True)
        person = m.account(dialogue.root.author)
        conversations.append(
            {
                "id": str(m.rng.randint(100, 9999)),
                "unread": statuses[-1]["account"]["id"] == person["id"],
                "accounts": [person],
                "last_status": statuses[-1],
            }
        )
        context = {"ancestors": statuses[:-1], "descendants": []}
        files.append(write_json(out / "mastodon" / f"context-{statuses[-1]['id']}.json", context))
    conversations.sort(key=lambda c: c["last_status"]["created_at"], reverse=True)
    return [write_json(out / "mastodon" / "conversations-001.json", conversations), *files]


def _stream(out: Path, m: _Masto, timeline: list[dict[str, Any]]) -> Path:
    """The company's user stream during the last days of October: new statuses, an edit, a deletion."""
    threads = build_threads(m.rng, m.story, "mastodon", 14, company_share=0.0, company_rate=0.5)
    events: list[tuple[str, str, str]] = []  # (time, event, data)
    for thread in threads:
        thread.shift(END - timedelta(minutes=m.rng.randint(240, 5700)) - thread.root.at)
        for status in _thread_statuses(m, thread):
            events.append((status["created_at"], "update", _sse("update", status)))
            if any(x["acct"] == "nordlicht" for x in status["mentions"]):
                note = _notification(m, "mention", status["created_at"], status["account"], status)
                events.append((status["created_at"], "notification", _sse("notification", note)))
    updates = [e for e in events if e[1] == "update"]
    for _, _, text in updates[2:9:6]:  # two statuses get edited a few minutes later
        status = json.loads(text.split("data: ", 1)[1])
        edited = _date(status["created_at"][:19]) + timedelta(minutes=m.rng.randint(3, 30))
        status["edited_at"] = iso_z(edited)
        status["content"] = status["content"].replace("</p>", " (edit: typo fixed)</p>", 1)
        events.append((status["edited_at"], "status.update", _sse("status.update", status)))
    deleted = next((s for s in timeline if s["account"]["bot"]), timeline[0])
    events.append((iso_z(END - timedelta(hours=3)), "delete", _sse("delete", deleted["id"])))
    events.sort(key=lambda e: e[0])
    lines = [":)\n"]
    for number, (_, _, text) in enumerate(events):
        lines.append(text)
        if number % 9 == 8:
            lines.append(":thump\n")
    path = out / "mastodon" / "stream.sse.txt"
    path.write_text("".join(lines), encoding="utf-8")
    return path
