"""Contract tests of the Mastodon parser against recorded API payloads (tests/fixtures/payloads/mastodon).

Fixtures come from halcy/Mastodon.py's test cassettes (MIT); see tests/fixtures/payloads/SOURCE.md.
Where a fixture lacks a case (a reblog, an edit, a delete event), the test derives it from a real payload.
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
    load,
)
from kith.channels.mastodon import parser

PAYLOADS = Path(__file__).parent.parent / "fixtures" / "payloads" / "mastodon"


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


def interactions(record: RawRecord) -> list[InteractionRecord]:
    return [r for r in parser.normalise(record.payload) if isinstance(r, InteractionRecord)]


def only_interaction(record: RawRecord) -> InteractionRecord:
    found = interactions(record)
    assert len(found) == 1, found
    return found[0]


def test_parser_is_registered_under_its_name() -> None:
    assert parser.name == "mastodon"


def test_status_becomes_a_public_post_with_its_author() -> None:
    [record] = records(raw("status.json"))
    assert record.external_id == "117020585487094447"
    post = only_interaction(record)
    assert post.external_id == "117020585487094447"
    assert post.kind is Kind.POST
    assert post.text == "Toot!"
    assert post.created_at == datetime(2026, 8, 1, 13, 53, 49, 918000, tzinfo=UTC)
    assert post.visibility is Visibility.PUBLIC  # "unlisted" is still public
    assert post.basis is Basis.PUBLIC_CONTENT
    assert post.lang == "en"
    assert post.url == "http://localhost:3000/@mastodonpy_test/117020585487094447"
    assert post.in_reply_to is None
    assert post.edited_at is None
    assert post.metrics == {"replies": 0, "shares": 0, "likes": 0, "quotes": 0}
    assert post.attributes["sensitive"] is True
    author = post.author
    assert author is not None
    assert author.external_id == "117020565966271181"
    assert author.handle == "mastodonpy_test"
    assert author.display_name == "John Lennon"
    assert author.profile_url == "http://localhost:3000/@mastodonpy_test"
    assert author.attributes["bio"] == "I walk funny"  # the note is HTML: <p>I walk funny</p>
    assert author.attributes["followers_count"] == 0
    assert author.attributes["fields"] == {"bread": "toasty.", "lasagna": "no!!!"}


def test_mention_notification_records_the_status_with_its_mentions() -> None:
    [record] = records(raw("notifications-mentions.json"))
    assert record.external_id == "117020577157693549"
    post = only_interaction(record)
    assert post.text == "@mastodonpy_test hello!"
    assert post.attributes["mentions"] == ["mastodonpy_test"]
    assert "links" not in post.attributes  # the mention anchor is not a link
    assert post.author is not None
    assert post.author.external_id == "117020565693913441"
    assert post.author.handle == "admin"


def test_follow_notification_without_status_is_a_notification_by_the_follower() -> None:
    mention = body("notifications-mentions.json")[0]
    follow = {key: value for key, value in mention.items() if key != "status"} | {"type": "follow", "id": "22"}
    [record] = records(json.dumps(follow))
    assert record.external_id == "notification:22"
    note = only_interaction(record)
    assert note.kind is Kind.NOTIFICATION
    assert note.text == ""
    assert note.author is not None
    assert note.author.external_id == "117020565693913441"
    assert note.attributes["notification_type"] == "follow"
    assert note.created_at == datetime(2026, 8, 1, 13, 51, 43, 458000, tzinfo=UTC)


def test_grouped_notifications_join_accounts_and_statuses_by_id() -> None:
    items = records(raw("notifications_v2_grouped.json"))
    ids = [item.external_id for item in items]
    group = "favourite-117020579695730951-495997"
    assert ids == [
        "117020579695730951",
        f"notification:{group}/117020566092212359",
        f"notification:{group}/117020565693913441",
    ]
    status = only_interaction(items[0])
    assert status.text == "Testing grouped notifications!"
    assert status.metrics["likes"] == 2
    favourites = [only_interaction(item) for item in items[1:]]
    assert [f.kind for f in favourites] == [Kind.NOTIFICATION, Kind.NOTIFICATION]
    assert all(f.in_reply_to == "117020579695730951" for f in favourites)
    assert all(f.attributes["notification_type"] == "favourite" for f in favourites)
    assert favourites[0].created_at == datetime(2026, 8, 1, 13, 52, 23, 230000, tzinfo=UTC)
    # one favouriter is a full account, the other only a partial account: both are joined
    assert [f.author.handle if f.author else None for f in favourites] == ["mastodonpy_test_2", "admin"]


def test_direct_conversations_are_private_messages_threaded_by_conversation() -> None:
    items = records(raw("conversations-direct.json"))
    assert [item.external_id for item in items] == [
        "conversation:15/117020593780198542",
        "conversation:12/117020588388552703",
    ]
    normalised = parser.normalise(items[1].payload)
    message = normalised[0]
    assert isinstance(message, InteractionRecord)
    assert message.external_id == "117020588388552703"
    assert message.kind is Kind.DIRECT_MESSAGE
    assert message.visibility is Visibility.PRIVATE
    assert message.basis is Basis.DIRECT_CONTACT
    assert message.thread_root == "conversation:12"
    assert message.in_reply_to == "117020588315335369"
    assert message.text == "@mastodonpy_test pssssst!"
    assert message.lang == "ja"
    assert message.author is not None
    assert message.author.external_id == "117020566092212359"
    participants = [r for r in normalised if isinstance(r, IdentityRecord)]
    assert [p.external_id for p in participants] == ["117020565966271181"]
    assert participants[0].visibility is Visibility.PRIVATE


def test_context_threads_ancestors_and_descendants_under_the_root() -> None:
    assert records(raw("status-context.json")) == []  # the recorded context is empty
    root = body("status.json")
    reply = copy.deepcopy(root) | {"id": "200", "in_reply_to_id": root["id"], "visibility": "public"}
    context = {
        "request": {"method": "GET", "uri": "http://h/api/v1/statuses/200/context"},
        "body": {"ancestors": [root], "descendants": [reply]},
    }
    first, second = records(json.dumps(context))
    assert only_interaction(first).thread_root is None
    threaded = only_interaction(second)
    assert threaded.kind is Kind.COMMENT
    assert threaded.in_reply_to == root["id"]
    assert threaded.thread_root == root["id"]


def test_edited_status_gets_a_version_raw_id_and_keeps_its_stable_id() -> None:
    status = body("status.json") | {"edited_at": "2026-08-01T14:00:00.000Z", "content": "<p>Toot, edited!</p>"}
    [record] = records(json.dumps(status))
    assert record.external_id == "117020585487094447@2026-08-01T14:00:00.000Z"
    post = only_interaction(record)
    assert post.external_id == "117020585487094447"
    assert post.edited_at == datetime(2026, 8, 1, 14, 0, tzinfo=UTC)
    assert post.text == "Toot, edited!"


def test_edit_history_takes_the_status_id_from_the_request_url() -> None:
    [record] = records(raw("status-edit-history.json"))
    assert record.external_id == "117020586180926938@history/2026-08-01T13:54:00.505Z"
    version = only_interaction(record)
    assert version.external_id == "117020586180926938"
    assert version.text == "the best editor? why, of course it is VS Code"
    assert version.created_at == datetime(2026, 8, 1, 13, 54, 0, 505000, tzinfo=UTC)
    assert version.visibility is Visibility.PRIVATE  # unknown in the history: the safe side
    assert version.attributes["visibility_unknown"] is True
    assert version.author is not None
    assert version.author.handle == "mastodonpy_test_2"


def test_edit_history_without_its_request_url_is_rejected_with_a_reason() -> None:
    [item] = split(json.dumps(body("status-edit-history.json")), "history.json")
    assert isinstance(item, Rejected)
    assert "/api/v1/statuses/<id>/history" in item.reason
    assert item.reason.startswith("history.json: ")


def test_reblog_is_a_share_by_the_reblogger_plus_the_original() -> None:
    original = body("status.json")
    reblogger = body("notifications-mentions.json")[0]["account"]
    wrapper = {
        "id": "300",
        "created_at": "2026-08-01T15:00:00.000Z",
        "visibility": "public",
        "content": "",
        "account": reblogger,
        "reblog": original,
    }
    [record] = records(json.dumps(wrapper))
    share, copy_of_original = interactions(record)
    assert share.kind is Kind.SHARE
    assert share.external_id == "300"
    assert share.author is not None
    assert share.author.handle == "admin"
    assert share.attributes["shared"] == "117020585487094447"
    assert copy_of_original.external_id == "117020585487094447"
    assert copy_of_original.text == "Toot!"


def test_html_content_spoiler_hashtags_links_and_private_visibility() -> None:
    status = body("status.json") | {
        "content": (
            '<p>こんにちは 👋 &amp; ciao<br>second line</p><p><a href="https://example.com/a?b=1" rel="nofollow">'
            'example.com/a</a> <a href="http://localhost:3000/tags/kith" class="mention hashtag">#<span>kith'
            "</span></a></p>"
        ),
        "spoiler_text": "spoilers ahead",
        "visibility": "private",
        "tags": [{"name": "kith", "url": "http://localhost:3000/tags/kith"}],
    }
    post = only_interaction(records(json.dumps(status))[0])
    assert post.text == "こんにちは 👋 & ciao\nsecond line\n\nexample.com/a #kith"
    assert post.attributes["content_warning"] == "spoilers ahead"
    assert post.attributes["hashtags"] == ["kith"]
    assert post.attributes["links"] == ["https://example.com/a?b=1"]
    assert post.visibility is Visibility.PRIVATE
    assert post.basis is Basis.DIRECT_CONTACT
    assert post.kind is Kind.POST  # followers-only is private, but not a direct message


def test_streaming_sse_fixture_yields_the_update() -> None:
    [record] = records(raw("streaming_user_sse.txt"))
    assert record.external_id == "117024248092393661"
    post = only_interaction(record)
    assert post.text == "it's cool guy"  # &#39; decoded
    assert post.lang == "ja"
    assert post.created_at == datetime(2026, 8, 2, 5, 25, 16, 840000, tzinfo=UTC)


def _sse(*events: tuple[str, str]) -> str:
    return ":thump\n\n" + "".join(f"event: {name}\ndata: {data}\n\n" for name, data in events)


def test_streaming_edit_delete_notification_and_conversation_events() -> None:
    status = body("status.json")
    edited = status | {"edited_at": "2026-08-01T14:00:00.000Z"}
    notification = body("notifications-mentions.json")[0] | {"type": "favourite", "id": "40"}
    conversation = body("conversations-direct.json")[0]
    stream = _sse(
        ("status.update", json.dumps(edited)),
        ("delete", "117020585487094447"),
        ("notification", json.dumps(notification)),
        ("conversation", json.dumps(conversation)),
        ("filters_changed", ""),
    )
    items = records(stream)
    assert [item.external_id for item in items] == [
        "117020585487094447@2026-08-01T14:00:00.000Z",
        "117020585487094447@deleted",
        "117020577157693549",  # the favourited status, recorded too
        "notification:40",
        "conversation:15/117020593780198542",
    ]
    tombstone = only_interaction(items[1])
    assert tombstone.external_id == "117020585487094447"
    assert tombstone.deleted is True
    assert tombstone.text == ""
    assert only_interaction(items[3]).kind is Kind.NOTIFICATION


def test_streaming_bad_event_data_and_unknown_events_are_rejected_alone() -> None:
    stream = _sse(("update", '{"id": "1", "content": '), ("mystery", "{}"), ("delete", "42"))
    items = split(stream, "stream.txt")
    rejected = [item for item in items if isinstance(item, Rejected)]
    assert len(rejected) == 2
    assert "not valid JSON" in rejected[0].reason
    assert "unsupported streaming event 'mystery'" in rejected[1].reason
    assert [item.external_id for item in items if isinstance(item, RawRecord)] == ["42@deleted"]


def test_account_alone_becomes_an_identity() -> None:
    [record] = records(raw("account.json"))
    assert record.external_id == "account:117020457910412882"
    [identity] = parser.normalise(record.payload)
    assert isinstance(identity, IdentityRecord)
    assert identity.external_id == "117020457910412882"
    assert identity.handle == "mastodonpy_test"


def test_json_lines_of_single_statuses_are_accepted() -> None:
    lines = "\n".join(json.dumps(item) for item in [body("status.json"), body("notifications-mentions.json")[0]])
    assert [r.external_id for r in records(lines)] == ["117020585487094447", "117020577157693549"]


def test_unknown_shape_is_rejected_with_a_helpful_message() -> None:
    [item] = split('{"data": [{"id": "1", "text": "a tweet"}], "meta": {}}', "tweets.json")
    assert isinstance(item, Rejected)
    assert "not a Mastodon payload" in item.reason
    assert "data, meta" in item.reason


def test_truncated_json_is_a_parse_error_or_rejected() -> None:
    compact = json.dumps(body("status.json")).encode()
    with pytest.raises(ParseError, match="truncated"):
        split(compact[:500], "status.json")
    # a truncated pretty-printed file is read as JSON Lines: every piece is quarantined, nothing lands
    items = split(raw("status.json")[:500], "status.json")
    assert items
    assert all(isinstance(item, Rejected) and "not valid JSON" in item.reason for item in items)


def test_resplitting_gives_identical_ids() -> None:
    for name in (
        "status.json",
        "notifications_v2_grouped.json",
        "conversations-direct.json",
        "streaming_user_sse.txt",
        "status-edit-history.json",
    ):
        assert [r.external_id for r in records(raw(name))] == [r.external_id for r in records(raw(name))]


def test_payloads_are_self_contained_and_normalise_alone() -> None:
    [record] = records(raw("status.json"))
    assert load(record.payload)["status"]["id"] == "117020585487094447"
    assert "request" not in load(record.payload)


def test_status_without_created_at_is_a_parse_error() -> None:
    status = {key: value for key, value in body("status.json").items() if key != "created_at"}
    [record] = records(json.dumps(status))
    with pytest.raises(ParseError, match="created_at"):
        parser.normalise(record.payload)


def test_field_of_the_wrong_type_is_a_parse_error_not_a_crash() -> None:
    [record] = records(json.dumps(body("status.json") | {"content": 42}))
    with pytest.raises(ParseError, match="unexpected type"):
        parser.normalise(record.payload)
