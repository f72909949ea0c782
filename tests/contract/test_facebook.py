"""Contract tests of the Facebook parser against Graph API payloads (tests/fixtures/payloads/facebook).

The page-feed and comments fixtures are real responses from sns-sdks/python-facebook's test data
(Apache-2.0); messenger_messages.json is hand-written after Meta's documented format (see the README there).
Edits and deletions only exist as page ``feed`` webhooks; those tests build them after Meta's documentation.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kith.channels._graph_api import page_edge, strip_secrets
from kith.channels.base import (
    Basis,
    InteractionRecord,
    Kind,
    ParseError,
    RawRecord,
    Rejected,
    Visibility,
)
from kith.channels.facebook import parser

PAYLOADS = Path(__file__).parent.parent / "fixtures" / "payloads" / "facebook"
POST = "19292868552_10158407654328553"


def raw(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def body(name: str) -> Any:
    return json.loads(raw(name))["body"]


def split(data: bytes, source: str = "test") -> tuple[list[RawRecord], list[Rejected]]:
    pieces = list(parser.split(data, source))
    return [p for p in pieces if isinstance(p, RawRecord)], [p for p in pieces if isinstance(p, Rejected)]


def split_json(value: Any) -> tuple[list[RawRecord], list[Rejected]]:
    return split(json.dumps(value).encode())


def one(record: RawRecord) -> InteractionRecord:
    [item] = parser.normalise(record.payload)
    assert isinstance(item, InteractionRecord)
    return item


def test_parser_is_registered_under_its_name() -> None:
    assert parser.name == "facebook"


def test_page_posts() -> None:
    records, rejected = split(raw("fb_page_posts_feed_page1.json"))
    assert rejected == []
    assert [r.external_id for r in records] == [p["id"] for p in body("fb_page_posts_feed_page1.json")["data"]]
    post = one(records[0])
    assert post.external_id == "4_10113477241177441"
    assert post.kind is Kind.POST
    assert post.text == "Happy July 4th! 🇺🇸"
    assert post.created_at == datetime(2021, 7, 4, 19, 50, 58, tzinfo=UTC)
    assert (post.visibility, post.basis) == (Visibility.PUBLIC, Basis.PUBLIC_CONTENT)
    assert post.url == "https://www.facebook.com/4_10113477241177441"
    assert post.thread_root == "4_10113477241177441"
    # the page was read through /4/posts: the page's own posts, so page 4 wrote them
    assert post.author is not None and post.author.external_id == "4"
    assert post.attributes["page_id"] == "4"
    assert one(records[3]).attributes["mentions"] == ["adam.the.creator"]


def test_post_comments_ids_and_threading_come_from_permalinks() -> None:
    records, rejected = split(raw("fb_post_comments_page1.json"))
    assert rejected == []
    assert len(records) == 10
    comments = {r.external_id: one(r) for r in records}
    top = comments["10158407654328553_10158407903973553"]
    assert top.kind is Kind.COMMENT
    assert top.in_reply_to == POST
    assert top.thread_root == POST
    assert top.created_at == datetime(2021, 8, 10, 19, 38, 44, tzinfo=UTC)
    assert top.text.endswith("it’s effecting my livelihood 😕 Facebook for Developers")
    assert top.metrics == {"likes": 0, "replies": 2}
    assert top.author is None  # `from` was not requested
    reply = comments["10158407654328553_10158409984053553"]
    assert reply.in_reply_to == "10158407654328553_10158407903973553"
    assert reply.thread_root == POST
    assert reply.text == "Facebook for Developers they don’t respond 😞"
    assert comments["10158407654328553_10158407835073553"].text.startswith("Boa noite peço ajuda")


def test_comment_with_graph_fields() -> None:
    comment = {"id": "10158407654328553_10158499999999999", "created_time": "2021-08-13T08:00:00+0000",
               "from": {"id": "5550001", "name": "Zoë Ångström"}, "message": "Obrigada! #suporte",
               "parent": {"id": "10158407654328553_10158407835073553"}}
    [record], _ = split_json(comment)
    item = one(record)
    assert item.kind is Kind.COMMENT
    assert item.in_reply_to == "10158407654328553_10158407835073553"
    assert item.author is not None
    assert (item.author.external_id, item.author.display_name) == ("5550001", "Zoë Ångström")
    assert item.attributes["hashtags"] == ["suporte"]


def test_messenger_messages_are_private() -> None:
    records, rejected = split(raw("messenger_messages.json"))
    assert rejected == []
    assert [r.external_id for r in records] == [m["id"] for m in body("messenger_messages.json")["data"]]
    message = one(records[1])
    assert message.kind is Kind.DIRECT_MESSAGE
    assert (message.visibility, message.basis) == (Visibility.PRIVATE, Basis.DIRECT_CONTACT)
    assert message.text == "Olá! Quando chega a minha encomenda? ありがとう 🙏"
    assert message.created_at == datetime(2024, 3, 5, 9, 14, 27, tzinfo=UTC)
    assert message.thread_root == "t_10160412345678901"  # named by the /messages paging URL
    author = message.author
    assert author is not None
    assert (author.external_id, author.display_name) == ("7012345678901234", "Jordan Silva")
    assert author.visibility is Visibility.PRIVATE
    assert author.email is None  # the @facebook.com address is a relay, kept as an attribute
    assert author.attributes["messenger_email"] == "7012345678901234@facebook.com"
    assert message.attributes["to"] == ["109876543210987"]


def test_conversations_with_nested_messages() -> None:
    messages = body("messenger_messages.json")["data"]
    doc = {"data": [{"id": "t_555", "updated_time": "2024-03-05T09:16:02+0000", "messages": {"data": messages}}]}
    records, _ = split_json(doc)
    assert len(records) == 2
    assert {one(r).thread_root for r in records} == {"t_555"}


def test_access_tokens_are_never_stored() -> None:
    for name in ("fb_page_posts_feed_page1.json", "fb_post_comments_page1.json", "messenger_messages.json"):
        assert b"access_token=access_token" in raw(name)  # the input does carry one
        records, _ = split(raw(name))
        for record in records:
            assert b"access_token" not in record.payload
    post = {"id": "4_1", "created_time": "2021-07-04T19:50:58+0000", "message": "x",
            "permalink_url": "https://www.facebook.com/4/posts/1/?access_token=SECRET&ref=share"}
    [record], _ = split_json(post)
    assert one(record).url == "https://www.facebook.com/4/posts/1/?ref=share"
    assert strip_secrets("https://graph.facebook.com/v11.0/1/comments?access_token=a&after=b") == (
        "https://graph.facebook.com/v11.0/1/comments?after=b")
    object_id, edge, query = page_edge(body("fb_post_comments_page1.json"))
    assert (object_id, edge, query["filter"]) == (POST, "comments", "stream")
    assert "access_token" not in query


def webhook(verb: str, message: str = "") -> dict[str, Any]:
    value = {"from": {"id": "5550001", "name": "Zoë"}, "post_id": POST, "comment_id": "10158407654328553_1016",
             "parent_id": POST, "created_time": 1628621103, "item": "comment", "verb": verb, "message": message}
    return {"object": "page", "entry": [{"id": "19292868552", "time": 1628625000, "changes": [
        {"field": "feed", "value": value}]}]}


def test_webhook_add_edit_remove_are_versions_of_one_comment() -> None:
    lines = [json.dumps(webhook("add", "first")), json.dumps(webhook("edited", "second")),
             json.dumps(webhook("remove"))]
    records, rejected = split("\n".join(lines).encode())
    assert rejected == []
    assert [r.external_id for r in records] == [
        "10158407654328553_1016", "10158407654328553_1016@1628625000", "10158407654328553_1016@deleted"]
    added, edited, removed = (one(r) for r in records)
    assert added.text == "first" and added.created_at == datetime(2021, 8, 10, 18, 45, 3, tzinfo=UTC)
    assert added.in_reply_to == POST and added.thread_root == POST
    assert edited.external_id == "10158407654328553_1016"
    assert edited.text == "second"
    assert edited.edited_at == datetime(2021, 8, 10, 19, 50, tzinfo=UTC)
    assert removed.deleted is True and removed.text == ""


def test_unsupported_webhook_change_is_rejected() -> None:
    doc = webhook("add")
    doc["entry"][0]["changes"][0]["value"]["item"] = "reaction"
    _, [bad] = split_json(doc)
    assert "unsupported Facebook webhook change" in bad.reason and "reaction" in bad.reason


def test_unknown_shape_and_api_error_are_rejected_with_helpful_messages() -> None:
    _, [bad] = split(b'{"statuses": []}', "wrong.json")
    assert bad.reason.startswith("wrong.json: not a Facebook payload: expected a Graph API page")
    error = {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}
    _, [denied] = split_json(error)
    assert "Invalid OAuth access token. (code 190)" in denied.reason


def test_a_comment_without_id_or_permalink_is_rejected_alone() -> None:
    page = body("fb_post_comments_page1.json")
    del page["data"][0]["permalink_url"]
    records, [bad] = split_json(page)
    assert len(records) == 9
    assert "without an id or permalink_url" in bad.reason


def test_truncated_json() -> None:
    with pytest.raises(ParseError, match="truncated"):
        list(parser.split(json.dumps(body("fb_page_posts_feed_page1.json")).encode()[:200], "cut.json"))
    records, rejected = split(raw("fb_page_posts_feed_page1.json")[:400])
    assert records == [] and rejected


def test_resplitting_is_idempotent() -> None:
    for name in ("fb_page_posts_feed_page1.json", "fb_post_comments_page1.json", "messenger_messages.json"):
        first, _ = split(raw(name))
        second, _ = split(raw(name))
        assert [(r.external_id, r.payload) for r in first] == [(r.external_id, r.payload) for r in second]


def test_normalise_requires_a_time_and_a_known_envelope() -> None:
    with pytest.raises(ParseError, match="created_time"):
        parser.normalise(b'{"type": "post", "item": {"id": "4_1", "message": "x"}}')
    with pytest.raises(ParseError, match="unknown Facebook raw payload type"):
        parser.normalise(b'{"type": "story", "item": {}}')
    with pytest.raises(ParseError, match="not a Facebook raw payload"):
        parser.normalise(b"[]")
