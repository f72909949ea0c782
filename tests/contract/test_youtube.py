"""Contract tests of the YouTube parser against recorded Data API v3 pages (tests/fixtures/payloads/youtube).

Fixtures come from sns-sdks/python-youtube's test data (MIT). A thread carrying its replies and an edited
comment are derived from these real payloads.
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
from kith.channels.youtube import parser

PAYLOADS = Path(__file__).parent.parent / "fixtures" / "payloads" / "youtube"
THREADS = "commentThreads_list_by_video_page1.json"
REPLIES = "comments_list_replies_by_parentId.json"


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
    assert parser.name == "youtube"


def test_comment_threads_top_level_comments() -> None:
    records, rejected = split(raw(THREADS))
    assert rejected == []
    assert [r.external_id for r in records] == [t["id"] for t in body(THREADS)["items"]]
    first = one(records[0])
    assert first.kind is Kind.POST
    assert first.text == "Google.com"  # textOriginal, not the HTML of textDisplay
    assert first.attributes["links"] == ["http://google.com/"]
    assert first.created_at == datetime(2019, 11, 26, 15, 51, 44, tzinfo=UTC)
    assert first.edited_at is None
    assert first.thread_root == "UgyZ1jqkHKYvi1-ruOZ4AaABAg"
    assert first.in_reply_to is None
    assert first.url == "https://www.youtube.com/watch?v=F1UP7wRCPH8&lc=UgyZ1jqkHKYvi1-ruOZ4AaABAg"
    assert first.attributes["video_id"] == "F1UP7wRCPH8"
    assert (first.visibility, first.basis) == (Visibility.PUBLIC, Basis.PUBLIC_CONTENT)
    author = first.author
    assert author is not None
    assert author.external_id == "UCzj-CjKYmGlZ7vTL-vOe57A"
    assert author.display_name == "himani agarwal"
    assert author.profile_url == "http://www.youtube.com/channel/UCzj-CjKYmGlZ7vTL-vOe57A"
    last = one(records[4])
    assert last.text.startswith("Lot's of good light coming in from here #ChromeDevSummit")
    assert last.metrics == {"likes": 0, "replies": 2}
    assert last.attributes["hashtags"] == ["ChromeDevSummit", "chromedevsummit"]
    assert "links" not in last.attributes  # its links are the hashtags' search links
    assert one(records[2]).metrics["likes"] == 4


def test_text_display_is_converted_when_text_original_is_absent() -> None:
    item = copy.deepcopy(body(THREADS)["items"][4])
    del item["snippet"]["topLevelComment"]["snippet"]["textOriginal"]
    [record], _ = split_json(item)
    text = one(record).text
    assert text.startswith("Lot's of good light coming in from here #ChromeDevSummit")
    assert "&#39;" not in text and "<a" not in text


def test_comments_list_replies() -> None:
    records, rejected = split(raw(REPLIES))
    assert rejected == []
    assert [r.external_id for r in records] == [
        "Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za6voUoRh", "Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za5eJxzs1"]
    reply = one(records[0])
    assert reply.kind is Kind.COMMENT
    assert reply.text == "this is the third reply!"
    assert reply.in_reply_to == "Ugw5zYU6n9pmIgAZWvN4AaABAg"
    assert reply.thread_root == "Ugw5zYU6n9pmIgAZWvN4AaABAg"
    assert reply.created_at == datetime(2019, 12, 1, 4, 46, 31, tzinfo=UTC)
    assert reply.author is not None and reply.author.external_id == "UCNvMBmCASzTNNX8lW3JRMbw"
    assert reply.url is None  # comments.list replies do not say which video


def test_thread_with_replies_gives_each_reply_its_own_record() -> None:
    thread = copy.deepcopy(body(THREADS)["items"][4])
    replies = copy.deepcopy(body(REPLIES)["items"])
    for reply in replies:
        reply["snippet"]["parentId"] = thread["id"]
        reply["id"] = thread["id"] + "." + reply["id"].split(".")[1]
    replies[0]["snippet"]["textOriginal"] = "Свет из Москвы 🌞"
    thread["replies"] = {"comments": replies}
    records, _ = split_json({"kind": "youtube#commentThreadListResponse", "items": [thread]})
    assert len(records) == 3
    top, reply = one(records[0]), one(records[1])
    assert top.kind is Kind.POST
    assert reply.kind is Kind.COMMENT
    assert reply.text == "Свет из Москвы 🌞"
    assert reply.in_reply_to == thread["id"] and reply.thread_root == thread["id"]
    assert reply.attributes["video_id"] == "F1UP7wRCPH8"  # taken from the thread
    assert reply.url == f"https://www.youtube.com/watch?v=F1UP7wRCPH8&lc={reply.external_id}"


def test_edited_comment_gets_a_version_suffix() -> None:
    comment = copy.deepcopy(body(REPLIES)["items"][0])
    comment["snippet"].update({"updatedAt": "2019-12-02T08:00:00.000Z", "textOriginal": "third reply, edited"})
    comment_id = comment["id"]
    records, _ = split_json([body(REPLIES)["items"][0], comment])
    assert [r.external_id for r in records] == [comment_id, f"{comment_id}@2019-12-02T08:00:00.000Z"]
    edited = one(records[1])
    assert edited.external_id == comment_id
    assert edited.text == "third reply, edited"
    assert edited.edited_at == datetime(2019, 12, 2, 8, 0, tzinfo=UTC)
    assert edited.created_at == datetime(2019, 12, 1, 4, 46, 31, tzinfo=UTC)


def test_single_resources_and_json_lines() -> None:
    lines = [json.dumps(body(THREADS)["items"][0]), json.dumps(body(REPLIES)["items"][1]), json.dumps(body(REPLIES))]
    records, rejected = split("\n".join(lines).encode())
    assert rejected == []
    assert [r.external_id for r in records] == [
        "UgyZ1jqkHKYvi1-ruOZ4AaABAg", "Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za5eJxzs1",
        "Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za6voUoRh", "Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za5eJxzs1"]


def test_resplitting_is_idempotent() -> None:
    for name in (THREADS, REPLIES):
        first, _ = split(raw(name))
        second, _ = split(raw(name))
        assert [(r.external_id, r.payload) for r in first] == [(r.external_id, r.payload) for r in second]


def test_unknown_shapes_and_api_errors_are_rejected_with_helpful_messages() -> None:
    _, [bad] = split(b'{"data": [], "paging": {}}', "wrong.json")
    assert bad.reason.startswith("wrong.json: not a YouTube payload: expected a YouTube Data API v3")
    videos = {"kind": "youtube#videoListResponse", "items": [{"kind": "youtube#video", "id": "F1UP7wRCPH8",
                                                              "snippet": {"title": "Chrome Dev Summit"}}]}
    _, [video] = split_json(videos)
    assert "not a YouTube comment or comment thread" in video.reason and "youtube#video" in video.reason
    error = {"error": {"code": 403, "message": "The video identified by the videoId parameter has disabled comments."}}
    _, [denied] = split_json(error)
    assert "has disabled comments" in denied.reason


def test_truncated_json() -> None:
    with pytest.raises(ParseError, match="truncated"):
        list(parser.split(json.dumps(body(REPLIES)).encode()[:500], "cut.json"))
    records, rejected = split(raw(REPLIES)[:900])
    assert records == [] and rejected


def test_normalise_requires_published_at() -> None:
    comment = copy.deepcopy(body(REPLIES)["items"][0])
    del comment["snippet"]["publishedAt"]
    [record], _ = split_json(comment)
    with pytest.raises(ParseError, match="publishedAt"):
        parser.normalise(record.payload)
    with pytest.raises(ParseError, match="not a YouTube raw payload"):
        parser.normalise(b'{"thread": {}}')
