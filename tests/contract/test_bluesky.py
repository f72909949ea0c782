"""Contract tests of the Bluesky parser against recorded payloads (tests/fixtures/payloads/bluesky).

Fixtures are MarshalX/atproto's test data (MIT); see tests/fixtures/payloads/SOURCE.md. Feeds, replies,
reposts and facets are not in the fixtures, so those tests derive them from the recorded post view.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kith.channels.base import (
    Basis,
    IdentityRecord,
    InteractionRecord,
    Kind,
    ParseError,
    RawRecord,
    Rejected,
    Visibility,
)
from kith.channels.bluesky import parser

PAYLOADS = Path(__file__).parent.parent / "fixtures" / "payloads" / "bluesky"
DID = "did:plc:kvwvcn5iqfooopmyzvb4qzba"
THREAD_POST = f"at://{DID}/app.bsky.feed.post/3kaheyt6vpc22"
QUOTED_POST = f"at://{DID}/app.bsky.feed.post/3kahesw26il2z"


def raw(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def body(name: str) -> Any:
    return json.loads(raw(name))["body"]


def post_view() -> dict[str, Any]:
    view: dict[str, Any] = copy.deepcopy(body("thread-view-post.json")["thread"]["post"])
    return view


def split(data: bytes | str, source: str = "test") -> list[RawRecord | Rejected]:
    return list(parser.split(data.encode() if isinstance(data, str) else data, source))


def records(data: bytes | str) -> list[RawRecord]:
    items = split(data)
    assert all(isinstance(item, RawRecord) for item in items), items
    return [item for item in items if isinstance(item, RawRecord)]


def interactions(record: RawRecord) -> list[InteractionRecord]:
    return [r for r in parser.normalise(record.payload) if isinstance(r, InteractionRecord)]


def only_interaction(record: RawRecord) -> InteractionRecord:
    found = interactions(record)
    assert len(found) == 1, found
    return found[0]


def test_parser_is_registered_under_its_name() -> None:
    assert parser.name == "bluesky"


def test_thread_view_post_with_quote_and_images() -> None:
    items = records(raw("thread-view-post.json"))
    assert [item.external_id for item in items] == [THREAD_POST, QUOTED_POST]  # the quoted post is recorded too
    post = only_interaction(items[0])
    assert post.external_id == THREAD_POST
    assert post.kind is Kind.POST
    assert post.text == ""
    assert post.created_at == datetime(2023, 9, 28, 12, 49, 36, 735000, tzinfo=UTC)
    assert post.lang == "en"
    assert post.visibility is Visibility.PUBLIC
    assert post.basis is Basis.PUBLIC_CONTENT
    assert post.url == "https://bsky.app/profile/test.marshal.dev/post/3kaheyt6vpc22"
    assert post.metrics == {"likes": 0, "replies": 0, "shares": 0}
    assert post.attributes["quoted"] == QUOTED_POST
    [image] = post.attributes["media"]
    assert image["type"] == "image"
    assert image["url"].startswith("https://cdn.bsky.app/img/feed_fullsize/plain/")
    author = post.author
    assert author is not None
    assert author.external_id == DID
    assert author.handle == "test.marshal.dev"
    assert author.display_name == "Python SDK"
    assert author.profile_url == "https://bsky.app/profile/test.marshal.dev"
    quoted = only_interaction(items[1])
    assert quoted.text == "test"
    assert quoted.created_at == datetime(2023, 9, 28, 12, 46, 18, 414000, tzinfo=UTC)


def test_get_record_takes_the_author_did_from_the_uri() -> None:
    [record] = records(raw("post-record.json"))
    uri = f"at://{DID}/app.bsky.feed.post/3k2yihcrp6f2c"
    assert record.external_id == uri
    post = only_interaction(record)
    assert post.text == "new text114"
    assert post.created_at == datetime(2024, 2, 22, 19, 58, 13, 903293, tzinfo=UTC)
    assert post.author is not None
    assert post.author.external_id == DID
    assert post.url == f"https://bsky.app/profile/{DID}/post/3k2yihcrp6f2c"


def test_facets_are_sliced_by_utf8_byte_offsets() -> None:
    text = "Привет 👋 @alice.test see example.com/p — #キス"
    encoded = text.encode()

    def span(part: str) -> dict[str, int]:
        start = encoded.index(part.encode())
        return {"byteStart": start, "byteEnd": start + len(part.encode())}

    view = post_view()
    view["record"] = {
        "$type": "app.bsky.feed.post",
        "createdAt": "2024-03-01T10:00:00.000Z",
        "langs": ["ru", "ja"],
        "text": text,
        "facets": [
            {
                "index": span("@alice.test"),
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:alice"}],
            },
            {
                "index": span("example.com/p"),
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/p?full=1"}],
            },
            {"index": span("#キス"), "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "キス"}]},
        ],
    }
    view.pop("embed")
    [record] = records(json.dumps({"posts": [view]}))
    post = only_interaction(record)
    assert post.text == text
    assert post.lang == "ru"
    assert post.attributes["mentions"] == ["did:plc:alice"]
    assert post.attributes["links"] == ["https://example.com/p?full=1"]
    assert post.attributes["hashtags"] == ["キス"]
    # character offsets would cut these wrongly: Cyrillic is 2 bytes, 👋 4 bytes, キス 3 bytes each
    assert [facet["text"] for facet in post.attributes["facets"]] == ["@alice.test", "example.com/p", "#キス"]


def test_reply_record_gives_parent_and_root() -> None:
    view = post_view()
    view["uri"] = f"at://{DID}/app.bsky.feed.post/reply1"
    view["record"]["reply"] = {
        "root": {"uri": QUOTED_POST, "cid": "bafyroot"},
        "parent": {"uri": THREAD_POST, "cid": "bafyparent"},
    }
    thread = {
        "thread": {
            "post": view,
            "parent": {"post": post_view()},
            "replies": [
                {
                    "$type": "app.bsky.feed.defs#notFoundPost",
                    "uri": f"at://{DID}/app.bsky.feed.post/gone",
                    "notFound": True,
                }
            ],
        }
    }
    items = records(json.dumps(thread))
    # the reply, its quoted post, then its parent (whose quote is not repeated); the not-found reply is skipped
    assert [item.external_id for item in items] == [view["uri"], QUOTED_POST, THREAD_POST]
    reply = only_interaction(items[0])
    assert reply.kind is Kind.COMMENT
    assert reply.in_reply_to == THREAD_POST
    assert reply.thread_root == QUOTED_POST


def test_feed_repost_is_a_share_by_the_reposter() -> None:
    reposter = {"did": "did:plc:reposter", "handle": "bob.test", "displayName": "Bob 🦋"}
    feed = {
        "feed": [
            {
                "post": post_view(),
                "reason": {
                    "$type": "app.bsky.feed.defs#reasonRepost",
                    "by": reposter,
                    "indexedAt": "2024-04-01T08:00:00.000Z",
                    "uri": "at://did:plc:reposter/app.bsky.feed.repost/abc",
                },
            }
        ],
        "cursor": "x",
    }
    items = records(json.dumps(feed))
    assert [item.external_id for item in items] == [
        THREAD_POST,
        QUOTED_POST,
        "at://did:plc:reposter/app.bsky.feed.repost/abc",
    ]
    share, original = interactions(items[2])
    assert share.kind is Kind.SHARE
    assert share.attributes["shared"] == THREAD_POST
    assert share.created_at == datetime(2024, 4, 1, 8, 0, tzinfo=UTC)
    assert share.author is not None
    assert share.author.external_id == "did:plc:reposter"
    assert share.author.display_name == "Bob 🦋"
    assert original.external_id == THREAD_POST


def test_get_follows_gives_identities_only() -> None:
    items = records(raw("get-follows.json"))
    assert len(items) == 7  # the subject and six follows
    identities = [parser.normalise(item.payload)[0] for item in items]
    assert all(isinstance(i, IdentityRecord) for i in identities)
    jay = next(i for i in identities if isinstance(i, IdentityRecord) and i.handle == "jay.bsky.team")
    assert jay.external_id == "did:plc:oky5czdrnfjpqslsw2a5iclo"
    assert jay.display_name == "Jay 🦋"
    assert items[3].external_id == "did:plc:oky5czdrnfjpqslsw2a5iclo@2024-02-06T22:21:45.352Z"


def test_unknown_shape_is_rejected_with_a_helpful_message() -> None:
    [item] = split('{"kind": "Listing", "data": {}}', "reddit.json")
    assert isinstance(item, Rejected)
    assert "not a Bluesky payload" in item.reason
    assert "data, kind" in item.reason


def test_bare_post_record_without_uri_says_what_to_ingest() -> None:
    [item] = split(json.dumps(body("post-record.json")["value"]))
    assert isinstance(item, Rejected)
    assert "getRecord" in item.reason


def test_truncated_json_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="truncated"):
        split(json.dumps(body("post-record.json"))[:80])


def test_resplitting_gives_identical_ids() -> None:
    for name in ("thread-view-post.json", "post-record.json", "get-follows.json"):
        assert [r.external_id for r in records(raw(name))] == [r.external_id for r in records(raw(name))]


def test_post_without_created_at_is_a_parse_error() -> None:
    doc = body("post-record.json")
    del doc["value"]["createdAt"]
    [record] = records(json.dumps(doc))
    with pytest.raises(ParseError, match="createdAt"):
        parser.normalise(record.payload)
