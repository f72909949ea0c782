"""Contract tests of the Instagram parser against a recorded Graph API page (tests/fixtures/payloads/instagram).

The fixture is a real ``/{ig-media-id}/comments`` page from sns-sdks/python-facebook's test data
(Apache-2.0). Nested replies, authors and media objects are derived from it after Meta's documented fields.
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
    InteractionRecord,
    Kind,
    ParseError,
    RawRecord,
    Rejected,
    Visibility,
)
from kith.channels.instagram import parser

PAYLOADS = Path(__file__).parent.parent / "fixtures" / "payloads" / "instagram"
FIXTURE = "ig_media_comments_page1.json"
MEDIA = "17846368219941692"


def raw(name: str = FIXTURE) -> bytes:
    return (PAYLOADS / name).read_bytes()


def body(name: str = FIXTURE) -> Any:
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
    assert parser.name == "instagram"


def test_media_comments_page_hangs_under_the_media_named_by_the_paging_url() -> None:
    records, rejected = split(raw())
    assert rejected == []
    assert [r.external_id for r in records] == ["17858154961981086", "17874875428706419"]
    comment = one(records[0])
    assert comment.kind is Kind.COMMENT
    assert comment.text == "Beautiful!"
    assert comment.created_at == datetime(2020, 6, 1, 10, 56, 52, tzinfo=UTC)
    assert comment.in_reply_to == MEDIA
    assert comment.thread_root == MEDIA
    assert (comment.visibility, comment.basis) == (Visibility.PUBLIC, Basis.PUBLIC_CONTENT)
    assert comment.author is None  # only id, text and timestamp were requested
    assert one(records[1]).created_at == datetime(2020, 6, 1, 10, 16, 39, tzinfo=UTC)
    for record in records:
        assert b"access_token" not in record.payload


def test_nested_replies_become_comments_on_their_parent() -> None:
    page = body()
    page["data"][0].update({
        "username": "maria_lisboa", "from": {"id": "17841400000000001", "username": "maria_lisboa"},
        "like_count": 3, "text": "Beautiful! 😍 @kith_store #sunset",
        "replies": {"data": [{"id": "17900000000000001", "timestamp": "2020-06-01T11:02:10+0000",
                              "text": "ありがとう！", "username": "kith_store"}]},
    })
    records, _ = split_json(page)
    assert [r.external_id for r in records] == ["17858154961981086", "17900000000000001", "17874875428706419"]
    parent, reply = one(records[0]), one(records[1])
    assert parent.author is not None
    assert (parent.author.external_id, parent.author.handle) == ("17841400000000001", "maria_lisboa")
    assert parent.author.profile_url == "https://www.instagram.com/maria_lisboa/"
    assert parent.metrics == {"likes": 3, "replies": 1}
    assert parent.attributes == {"hashtags": ["sunset"], "mentions": ["kith_store"]}
    assert reply.kind is Kind.COMMENT
    assert reply.text == "ありがとう！"
    assert reply.in_reply_to == "17858154961981086"
    assert reply.thread_root == MEDIA
    assert reply.author is not None and reply.author.external_id == "kith_store"  # no id: the username


def test_replies_edge_names_the_parent_comment() -> None:
    page = copy.deepcopy(body())
    page["paging"]["next"] = "https://graph.facebook.com/v11.0/17858154961981086/replies?access_token=t&after=a"
    records, _ = split_json(page)
    reply = one(records[1])
    assert reply.in_reply_to == "17858154961981086"
    assert reply.thread_root is None


def test_media_with_nested_comments() -> None:
    media = {"id": MEDIA, "caption": "Pôr do sol em Lisboa 🌅 #sunset", "media_type": "IMAGE",
             "timestamp": "2020-06-01T09:00:00+0000", "permalink": "https://www.instagram.com/p/CA1b2c3D4e5/",
             "username": "kith_store", "like_count": 120, "comments_count": 2, "comments": {"data": body()["data"]}}
    records, _ = split_json(media)
    assert [r.external_id for r in records] == [MEDIA, "17858154961981086", "17874875428706419"]
    post = one(records[0])
    assert post.kind is Kind.POST
    assert post.text == "Pôr do sol em Lisboa 🌅 #sunset"
    assert post.url == "https://www.instagram.com/p/CA1b2c3D4e5/"
    assert post.metrics == {"likes": 120, "comments": 2}
    assert post.attributes["hashtags"] == ["sunset"]
    assert one(records[2]).thread_root == MEDIA


def test_a_single_comment_on_its_own_and_json_lines() -> None:
    lines = "\n".join(json.dumps(c) for c in body()["data"])
    records, rejected = split(lines.encode())
    assert rejected == []
    assert [r.external_id for r in records] == ["17858154961981086", "17874875428706419"]
    assert one(records[0]).thread_root is None  # nothing says which media it is under


def test_no_edit_signal_so_resplitting_is_idempotent() -> None:
    first, _ = split(raw())
    second, _ = split(raw())
    assert [(r.external_id, r.payload) for r in first] == [(r.external_id, r.payload) for r in second]
    assert all("@" not in r.external_id for r in first)


def test_unknown_shape_and_api_error_are_rejected_with_helpful_messages() -> None:
    _, [bad] = split(b'{"kind": "youtube#comment"}', "wrong.json")
    assert bad.reason.startswith("wrong.json: not an Instagram payload: expected an Instagram Graph API page")
    error = {"error": {"message": "Unsupported get request.", "type": "GraphMethodException", "code": 100}}
    _, [denied] = split_json(error)
    assert "Unsupported get request. (code 100)" in denied.reason


def test_a_comment_without_id_is_rejected_alone() -> None:
    page = body()
    del page["data"][1]["id"]
    records, [bad] = split_json(page)
    assert [r.external_id for r in records] == ["17858154961981086"]
    assert "Instagram comment without an id" in bad.reason


def test_truncated_json() -> None:
    with pytest.raises(ParseError, match="truncated"):
        list(parser.split(json.dumps(body()).encode()[:120], "cut.json"))
    records, rejected = split(raw()[:250])
    assert records == [] and rejected


def test_normalise_requires_id_and_timestamp() -> None:
    with pytest.raises(ParseError, match="timestamp"):
        parser.normalise(b'{"comment": {"id": "1", "text": "x"}}')
    with pytest.raises(ParseError, match="no id"):
        parser.normalise(b'{"comment": {"text": "x", "timestamp": "2020-06-01T10:56:52+0000"}}')
    with pytest.raises(ParseError, match="not an Instagram raw payload"):
        parser.normalise(b'{"post": {}}')
