"""Contract tests of the Reddit parser against recorded API payloads (tests/fixtures/payloads/reddit).

Fixtures come from praw-dev/praw's integration cassettes (BSD-2-Clause); see tests/fixtures/payloads/SOURCE.md.
Deleted, edited and "more" cases are not in the recordings, so those tests alter a recorded comment.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kith.channels.base import Basis, InteractionRecord, Kind, ParseError, RawRecord, Rejected, Visibility
from kith.channels.reddit import parser

PAYLOADS = Path(__file__).parent.parent / "fixtures" / "payloads" / "reddit"


def raw(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def body(name: str) -> Any:
    return json.loads(raw(name))["body"]


def split(data: bytes | str, source: str = "test") -> list[RawRecord | Rejected]:
    return list(parser.split(data.encode() if isinstance(data, str) else data, source))


def records(data: bytes | str) -> list[RawRecord]:
    items = split(data)
    assert all(isinstance(item, RawRecord) for item in items), items
    return [item for item in items if isinstance(item, RawRecord)]


def interaction(record: RawRecord) -> InteractionRecord:
    [found] = parser.normalise(record.payload)
    assert isinstance(found, InteractionRecord)
    return found


def reply_comment() -> dict[str, Any]:
    """The recorded reply t1_cklhv0f, as a bare data object."""
    tree = body("submission-comments.json")[1]["data"]["children"][0]["data"]["replies"]
    data: dict[str, Any] = copy.deepcopy(tree["data"]["children"][0]["data"])
    return data


def test_parser_is_registered_under_its_name() -> None:
    assert parser.name == "reddit"


def test_subreddit_listing_gives_one_post_per_submission() -> None:
    items = records(raw("subreddit-new.json"))
    assert len(items) == 100
    assert items[0].external_id == "t3_48fbm9"
    post = interaction(items[0])
    assert post.external_id == "t3_48fbm9"
    assert post.kind is Kind.POST
    assert post.title == "[Serious] Parents of Reddit, what's the biggest lie about yourself you've told your kids?"
    assert post.text == ""  # a self post without self text
    assert post.created_at == datetime(2016, 3, 1, 8, 37, 38, tzinfo=UTC)
    assert (
        post.url
        == "https://www.reddit.com/r/AskReddit/comments/48fbm9/serious_parents_of_reddit_whats_the_biggest_lie/"
    )
    assert post.visibility is Visibility.PUBLIC
    assert post.basis is Basis.PUBLIC_CONTENT
    assert post.metrics == {"score": 1, "comments": 1}
    assert post.attributes["subreddit"] == "AskReddit"
    assert post.author is not None
    assert post.author.external_id == "u/RedHeadQc"  # no author_fullname in this 2016 listing
    assert post.author.handle == "RedHeadQc"
    assert post.author.profile_url == "https://www.reddit.com/user/RedHeadQc"
    poom = interaction(next(i for i in items if i.external_id == "t3_48f7pw"))
    assert "That’s" in (poom.title or "")  # typographic apostrophe kept


def test_submission_comments_thread_by_fullnames() -> None:
    items = records(raw("submission-comments.json"))
    assert [item.external_id for item in items] == ["t3_2gmzqe", "t1_cklfmye", "t1_cklhv0f"]
    submission, top, reply = (interaction(item) for item in items)
    assert submission.title == "[PRAW] HTTPS enabled PRAW testing needed"
    assert submission.text.startswith("PRAW client developers,\n\nI have made a PRAW branch")
    assert "https://github.com/praw-dev/praw/issues" in submission.attributes["links"]
    assert top.kind is Kind.COMMENT
    assert top.in_reply_to == "t3_2gmzqe"
    assert top.thread_root == "t3_2gmzqe"
    assert top.author is not None
    assert top.author.handle == "paneer_burrito"
    assert reply.in_reply_to == "t1_cklfmye"
    assert reply.thread_root == "t3_2gmzqe"
    assert reply.created_at == datetime(2014, 9, 18, 3, 13, 54, tzinfo=UTC)
    assert reply.text.startswith("Yes it does.")
    assert reply.url == "https://www.reddit.com/r/redditdev/comments/2gmzqe/_/cklhv0f/"


def test_more_stubs_are_skipped_without_rejections() -> None:
    doc = body("submission-comments.json")
    doc[1]["data"]["children"].append(
        {
            "kind": "more",
            "data": {
                "count": 3,
                "name": "t1_zzz",
                "id": "zzz",
                "parent_id": "t3_2gmzqe",
                "children": ["a1", "a2", "a3"],
            },
        }
    )
    assert [item.external_id for item in records(json.dumps(doc))] == ["t3_2gmzqe", "t1_cklfmye", "t1_cklhv0f"]


def test_deleted_comment_is_a_tombstone_that_keeps_its_threading() -> None:
    comment = reply_comment() | {"body": "[deleted]", "author": "[deleted]"}
    [record] = records(json.dumps({"kind": "t1", "data": comment}))
    assert record.external_id == "t1_cklhv0f@deleted"
    tombstone = interaction(record)
    assert tombstone.external_id == "t1_cklhv0f"
    assert tombstone.deleted is True
    assert tombstone.text == ""
    assert tombstone.author is None
    assert tombstone.in_reply_to == "t1_cklfmye"
    assert tombstone.thread_root == "t3_2gmzqe"


def test_removed_body_with_a_live_id_is_a_tombstone() -> None:
    comment = reply_comment() | {"body": "[removed]"}
    [record] = records(json.dumps(comment))
    assert record.external_id == "t1_cklhv0f@deleted"
    assert interaction(record).deleted is True


def test_deleted_account_with_live_text_keeps_the_text() -> None:
    comment = reply_comment() | {"author": "[deleted]"}
    [record] = records(json.dumps(comment))
    assert record.external_id == "t1_cklhv0f"
    kept = interaction(record)
    assert kept.deleted is False
    assert kept.text.startswith("Yes it does.")
    assert kept.author is None
    assert kept.attributes["author_deleted"] is True


def test_edited_comment_gets_a_version_raw_id() -> None:
    comment = reply_comment() | {"edited": 1411010100.0, "body": "Yes it does — ça marche 👍 (日本語も)"}
    [record] = records(json.dumps({"kind": "t1", "data": comment}))
    assert record.external_id == "t1_cklhv0f@1411010100.0"
    edited = interaction(record)
    assert edited.external_id == "t1_cklhv0f"
    assert edited.edited_at == datetime(2014, 9, 18, 3, 15, tzinfo=UTC)
    assert edited.text == "Yes it does — ça marche 👍 (日本語も)"


def test_private_message_is_a_direct_message() -> None:
    [record] = records(raw("private_message_t4.json"))
    assert record.external_id == "t4_30rhflk"
    message = interaction(record)
    assert message.kind is Kind.DIRECT_MESSAGE
    assert message.visibility is Visibility.PRIVATE
    assert message.basis is Basis.DIRECT_CONTACT
    assert message.title == "Test"
    assert message.text == "Test"
    assert message.created_at == datetime(2025, 6, 19, 16, 25, 42, tzinfo=UTC)
    assert message.attributes["to"] == "#Lil_SpazJoekp"
    assert message.in_reply_to is None
    assert message.author is not None
    assert message.author.external_id == "t2_75u2lqkb"  # author_fullname wins over u/<name>
    assert message.author.handle == "Lil_SpazTest"
    assert message.author.visibility is Visibility.PRIVATE


def test_inbox_message_replies_nest_and_thread() -> None:
    doc = body("private_message_t4.json")
    first = doc["data"]["children"][0]["data"]
    answer = copy.deepcopy(first) | {
        "id": "30rhzzz",
        "name": "t4_30rhzzz",
        "parent_id": "t4_30rhflk",
        "first_message_name": "t4_30rhflk",
        "author": "Lil_SpazJoekp",
        "author_fullname": "t2_abc",
        "body": "Réponse ✉️",
        "created_utc": 1750350400.0,
    }
    first["replies"] = {"kind": "Listing", "data": {"children": [{"kind": "t4", "data": answer}]}}
    items = records(json.dumps(doc))
    assert [item.external_id for item in items] == ["t4_30rhflk", "t4_30rhzzz"]
    reply = interaction(items[1])
    assert reply.in_reply_to == "t4_30rhflk"
    assert reply.thread_root == "t4_30rhflk"
    assert reply.text == "Réponse ✉️"


def test_link_post_text_is_its_url() -> None:
    listing = body("subreddit-new.json")
    submission = listing["data"]["children"][0]["data"] | {"is_self": False, "url": "https://example.com/article"}
    [record] = records(json.dumps({"kind": "t3", "data": submission}))
    post = interaction(record)
    assert post.text == "https://example.com/article"
    assert post.attributes["links"] == ["https://example.com/article"]


def test_unknown_thing_kind_is_rejected_alone() -> None:
    listing = body("subreddit-new.json")
    listing["data"]["children"] = [
        {"kind": "t5", "data": {"display_name": "AskReddit"}},
        *listing["data"]["children"][:2],
    ]
    items = split(json.dumps(listing), "listing.json")
    assert isinstance(items[0], Rejected)
    assert "kind 't5'" in items[0].reason
    assert [i.external_id for i in items if isinstance(i, RawRecord)] == ["t3_48fbm9", "t3_48fbig"]


def test_unknown_shape_is_rejected_with_a_helpful_message() -> None:
    [item] = split('{"statuses": [], "accounts": []}', "mastodon.json")
    assert isinstance(item, Rejected)
    assert "not a Reddit payload" in item.reason
    assert "accounts, statuses" in item.reason


def test_truncated_json_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="truncated"):
        split(json.dumps(body("private_message_t4.json"))[:300])


def test_resplitting_gives_identical_ids() -> None:
    for name in ("subreddit-new.json", "submission-comments.json", "private_message_t4.json"):
        assert [r.external_id for r in records(raw(name))] == [r.external_id for r in records(raw(name))]


def test_item_without_created_utc_is_a_parse_error() -> None:
    comment = {key: value for key, value in reply_comment().items() if key not in ("created_utc", "created")}
    [record] = records(json.dumps({"kind": "t1", "data": comment}))
    with pytest.raises(ParseError, match="created_utc"):
        parser.normalise(record.payload)


def test_raw_payload_leaves_nested_replies_out() -> None:
    items = records(raw("submission-comments.json"))
    assert "replies" not in json.loads(items[1].payload)["data"]


def test_listing_with_children_of_the_wrong_type_is_rejected_not_a_crash() -> None:
    [item] = split('{"kind": "Listing", "data": {"children": 5}}', "odd.json")
    assert isinstance(item, Rejected)
    assert "unexpected structure" in item.reason
