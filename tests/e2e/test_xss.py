"""Real XSS payloads fed through every channel parser reach the pages only as inert, escaped text.

Each channel's real recorded payload is altered the way an attacker would: script tags, event handlers
and ``javascript:`` URLs in post text, HTML content, names, titles and profile links. Everything goes
through the real parsers and pipeline; then every page that shows it is fetched and inspected.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest

from kith.db import make_engine
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending
from tests.conftest import PAYLOADS
from tests.e2e.server import Server, create_users, running_server

PAYLOADS_XSS = [
    '<script>alert("xss-1")</script>',
    '<img src=x onerror=alert("xss-2")>',
    '"><svg onload=alert("xss-3")>',
    "<a href=\"javascript:alert('xss-4')\">click</a>",
]
EVIL = " ".join(PAYLOADS_XSS)
EVIL_URL = "javascript:alert('xss-5')"
TEXT_KEYS = {
    "text",
    "full_text",
    "message",
    "body",
    "selftext",
    "title",
    "name",
    "display_name",
    "displayName",
    "textOriginal",
    "textDisplay",
    "authorDisplayName",
    "note",
    "description",
    "spoiler_text",
}
HTML_KEYS = {"content"}
URL_KEYS = {"url", "profile_url", "authorChannelUrl", "website"}  # not permalink_url: Facebook ids live there


class LiveMarkup(HTMLParser):
    """Collects what a browser would execute: inline scripts, event-handler attributes, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                ("javascript:", "data:text/html")
            ):
                self.found.append(f"<{tag} {name}={value}>")
        if tag in ("svg", "iframe", "object", "embed"):
            self.found.append(f"<{tag}>")
        if tag == "script":
            if not dict(attrs).get("src", "").startswith("/static/"):
                self.found.append("<script> not from /static/")
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append("inline script")


def poison(value: Any) -> Any:
    """Put the attack strings into every human-readable field of a real payload, keeping its shape."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in TEXT_KEYS and isinstance(item, str):
                out[key] = f"{item} {EVIL}"
            elif key in HTML_KEYS and isinstance(item, str):
                out[key] = f"{item}<p>&lt;script&gt;alert('xss-6')&lt;/script&gt;</p>{PAYLOADS_XSS[3]}"
            elif key in URL_KEYS and isinstance(item, str):
                out[key] = EVIL_URL
            else:
                out[key] = poison(item)
        return out
    if isinstance(value, list):
        return [poison(item) for item in value]
    return value


def json_fixture(path: str) -> bytes:
    return json.dumps(poison(json.loads((PAYLOADS / path).read_text(encoding="utf-8")))).encode()


def evil_feed() -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Reviews {EVIL.replace("<", "&lt;")}</title><link>https://blog.example/</link>
<item><guid>xss-review-1</guid><title>{EVIL.replace("<", "&lt;")}</title><link>{EVIL_URL}</link>
<author>evil@example.com ({EVIL.replace("<", "&lt;")})</author><pubDate>Mon, 05 Oct 2026 10:00:00 GMT</pubDate>
<description>{EVIL.replace("&", "&amp;").replace("<", "&lt;")}</description></item></channel></rss>""".encode()


def evil_mail() -> bytes:
    message = EmailMessage()
    message["From"] = f'"{PAYLOADS_XSS[0]}" <evil@example.com>'
    message["To"] = "support@nordlicht.example"
    message["Subject"] = PAYLOADS_XSS[1]
    message["Message-ID"] = "<xss-mail-1@example.com>"
    message["Date"] = "Mon, 05 Oct 2026 10:00:00 +0000"
    message.set_content("plain " + EVIL)
    message.add_alternative(f"<html><body><p>{EVIL}</p><script>alert('xss-7')</script></body></html>", subtype="html")
    return bytes(message)


def evil_csv() -> bytes:
    quoted = EVIL.replace('"', '""')
    return (
        "call_id,started_at,customer_id,phone,direction,duration_seconds,agent,reason,notes\n"
        f'XSS-1,2026-10-05T10:00:00Z,C9,+4940123,inbound,60,"{quoted}","{quoted}","{quoted}"\n'
    ).encode()


INPUTS = {
    "x": json_fixture("x/v2_page_with_expansions_mentions_includes.json"),
    "facebook": json_fixture("facebook/fb_post_comments_page1.json"),
    "instagram": json_fixture("instagram/ig_media_comments_page1.json"),
    "youtube": json_fixture("youtube/commentThreads_list_by_video_page1.json"),
    "mastodon": json_fixture("mastodon/notifications-mentions.json"),
    "bluesky": json_fixture("bluesky/thread-view-post.json"),
    "reddit": json_fixture("reddit/submission-comments.json"),
    "feeds": evil_feed(),
    "email": evil_mail(),
    "csv": evil_csv(),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path: Path = tmp_path_factory.mktemp("xss") / "xss.db"
    create_users(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    for channel, data in INPUTS.items():
        counts = ingest_bytes(engine, channel, data, f"xss-{channel}")
        assert counts.new > 0 and counts.quarantined == 0, (channel, counts)
    report = run_pending(engine)
    assert report.quarantined == 0, report.reasons
    engine.dispose()
    with running_server(path) as running:
        yield running


def assert_inert(html: str, where: str) -> None:
    parser = LiveMarkup()
    parser.feed(html)
    assert parser.found == [], f"{where}: live markup {parser.found}"


def links(html: str, prefix: str) -> set[str]:
    return set(re.findall(rf'href="({prefix}[^"?#]+)"', html))


def test_attack_strings_reach_every_page_only_as_text(server: Server) -> None:
    with server.client("admin") as client:
        pages = ["/"]
        html = client.get("/").text
        after = re.search(r'rel="next" href="([^"]+)"', html)
        if after:
            pages.append(after.group(1).replace("&amp;", "&"))
        seen_text = 0
        for url in pages:
            page = client.get(url)
            assert page.status_code == 200
            assert_inert(page.text, url)
            seen_text += page.text.count("&lt;script&gt;alert(")
            for link in links(page.text, "/identities/") | links(page.text, "/conversations/"):
                detail = client.get(link)
                assert detail.status_code == 200, link
                assert_inert(detail.text, link)
        assert seen_text >= 5, "the attack strings should be shown, escaped, not dropped"


def test_the_detector_sees_live_markup_and_ignores_escaped_text() -> None:
    live = LiveMarkup()
    live.feed('<p>hi</p><img src=x onerror=alert(1)><a href=" javascript:alert(1)">x</a><script>alert(1)</script>')
    assert len(live.found) == 4
    inert = LiveMarkup()
    inert.feed('<p>&lt;img src=x onerror=alert(1)&gt;</p><script src="/static/vendor/x.js"></script>')
    assert inert.found == []


def test_every_channel_delivered_its_poisoned_items(server: Server) -> None:
    engine = make_engine(server.db_url)
    from kith.stats import collect

    channels = collect(engine)["channels"]
    engine.dispose()
    for channel in INPUTS:
        assert channels[channel]["interactions"] > 0, channel


def test_api_returns_attack_strings_as_json_strings(server: Server) -> None:
    with server.client("admin") as client:
        response = client.get("/api/v1/interactions", params={"limit": 50})
        if response.status_code == 404:
            pytest.fail("the REST API is missing")
        assert response.headers["content-type"].startswith("application/json")
        assert "text/html" not in response.headers["content-type"]
        assert isinstance(httpx.Response(200, content=response.content).json(), dict)
