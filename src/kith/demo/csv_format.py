"""Nordlicht's own records as CSV: products, customers, order lines, store visits, calls, a research panel.

Why these details: the headers are the import contract of ``kith ingest csv`` (comma-delimited UTF-8,
ISO 8601 times with ``Z``, dates as YYYY-MM-DD, dot decimals, ``yes``/``no``), and the rows follow the
same story as the networks: the July sale shows as discounts on tents and backpacks, the August
firmware bug as calls and store visits about the Aurora display, the October launch as pre-orders.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from kith.demo.catalogue import Product
from kith.demo.story import COMPETITORS, END, START, Customer, Persona, Story, iso_z, random_time

HEADERS = {
    "products": "sku,name,category,price,currency,aliases,description",
    "customers": "customer_id,name,email,phone,city,country,loyalty_card,joined_at,consent_marketing",
    "orders": (
        "order_id,line_no,ordered_at,customer_id,email,sales_channel,store_id,sku,quantity,unit_price,currency,discount"
    ),
    "store_visits": "visit_id,visited_at,store_id,customer_id,loyalty_card,note",
    "calls": "call_id,started_at,customer_id,phone,direction,duration_seconds,agent,reason,notes",
    "panel": "response_id,panel,respondent_id,customer_id,email,answered_at,question_id,question,answer",
}
_CENT = Decimal("0.01")


def _write(path: Path, name: str, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS[name].split(","))
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _store_time(rng: random.Random, start: datetime = START, end: datetime = END) -> datetime:
    """Opening hours 10:00-19:00 local, i.e. 08:00-17:00 UTC in summer."""
    moment = random_time(rng, start, end)
    return moment.replace(hour=rng.randint(8, 16), minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)


def _money(value: Decimal) -> str:
    return str(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def _basket(rng: random.Random, products: tuple[Product, ...], month: int) -> list[tuple[Product, int]]:
    bikes = [p for p in products if p.kind == "bike" and (p.sku != "NL-EB-1202" or month == 10)]
    gear = [p for p in products if p.kind == "gear"]
    parts = [p for p in products if p.kind == "part"]
    by_sku = {p.sku: p for p in products}
    roll = rng.random()
    if roll < 0.14 + (0.06 if month == 10 else 0):
        bike = rng.choice(bikes) if month != 10 or rng.random() < 0.5 else by_sku["NL-EB-1202"]
        lines = [(bike, 1)]
        for sku, chance in (("NL-EA-2401", 0.4), ("NL-EA-2301", 0.3), ("NL-SV-9002", 0.35)):
            if rng.random() < chance:
                lines.append((by_sku[sku], 1))
        return lines
    first = rng.choice(parts) if roll < 0.28 else by_sku["NL-SV-9001"] if roll < 0.34 else rng.choice(gear)
    lines = [(first, 2 if first.price < 100 and rng.random() < 0.15 else 1)]
    while rng.random() < 0.42 and len(lines) < 4:
        extra = rng.choice(gear)
        if all(extra is not p for p, _ in lines):
            lines.append((extra, 1))
    return lines


def _orders(rng: random.Random, story: Story) -> list[list[str]]:
    rows: list[list[str]] = []
    store_cities = {s.city: s for s in story.stores}
    guests = [p for p in story.personas if p.kind == "prospect"]
    plan: list[tuple[datetime, Customer | None, Persona | None]] = []
    for known in story.customers:
        for _ in range(1 + min(int(rng.expovariate(0.62)), 7)):
            plan.append((random_time(rng), known, None))
    for visitor in rng.sample(guests, 40):
        plan.append((random_time(rng), None, visitor))
    plan.sort(key=lambda p: p[0])
    for number, (moment, customer, guest) in enumerate(plan, start=1):
        local_store = store_cities.get(customer.city) if customer else None
        if customer is None:
            channel = rng.choice(("webshop", "webshop", "marketplace"))
        elif local_store and rng.random() < 0.6:
            channel = "store"
        else:
            channel = rng.choices(("webshop", "marketplace", "phone", "store"), weights=(70, 14, 8, 8))[0]
        store = (local_store or rng.choice(story.stores)) if channel == "store" else None
        if store:
            moment = moment.replace(hour=rng.randint(8, 16))
        email = customer.email if customer else guest.email if guest else ""
        for line_no, (product, qty) in enumerate(_basket(rng, story.products, moment.month), start=1):
            discount = Decimal(0)
            if moment.month == 7 and product.category in ("Tents", "Backpacks"):
                discount = product.price * qty * Decimal("0.15")
            elif customer and customer.loyalty_card and channel == "store" and rng.random() < 0.2:
                discount = product.price * qty * Decimal("0.05")
            rows.append(
                [
                    f"O-2026-{number:05d}",
                    str(line_no),
                    iso_z(moment, millis=False),
                    customer.customer_id if customer else "",
                    email,
                    channel,
                    store.store_id if store else "",
                    product.sku,
                    str(qty),
                    _money(product.price),
                    "EUR",
                    _money(discount),
                ]
            )
    return rows


_VISIT_NOTES = {
    "any": (
        "Probefahrt {bike}, Interesse an Finanzierung",
        "Beratung Zelt: Fjord 2 vs. Fjord 3",
        "Inspektion abgeholt",
        "Test ride {bike}, will decide after the weekend",
        "Rückgabe Vidde 28, Größe passt nicht",
        "Reklamation Reißverschluss Sturmjacke, Ersatz bestellt",
        "Schlafsack Polarnacht anprobiert, kommt wieder",
        "Asked about JobRad leasing for {bike}",
        "Helm Lumen gekauft, Beratung Kindersitz",
        "Nur umgesehen",
    ),
    8: ("Display zeigt 0 km nach Update 2.3, Kunde verärgert", "Firmware-Problem Aurora, Rückruf Werkstatt vereinbart"),
    9: ("Firmware 2.3.1 aufgespielt, Reichweite ok", "Firmware 2.3.1 installed, customer happy"),
    10: ("Probefahrt Borealis 2027, Vorbestellung überlegt", "Borealis 2027 vorbestellt, Anzahlung 500 EUR"),
}


def _visits(rng: random.Random, story: Story) -> list[list[str]]:
    rows: list[list[str]] = []
    carded = [c for c in story.customers if c.loyalty_card]
    moments = sorted(_store_time(rng) for _ in range(300))
    for number, moment in enumerate(moments, start=1):
        customer = rng.choice(carded if rng.random() < 0.8 else story.customers)
        store = next((s for s in story.stores if s.city == customer.city), None) or rng.choice(story.stores)
        special = _VISIT_NOTES.get(moment.month, ())
        note = rng.choice(special if special and rng.random() < 0.35 else _VISIT_NOTES["any"])
        bike = rng.choice(("Aurora City", "Polaris 625", "Borealis", "Fjordrunner Cargo"))
        card_only = customer.loyalty_card and rng.random() < 0.15
        rows.append(
            [
                f"V-{number:05d}",
                iso_z(moment, millis=False),
                store.store_id,
                "" if card_only else customer.customer_id,
                customer.loyalty_card,
                note.format(bike=bike),
            ]
        )
    return rows


_AGENTS = ("Sabine Krüger", "Marco Rossi", "Elif Demir", "Jan Petersen", "Nadine Vogt", "Chris Meyer")
_REASONS = {
    "delivery_status": (
        "Lieferstatus Bestellung angefragt, Sendungsnummer mitgeteilt",
        "Asked where the tent order is, shipped tomorrow",
    ),
    "complaint": (
        "Beschwerde über lange Wartezeit in der Hotline",
        "Kratzer am Rahmen bei Lieferung, Austausch angeboten",
    ),
    "warranty": (
        "Akku lädt nicht mehr, Garantiefall angelegt",
        "Reißverschluss defekt, Garantie, Versandlabel geschickt",
    ),
    "product_question": (
        "Frage Kompatibilität Akku 625 mit Polaris 2024",
        "Kindersitz auf Gepäckträger Polaris? Ja, bis 27 kg",
    ),
    "return": ("Retoure Vidde 28 angemeldet", "Return of Glut down jacket, wrong size"),
    "sales": ("Interesse an Fjordrunner Cargo, Probefahrt Hamburg gebucht", "JobRad-Leasing Anfrage für Polaris"),
    "cancellation": ("Storniert Bestellung, kauft bei {comp}", "Kündigt Garantieverlängerung, unzufrieden mit Service"),
    "firmware": (
        "Reichweitenanzeige 0 km nach Firmware 2.3, Workaround Neustart erklärt",
        "Firmware 2.3.1 Termin in Filiale vereinbart",
    ),
}


def _calls(rng: random.Random, story: Story) -> list[list[str]]:
    rows: list[list[str]] = []
    moments = sorted(random_time(rng).replace(hour=rng.randint(6, 18)) for _ in range(300))
    for number, moment in enumerate(moments, start=1):
        weights = [20, 14, 12, 18, 8, 10, 4, 30 if moment.month in (8, 9) else 2]
        if moment.month == 6:
            weights[0] += 20
        reason = rng.choices(list(_REASONS), weights=weights)[0]
        known = rng.random() < 0.85
        customer = rng.choice(story.customers)
        phone = customer.phone if known else f"+49 {rng.randint(150, 179)} {rng.randint(1000000, 9999999)}"
        direction = "outbound" if rng.random() < 0.2 else "inbound"
        notes = rng.choice(_REASONS[reason]).format(comp=COMPETITORS[0])
        rows.append(
            [
                f"CALL-{number:06d}",
                iso_z(moment, millis=False),
                customer.customer_id if known else "",
                phone,
                direction,
                str(int(rng.lognormvariate(5.3, 0.7)) + 20),
                rng.choice(_AGENTS),
                reason,
                notes,
            ]
        )
    return rows


_QUESTIONS = (
    ("Q1", "How likely are you to recommend Nordlicht to a friend? (0-10)"),
    ("Q2", "Which Nordlicht product do you use most?"),
    ("Q3", "What is the most you would pay for an e-trekking bike with a 625 Wh battery? (EUR)"),
    ("Q4", "What should Nordlicht improve first?"),
    ("Q5", "Which other brands did you consider?"),
)
_IMPROVE = (
    "Faster answers from customer service",
    "Software updates that don't break things",
    "Mehr Filialen im Süden",
    "Lower prices for spare batteries",
    "A proper app for the e-bike",
    "Lieferzeiten im Webshop",
    "Nothing, keep going!",
    "Mehr Farben bitte",
    "Longer opening hours in Wien",
)


def _panel(rng: random.Random, story: Story) -> list[list[str]]:
    rows: list[list[str]] = []
    respondents: list[tuple[Customer | None, str]] = [(c, c.email) for c in rng.sample(story.customers, 70)]
    respondents += [(None, p.email) for p in rng.sample([p for p in story.personas if p.kind == "prospect"], 30)]
    counter = 0
    for number, (customer, email) in enumerate(respondents, start=1):
        answered = datetime(2026, 9, 1, tzinfo=START.tzinfo) + timedelta(minutes=rng.randint(0, 20 * 24 * 60))
        unhappy = rng.random() < 0.25
        product = rng.choice(story.products)
        answers = (
            str(rng.randint(2, 6) if unhappy else rng.randint(7, 10)),
            product.name if customer else "none yet",
            str(rng.randrange(1800, 3900, 100)),
            rng.choice(_IMPROVE[:2] if unhappy else _IMPROVE),
            rng.choice(("Voltaro", "Trailmark", "Voltaro, Trailmark", "none", "none")),
        )
        for (qid, question), answer in zip(_QUESTIONS, answers, strict=True):
            counter += 1
            rows.append(
                [
                    f"PR-{counter:05d}",
                    "ebike-panel-2026-09",
                    f"R{number:03d}",
                    customer.customer_id if customer else "",
                    email,
                    iso_z(answered + timedelta(seconds=20 * int(qid[1])), millis=False),
                    qid,
                    question,
                    answer,
                ]
            )
    return rows


def write_csv(out: Path, rng: random.Random, story: Story) -> list[Path]:
    folder = out / "csv"
    products = [
        [p.sku, p.name, p.category, _money(p.price), "EUR", "|".join(p.aliases), p.description] for p in story.products
    ]
    customers = [
        [
            c.customer_id,
            c.name,
            c.email,
            c.phone,
            c.city,
            c.country,
            c.loyalty_card,
            c.joined_at.isoformat(),
            "yes" if c.consent_marketing else "no",
        ]
        for c in story.customers
    ]
    return [
        _write(folder / "products.csv", "products", products),
        _write(folder / "customers.csv", "customers", customers),
        _write(folder / "orders.csv", "orders", _orders(rng, story)),
        _write(folder / "store_visits.csv", "store_visits", _visits(rng, story)),
        _write(folder / "calls.csv", "calls", _calls(rng, story)),
        _write(folder / "panel.csv", "panel", _panel(rng, story)),
    ]
