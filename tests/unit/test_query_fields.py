"""Field filters and the Document they read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kith.channels.base import Basis, IdentityRecord, InteractionRecord, Kind, Visibility
from kith.enrichment.query import Document, Match, QuerySyntaxError, compile_query


def hit(query: str, doc: Document) -> bool:
    return compile_query(query).match(doc) is not None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a", True),
        ("https://www.example.com/a", True),
        ("http://shop.example.com", True),
        ("https://EXAMPLE.COM:8443/x", True),
        ("example.com/no-scheme", True),
        ("https://badexample.com/a", False),
        ("https://example.com.evil.net/a", False),
        ("https://other.org/example.com", False),
    ],
)
def test_site_is_the_domain_and_its_subdomains(url: str, expected: bool) -> None:
    assert hit("site:example.com", Document("x", url=url)) is expected


def test_site_accepts_www_scheme_and_star_prefix() -> None:
    doc = Document("x", url="https://blog.example.com/post")
    assert hit("site:www.example.com", doc)
    assert hit("site:https://example.com", doc)
    assert hit("site:*.example.com", doc)
    assert not hit("site:example.com", Document("x"))


def test_url_contains_a_part_of_the_address() -> None:
    doc = Document("x", url="https://www.msn.com/news/uk/story")
    assert hit("url:msn.com/news", doc)
    assert hit("url:https://msn.com/NEWS", doc)
    assert not hit("url:msn.com/sport", doc)


def test_links_look_in_the_text_and_the_listed_links() -> None:
    assert hit("links:kith.example", Document.from_text("read https://kith.example/pricing."))
    assert hit("links:kith.example/pricing", Document("short link", links=("https://kith.example/pricing",)))
    assert not hit("links:kith.example", Document("kith.example without scheme is not a link"))
    assert hit("links:kith.example", Document("www.kith.example/shop"))


def test_author_whole_value_folded_with_wildcards() -> None:
    doc = Document("x", author="@Jane_Doe")
    assert hit("author:jane_doe", doc)
    assert hit("author:@JANE_DOE", doc)
    assert hit("author:jane*", doc)
    assert not hit("author:jane", doc)
    assert hit('author:"José Núñez"', Document("x", author="Jose Nunez"))
    assert not hit("author:bob", Document("x"))


def test_channel_country_lang() -> None:
    doc = Document("kith", channel="Mastodon", country="DE", lang="de-AT")
    assert hit("channel:mastodon AND kith", doc)
    assert not hit("channel:x AND kith", doc)
    assert hit("country:de", doc)
    assert hit("lang:de", doc)
    assert hit("lang:de-at", doc)
    assert hit("lang:de_AT", doc)
    with pytest.raises(QuerySyntaxError, match="language code"):
        compile_query("lang:d")
    assert not hit("lang:en", doc)
    assert not hit("lang:de-ch", doc)


def test_field_filters_combine_with_text() -> None:
    q = compile_query("(kith OR crm) AND lang:en AND NOT author:spam* AND site:x.com")
    good = Document("Kith rocks", author="ana", lang="en", url="https://x.com/ana/1")
    assert q.match(good) == Match([(0, 4)])
    assert q.match(Document("Kith rocks", author="spambot", lang="en", url="https://x.com/s/1")) is None
    assert q.match(Document("Kith rocks", author="ana", lang="fr", url="https://x.com/ana/1")) is None
    assert q.match(Document("nothing", author="ana", lang="en", url="https://x.com/ana/1")) is None


def test_field_only_query_matches_without_spans() -> None:
    assert compile_query("channel:email").match(Document("hello", channel="email")) == Match([])


def test_field_or_group() -> None:
    q = compile_query("(country:de OR country:at) AND bike")
    assert q.match(Document("bike", country="AT"))
    assert not q.match(Document("bike", country="CH"))


def test_from_text_reads_tags_mentions_links() -> None:
    doc = Document.from_text("Hi @kith and @u@mastodon.social #Launch #ソニー see https://kith.example/a, www.x.org")
    assert doc.mentions == ("kith", "u@mastodon.social")
    assert doc.hashtags == ("Launch", "ソニー")
    assert doc.links == ("https://kith.example/a", "www.x.org")


def test_from_text_ignores_emails_and_anchors() -> None:
    doc = Document.from_text("mail bob@example.com or see page/#top and &#39;")
    assert doc.mentions == ()
    assert doc.hashtags == ()


def test_from_interaction() -> None:
    author = IdentityRecord("u1", Visibility.PUBLIC, Basis.PUBLIC_CONTENT, handle="ana", attributes={"country": "PT"})
    record = InteractionRecord(
        "1",
        Kind.POST,
        "Loving it",
        datetime(2026, 1, 1, tzinfo=UTC),
        Visibility.PUBLIC,
        Basis.PUBLIC_CONTENT,
        author=author,
        url="https://x.com/ana/status/1",
        title="Kith review",
        lang="pt",
        attributes={"hashtags": ["#kith"], "mentions": ["kithapp"], "links": ["https://kith.example"]},
    )
    doc = Document.from_interaction(record, channel="x")
    assert doc.author == "ana" and doc.country == "PT" and doc.channel == "x"
    assert doc.hashtags == ("kith",) and doc.mentions == ("kithapp",)
    q = compile_query("review AND #kith AND @kithapp AND links:kith.example AND site:x.com AND lang:pt")
    assert q.match(doc) == Match([(5, 11)])
