"""The demo data set: deterministic, in each network's real format, and accepted whole by the parsers.

The generator promises (see ``kith.demo.generate``): the same seed gives byte-identical files; every
channel gets files; every file splits without a single Rejected piece and every raw record normalises;
there are enough interactions, in several languages, with emoji, threads, an edit and a deletion.
A channel whose parser is missing or a placeholder fails here on purpose (no skip).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kith.channels.base import InteractionRecord, Normalised, ParseError, RawRecord, Rejected
from kith.channels.registry import get_parser
from kith.demo.generate import generate

CHANNELS = ("x", "facebook", "instagram", "youtube", "mastodon", "bluesky", "reddit", "feeds", "email", "csv")
CONVERSATIONAL = CHANNELS[:-1]
EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
START, END = datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)


@dataclass
class Parsed:
    raws: list[RawRecord] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    records: list[Normalised] = field(default_factory=list)

    @property
    def interactions(self) -> dict[str, InteractionRecord]:
        return {r.external_id: r for r in self.records if isinstance(r, InteractionRecord)}

    def all_interactions(self) -> Iterator[InteractionRecord]:
        return (r for r in self.records if isinstance(r, InteractionRecord))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[Path]]]:
    out = tmp_path_factory.mktemp("demo")
    return out, generate(out, seed=2026)


@pytest.fixture(scope="module")
def parsed(demo: tuple[Path, dict[str, list[Path]]]) -> dict[str, Parsed]:
    """Every generated file through its channel's parser: split, then normalise every raw record."""
    _, written = demo
    results: dict[str, Parsed] = {}
    for channel, files in written.items():
        result = results[channel] = Parsed()
        try:
            parser = get_parser(channel)
        except Exception as exc:  # a placeholder module has no `parser`: report it as this channel's failure
            result.errors.append(f"no parser for {channel}: {exc!r}")
            continue
        for path in files:
            try:
                for item in parser.split(path.read_bytes(), str(path)):
                    if isinstance(item, Rejected):
                        result.rejected.append(item.reason)
                    else:
                        result.raws.append(item)
            except (ParseError, NotImplementedError) as exc:
                result.errors.append(f"{path.name}: {exc!r}")
        for raw in result.raws:
            try:
                result.records.extend(parser.normalise(raw.payload))
            except ParseError as exc:
                result.errors.append(f"normalise {raw.external_id}: {exc}")
    return results


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(demo: tuple[Path, dict[str, list[Path]]], tmp_path: Path) -> None:
    first, _ = demo
    generate(tmp_path / "again", seed=2026)
    assert _tree(first) == _tree(tmp_path / "again")


def test_another_seed_gives_other_data(demo: tuple[Path, dict[str, list[Path]]], tmp_path: Path) -> None:
    first, _ = demo
    generate(tmp_path / "other", seed=7)
    ours, theirs = _tree(first), _tree(tmp_path / "other")
    assert ours["csv/products.csv"] == theirs["csv/products.csv"]  # the catalogue is the company's, not random
    assert ours["csv/customers.csv"] != theirs["csv/customers.csv"]
    assert ours["email/support.mbox"] != theirs["email/support.mbox"]


def test_rerun_in_same_folder_replaces_previous_files(tmp_path: Path) -> None:
    generate(tmp_path, seed=7)
    generate(tmp_path, seed=2026)
    fresh = tmp_path.parent / "fresh"
    generate(fresh, seed=2026)
    assert _tree(tmp_path) == _tree(fresh)


def test_every_channel_has_files_in_its_folder(demo: tuple[Path, dict[str, list[Path]]]) -> None:
    out, written = demo
    assert tuple(written) == CHANNELS
    for channel, files in written.items():
        assert files, channel
        assert all(p.is_file() and p.parent == out / channel for p in files), channel
    assert (out / "mastodon" / "stream.sse.txt") in written["mastodon"]
    assert (out / "email" / "support.mbox") in written["email"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_parser_accepts_every_file_and_record(parsed: dict[str, Parsed], channel: str) -> None:
    result = parsed[channel]
    assert result.errors == []
    assert result.rejected == []
    assert len(result.interactions) >= 50


@pytest.mark.parametrize("channel", CONVERSATIONAL)
def test_threads_point_at_items_of_the_same_channel(parsed: dict[str, Parsed], channel: str) -> None:
    items = parsed[channel].interactions
    replies = [i for i in items.values() if i.in_reply_to]
    resolved = [i for i in replies if i.in_reply_to in items]
    assert len(resolved) >= 30, f"{channel}: {len(resolved)} of {len(replies)} replies point at a known item"


def test_counts_languages_and_emoji(parsed: dict[str, Parsed]) -> None:
    conversational = [i for c in CONVERSATIONAL for i in parsed[c].interactions.values()]
    assert len(conversational) >= 2500
    texts = [i.text for i in conversational]
    assert any(re.search("[äöüß]", t) for t in texts)  # German
    assert any(re.search("[éèàç]", t) for t in texts)  # French
    assert any(re.search("[ñ¿¡]", t) for t in texts)  # Spanish
    assert any(re.search("[\u3040-\u30ff\u4e00-\u9fff]", t) for t in texts)  # Japanese
    assert sum(1 for t in texts if EMOJI.search(t)) >= 100
    declared = {i.lang for i in conversational if i.lang}
    assert {"en", "de", "fr", "es", "ja"} <= declared
    for interaction in conversational:
        if interaction.deleted:
            continue  # a tombstone (Mastodon's streaming delete) carries only the id
        assert interaction.created_at is not None
        assert START <= interaction.created_at < END, interaction


def test_company_answers_on_every_network(parsed: dict[str, Parsed]) -> None:
    for channel in CONVERSATIONAL:
        authors = {
            (i.author.display_name or i.author.handle or "")
            for i in parsed[channel].interactions.values()
            if i.author is not None
        }
        assert any("ordlicht" in name for name in authors), channel


def test_mastodon_edit_and_deletion_take_the_update_path(parsed: dict[str, Parsed]) -> None:
    result = parsed["mastodon"]
    deleted = [i for i in result.all_interactions() if i.deleted]
    assert len(deleted) == 1
    live = [i for i in result.all_interactions() if i.external_id == deleted[0].external_id and not i.deleted]
    assert live, "the deleted status was published earlier in the demo"
    assert any(r.external_id == f"{deleted[0].external_id}@deleted" for r in result.raws)
    edited = [i for i in result.all_interactions() if i.edited_at is not None]
    assert len(edited) >= 2
    assert any("@" in r.external_id and not r.external_id.endswith("@deleted") for r in result.raws)


def test_reddit_tombstones_and_edits(parsed: dict[str, Parsed]) -> None:
    items = list(parsed["reddit"].all_interactions())
    assert any(i.deleted for i in items)
    assert any(i.edited_at is not None for i in items)


def test_csv_headers_and_volumes(demo: tuple[Path, dict[str, list[Path]]]) -> None:
    out, _ = demo
    expected = {
        "products": "sku,name,category,price,currency,aliases,description",
        "customers": "customer_id,name,email,phone,city,country,loyalty_card,joined_at,consent_marketing",
        "orders": "order_id,line_no,ordered_at,customer_id,email,sales_channel,store_id,sku,quantity,unit_price,"
        "currency,discount",
        "store_visits": "visit_id,visited_at,store_id,customer_id,loyalty_card,note",
        "calls": "call_id,started_at,customer_id,phone,direction,duration_seconds,agent,reason,notes",
        "panel": "response_id,panel,respondent_id,customer_id,email,answered_at,question_id,question,answer",
    }
    rows: dict[str, list[dict[str, str]]] = {}
    for name, header in expected.items():
        text = (out / "csv" / f"{name}.csv").read_text(encoding="utf-8")
        assert text.splitlines()[0] == header
        rows[name] = list(csv.DictReader(text.splitlines()))
    assert 20 <= len(rows["products"]) <= 30
    assert len(rows["customers"]) == 400
    assert 1400 <= len(rows["orders"]) <= 1700
    assert len(rows["store_visits"]) == 300 and len(rows["calls"]) == 300
    assert len(rows["panel"]) == 500 and len({r["respondent_id"] for r in rows["panel"]}) == 100
    assert {r["sales_channel"] for r in rows["orders"]} == {"store", "webshop", "marketplace", "phone"}
    assert {r["consent_marketing"] for r in rows["customers"]} == {"yes", "no"}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["ordered_at"]) for r in rows["orders"])
    assert all(re.fullmatch(r"\d+\.\d\d", r["unit_price"]) for r in rows["orders"])
    skus = {r["sku"] for r in rows["products"]}
    assert {r["sku"] for r in rows["orders"]} <= skus
    assert all(r["store_id"] for r in rows["orders"] if r["sales_channel"] == "store")


def test_bluesky_facets_index_utf8_bytes(demo: tuple[Path, dict[str, list[Path]]]) -> None:
    out, _ = demo
    checked = 0
    for path in sorted((out / "bluesky").glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        views = body.get("posts") or [item["post"] for item in body.get("feed", [])]
        for view in views:
            encoded = view["record"]["text"].encode()
            for facet in view["record"].get("facets", []):
                piece = encoded[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode()
                feature = facet["features"][0]
                if feature["$type"].endswith("#tag"):
                    assert piece == f"#{feature['tag']}"
                elif feature["$type"].endswith("#mention"):
                    assert piece.startswith("@") and feature["did"].startswith("did:plc:")
                else:
                    assert piece in feature["uri"]  # clients show links without the scheme
                checked += 1
    assert checked >= 50


def test_x_entities_index_code_points(demo: tuple[Path, dict[str, list[Path]]]) -> None:
    out, _ = demo
    for path in sorted((out / "x").glob("search-recent-*.json")):
        for tweet in json.loads(path.read_text(encoding="utf-8"))["data"]:
            entities = tweet.get("entities", {})
            for mention in entities.get("mentions", []):
                assert tweet["text"][mention["start"] : mention["end"]] == f"@{mention['username']}"
            for tag in entities.get("hashtags", []):
                assert tweet["text"][tag["start"] : tag["end"]] == f"#{tag['tag']}"
            assert len(tweet["text"]) <= 280


def test_social_data_never_names_the_customer_record(
    demo: tuple[Path, dict[str, list[Path]]], parsed: dict[str, Parsed]
) -> None:
    """Identity matching must work from names, handles and addresses, never from a leaked customer id."""
    out, written = demo
    customer_id = re.compile(rb"\bC1\d{4}\b")
    for channel in ("x", "facebook", "instagram", "youtube", "mastodon", "bluesky", "reddit", "feeds"):
        for path in written[channel]:
            assert not customer_id.search(path.read_bytes()), path
    customers = {row["name"] for row in csv.DictReader((out / "csv" / "customers.csv").open(encoding="utf-8"))}
    shown = {i.author.display_name for c in CONVERSATIONAL for i in parsed[c].interactions.values() if i.author}
    assert len(customers & shown) >= 50  # plenty of material for matching people across channels
