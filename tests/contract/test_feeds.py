"""Contract tests of the feeds channel (RSS 2.0, Atom, JSON Feed) against feedparser's real test feeds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kith.channels.base import Basis, InteractionRecord, Kind, ParseError, RawRecord, Rejected, Visibility
from kith.channels.feeds import parser

FEEDS = Path(__file__).parent.parent / "fixtures" / "payloads" / "feeds"
RSS = FEEDS / "rss2.0_with_atom_namespace.xml"
BLOGGER_COMMENTS = FEEDS / "atom_blogger_comments_feed_with_thr_in-reply-to.xml"


def _records(data: bytes, source: str = "test.xml") -> list[RawRecord]:
    out = list(parser.split(data, source))
    assert all(isinstance(item, RawRecord) for item in out), out
    return [item for item in out if isinstance(item, RawRecord)]


def _interaction(raw: RawRecord) -> InteractionRecord:
    records = parser.normalise(raw.payload)
    assert len(records) == 1
    record = records[0]
    assert isinstance(record, InteractionRecord)
    return record


def test_rss_item_becomes_an_article_with_guid_time_author_and_tags() -> None:
    [raw] = _records(RSS.read_bytes(), RSS.name)
    assert raw.external_id == "http://delicious.com/url/174603f9d836a1aafac49e28ace1c19e#wearehugh"
    item = _interaction(raw)
    assert item.external_id == raw.external_id
    assert item.kind is Kind.ARTICLE
    assert item.title == "rsync and vfat | Geek at Play"
    assert item.url == "http://www.kylev.com/2005/03/29/rsync-and-vfat/"
    assert item.created_at == datetime(2009, 12, 25, 3, 30, 22, tzinfo=UTC)
    assert item.edited_at is None
    assert item.visibility is Visibility.PUBLIC
    assert item.basis is Basis.PUBLIC_CONTENT
    assert item.attributes["tags"] == ["rsync", "vfat", "windows", "linux", "mount"]
    assert item.attributes["comments_url"] == "http://delicious.com/url/174603f9d836a1aafac49e28ace1c19e"
    assert item.attributes["feed_title"] == "Delicious/wearehugh"
    assert item.author is not None
    # dc:creator has only a name: the id is the feed's host plus that name
    assert item.author.external_id == "delicious.com:wearehugh"
    assert item.author.display_name == "wearehugh"


def test_blogger_comment_is_threaded_by_thr_in_reply_to() -> None:
    [raw] = _records(BLOGGER_COMMENTS.read_bytes(), BLOGGER_COMMENTS.name)
    comment = _interaction(raw)
    assert comment.external_id == "tag:blogger.com,1999:blog-893591374313312737.post-4788628857625737701"
    assert comment.kind is Kind.COMMENT
    assert comment.in_reply_to == "tag:blogger.com,1999:blog-893591374313312737.post-3861663258538857954"
    assert comment.attributes["in_reply_to_url"] == "http://salmon-test.blogspot.com/2009/10/test-post.html"
    # 16:59:02.544-08:00, milliseconds kept
    assert comment.created_at == datetime(2009, 12, 9, 0, 59, 2, 544000, tzinfo=UTC)
    # the HTML content is plain text now: the anchor's text stays, the markup goes
    assert comment.text == "bloffo bliff by te..."
    assert comment.author is not None
    assert comment.author.external_id == "http://www.blogger.com/profile/12344017489797258795"
    assert comment.author.display_name == "John"
    assert comment.author.email is None  # noreply@blogger.com identifies nobody


def test_payload_is_self_contained_plain_json_with_iso_times() -> None:
    [raw] = _records(BLOGGER_COMMENTS.read_bytes())
    envelope = json.loads(raw.payload)
    assert set(envelope) == {"feed", "entry"}
    assert envelope["feed"]["title"] == "Comments on salmon-test: Test post"
    assert envelope["entry"]["published"] == "2009-12-09T00:59:02.544000+00:00"
    assert envelope["entry"]["in_reply_to"]["ref"].endswith("post-3861663258538857954")


def test_resplitting_gives_identical_ids_and_payloads() -> None:
    for path in (RSS, BLOGGER_COMMENTS):
        first, second = _records(path.read_bytes()), _records(path.read_bytes())
        assert [(r.external_id, r.payload) for r in first] == [(r.external_id, r.payload) for r in second]


ATOM_EDITED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
  <title>Kaffeeblog</title>
  <link rel="alternate" href="https://kaffee.example.de/"/>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2024-05-03T08:00:00+02:00</updated>
  <entry>
    <id>tag:kaffee.example.de,2024:post-42</id>
    <title>Entkalken leicht gemacht ☕</title>
    <link rel="alternate" href="https://kaffee.example.de/2024/entkalken"/>
    <published>2024-05-01T10:00:00+02:00</published>
    <updated>2024-05-03T07:30:00+02:00</updated>
    <author><name>Jürgen Groß</name><email>Juergen@Kaffee.Example.de</email></author>
    <category term="pflege"/>
    <content type="html">&lt;p&gt;Zuerst &amp;amp; vor allem:&lt;br&gt;Wasser 🚰&lt;/p&gt;
      &lt;p&gt;日本語も OK&lt;/p&gt;</content>
  </entry>
  <entry>
    <id>tag:kaffee.example.de,2024:post-41</id>
    <title>Unberührt</title>
    <updated>2024-04-01T10:00:00Z</updated>
    <summary>Nur ein Update-Datum.</summary>
  </entry>
</feed>
""".encode()


def test_updated_after_published_is_a_new_version_of_the_same_item() -> None:
    edited, dated_once = _records(ATOM_EDITED)
    assert edited.external_id == "tag:kaffee.example.de,2024:post-42@2024-05-03T05:30:00+00:00"
    post = _interaction(edited)
    assert post.external_id == "tag:kaffee.example.de,2024:post-42"
    assert post.created_at == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    assert post.edited_at == datetime(2024, 5, 3, 5, 30, tzinfo=UTC)
    assert post.kind is Kind.ARTICLE
    assert post.title == "Entkalken leicht gemacht ☕"
    assert post.text == "Zuerst & vor allem:\nWasser 🚰\n\n日本語も OK"
    assert post.lang == "de"
    assert post.attributes["tags"] == ["pflege"]
    assert post.author is not None
    assert post.author.external_id == "juergen@kaffee.example.de"
    assert post.author.display_name == "Jürgen Groß"
    # an entry with only <updated>: that is its time, and it is no edit
    assert dated_once.external_id == "tag:kaffee.example.de,2024:post-41"
    undated = _interaction(dated_once)
    assert undated.created_at == datetime(2024, 4, 1, 10, 0, tzinfo=UTC)
    assert undated.edited_at is None
    assert undated.text == "Nur ein Update-Datum."


def test_rss_without_guid_falls_back_to_link_then_to_a_stable_hash() -> None:
    feed = b"""<rss version="2.0"><channel><title>Reviews</title><link>https://reviews.example.com/</link>
      <item><title>Great grinder</title><link>https://reviews.example.com/r/17</link>
        <pubDate>Tue, 07 May 2024 09:00:00 +0200</pubDate><author>mia@example.com (Mia)</author></item>
      <item><title>Nameless</title><pubDate>Tue, 07 May 2024 10:00:00 GMT</pubDate></item>
    </channel></rss>"""
    by_link, by_hash = _records(feed)
    assert by_link.external_id == "https://reviews.example.com/r/17"
    assert by_hash.external_id.startswith("sha256:")
    assert by_hash.external_id == _records(feed)[1].external_id
    review = _interaction(by_link)
    assert review.created_at == datetime(2024, 5, 7, 7, 0, tzinfo=UTC)
    assert review.author is not None
    assert review.author.external_id == "mia@example.com"
    assert _interaction(by_hash).author is None


JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Ramen Reviews",
    "home_page_url": "https://ramen.example.jp/",
    "language": "ja",
    "authors": [{"name": "佐藤 花", "url": "https://ramen.example.jp/about"}],
    "items": [
        {
            "id": "https://ramen.example.jp/p/1",
            "url": "https://ramen.example.jp/p/1",
            "title": "豚骨ラーメン 🍜",
            "content_html": "<p>とても<b>美味しい</b>！</p><p>Would go again.</p>",
            "date_published": "2024-05-01T12:00:00+09:00",
            "date_modified": "2024-05-02T12:00:00+09:00",
            "tags": ["ramen", "福岡"],
        },
        {"id": 2, "content_text": "Short note", "date_published": "2024-05-03T00:00:00Z", "authors": [{"name": "Ken"}]},
    ],
}


def test_json_feed_items_are_read_with_json() -> None:
    edited, note = _records(json.dumps(JSON_FEED).encode(), "ramen.json")
    assert edited.external_id == "https://ramen.example.jp/p/1@2024-05-02T03:00:00+00:00"
    review = _interaction(edited)
    assert review.external_id == "https://ramen.example.jp/p/1"
    assert review.title == "豚骨ラーメン 🍜"
    assert review.text == "とても美味しい！\n\nWould go again."
    assert review.created_at == datetime(2024, 5, 1, 3, 0, tzinfo=UTC)
    assert review.edited_at == datetime(2024, 5, 2, 3, 0, tzinfo=UTC)
    assert review.lang == "ja"
    assert review.attributes["tags"] == ["ramen", "福岡"]
    assert review.attributes["feed_format"] == "json1.1"
    assert review.author is not None  # inherited from the feed
    assert review.author.external_id == "https://ramen.example.jp/about"
    assert review.author.display_name == "佐藤 花"
    short = _interaction(note)
    assert short.external_id == "2"
    assert short.text == "Short note"
    assert short.author is not None
    assert short.author.external_id == "ramen.example.jp:Ken"


def test_json_feed_1_0_single_author_is_accepted() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1",
        "title": "Old",
        "author": {"name": "Ada"},
        "home_page_url": "https://old.example.org/",
        "items": [{"id": "a", "summary": "hi", "date_published": "2020-01-01T00:00:00Z"}],
    }
    [raw] = _records(json.dumps(doc).encode())
    item = _interaction(raw)
    assert item.author is not None
    assert item.author.external_id == "old.example.org:Ada"
    assert item.attributes["feed_format"] == "json1"


def test_feed_declared_in_latin_1_is_decoded() -> None:
    feed = (
        '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>Café</title>'
        "<item><guid>x1</guid><title>Crème brûlée</title><description>Très bon</description></item>"
        "</channel></rss>"
    ).encode("latin-1")
    [raw] = _records(feed)
    item = _interaction(raw)
    assert item.title == "Crème brûlée"
    assert item.text == "Très bon"
    assert item.created_at is None  # RSS items may be undated


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"just some words, not a feed", "not a feed"),
        (b"<!DOCTYPE html><html><body><p>Shop</p></body></html>", "an HTML page"),
        (b"<inventory><item sku='1'/></inventory>", "not a feed"),
        (b'{"name": "not a feed", "items": []}', "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "not valid JSON"),
        (b"", "empty"),
    ],
)
def test_input_that_is_not_a_feed_is_refused_with_a_reason(data: bytes, expected: str) -> None:
    with pytest.raises(ParseError, match=expected):
        list(parser.split(data, "upload.xml"))


def test_truncated_feed_is_refused() -> None:
    data = BLOGGER_COMMENTS.read_bytes()
    with pytest.raises(ParseError, match="truncated"):
        list(parser.split(data[:-3], BLOGGER_COMMENTS.name))


def test_bytes_that_do_not_match_the_declared_encoding_are_reported() -> None:
    feed = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>'
        b"<item><guid>1</guid><title>cr\xe8me \xff\xfe</title></item></channel></rss>"
    )
    with pytest.raises(ParseError, match="declared encoding"):
        list(parser.split(feed, "broken.xml"))


def test_input_naming_a_file_is_never_opened(tmp_path: Path) -> None:
    feed_file = tmp_path / "secret.xml"
    feed_file.write_bytes(RSS.read_bytes())
    # feedparser would open a path given as bytes; the parser must treat the bytes as the document
    with pytest.raises(ParseError, match="not a feed"):
        list(parser.split(str(feed_file).encode(), "stdin"))


def test_normalise_refuses_a_payload_that_is_not_an_entry_envelope() -> None:
    with pytest.raises(ParseError):
        parser.normalise(b'{"feed": {}}')
    with pytest.raises(ParseError):
        parser.normalise(b"<rss/>")
    with pytest.raises(ParseError, match="no id"):
        parser.normalise(b'{"feed": {}, "entry": {"title": "x"}}')


def test_nothing_is_rejected_piecewise_for_a_valid_feed() -> None:
    assert not [item for item in parser.split(ATOM_EDITED, "a.xml") if isinstance(item, Rejected)]
    assert parser.name == "feeds"
    assert ".xml" in parser.suffixes
    assert ".json" in parser.suffixes
