"""The demo's fictional world: Nordlicht, a Hamburg maker of outdoor gear and e-bikes, and its people.

Why a story and not random rows: a Social CRM demo only convinces when the same people show up in the
order book, on the phone and on five networks, and when the conversations follow events a viewer can
spot on a timeline (a June delivery backlog, the July sale, the August display-firmware bug and its fix,
a competitor's price cut in September, the October launch). Everything here is built from one seeded
``random.Random``; nothing reads the clock or the global generator, so a seed always gives the same world.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from kith.demo.catalogue import BIO_BITS, PEOPLE, PRODUCTS, STORES, Product, Store

START = datetime(2026, 5, 1, tzinfo=UTC)
END = datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC)
COMPETITORS = ("Voltaro", "Trailmark")  # Voltaro builds e-bikes, Trailmark outdoor gear
COMPANY = "Nordlicht"
DOMAIN = "nordlicht.example"
WEB = f"https://www.{DOMAIN}"


@dataclass(frozen=True)
class Customer:
    customer_id: str
    name: str
    email: str
    phone: str
    city: str
    country: str
    lang: str
    loyalty_card: str
    joined_at: date
    consent_marketing: bool


@dataclass
class Persona:
    """Someone who writes on the networks; may or may not be a customer (the data never says which)."""

    key: str
    name: str  # full display name
    first: str
    handle: str  # ASCII base for network handles
    lang: str
    city: str
    kind: str  # customer | prospect | spam | company
    email: str
    bio: str = ""
    channels: tuple[str, ...] = ()
    weight: float = 1.0
    customer: Customer | None = None
    ids: dict[str, str] = field(default_factory=dict)  # per-channel ids, filled by the writers

    def post_lang(self, rng: random.Random) -> str:
        if self.lang == "en" or rng.random() < 0.25:
            return "en"
        return self.lang


_MAIL_DOMAINS = ("example.com", "example.net", "example.org")
_PHONE_PREFIX = {"DE": "+49", "AT": "+43", "CH": "+41", "NL": "+31", "FR": "+33", "ES": "+34", "GB": "+44"}
CHANNELS_SOCIAL = ("x", "facebook", "instagram", "youtube", "mastodon", "bluesky", "reddit", "feeds")
_CHANNEL_WEIGHTS = (24, 16, 14, 10, 12, 12, 10, 5)


def ascii_fold(text: str) -> str:
    """Lower-case ASCII for handles and mailboxes: umlauts spelled out, accents and spaces dropped."""
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = text.replace("ı", "i").replace("ş", "s").replace("ğ", "g")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded if ch.isalnum())


def _split(name: str) -> tuple[str, str]:
    """``"花子/Hanako"`` -> (display, romanised); plain names are their own romanisation."""
    if "/" in name:
        shown, roman = name.split("/", 1)
        return shown, roman
    return name, name


@dataclass
class _Person:
    name: str
    first: str
    first_roman: str
    last_roman: str
    lang: str
    country: str
    city: str


def _person(rng: random.Random, taken: set[str]) -> _Person:
    nats = list(PEOPLE)
    while True:
        nat = rng.choices(nats, weights=[PEOPLE[n][0] for n in nats])[0]
        _, lang, country, cities, firsts, lasts = PEOPLE[nat]
        first, first_r = _split(rng.choice(firsts.split("|")))
        last, last_r = _split(rng.choice(lasts.split("|")))
        name = f"{last} {first}" if nat == "jp" else f"{first} {last}"
        if name not in taken:
            taken.add(name)
            return _Person(name, first, first_r, last_r, lang, country, rng.choice(cities.split("|")))


def _email(rng: random.Random, p: _Person, taken: set[str]) -> str:
    f, la = ascii_fold(p.first_roman), ascii_fold(p.last_roman)
    while True:
        local = rng.choice(
            (f"{f}.{la}", f"{f[0]}{la}", f"{f}{la}{rng.randint(1, 99)}", f"{f}.{la}{rng.randint(60, 99)}")
        )
        address = f"{local}@{rng.choice(_MAIL_DOMAINS)}"
        if address not in taken:
            taken.add(address)
            return address


def _phone(rng: random.Random, country: str) -> str:
    prefix = _PHONE_PREFIX.get(country, "+49")
    return f"{prefix} {rng.randint(150, 179)} {rng.randint(1000000, 9999999)}"


def _handle(rng: random.Random, p: _Person, taken: set[str]) -> str:
    f, la = ascii_fold(p.first_roman), ascii_fold(p.last_roman)
    hobby = rng.choice(("rides", "outdoors", "bikes", "trails", "wandert", "cycles", "hikes", "camps"))
    while True:
        handle = rng.choice(
            (f"{f}_{la}", f"{f}{la}", f"{f}_{hobby}", f"{f[0]}{la}{rng.randint(70, 99)}", f"{f}.{la}", f"{la}_{f}")
        )
        handle = handle.replace(".", "_")[:15].strip("_")
        if handle not in taken:
            taken.add(handle)
            return handle


def _channels(rng: random.Random, count: int) -> tuple[str, ...]:
    chosen: list[str] = []
    while len(chosen) < count:
        ch = rng.choices(CHANNELS_SOCIAL, weights=_CHANNEL_WEIGHTS)[0]
        if ch not in chosen:
            chosen.append(ch)
    return tuple(chosen)


@dataclass
class Story:
    products: tuple[Product, ...]
    stores: tuple[Store, ...]
    customers: list[Customer]
    personas: list[Persona]
    company: Persona

    def active_on(self, channel: str) -> list[Persona]:
        return [p for p in self.personas if channel in p.channels]


def build_story(rng: random.Random, n_customers: int = 400, n_others: int = 260) -> Story:
    names: set[str] = set()
    mails: set[str] = set()
    handles: set[str] = {"nordlicht"}
    customers: list[Customer] = []
    personas: list[Persona] = []
    for number in range(n_customers):
        person = _person(rng, names)
        joined = date(2019, 1, 1) + timedelta(days=rng.randint(0, 2850))
        card = f"LC{rng.randint(100000, 999999)}" if rng.random() < 0.7 else ""
        customer = Customer(
            f"C{10001 + number}",
            person.name,
            _email(rng, person, mails),
            _phone(rng, person.country),
            person.city,
            person.country,
            person.lang,
            card,
            joined,
            rng.random() < 0.58,
        )
        customers.append(customer)
        if rng.random() < 0.45:
            personas.append(_persona(rng, person, "customer", customer.email, handles, customer))
    for _ in range(n_others):
        person = _person(rng, names)
        personas.append(_persona(rng, person, "prospect", _email(rng, person, mails), handles, None))
    for number, (name, handle) in enumerate(
        (
            ("Deals4U 🔥", "deals4u_2026"),
            ("Crypto King", "cryptoking_x"),
            ("Follower Boost", "followboost24"),
            ("Free E-Bike Giveaway", "ebike_giveaway"),
            ("Sofia 💋", "sofia_xx_2026"),
            ("Bike Parts Outlet", "bikeparts_out"),
        )
    ):
        spam = Persona(
            f"spam{number}",
            name,
            name.split()[0],
            handle,
            "en",
            "",
            "spam",
            f"{handle}@example.net",
            bio="DM for collabs 💰",
            channels=_channels(rng, 4),
            weight=0.6,
        )
        personas.append(spam)
    for index, persona in enumerate(personas):
        persona.key = f"u{index:04d}"
    company = Persona(
        "company",
        COMPANY,
        COMPANY,
        "nordlicht",
        "de",
        "Hamburg",
        "company",
        f"service@{DOMAIN}",
        bio="Outdoor gear & e-bikes from Hamburg since 2009. Service: Mo–Sa 8–20 Uhr.",
        channels=CHANNELS_SOCIAL,
    )
    return Story(PRODUCTS, STORES, customers, personas, company)


def _persona(
    rng: random.Random, person: _Person, kind: str, email: str, handles: set[str], customer: Customer | None
) -> Persona:
    style = rng.random()
    if style < 0.6:
        shown = person.name
    elif style < 0.85:
        shown = f"{person.first} {person.last_roman[0]}." if person.lang != "ja" else person.name
    else:
        shown = f"{person.first} {rng.choice(('🚲', '⛰️', '🌲', '⚡', '🏕️'))}"
    bio = rng.choice(BIO_BITS[person.lang])
    if rng.random() < 0.5:
        bio += f" 📍 {person.city}"
    if rng.random() < 0.18:
        bio += f" ✉️ {email}"
    return Persona(
        "",
        shown,
        person.first,
        _handle(rng, person, handles),
        person.lang,
        person.city,
        kind,
        email,
        bio=bio,
        channels=_channels(rng, rng.choice((1, 1, 2, 2, 3))),
        weight=rng.paretovariate(1.6),
        customer=customer,
    )


_MONTH_HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 6, 7, 7, 6, 6, 7, 6, 6, 6, 7, 8, 9, 9, 8, 6, 4, 2)


def random_time(rng: random.Random, start: datetime = START, end: datetime = END) -> datetime:
    """A time between start and end, busier in the European daytime (times are UTC)."""
    span_days = max((end - start).days, 1)
    day = start + timedelta(days=rng.randrange(span_days))
    hour = rng.choices(range(24), weights=_MONTH_HOUR_WEIGHTS)[0]
    offset = timedelta(hours=hour - 2, seconds=rng.randrange(3600), milliseconds=rng.randrange(1000))
    moment = day.replace(hour=0, minute=0, second=0) + offset
    return min(max(moment, start), end)


def later(rng: random.Random, moment: datetime, fast: bool = False) -> datetime:
    """A reply's time: minutes to a day after its parent (the company answers faster)."""
    minutes = rng.expovariate(1 / (45 if fast else 240)) + 1
    return moment + timedelta(minutes=minutes, seconds=rng.randrange(60), milliseconds=rng.randrange(1000))


def iso_z(moment: datetime, millis: bool = True) -> str:
    text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{moment.microsecond // 1000:03d}Z" if millis else f"{text}Z"
