"""The reading pages (stream filters and search, conversation thread, identity, department queue) served by a
real ``kith serve`` and read with a real HTTP client, on data that went through the real ingest pipeline
from recorded network payloads (Reddit, X, Mastodon) plus a Mastodon support thread written in the same format.

Routing and enrichment do not exist yet, so the department of two conversations and the sentiment of two
interactions are set in the database directly, the way those stages will set them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from kith.db import make_engine, session_scope
from kith.interactions.models import Conversation, Interaction
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending
from tests.conftest import PAYLOADS
from tests.e2e.server import Server, create_users, running_server

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SHOP = {"id": "77", "username": "nordlicht", "acct": "nordlicht", "display_name": "Nordlicht Support"}
CUSTOMER = {
    "id": "78",
    "username": "mira",
    "acct": "mira@example.social",
    "display_name": XSS,
    "url": "https://example.social/@mira",
    "note": "<p>Cyclist.</p>",
    "followers_count": 12,
}


def status(ident: int, minute: int, content: str, account: dict[str, object], reply_to: int | None = None) -> dict:
    return {
        "id": str(ident),
        "created_at": f"2026-07-01T09:{minute:02d}:00.000Z",
        "content": content,
        "visibility": "public",
        "in_reply_to_id": str(reply_to) if reply_to else None,
        "spoiler_text": "",
        "edited_at": None,
        "language": "en",
        "url": "javascript:alert(1)" if ident == 900 else f"https://example.social/@x/{ident}",
        "account": account,
    }


SUPPORT_THREAD = [
    status(900, 1, f"<p>My lamp order arrived broken {XSS.replace('<', '&lt;')}<br>second line</p>", CUSTOMER),
    status(901, 5, "<p>Sorry to hear that! Please send us your order number.</p>", SHOP, 900),
    status(902, 9, "<p>Order 4411, thanks.</p>", CUSTOMER, 901),
    status(903, 12, "<p>Oops, wrong thread.</p>", CUSTOMER, 900),
]
DELETE_903 = b"event: delete\ndata: 903\n\n"
FAN = {"id": "79", "username": "fan", "acct": "fan", "display_name": "A fan"}
LONG_THREAD = [
    {**status(1000, 0, "<p>Spring sale: ask us anything</p>", SHOP), "created_at": "2026-06-01T08:00:00.000Z"}
] + [
    {
        **status(1000 + n, 0, f"<p>Question number {n}</p>", FAN, 1000),
        "created_at": f"2026-06-01T{8 + n // 60:02d}:{n % 60:02d}:30.000Z",
    }
    for n in range(1, 106)
]


def seed(url: str) -> None:
    engine = make_engine(url)
    for channel, name in [
        ("reddit", "submission-comments.json"),
        ("reddit", "subreddit-new.json"),
        ("x", "v2-search-recent.json"),
        ("x", "v2_page_with_expansions_mentions_includes.json"),
        ("mastodon", "status.json"),
    ]:
        ingest_bytes(engine, channel, (PAYLOADS / channel / name).read_bytes(), name)
    ingest_bytes(engine, "mastodon", json.dumps(SUPPORT_THREAD).encode(), "support-thread")
    ingest_bytes(engine, "mastodon", json.dumps(LONG_THREAD).encode(), "long-thread")
    run_pending(engine)
    ingest_bytes(engine, "mastodon", DELETE_903, "stream")  # later: the author deletes a reply
    run_pending(engine)
    with session_scope(engine) as session:
        routes = {"t3_2gmzqe": "service", "900": "sales"}
        for key, department in routes.items():
            session.execute(update(Conversation).where(Conversation.thread_key == key).values(department=department))
        moods = {"t1_cklfmye": "negative", "901": "positive"}
        for external_id, mood in moods.items():
            session.execute(update(Interaction).where(Interaction.external_id == external_id).values(sentiment=mood))
        assert session.scalar(select(Conversation.id).where(Conversation.department == "sales")) is not None
    engine.dispose()


@pytest.fixture(scope="module")
def pages_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path: Path = tmp_path_factory.mktemp("pages") / "pages.db"
    create_users(f"sqlite:///{path}")
    seed(f"sqlite:///{path}")
    with running_server(path) as running:
        yield running


@pytest.fixture
def agent(pages_server: Server) -> Iterator[httpx.Client]:
    with pages_server.client("agent") as client:
        yield client


# ---- reading HTML ---------------------------------------------------------------------------------------


def items(html: str) -> list[str]:
    """The HTML of each interaction card on a page."""
    return [part.split("</li>")[0] for part in html.split('<li class="item')[1:]]


def channels_of(html: str) -> set[str]:
    return set(re.findall(r'data-channel="([^"]+)"', html))


def group(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.S)
    assert match, f"{pattern!r} not found"
    return match.group(1)


def href(html: str, pattern: str) -> str:
    """The first link whose markup matches ``pattern`` (a regex over the whole <a ...>...</a>)."""
    for anchor in re.findall(r"<a [^>]*>.*?</a>", html, re.S):
        if re.search(pattern, anchor, re.S):
            return unescape(group(r'href="([^"]+)"', anchor))
    raise AssertionError(f"no link matching {pattern!r}")


def card(html: str, needle: str) -> str:
    found = [c for c in items(html) if needle in c]
    assert found, f"no card containing {needle!r}"
    return found[0]


def all_pages(client: httpx.Client, url: str) -> list[str]:
    pages = []
    while True:
        page = client.get(url)
        assert page.status_code == 200, page.text[:300]
        pages.append(page.text)
        if 'rel="next"' not in page.text:
            return pages
        url = href(page.text, 'rel="next"')


# ---- stream: search, filters, pager ---------------------------------------------------------------------


def test_search_finds_a_known_word(agent: httpx.Client) -> None:
    html = agent.get("/", params={"q": "PRAW"}).text
    found = items(html)
    assert len(found) == 1 and "PRAW client developers" in found[0]
    assert "[PRAW] HTTPS enabled PRAW testing needed" in found[0]  # the title
    assert 'value="PRAW"' in html  # the box keeps the query
    nothing = agent.get("/", params={"q": "zzqxnothingmatches"}).text
    assert items(nothing) == [] and "Nothing matches" in nothing


def test_filters_narrow_the_stream(agent: httpx.Client) -> None:
    assert set().union(*map(channels_of, all_pages(agent, "/"))) == {"reddit", "mastodon", "x"}
    assert channels_of(agent.get("/", params={"channel": "x"}).text) == {"x"}
    both = agent.get("/?channel=x&channel=mastodon").text
    assert channels_of(both) == {"x", "mastodon"}
    negative = items(agent.get("/", params={"sentiment": "negative"}).text)
    assert len(negative) == 1 and "Quick question" in negative[0] and "negative" in negative[0]
    service = items(agent.get("/", params={"department": "service"}).text)
    assert len(service) == 3 and all('data-channel="reddit"' in c for c in service)
    anonymous = items(agent.get("/", params={"has_identity": "no"}).text)
    assert len(anonymous) == 10 and all("tweepy" in c for c in anonymous)
    known = agent.get("/", params={"has_identity": "yes", "channel": "x"}).text
    assert len(items(known)) == 1 and "BaldManGamer" in known
    one_day = items(agent.get("/", params={"channel": "reddit", "since": "2014-09-17", "until": "2014-09-17"}).text)
    assert 1 <= len(one_day) <= 3 and all("2014-09-17" in c for c in one_day)
    english = channels_of(agent.get("/", params={"lang": "en"}).text)
    assert "mastodon" in english and "reddit" not in english


def test_pager_keeps_the_filters(agent: httpx.Client) -> None:
    pages = all_pages(agent, "/?channel=reddit&q=")
    assert [len(items(p)) for p in pages] == [50, 50, 3]
    assert all(channels_of(p) == {"reddit"} for p in pages)
    older = href(pages[0], 'rel="next"')
    assert "channel=reddit" in older and "after=" in older and "q=" not in older
    assert "channel=reddit" in href(pages[1], "« Newest")
    seen = [re.findall(r'id="i-([0-9a-f]+)"', p) for p in pages]
    flat = [i for page in seen for i in page]
    assert len(flat) == len(set(flat)) == 103


def test_bad_filters_get_friendly_pages(agent: httpx.Client) -> None:
    for query, hint in [
        ({"since": "yesterday"}, "use YYYY-MM-DD"),
        ({"sentiment": "furious"}, "choose one of"),
        ({"since": "2020-02-02", "until": "2020-01-01"}, "before the"),
        ({"has_identity": "maybe"}, "yes, no or any"),
        ({"after": "2026-01-01T00:00:00_5"}, "start from the first page"),
        ({"q": "x" * 500}, "too long"),
    ]:
        page = agent.get("/", params=query)
        assert page.status_code == 400 and hint in page.text and "Traceback" not in page.text


# ---- thread, identity and department pages --------------------------------------------------------------


def test_thread_page_shows_the_reply_chain_indented(agent: httpx.Client) -> None:
    stream = agent.get("/", params={"q": "PRAW"}).text
    link = href(card(stream, "PRAW client developers"), "3 in thread")
    page = agent.get(link)
    assert page.status_code == 200
    chain = items(page.text)
    assert len(chain) == 3
    assert "PRAW client developers" in chain[0] and "depth-" not in chain[0].split(">")[0]
    assert "Quick question" in chain[1] and "depth-1" in chain[1]
    assert "Yes it does" in chain[2] and "depth-2" in chain[2]
    for fact in ("Reddit", "open", "Customer service", "[PRAW] HTTPS enabled PRAW testing needed"):
        assert fact in page.text


def test_thread_orders_replies_under_their_parent(agent: httpx.Client) -> None:
    stream = agent.get("/", params={"q": "lamp"}).text
    page = agent.get(href(card(stream, "lamp order"), "in thread")).text
    chain = items(page)
    assert "lamp order" in chain[0]
    assert "order number" in chain[1] and "depth-1" in chain[1]
    assert "Order 4411" in chain[2] and "depth-2" in chain[2]
    assert "Deleted by its author" in chain[3] and "deleted" in chain[3] and "depth-1" in chain[3]
    assert "Oops" not in page and "Sales" in page


def test_a_long_thread_is_paginated(agent: httpx.Client) -> None:
    stream = agent.get("/", params={"q": "Spring sale"}).text
    first = agent.get(href(card(stream, "Spring sale"), "106 in thread")).text
    assert "Interactions</dt><dd>106" in first
    pages = [first, *all_pages(agent, href(first, 'rel="next"'))]
    assert [len(items(p)) for p in pages] == [100, 6]
    texts = [group(r'<p class="text">([^<]*)</p>', c) for p in pages for c in items(p)]
    assert texts[0] == "Spring sale: ask us anything"
    assert texts[1:] == [f"Question number {n}" for n in range(1, 106)]
    assert "« Start of thread" in pages[1]


def test_identity_page_lists_that_identitys_interactions(agent: httpx.Client) -> None:
    stream = agent.get("/", params={"q": "PRAW"}).text
    page = agent.get(href(card(stream, "PRAW client developers"), 'class="author"'))
    assert page.status_code == 200
    mine = items(page.text)
    assert len(mine) == 2 and "PRAW client developers" in mine[1] and "Yes it does" in mine[0]
    assert "Quick question" not in page.text
    assert 'href="https://www.reddit.com/user/bboe"' in page.text and "linked to person" not in page.text
    mastodon = agent.get("/", params={"channel": "mastodon", "q": "Toot"}).text
    profile = agent.get(href(card(mastodon, "Toot!"), 'class="author"')).text
    assert "John Lennon" in profile and "I walk funny" in profile
    assert "toasty" not in profile  # nested attributes are not shown


def test_view_at_source_only_for_web_links(agent: httpx.Client) -> None:
    stream = agent.get("/", params={"q": "lamp"}).text
    assert "javascript:" not in stream and "view at source" not in card(stream, "lamp order")
    assert "view at source" in card(agent.get("/", params={"q": "PRAW"}).text, "PRAW")


def test_department_member_sees_only_their_department(pages_server: Server) -> None:
    with pages_server.client("service") as service:
        own = items(service.get("/").text)
        assert len(own) == 3 and all('data-channel="reddit"' in c for c in own)
        assert len(items(service.get("/", params={"department": "sales"}).text)) == 3  # cannot widen
        queue = service.get("/departments/service")
        assert queue.status_code == 200 and "[PRAW] HTTPS enabled PRAW testing needed" in queue.text
        assert "3 in thread" in queue.text
        thread = href(queue.text, "PRAW")
        assert service.get(thread).status_code == 200
        refused = service.get("/departments/sales")
        assert refused.status_code == 403 and "Sales department&#39;s queue" in refused.text
        bboe = href(card(service.get("/").text, "PRAW client developers"), 'class="author"')
        assert service.get(bboe).status_code == 200
    with pages_server.client("sales") as sales:
        queue = sales.get("/departments/sales").text
        sales_thread = href(queue, "Conversation on Mastodon")
        customer = href(card(sales.get("/").text, "lamp order"), 'class="author"')
        assert sales.get(sales_thread).status_code == 200 and sales.get(customer).status_code == 200
        assert sales.get(thread).status_code == 404 and sales.get(bboe).status_code == 404
    with pages_server.client("service") as service:
        for hidden in (sales_thread, customer):
            page = service.get(hidden)
            assert page.status_code == 404 and "lamp" not in page.text
    with pages_server.client("analyst") as analyst:
        assert analyst.get("/departments/sales").status_code == 200
        assert analyst.get("/departments/nowhere").status_code == 404


def test_user_text_is_escaped_on_every_page(agent: httpx.Client) -> None:
    stream = agent.get("/", params={"q": "lamp"}).text
    urls = [
        "/",
        "/?q=lamp",
        href(card(stream, "lamp order"), "in thread"),
        href(card(stream, "lamp order"), 'class="author"'),
        "/departments/sales",
        "/?q=" + XSS,
    ]
    for url in urls:
        page = agent.get(url)
        assert page.status_code == 200, url
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, url
        assert "&lt;script&gt;alert" in page.text, url
    thread = agent.get(urls[2]).text
    assert "broken &lt;script&gt;" in thread and "second line" in thread


def test_missing_things_are_404_and_pages_need_sign_in(pages_server: Server, agent: httpx.Client) -> None:
    for url in ("/conversations/nope", "/identities/nope", "/departments/nope", "/identities/" + "a" * 300):
        page = agent.get(url)
        assert page.status_code == 404 and "Back to the stream" in page.text
    stream = agent.get("/", params={"q": "PRAW"}).text
    thread = href(card(stream, "PRAW client developers"), "in thread")
    assert agent.get(thread, params={"after": "bogus"}).status_code == 400
    with pages_server.client() as anonymous:
        for url in (thread, "/departments/service", "/?q=PRAW"):
            assert anonymous.get(url).status_code == 303
