"""PII spans: what must be found (with normalised values) and the look-alikes that must not be."""

from __future__ import annotations

import pytest

from kith.enrichment.pii import PiiSpan, card_issuer_ok, find_pii, find_pii_batch, iban_ok, luhn_ok, mask


def _found(text: str, region: str = "DE") -> list[tuple[str, str, str]]:
    return [(span.kind, text[span.start : span.end], span.value) for span in find_pii(text, region)]


@pytest.mark.parametrize(
    ("text", "region", "raw", "e164"),
    [
        ("Ruf mich an: 0171 1234567", "DE", "0171 1234567", "+491711234567"),
        ("Festnetz (030) 1234567, abends", "DE", "(030) 1234567", "+49301234567"),
        ("Büro 030/12345678", "DE", "030/12345678", "+493012345678"),
        ("Tel. +49 (0)30 12345678", "DE", "+49 (0)30 12345678", "+493012345678"),
        ("aus dem Ausland 0049 171 1234567", "DE", "0049 171 1234567", "+491711234567"),
        ("Appelez-moi au 06 12 34 56 78 svp", "FR", "06 12 34 56 78", "+33612345678"),
        ("ou +33 6 12 34 56 78", "DE", "+33 6 12 34 56 78", "+33612345678"),
        ("Call me on 020 7946 0018 tomorrow", "GB", "020 7946 0018", "+442079460018"),
        ("from Germany: +44 20 7946 0958", "DE", "+44 20 7946 0958", "+442079460958"),
        ("reach me at (415) 555-2671", "US", "(415) 555-2671", "+14155552671"),
        ("Zürich +41 44 668 18 00", "DE", "+41 44 668 18 00", "+41446681800"),
    ],
)
def test_phone_numbers_in_national_and_international_formats(text: str, region: str, raw: str, e164: str) -> None:
    assert _found(text, region) == [("phone", raw, e164)]


def test_national_format_depends_on_the_default_region() -> None:
    assert _found("Call me on 020 7946 0018", "DE") == []
    assert _found("reach me at (415) 555-2671", "DE") == []


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("4111 1111 1111 1111", "4111111111111111"),  # Visa, spaces
        ("5555-5555-5555-4444", "5555555555554444"),  # Mastercard, dashes
        ("2223003122003222", "2223003122003222"),  # Mastercard 2-series, plain
        ("3782 822463 10005", "378282246310005"),  # American Express, 4-6-5
        ("6011 1111 1111 1117", "6011111111111117"),  # Discover
        ("3530 1113 3330 0000", "3530111333300000"),  # JCB
    ],
)
def test_payment_cards(raw: str, digits: str) -> None:
    assert _found(f"Meine Karte: {raw}, gültig bis 05/27") == [("card", raw, digits)]


@pytest.mark.parametrize(
    "number",
    [
        "4111 1111 1111 1112",  # fails Luhn
        "4111111111111112",
        "1234 5678 1234 5670",  # passes Luhn, but no issuer starts with 1
        "9999999999999995",  # passes Luhn, no issuer starts with 9
        "4111 1111-1111 1111",  # mixed separators: not how a card is printed
        "41 1111 1111 1111 11",  # odd grouping
        "411111111111111",  # a Visa prefix with 15 digits: Visa has none
    ],
)
def test_numbers_that_are_not_cards(number: str) -> None:
    assert [kind for kind, _, _ in _found(f"Nummer {number} bitte")] != ["card"]


def test_card_helpers() -> None:
    assert luhn_ok("79927398713") and not luhn_ok("79927398710")
    assert card_issuer_ok("378282246310005") and not card_issuer_ok("37828224631000")  # Amex is 15 long


@pytest.mark.parametrize(
    ("raw", "compact"),
    [
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("DE89370400440532013000", "DE89370400440532013000"),
        ("GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"),
        ("FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606"),
        ("AT61 1904 3002 3457 3201", "AT611904300234573201"),
        ("CH93 0076 2011 6238 5295 7", "CH9300762011623852957"),
        ("nl91 abna 0417 1643 00", "NL91ABNA0417164300"),
    ],
)
def test_ibans_with_and_without_spaces(raw: str, compact: str) -> None:
    assert _found(f"Bitte überweisen an {raw} bis Freitag.") == [("iban", raw, compact)]


def test_iban_check_digits_and_lengths_are_verified() -> None:
    assert iban_ok("DE89370400440532013000")
    assert not iban_ok("DE89370400440532013001")  # one digit changed: mod-97 fails
    assert not iban_ok("DE8937040044053201300")  # a German IBAN has 22 characters
    assert not iban_ok("XX89370400440532013000")  # no such country
    assert _found("IBAN DE89 3704 0044 0532 0130 01") == []


def test_email_url_and_mentions() -> None:
    text = (
        "Schreib an Lena.Mueller+shop@Example.COM, siehe https://www.Nordlicht.example/p/NL-EB-1001?ref=x. "
        "cc @nordlicht @anna@mastodon.social @bob.bsky.social"
    )
    assert _found(text) == [
        ("email", "Lena.Mueller+shop@Example.COM", "lena.mueller+shop@example.com"),
        ("url", "https://www.Nordlicht.example/p/NL-EB-1001?ref=x", "https://www.nordlicht.example/p/NL-EB-1001?ref=x"),
        ("mention", "@nordlicht", "@nordlicht"),
        ("mention", "@anna@mastodon.social", "@anna@mastodon.social"),
        ("mention", "@bob.bsky.social", "@bob.bsky.social"),
    ]


def test_a_url_keeps_the_digits_inside_it() -> None:
    text = "https://x.com/nordlicht/status/1491234567890123456 and www.example.org/tel/01711234567"
    assert [kind for kind, _, _ in _found(text)] == ["url", "url"]


@pytest.mark.parametrize(
    "text",
    [
        "Bestellung NL-264512 vom 12.03.2024, noch nicht verschickt",
        "Bestellnummer 4500123456, Kundennummer 123456789",
        "Order #26451289 placed on 2024-05-01 at 10:30",
        "Preis 1.299,00 €, vorher 2.499,00€, in the UK €1,299.00",
        "DHL Sendungsnummer 00340434161234567890, UPS 1Z999AA10123456784, JJD0001234567",
        "ISBN 978-3-16-148410-0, Firmware 2.3, Akku 625 Wh, 20,000 mm Wassersäule",
        "Termin am 15.10. um 14:30 in der Filiale, PLZ 20095",
        "IMEI 490154203237518",
        "Zufallszahl 1234 5678 9012 3456",
        "E-Mail geht an support at nordlicht dot example",
    ],
)
def test_look_alikes_are_not_pii(text: str) -> None:
    assert find_pii(text) == []


def test_mask_hides_each_kind_but_keeps_the_rest() -> None:
    text = (
        "Hi, Karte 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, Tel 0171 1234567, "
        "Mail lena@example.com, @lena_m, https://example.com/u/lena"
    )
    masked = mask(text, find_pii(text))
    assert masked == ("Hi, Karte •••• 1111, IBAN DE…3000, Tel +49…67, Mail l…@example.com, @l…, https://example.com/…")
    for secret in ("4111 1111", "0532 0130", "1234567", "lena@", "lena_m", "/u/lena"):
        assert secret not in masked


def test_mask_only_what_it_is_given() -> None:
    text = "Mail lena@example.com or see https://example.com/help"
    only_emails = [span for span in find_pii(text) if span.kind == "email"]
    assert mask(text, only_emails) == "Mail l…@example.com or see https://example.com/help"
    assert mask(text, []) == text


def test_mask_skips_overlapping_input() -> None:
    spans = [PiiSpan("email", 0, 10, "ab@cd.efgh"), PiiSpan("mention", 2, 5, "@cd")]
    assert mask("ab@cd.efgh tail", spans) == "a…@cd.efgh tail"


def test_batch_keeps_order() -> None:
    found = find_pii_batch(["nothing", "call 0171 1234567", ""], default_region="DE")
    assert [[span.kind for span in spans] for spans in found] == [[], ["phone"], []]
