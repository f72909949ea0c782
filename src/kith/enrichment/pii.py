"""Personal data in free text — e-mail addresses, phone numbers, payment cards, IBANs, links, @mentions.

Why: agents and dashboards show customer text; a phone number or card number pasted into a public reply
or a DM must be maskable on display and findable for privacy requests, without storing a second copy.

Every detector is strict on purpose, because a false "card number" on an order number or a price hides
what the agent needs to read:

- phone: ``phonenumbers``' PhoneNumberMatcher at its default ``VALID`` leniency (the number must be
  valid for its region in Google's metadata), with ``default_region`` for numbers written without a
  country code; the value is E.164 (``+491711234567``).
- card: 13-19 digits, plain or in groups of four (Amex/Diners 4-6-5 / 4-6-4) with one kind of separator,
  a known issuer prefix (IIN) whose lengths include this one, and a passing Luhn check.
- IBAN: country code, two check digits, country-specific length (:data:`IBAN_LENGTHS`, from the SWIFT
  IBAN registry) and the ISO 7064 mod-97 check — a dozen lines instead of ``schwifty``, whose bank
  registry Kith does not need.
- e-mail, URL (``http(s)://`` or ``www.``), @mention (``@name``, ``@name@instance.social``,
  ``@name.bsky.social``): patterns; values are lower-cased (a URL keeps its path as written).

Where spans overlap, the more specific kind wins in the order of :data:`PRIORITY` (a phone-like digit run
inside a URL stays part of the URL; the "@" of an e-mail address is no mention).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import phonenumbers

PiiKind = Literal["email", "phone", "card", "iban", "url", "mention"]
PRIORITY: tuple[PiiKind, ...] = ("email", "url", "iban", "card", "phone", "mention")
MIN_PHONE_DIGITS = 6  # no valid number anywhere is shorter; texts with fewer digits skip the matcher
ELLIPSIS = "…"


@dataclass(frozen=True)
class PiiSpan:
    """``text[start:end]`` is the personal datum; ``value`` its normalised form.

    A card's value is its digits: never store it — mask the text instead (:func:`mask`).
    """

    kind: PiiKind
    start: int
    end: int
    value: str


_EMAIL = re.compile(r"(?<![\w.+@-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
_URL = re.compile(r"(?<![\w@])(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}'\"…"
_MENTION = re.compile(r"(?<![\w@./])@\w(?:[\w.-]*\w)?(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?", re.UNICODE)
# digits with at most one space or dash between them; the grouping is checked afterwards
_CARD = re.compile(r"(?<![\w.,/-])\d(?:[ -]?\d){12,18}(?![\w]|[.,/-]\d)")
_IBAN = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![\w])", re.IGNORECASE)

# SWIFT IBAN registry: country -> total length (release 2024; countries issuing IBANs to consumers)
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
    "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip

# Issuer prefixes (IIN ranges) -> allowed lengths; a 16-digit run starting with 1, 7, 8 or 9 is no card.
_CARD_RANGES: tuple[tuple[int, int, frozenset[int]], ...] = (
    (4, 4, frozenset({13, 16, 19})),  # Visa
    (51, 55, frozenset({16})),  # Mastercard
    (2221, 2720, frozenset({16})),  # Mastercard 2-series
    (34, 34, frozenset({15})),  # American Express
    (37, 37, frozenset({15})),
    (300, 305, frozenset({14, 16, 17, 18, 19})),  # Diners Club
    (36, 36, frozenset({14, 16, 17, 18, 19})),
    (38, 39, frozenset({14, 16, 17, 18, 19})),
    (6011, 6011, frozenset({16, 17, 18, 19})),  # Discover
    (644, 649, frozenset({16, 17, 18, 19})),
    (65, 65, frozenset({16, 17, 18, 19})),
    (3528, 3589, frozenset({16, 17, 18, 19})),  # JCB
    (62, 62, frozenset({16, 17, 18, 19})),  # UnionPay
    (50, 50, frozenset({13, 14, 15, 16, 17, 18, 19})),  # Maestro
    (56, 58, frozenset({13, 14, 15, 16, 17, 18, 19})),
    (67, 67, frozenset({13, 14, 15, 16, 17, 18, 19})),
)


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check every payment card number passes."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_issuer_ok(digits: str) -> bool:
    """Does a known issuer prefix exist for this number, with this length?"""
    for low, high, lengths in _CARD_RANGES:
        width = len(str(low))
        if low <= int(digits[:width]) <= high and len(digits) in lengths:
            return True
    return False


def _grouping_ok(raw: str) -> bool:
    """Plain digits, or one separator kind in 4-4-4-4(-3) / 4-6-5 / 4-6-4 groups as cards are printed."""
    separators = {char for char in raw if not char.isdigit()}
    if not separators:
        return True
    if len(separators) > 1:
        return False
    groups = [len(group) for group in raw.split(separators.pop())]
    if groups in ([4, 6, 5], [4, 6, 4]):
        return True
    return len(groups) >= 3 and all(size == 4 for size in groups[:-1]) and 1 <= groups[-1] <= 4


def iban_ok(iban: str) -> bool:
    """Country length and ISO 7064 mod-97 check of a compact, upper-case IBAN."""
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban[2:4].isdigit():
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)  # A=10 ... Z=35
    return int(number) % 97 == 1


def find_pii(text: str, default_region: str = "DE") -> list[PiiSpan]:
    """All personal data in ``text``, ordered by position, no two spans overlapping.

    ``default_region`` (ISO 3166 alpha-2) is the country assumed for phone numbers written without a
    country code — the author's country when known.
    """
    candidates = [*_emails(text), *_urls(text), *_ibans(text), *_cards(text), *_phones(text, default_region)]
    candidates.extend(_mentions(text))
    rank = {kind: index for index, kind in enumerate(PRIORITY)}
    candidates.sort(key=lambda span: (rank[span.kind], span.start))
    taken: list[PiiSpan] = []
    for span in candidates:
        if all(span.end <= other.start or span.start >= other.end for other in taken):
            taken.append(span)
    return sorted(taken, key=lambda span: span.start)


def find_pii_batch(texts: Sequence[str], default_region: str = "DE") -> list[list[PiiSpan]]:
    """:func:`find_pii` over a batch, as the pipeline calls stages."""
    return [find_pii(text, default_region) for text in texts]


def mask(text: str, spans: Sequence[PiiSpan]) -> str:
    """``text`` with each span replaced by a hint that identifies nothing on its own.

    Hints keep what an agent needs to tell items apart without revealing the datum: ``a…@example.com``,
    ``+49…67``, ``•••• 1111`` (the last four digits printed receipts show too), ``DE…3000``,
    ``https://example.com/…``, ``@j…``. Pass only the spans to hide (e.g. leave URLs out in an inbox).
    """
    out: list[str] = []
    position = 0
    for span in sorted(spans, key=lambda item: item.start):
        if span.start < position:
            continue  # overlapping input: the first span already hid this part
        out.append(text[position : span.start])
        out.append(_hint(span))
        position = span.end
    out.append(text[position:])
    return "".join(out)


def _hint(span: PiiSpan) -> str:
    value = span.value
    if span.kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}{ELLIPSIS}@{domain}"
    if span.kind == "phone":
        code = phonenumbers.parse(value).country_code
        return f"+{code}{ELLIPSIS}{value[-2:]}"
    if span.kind == "card":
        return f"•••• {value[-4:]}"
    if span.kind == "iban":
        return f"{value[:2]}{ELLIPSIS}{value[-4:]}"
    if span.kind == "url":
        scheme, sep, rest = value.partition("://")
        host = rest.split("/", 1)[0] if sep else scheme.split("/", 1)[0]
        return f"{scheme}://{host}/{ELLIPSIS}" if sep else f"{host}/{ELLIPSIS}"
    return f"@{value[1:2]}{ELLIPSIS}"


def _emails(text: str) -> list[PiiSpan]:
    if "@" not in text:
        return []
    return [PiiSpan("email", m.start(), m.end(), m.group().lower()) for m in _EMAIL.finditer(text)]


def _urls(text: str) -> list[PiiSpan]:
    if "http" not in text.lower() and "www." not in text.lower():
        return []
    spans = []
    for match in _URL.finditer(text):
        raw = match.group().rstrip(_URL_TRAILING)  # "see https://x.example/a." ends before the dot
        end = match.start() + len(raw)
        scheme, sep, rest = raw.partition("://")
        host, slash, path = (rest if sep else raw).partition("/")
        value = f"{scheme.lower()}://{host.lower()}{slash}{path}" if sep else f"{host.lower()}{slash}{path}"
        spans.append(PiiSpan("url", match.start(), end, value))
    return spans


def _mentions(text: str) -> list[PiiSpan]:
    if "@" not in text:
        return []
    spans = []
    for match in _MENTION.finditer(text):
        handle = match.group().rstrip(".-")
        spans.append(PiiSpan("mention", match.start(), match.start() + len(handle), handle.lower()))
    return spans


def _cards(text: str) -> list[PiiSpan]:
    spans = []
    for match in _CARD.finditer(text):
        raw = match.group()
        digits = raw.replace(" ", "").replace("-", "")
        if _grouping_ok(raw) and card_issuer_ok(digits) and luhn_ok(digits):
            spans.append(PiiSpan("card", match.start(), match.end(), digits))
    return spans


def _ibans(text: str) -> list[PiiSpan]:
    spans = []
    for match in _IBAN.finditer(text):
        raw = match.group()
        expected = IBAN_LENGTHS.get(raw[:2].upper())
        if expected is None:
            continue
        # the pattern may run on into the next word ("… 0130 00 bitte"): cut at the country's length,
        # and give up if the IBAN would end inside a word
        end, count = None, 0
        for offset, char in enumerate(raw):
            if char != " ":
                count += 1
                if count == expected:
                    end = match.start() + offset + 1
                    break
        if end is None or (end < len(text) and text[end].isalnum()):
            continue
        compact = text[match.start() : end].replace(" ", "").upper()
        if iban_ok(compact):
            spans.append(PiiSpan("iban", match.start(), end, compact))
    return spans


def _phones(text: str, region: str) -> list[PiiSpan]:
    if sum(char.isdigit() for char in text) < MIN_PHONE_DIGITS:
        return []
    spans = []
    for match in phonenumbers.PhoneNumberMatcher(text, region):
        value = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        spans.append(PiiSpan("phone", match.start, match.end, value))
    return spans
