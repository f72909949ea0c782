"""Product mentions against the demo's real catalogue and the CSV fixture's catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from kith.channels.base import ProductRecord, RawRecord
from kith.channels.registry import get_parser
from kith.demo.catalogue import PRODUCTS
from kith.enrichment.products import ProductMatcher, ProductMention, fold

CSV_PRODUCTS = Path(__file__).parents[1] / "fixtures" / "csv" / "products.csv"


def _demo_catalogue() -> list[ProductRecord]:
    return [ProductRecord(p.sku, p.name, p.category, p.price, "EUR", p.aliases, p.description) for p in PRODUCTS]


@pytest.fixture(scope="module")
def matcher() -> ProductMatcher:
    return ProductMatcher(_demo_catalogue())


@pytest.fixture(scope="module")
def csv_matcher() -> ProductMatcher:
    parser = get_parser("csv")
    records = [
        record
        for raw in parser.split(CSV_PRODUCTS.read_bytes(), CSV_PRODUCTS.name)
        if isinstance(raw, RawRecord)
        for record in parser.normalise(raw.payload)
    ]
    products = [record for record in records if isinstance(record, ProductRecord)]
    assert len(products) == 4
    return ProductMatcher(products)


def _found(matcher: ProductMatcher, text: str) -> list[tuple[str, str, str]]:
    return [(m.sku, m.text, m.how) for m in matcher.find(text)]


def test_name_alias_and_sku_in_a_german_post(matcher: ProductMatcher) -> None:
    text = "Mein Aurora 500 lädt nicht mehr, Ersatz-Akku 625 Wh bestellt (Artikel NL-EA-2001)."
    assert _found(matcher, text) == [
        ("NL-EB-1001", "Aurora 500", "alias"),
        ("NL-EA-2001", "Akku 625 Wh", "name"),
        ("NL-EA-2001", "NL-EA-2001", "sku"),
    ]


def test_mentions_carry_offsets_into_the_original_text(matcher: ProductMatcher) -> None:
    text = "Quick question @nordlicht: is the Polaris compatible with the big battery?"
    mentions = matcher.find(text)
    assert [text[m.start : m.end] for m in mentions] == [m.text for m in mentions] == ["Polaris", "big battery"]
    assert [m.sku for m in mentions] == ["NL-EB-1101", "NL-EA-2001"]


def test_longest_overlapping_match_wins(matcher: ProductMatcher) -> None:
    text = "Aurora City Step-Through oder doch die normale Aurora City? Oder nur Aurora?"
    assert _found(matcher, text) == [
        ("NL-EB-1002", "Aurora City Step-Through", "name"),
        ("NL-EB-1001", "Aurora City", "name"),
        ("NL-EB-1001", "Aurora", "alias"),
    ]


def test_name_beats_shorter_alias_of_another_product(matcher: ProductMatcher) -> None:
    assert _found(matcher, "Borealis E-MTB 2027 or the old Borealis?") == [
        ("NL-EB-1202", "Borealis E-MTB 2027", "name"),
        ("NL-EB-1201", "Borealis", "alias"),
    ]
    assert _found(matcher, "Fjord 3 or Fjord, or the Fjordrunner?") == [
        ("NL-TE-3002", "Fjord 3", "alias"),
        ("NL-TE-3001", "Fjord", "alias"),
        ("NL-EB-1301", "Fjordrunner", "alias"),
    ]


def test_case_accents_and_separators_do_not_matter(matcher: ProductMatcher) -> None:
    assert _found(matcher, "Das SKJAER hält dicht") == [("NL-TE-3101", "SKJAER", "alias")]
    assert _found(matcher, "Mein skjær hält dicht") == [("NL-TE-3101", "skjær", "alias")]
    assert _found(matcher, "polaris e trekking 625 im Test") == [("NL-EB-1101", "polaris e trekking 625", "name")]
    assert fold("Größe") == "grosse" and fold("Skjær") == "skjaer" and fold("ÉCLAIR") == "eclair"


def test_sku_is_matched_case_insensitively_but_only_whole(matcher: ProductMatcher) -> None:
    assert _found(matcher, "Ist nl-eb-1001 lieferbar?") == [("NL-EB-1001", "nl-eb-1001", "sku")]
    assert _found(matcher, "Artikel NL-EB-10010 gibt es nicht, NL-EB-1001x auch nicht") == []
    assert _found(matcher, "NL-EB-1001/NL-EB-1002") == [
        ("NL-EB-1001", "NL-EB-1001", "sku"),
        ("NL-EB-1002", "NL-EB-1002", "sku"),
    ]


def test_a_name_inside_a_longer_word_does_not_match(matcher: ProductMatcher) -> None:
    assert matcher.find("Großer Aurorafan hier, und Polarisation ist ein Physikthema. Moosbeeren!") == []
    assert matcher.find("Sturmflut an der Nordsee, Glutamat im Essen") == []


def test_misspellings_are_found_fuzzily(matcher: ProductMatcher) -> None:
    mentions = matcher.find("My Aurorra 500 stopped charging. Also eyeing the Polaris E-Treking 625.")
    assert [(m.sku, m.text, m.how) for m in mentions] == [
        ("NL-EB-1001", "Aurorra 500", "fuzzy"),
        ("NL-EB-1101", "Polaris E-Treking 625", "fuzzy"),
    ]
    assert all(0 < m.score < 0.8 for m in mentions)
    assert _found(matcher, "Ich liebe meinen Polarnaht bag") == [("NL-SL-6001", "Polarnaht bag", "fuzzy")]


def test_common_words_near_a_nickname_do_not_match(matcher: ProductMatcher) -> None:
    # "hurting" is one edit from "Hurtig", "inspecting" two from "inspection", "lumens" one from "Lumen"
    text = "My knee is hurting, I was inspecting the chain, the lamp has 900 lumens, what a trough"
    assert matcher.find(text) == []
    # a multi-word phrase with every word misspelt is too far away to trust
    assert matcher.find("Aurorra Citty") == []


def test_exact_matches_outrank_fuzzy(matcher: ProductMatcher) -> None:
    [mention] = matcher.find("Hurtig panniers")
    assert (mention.how, mention.score) == ("alias", 0.9)
    [fuzzy] = matcher.find("Hurtig paniers")
    assert fuzzy.how == "fuzzy" and fuzzy.score < mention.score


def test_japanese_text_without_spaces(matcher: ProductMatcher) -> None:
    assert _found(matcher, "Auroraのバッテリーが12週間で充電できなくなりました") == [("NL-EB-1001", "Aurora", "alias")]


def test_csv_catalogue_with_japanese_aliases(csv_matcher: ProductMatcher) -> None:
    assert _found(csv_matcher, "新しいエスプレッソマシンを買った、イルガチェフェの豆と一緒に") == [
        ("KB-100", "エスプレッソマシン", "alias"),
        ("BEAN-ETH", "イルガチェフェ", "alias"),
    ]
    assert _found(csv_matcher, "Meine Barista 100 (KB-100) macht Geräusche") == [
        ("KB-100", "Barista 100", "alias"),
        ("KB-100", "KB-100", "sku"),
    ]
    assert _found(csv_matcher, "A gift card and the Milk jug 600 ml please") == [
        ("GIFT-CARD", "gift card", "name"),
        ("MILK-JUG", "Milk jug 600 ml", "name"),
    ]


def test_ambiguous_alias_names_neither_product() -> None:
    products = [
        ProductRecord("AB-1", "Alpha Lamp", aliases=("lamp light",)),
        ProductRecord("AB-2", "Beta Lamp", aliases=("lamp light",)),
    ]
    matcher = ProductMatcher(products)
    assert matcher.find("my lamp light broke") == []
    assert _found(matcher, "my Beta Lamp broke") == [("AB-2", "Beta Lamp", "name")]
    # a product whose name is the shared alias still wins it
    named = ProductMatcher([*products, ProductRecord("AB-3", "Lamp Light")])
    assert _found(named, "my lamp light broke") == [("AB-3", "lamp light", "name")]


def test_plain_word_or_number_skus_are_not_matched_alone() -> None:
    matcher = ProductMatcher([ProductRecord("ROPE", "Climbing rope 60 m"), ProductRecord("100234", "Carabiner")])
    assert matcher.find("rope and 100234 and a carabiner") == [
        ProductMention("100234", "carabiner", 22, 31, "name", 1.0),
    ]


def test_find_many_keeps_order_and_empty_results(matcher: ProductMatcher) -> None:
    assert [len(found) for found in matcher.find_many(["", "Lykt 900", "nothing here", "Moos mat + Lykt"])] == [
        0,
        1,
        0,
        2,
    ]
