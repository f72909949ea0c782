"""Contract tests of the X parser against recorded API payloads (tests/fixtures/payloads/x).

Fixtures come from tweepy's cassettes and twarc-csv's test data (MIT); see tests/fixtures/payloads/SOURCE.md.
Where a fixture lacks a case (an edited tweet, a deletion, a DM with expansions), the test derives it from a
real payload following X's documented shapes.
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
    load,
)
from kith.channels.x import parser

PAYLOADS = Path(__file__).parent.parent / "fixtures" / "payloads" / "x"


def raw(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def body(name: str) -> Any:
    return json.loads(raw(name))["body"]


def split(data: bytes, source: str = "test") -> tuple[list[RawRecord], list[Rejected]]:
    pieces = list(parser.split(data, source))
    return [p for p in pieces if isinstance(p, RawRecord)], [p for p in pieces if isinstance(p, Rejected)]


def one(record: RawRecord) -> InteractionRecord:
    [item] = parser.normalise(record.payload)
    assert isinstance(item, InteractionRecord)
    return item


def split_json(value: Any) -> tuple[list[RawRecord], list[Rejected]]:
    return split(json.dumps(value).encode())


def test_parser_is_registered_under_its_name() -> None:
    assert parser.name == "x"


def test_v2_search_recent_minimal_fields() -> None:
    records, rejected = split(raw("v2-search-recent.json"), "v2-search-recent.json")
    assert rejected == []
    ids = [t["id"] for t in body("v2-search-recent.json")["data"]]
    assert [r.external_id for r in records] == ids
    first = one(records[0])
    assert first.external_id == "1578516068309794817"
    assert first.text == "2022-10-07 22:42:12.637103 tweepy"
    assert first.kind is Kind.POST
    assert first.created_at is None  # not requested: never invented
    assert first.author is None
    assert first.url == "https://x.com/i/web/status/1578516068309794817"
    assert (first.visibility, first.basis) == (Visibility.PUBLIC, Basis.PUBLIC_CONTENT)


def test_v2_get_tweet_single_object_keeps_emoji() -> None:
    records, _ = split(raw("v2-get-tweet.json"))
    [record] = records
    assert record.external_id == "1293593516040269825"
    tweet = one(record)
    assert tweet.text.startswith("It’s finally here! 🥁 Say hello to the new #TwitterAPI.\n\n")
    assert tweet.thread_root is None and tweet.in_reply_to is None


def test_v2_get_tweets_page() -> None:
    records, _ = split(raw("v2-get-tweets.json"))
    assert [r.external_id for r in records] == ["1293593516040269825", "1293595870563381249"]
    assert "#EarlyAccess #VersionBump" in one(records[1]).text


def test_v2_page_with_media_includes_joins_author_and_media() -> None:
    records, rejected = split(raw("v2_page_with_media_includes.json"))
    assert rejected == []
    [record] = records
    envelope = load(record.payload)
    assert [u["id"] for u in envelope["includes"]["users"]] == ["495430242"]
    assert [m["media_key"] for m in envelope["includes"]["media"]] == ["7_1558552952549277696"]
    assert "tweets" not in envelope["includes"]  # the page's includes.tweets only repeats the tweet itself
    tweet = one(record)
    assert tweet.external_id == "1558553189766631429"
    assert tweet.text == "She's GOING with it! 🐍 https://t.co/uXqSAGWkWJ"
    assert tweet.created_at == datetime(2022, 8, 13, 20, 36, 51, tzinfo=UTC)
    assert tweet.lang == "en"
    assert tweet.thread_root == "1558553189766631429"
    assert tweet.url == "https://x.com/IgorBrigadir/status/1558553189766631429"
    assert tweet.metrics == {"likes": 93, "shares": 13, "replies": 3, "quotes": 7}
    assert tweet.attributes["media"] == [{
        "key": "7_1558552952549277696",
        "type": "video",
        "url": "https://pbs.twimg.com/ext_tw_video_thumb/1558552952549277696/pu/img/7VaQu-AvReI8RHkv.jpg",
    }]
    assert "links" not in tweet.attributes  # the only URL is the media link
    author = tweet.author
    assert author is not None
    assert author.external_id == "495430242"
    assert author.handle == "IgorBrigadir"
    assert author.display_name == "Igor Brigadir 🇺🇦 @igor@mastodon.social"
    assert author.profile_url == "https://x.com/IgorBrigadir"
    assert author.attributes["followers_count"] == 3560
    assert author.attributes["location"] == "Ireland"
    assert author.attributes["website"] == "https://ukrainewar.carrd.co/"


def test_v2_retweet_is_a_share_with_the_original_joined_from_includes() -> None:
    records, _ = split(raw("v2_page_with_expansions_mentions_includes.json"))
    [record] = records
    envelope = load(record.payload)
    assert {u["id"] for u in envelope["includes"]["users"]} == {"68401342", "1221317221714157569"}
    assert [t["id"] for t in envelope["includes"]["tweets"]] == ["1589671906718134272"]
    tweet = one(record)
    assert tweet.kind is Kind.SHARE
    assert tweet.external_id == "1589681856941002753"
    assert tweet.created_at == datetime(2022, 11, 7, 18, 11, 4, tzinfo=UTC)
    assert tweet.author is not None and tweet.author.handle == "BaldManGamer"
    assert tweet.attributes["retweeted_id"] == "1589671906718134272"
    assert tweet.attributes["retweeted_author_id"] == "1221317221714157569"
    assert "minutes old 😉" in tweet.attributes["retweeted_text"]
    assert tweet.attributes["mentions"] == ["S3NT1N3L17"]


def test_v2_reply_and_quote_and_entities() -> None:
    tweet = copy.deepcopy(body("v2_page_with_media_includes.json")["data"][0])
    tweet.update({
        "id": "1558560000000000000",
        "edit_history_tweet_ids": ["1558560000000000000"],
        "text": "@IgorBrigadir Tom &amp; Jerry &lt;3 #snakes",
        "referenced_tweets": [{"type": "replied_to", "id": "1558553189766631429"},
                              {"type": "quoted", "id": "1293593516040269825"}],
        "entities": {"hashtags": [{"start": 36, "end": 43, "tag": "snakes"}],
                     "mentions": [{"start": 0, "end": 13, "username": "IgorBrigadir", "id": "495430242"}],
                     "urls": [{"url": "https://t.co/x", "expanded_url": "https://example.org/a"}]},
    })
    [record], _ = split_json({"data": [tweet], "includes": body("v2_page_with_media_includes.json")["includes"]})
    reply = one(record)
    assert reply.kind is Kind.COMMENT
    assert reply.in_reply_to == "1558553189766631429"
    assert reply.thread_root == "1558553189766631429"
    assert reply.text == "@IgorBrigadir Tom & Jerry <3 #snakes"
    assert reply.attributes["quoted_id"] == "1293593516040269825"
    assert reply.attributes["hashtags"] == ["snakes"]
    assert reply.attributes["mentions"] == ["IgorBrigadir"]
    assert reply.attributes["links"] == ["https://example.org/a"]


def test_v2_edited_tweet_gets_a_version_suffix_and_keeps_the_stable_id() -> None:
    original = copy.deepcopy(body("v2_page_with_media_includes.json")["data"][0])
    edited = copy.deepcopy(original)
    history = ["1558553189766631429", "1558555000000000000"]
    original["edit_history_tweet_ids"] = history
    edited.update({"id": history[1], "edit_history_tweet_ids": history, "created_at": "2022-08-13T20:44:02.000Z",
                   "text": "She's GOING with it! 🐍 (edited)"})
    records, _ = split_json({"data": [original, edited]})
    assert [r.external_id for r in records] == ["1558553189766631429", "1558553189766631429@1558555000000000000"]
    first, second = one(records[0]), one(records[1])
    assert first.edited_at is None
    assert second.external_id == "1558553189766631429"
    assert second.text.endswith("(edited)")
    assert second.edited_at == datetime(2022, 8, 13, 20, 44, 2, tzinfo=UTC)
    # the original time is encoded in the stable snowflake id (to the millisecond)
    assert second.created_at == datetime(2022, 8, 13, 20, 36, 51, 615000, tzinfo=UTC)
    assert second.attributes["edit_history_tweet_ids"] == history


def test_v2_dm_events_are_private_messages() -> None:
    records, rejected = split(raw("v2-dm-events.json"))
    assert rejected == []
    assert [r.external_id for r in records] == ["1585800613752881156", "1585800613253812228"]
    dm = one(records[0])
    assert dm.kind is Kind.DIRECT_MESSAGE
    assert dm.text == "Testing 2"
    assert (dm.visibility, dm.basis) == (Visibility.PRIVATE, Basis.DIRECT_CONTACT)
    assert dm.created_at is None
    assert dm.url is None


def test_v2_dm_event_with_expansions_threads_by_conversation() -> None:
    event = dict(body("v2-dm-events.json")["data"][1], sender_id="750362064426721281",
                 dm_conversation_id="750362064426721281-1496861088519897090",
                 created_at="2022-10-28T01:40:01.000Z", participant_ids=["750362064426721281"])
    users = [{"id": "750362064426721281", "username": "TweepyDev", "name": "Tweepy Dev"},
             {"id": "999", "username": "someone_else", "name": "Not referenced"}]
    [record], _ = split_json({"data": [event], "includes": {"users": users}})
    assert [u["id"] for u in load(record.payload)["includes"]["users"]] == ["750362064426721281"]
    dm = one(record)
    assert dm.thread_root == "750362064426721281-1496861088519897090"
    assert dm.created_at == datetime(2022, 10, 28, 1, 40, 1, tzinfo=UTC)
    assert dm.author is not None
    assert (dm.author.external_id, dm.author.handle) == ("750362064426721281", "TweepyDev")
    assert dm.author.visibility is Visibility.PRIVATE


def test_v1_search_statuses() -> None:
    records, rejected = split(raw("v1-search-tweets.json"))
    assert rejected == []
    statuses = body("v1-search-tweets.json")["statuses"]
    assert [r.external_id for r in records] == [s["id_str"] for s in statuses]
    by_id = {r.external_id: one(r) for r in records}

    retweet = by_id["1149825924029980674"]
    assert retweet.kind is Kind.SHARE
    assert retweet.created_at == datetime(2019, 7, 12, 23, 40, 37, tzinfo=UTC)
    assert retweet.attributes["retweeted_id"] == "1149803446704443392"
    assert retweet.attributes["retweeted_author_handle"] == "KassidyCook1"
    assert retweet.author is not None
    assert (retweet.author.external_id, retweet.author.handle) == ("789181790", "tweepy_pie")
    assert retweet.author.attributes["followers_count"] == 176
    assert retweet.author.attributes["description"] == "🇬🇧 🇮🇳"
    assert retweet.url == "https://x.com/tweepy_pie/status/1149825924029980674"
    assert retweet.metrics["shares"] == 7

    reply = by_id["1149678185375600641"]
    assert reply.kind is Kind.COMMENT
    assert reply.in_reply_to == "1149676837204717568"
    assert reply.author is not None and reply.author.handle == "jluisperezg"

    dutch = by_id["1149788838430224391"]
    assert dutch.kind is Kind.POST
    assert dutch.lang == "nl"
    assert dutch.text.startswith("Hey Tweepy's! Slaap lekker!!")

    assert "An important thread 👇🏽" in by_id["1149824190259834881"].text


def test_v1_list_and_single_status_and_full_text() -> None:
    statuses = body("v1-search-tweets.json")["statuses"]
    records, _ = split_json(statuses[:3])
    assert [r.external_id for r in records] == [s["id_str"] for s in statuses[:3]]
    single = dict(statuses[4], full_text="Hey Tweepy's! Slaap lekker!! Tot morgen 🌙", text="Hey Tweepy's!…")
    [record], _ = split_json(single)
    assert one(record).text == "Hey Tweepy's! Slaap lekker!! Tot morgen 🌙"


def test_deletion_notices_are_tombstones() -> None:
    v1 = {"delete": {"status": {"id": 1149781555226828800, "id_str": "1149781555226828800",
                                "user_id": 955465072662515712, "user_id_str": "955465072662515712"},
                     "timestamp_ms": "1563000000000"}}
    v2 = {"data": {"delete": {"tweet": {"id": "1578516068309794817", "author_id": "1072250532645998596"},
                              "event_at": "2022-10-08T10:00:00.000Z"}}}
    records, _ = split((json.dumps(v1) + "\n" + json.dumps(v2) + "\n").encode())
    assert [r.external_id for r in records] == ["1149781555226828800@deleted", "1578516068309794817@deleted"]
    gone = one(records[0])
    assert gone.deleted is True
    assert gone.text == ""
    assert gone.external_id == "1149781555226828800"
    assert gone.author is not None and gone.author.external_id == "955465072662515712"
    assert one(records[1]).author is not None


def test_json_lines_of_pages_and_single_tweets() -> None:
    page = body("v2-get-tweets.json")
    lines = [json.dumps(page), json.dumps(page["data"][0]), json.dumps(body("v2-get-tweet.json"))]
    records, rejected = split("\n".join(lines).encode())
    assert rejected == []
    assert [r.external_id for r in records] == ["1293593516040269825", "1293595870563381249",
                                                 "1293593516040269825", "1293593516040269825"]


def test_resplitting_is_idempotent() -> None:
    for name in ("v2-search-recent.json", "v1-search-tweets.json", "v2_page_with_media_includes.json"):
        first, _ = split(raw(name))
        second, _ = split(raw(name))
        assert [(r.external_id, r.payload) for r in first] == [(r.external_id, r.payload) for r in second]


def test_unknown_shape_is_rejected_with_a_helpful_message() -> None:
    records, rejected = split(b'{"kind": "youtube#commentThreadListResponse", "items": []}', "wrong.json")
    assert records == []
    [bad] = rejected
    assert bad.reason.startswith("wrong.json: not an X payload")
    assert "statuses" in bad.reason and "items, kind" in bad.reason


def test_error_body_is_rejected_with_the_api_message() -> None:
    error = {"errors": [{"detail": "Could not find tweet with ids: [1].", "title": "Not Found Error"}]}
    _, [bad] = split_json(error)
    assert "Could not find tweet with ids: [1]." in bad.reason


def test_a_bad_item_is_rejected_and_the_rest_lands() -> None:
    page = body("v2-get-tweets.json")
    page["data"].insert(1, {"text": "no id here"})
    records, [bad] = split_json(page)
    assert len(records) == 2
    assert "not an X tweet" in bad.reason


def test_truncated_json() -> None:
    compact = json.dumps(body("v2-get-tweets.json")).encode()
    with pytest.raises(ParseError, match="truncated"):
        list(parser.split(compact[:-40], "cut.json"))
    records, rejected = split(raw("v2-get-tweets.json")[:300])
    assert records == [] and rejected


def test_normalise_rejects_payloads_it_cannot_use() -> None:
    with pytest.raises(ParseError, match="no id"):
        parser.normalise(b'{"tweet": {"text": "hello"}, "includes": {}}')
    with pytest.raises(ParseError, match="not an X raw payload"):
        parser.normalise(b'{"something": 1}')
    with pytest.raises(ParseError, match="created_at"):
        parser.normalise(b'{"status": {"id_str": "1", "text": "x", "created_at": "yesterday"}}')


def test_v1_edited_status_is_a_version_of_the_initial_tweet() -> None:
    status = dict(body("v1-search-tweets.json")["statuses"][5], id_str="1149790000000000000",
                  created_at="Fri Jul 12 20:50:00 +0000 2019",
                  edit_history={"initial_tweet_id": "1149781555226828800",
                                "edit_tweet_ids": ["1149781555226828800", "1149790000000000000"]})
    [record], _ = split_json(status)
    assert record.external_id == "1149781555226828800@1149790000000000000"
    tweet = one(record)
    assert tweet.external_id == "1149781555226828800"
    assert tweet.edited_at == datetime(2019, 7, 12, 20, 50, tzinfo=UTC)
    assert tweet.created_at is not None
    assert tweet.created_at.replace(microsecond=0) == datetime(2019, 7, 12, 20, 44, 19, tzinfo=UTC)
