"""Contract tests of the CSV channel: one example file per kind, a bad header and rows with errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from kith.channels.base import (
    Basis,
    IdentityRecord,
    InteractionRecord,
    Kind,
    Normalised,
    OrderLineRecord,
    PanelResponseRecord,
    ParseError,
    ProductRecord,
    RawRecord,
    Rejected,
    Visibility,
    dump,
)
from kith.channels.csv_import import parser

CSV = Path(__file__).parent.parent / "fixtures" / "csv"


def _split(name: str) -> list[RawRecord | Rejected]:
    return list(parser.split((CSV / name).read_bytes(), name))


def _records(name: str) -> dict[str, Normalised]:
    out: dict[str, Normalised] = {}
    for item in _split(name):
        assert isinstance(item, RawRecord), item
        [record] = parser.normalise(item.payload)
        out[item.external_id] = record
    return out


def test_products() -> None:
    products = _records("products.csv")
    assert list(products) == ["products:KB-100", "products:BEAN-ETH", "products:MILK-JUG", "products:GIFT-CARD"]
    machine = products["products:KB-100"]
    assert machine == ProductRecord(
        sku="KB-100",
        name="Kith Barista 100 espresso machine",
        category="coffee machines",
        price=Decimal("349.00"),
        currency="EUR",
        aliases=("Barista 100", "KB100", "エスプレッソマシン"),
        description="Dual boiler, 15 bar pump",
    )
    beans = products["products:BEAN-ETH"]
    assert isinstance(beans, ProductRecord)
    assert beans.description == "Light roast ☕ floral and citrus"
    assert products["products:GIFT-CARD"] == ProductRecord(sku="GIFT-CARD", name="Gift card")


def test_customers_with_bom_semicolons_and_loose_header_names() -> None:
    raw = (CSV / "customers.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark, ';' delimited, "Loyalty Card"
    customers = _records("customers.csv")
    anna = customers["customers:C1001"]
    assert anna == IdentityRecord(
        external_id="customer:C1001",
        visibility=Visibility.OFFLINE,
        basis=Basis.CONTRACT,
        display_name="Anna Müller",
        email="anna.mueller@example.com",
        phone="+49 30 1234567",
        attributes={
            "city": "Berlin",
            "country": "DE",
            "loyalty_card": "LC-88001",
            "joined_at": "2021-03-14T00:00:00+00:00",
            "consent_marketing": True,
            "segment": "gold",
        },
    )
    li = customers["customers:C1002"]
    assert isinstance(li, IdentityRecord)
    assert li.display_name == "李小龙"
    assert li.attributes == {
        "city": "北京",
        "country": "CN",
        "joined_at": "2022-11-02T01:15:00+00:00",
        "consent_marketing": False,
    }
    olympia = customers["customers:C1003"]
    assert isinstance(olympia, IdentityRecord)
    assert olympia.display_name == "Ολυμπία Παπαδοπούλου"
    assert olympia.attributes["consent_marketing"] is True  # "1"
    zoe = customers["customers:C1004"]
    assert isinstance(zoe, IdentityRecord)
    assert zoe.email is None
    assert zoe.attributes["consent_marketing"] is False  # "false"


def test_order_lines() -> None:
    orders = _records("orders.csv")
    assert list(orders) == ["orders:O-5001:1", "orders:O-5001:2", "orders:O-5002:1", "orders:O-5003:1"]
    first = orders["orders:O-5001:1"]
    assert isinstance(first, OrderLineRecord)
    assert first.ordered_at == datetime(2024, 5, 2, 8, 15, tzinfo=UTC)
    assert (first.sku, first.quantity, first.unit_price, first.currency) == ("KB-100", 1, Decimal("349.00"), "EUR")
    assert (first.sales_channel, first.store_id, first.discount) == ("store", "S-BER-01", Decimal("20.00"))
    assert first.customer is not None
    assert first.customer.external_id == "customer:C1001"
    second = orders["orders:O-5001:2"]
    assert isinstance(second, OrderLineRecord)
    assert second.sales_channel == "store"  # "Store" in the file
    assert second.discount == Decimal("0")
    guest = orders["orders:O-5002:1"]
    assert isinstance(guest, OrderLineRecord)
    assert guest.ordered_at == datetime(2024, 5, 3, 18, 40, tzinfo=UTC)  # no offset: UTC
    assert guest.currency == "EUR"  # the default
    assert guest.customer is not None
    assert (guest.customer.external_id, guest.customer.email) == ("guest.buyer@example.org", "guest.buyer@example.org")
    comma = orders["orders:O-5003:1"]
    assert isinstance(comma, OrderLineRecord)
    assert comma.unit_price == Decimal("14.50")  # "14,50": decimal comma
    assert comma.currency == "EUR"  # "eur"
    assert comma.ordered_at == datetime(2024, 5, 4, tzinfo=UTC)  # a date alone is midnight UTC


def test_same_customer_id_gives_the_same_identity_in_customers_and_orders() -> None:
    customer = _records("customers.csv")["customers:C1001"]
    order = _records("orders.csv")["orders:O-5001:1"]
    assert isinstance(customer, IdentityRecord)
    assert isinstance(order, OrderLineRecord)
    assert order.customer is not None
    assert order.customer.external_id == customer.external_id


def test_store_visits() -> None:
    visits = _records("store_visits.csv")
    known = visits["store_visits:V-9001"]
    assert isinstance(known, InteractionRecord)
    assert known.external_id == "store_visits:V-9001"
    assert known.kind is Kind.STORE_VISIT
    assert (known.visibility, known.basis) == (Visibility.OFFLINE, Basis.CONTRACT)
    assert known.text == "Asked about descaling the KB-100 ☕ — wants a demo next week"
    assert known.created_at == datetime(2024, 5, 2, 8, 5, tzinfo=UTC)
    assert known.author is not None
    assert known.author.external_id == "customer:C1001"
    assert known.attributes == {"store_id": "S-BER-01", "loyalty_card": "LC-88001"}
    card_only = visits["store_visits:V-9002"]
    assert isinstance(card_only, InteractionRecord)
    assert card_only.text == "Θέλει να επιστρέψει την κανάτα γάλακτος 🥛"
    assert card_only.author is not None
    assert card_only.author.external_id == "loyalty_card:LC-88003"
    anonymous = visits["store_visits:V-9003"]
    assert isinstance(anonymous, InteractionRecord)
    assert anonymous.author is None
    assert anonymous.text == "Walk-in, no card; looked at grinders"  # quoted delimiter kept


def test_calls_with_crlf_and_a_multi_line_note() -> None:
    assert b"\r\n" in (CSV / "calls.csv").read_bytes()
    calls = _records("calls.csv")
    leak = calls["calls:CALL-1"]
    assert isinstance(leak, InteractionRecord)
    assert leak.kind is Kind.CALL
    assert leak.title == "Machine leaks"
    assert leak.text == (
        "Water under the drip tray since Monday 😟. Sent a repair label.\nCustomer prefers e-mail follow-up."
    )
    assert leak.created_at == datetime(2024, 5, 8, 7, 12, tzinfo=UTC)
    assert leak.attributes == {
        "direction": "inbound",
        "duration_seconds": 312,
        "agent": "Jonas",
        "phone": "+49 30 1234567",
    }
    assert leak.author is not None
    assert leak.author.external_id == "customer:C1001"
    callback = calls["calls:CALL-2"]
    assert isinstance(callback, InteractionRecord)
    assert callback.text == "客户对咖啡豆很满意 👍"
    assert callback.title == "回访"
    assert callback.author is not None
    assert callback.author.external_id == "phone:+86 10 5555 0101"
    assert callback.attributes["agent"] == "美玲"
    bare = calls["calls:CALL-3"]
    assert isinstance(bare, InteractionRecord)
    assert (bare.text, bare.title, bare.attributes) == ("", None, {"direction": "inbound"})


def test_panel_answers() -> None:
    answers = _records("panel.csv")
    first = answers["panel:R-2"]
    assert isinstance(first, PanelResponseRecord)
    assert first.external_id == "panel:R-2"
    assert (first.panel, first.question_id) == ("2024-Q2 coffee habits", "Q2")
    assert first.answer == "Faster delivery and a refill subscription 🚚"
    assert first.answered_at == datetime(2024, 4, 20, 17, 2, 40, tzinfo=UTC)
    assert first.respondent.external_id == "customer:C1001"
    assert (first.respondent.visibility, first.respondent.basis) == (Visibility.OFFLINE, Basis.CONSENT)
    anonymous = answers["panel:R-3"]
    assert isinstance(anonymous, PanelResponseRecord)
    assert anonymous.answer == "もっと浅煎りの豆がほしいです"
    assert anonymous.respondent.external_id == "panel:2024-Q2 coffee habits:P-233"
    assert anonymous.respondent.email == "hana.sato@example.jp"


def test_bad_header_names_the_columns_found_and_what_each_kind_needs() -> None:
    with pytest.raises(ParseError) as caught:
        _split("bad_header.csv")
    message = str(caught.value)
    assert "bad_header.csv" in message
    assert "Columns found: order, date, product, qty, price" in message
    assert "products: sku, name" in message
    assert "orders: order_id, line_no, ordered_at, sku, quantity, unit_price" in message
    assert "panel: response_id, panel, respondent_id, answered_at, question_id, question, answer" in message


def test_bad_rows_are_rejected_with_line_column_and_expectation_and_the_rest_lands() -> None:
    items = _split("rows_with_errors.csv")
    landed = [item.external_id for item in items if isinstance(item, RawRecord)]
    assert landed == ["orders:O-6001:1", "orders:O-6008:2"]
    reasons = [item.reason for item in items if isinstance(item, Rejected)]
    assert reasons[0].startswith("rows_with_errors.csv line 3: column ordered_at: '10/05/2024' is not an ISO")
    assert "expected an ISO 8601 date or date-time" in reasons[0]
    assert reasons[1].startswith("rows_with_errors.csv line 4: column quantity: 'two'")
    assert "expected a whole number greater than 0" in reasons[1]
    assert reasons[2].startswith("rows_with_errors.csv line 5: the row has 7 values but the header has 9")
    # line 6 is blank and skipped
    assert reasons[3].startswith("rows_with_errors.csv line 7: column sku: the value is missing")
    assert reasons[4].startswith("rows_with_errors.csv line 8: column unit_price: '-3.00'")
    assert reasons[5] == (
        "rows_with_errors.csv line 9: column sales_channel: 'carrier pigeon' is not allowed; "
        "expected one of store, webshop, marketplace, phone"
    )
    rejected = [item for item in items if isinstance(item, Rejected)]
    assert rejected[0].payload == b"O-6002,1,10/05/2024,KB-100,1,349.00,EUR,C1002,webshop\n"


def test_resplitting_gives_identical_ids_and_payloads() -> None:
    for name in ("products.csv", "customers.csv", "orders.csv", "store_visits.csv", "calls.csv", "panel.csv"):
        first, second = _split(name), _split(name)
        assert first == second


def test_invalid_utf8_is_refused() -> None:
    latin = "sku,name\nKB-100,Crème brûlée maker\n".encode("latin-1")
    with pytest.raises(ParseError, match="not valid UTF-8"):
        list(parser.split(latin, "legacy.csv"))


def test_empty_file_and_ambiguous_header_are_refused() -> None:
    with pytest.raises(ParseError, match="empty"):
        list(parser.split(b"\n\n", "empty.csv"))
    with pytest.raises(ParseError, match="more than one kind"):
        list(parser.split(b"sku,name,customer_id\nA,B,C\n", "mixed.csv"))
    with pytest.raises(ParseError, match="more than once"):
        list(parser.split(b"sku,name,Name\nA,B,C\n", "twice.csv"))


def test_tab_delimited_file_and_extra_columns() -> None:
    data = "call_id\tstarted_at\tnotes\tqueue\nK1\t2024-05-01T08:00:00-05:00\tBonjour 👋\tFR\n".encode()
    [raw] = list(parser.split(data, "calls.tsv"))
    assert isinstance(raw, RawRecord)
    [call] = parser.normalise(raw.payload)
    assert isinstance(call, InteractionRecord)
    assert call.created_at == datetime(2024, 5, 1, 13, 0, tzinfo=UTC)
    assert call.text == "Bonjour 👋"
    assert call.attributes == {"queue": "FR"}


def test_duplicate_id_with_different_values_is_rejected() -> None:
    data = b"sku,name\nKB-100,Machine\nKB-100,Machine\nKB-100,Other name\n"
    items = list(parser.split(data, "dupes.csv"))
    assert [type(item) for item in items] == [RawRecord, Rejected]
    assert isinstance(items[1], Rejected)
    assert "line 4" in items[1].reason
    assert "already used on line 2" in items[1].reason


def test_normalise_validates_replayed_payloads_too() -> None:
    good = json.loads(_split("orders.csv")[0].payload)  # type: ignore[union-attr]
    good["row"]["quantity"] = "0"
    with pytest.raises(ParseError, match="column quantity: '0' is not a positive whole number"):
        parser.normalise(dump(good))
    with pytest.raises(ParseError, match="unknown CSV kind"):
        parser.normalise(dump({"kind": "invoices", "row": {}}))
    with pytest.raises(ParseError, match="column sku: the value is missing"):
        parser.normalise(dump({"kind": "products", "row": {"name": "x"}}))
    with pytest.raises(ParseError):
        parser.normalise(b"sku,name")


def test_parser_registration_details() -> None:
    assert parser.name == "csv"
    assert parser.suffixes == (".csv",)


def test_an_unclosed_quote_is_rejected_instead_of_swallowing_the_rest() -> None:
    data = b'sku,name,description\nA,Alpha,"open quote\nB,Beta,fine\n'
    [item] = list(parser.split(data, "quote.csv"))
    assert isinstance(item, Rejected)
    assert item.reason.startswith("quote.csv line 2: unreadable CSV (unexpected end of data)")
    assert "runs on to line 3" in item.reason
    assert item.payload == b'A,Alpha,"open quote\nB,Beta,fine\n'
    [ok, bad, also_ok] = list(parser.split(b'sku,name\nA,"multi\nline"\nB,"Be"ta\nC,Gamma\n', "q.csv"))
    assert isinstance(ok, RawRecord)
    assert json.loads(ok.payload)["row"]["name"] == "multi\nline"
    assert isinstance(bad, Rejected)
    assert bad.reason.startswith("q.csv line 4: unreadable CSV")
    assert isinstance(also_ok, RawRecord)
    assert also_ok.external_id == "products:C"
