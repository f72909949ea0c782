"""Nordlicht's catalogue, stores and the name pools of its customers (data for the demo story).

Why here: the product table and the name pools are long data; keeping them apart from the logic that
builds the cast (``story``) keeps both short. Prices are EUR; aliases are the nicknames people use.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    category: str
    price: Decimal
    aliases: tuple[str, ...]
    description: str
    kind: str  # bike | part | gear | service: picks the phrases that fit

    def short(self, rng: random.Random) -> str:
        """How people name it in a post: the official name or one of its nicknames."""
        return self.name if rng.random() < 0.45 else rng.choice(self.aliases)


@dataclass(frozen=True)
class Store:
    store_id: str
    name: str
    city: str
    country: str
    utc_offset: int  # hours in summer time: opening hours are local


def _p(sku: str, name: str, cat: str, price: str, aliases: str, desc: str, kind: str) -> Product:
    return Product(sku, name, cat, Decimal(price), tuple(aliases.split("|")), desc, kind)


PRODUCTS: tuple[Product, ...] = (
    _p(
        "NL-EB-1001",
        "Aurora City",
        "E-Bikes",
        "2499.00",
        "Aurora|Aurora 500|Aurora City E-Bike",
        "Urban e-bike, 500 Wh battery, belt drive, integrated lights.",
        "bike",
    ),
    _p(
        "NL-EB-1002",
        "Aurora City Step-Through",
        "E-Bikes",
        "2549.00",
        "Aurora ST|Aurora Tiefeinsteiger",
        "The Aurora City with a low step-through frame.",
        "bike",
    ),
    _p(
        "NL-EB-1101",
        "Polaris E-Trekking 625",
        "E-Bikes",
        "3299.00",
        "Polaris|Polaris 625|Pola",
        "Touring e-bike with 625 Wh battery, rack for 27 kg and suspension fork.",
        "bike",
    ),
    _p(
        "NL-EB-1201",
        "Borealis E-MTB",
        "E-Bikes",
        "4199.00",
        "Borealis|Bori|Borealis MTB",
        "Full-suspension e-mountain bike, 150 mm travel.",
        "bike",
    ),
    _p(
        "NL-EB-1202",
        "Borealis E-MTB 2027",
        "E-Bikes",
        "4499.00",
        "Borealis 2027|new Borealis|Bori 27",
        "2027 model: 750 Wh battery, new motor, pre-order from October 2026.",
        "bike",
    ),
    _p(
        "NL-EB-1301",
        "Fjordrunner Cargo",
        "E-Bikes",
        "4899.00",
        "Fjordrunner|cargo bike|Lastenrad",
        "Long-tail cargo e-bike for two children or 80 kg of shopping.",
        "bike",
    ),
    _p(
        "NL-EA-2001",
        "Akku 625 Wh",
        "E-Bike Parts",
        "749.00",
        "625 battery|big battery|Akku 625",
        "Spare 625 Wh battery for Polaris and Borealis.",
        "part",
    ),
    _p(
        "NL-EA-2002",
        "Akku 500 Wh",
        "E-Bike Parts",
        "599.00",
        "500 battery|Akku 500",
        "Spare 500 Wh battery for the Aurora range.",
        "part",
    ),
    _p(
        "NL-EA-2101",
        "Fast Charger 4A",
        "E-Bike Parts",
        "129.00",
        "fast charger|Schnelllader|4A charger",
        "Charges a 625 Wh battery in 3.5 hours.",
        "part",
    ),
    _p(
        "NL-EA-2201",
        "Display Pro",
        "E-Bike Parts",
        "189.00",
        "display|Display Pro|Nordlicht display",
        "Colour display with navigation and range estimate.",
        "part",
    ),
    _p(
        "NL-EA-2301",
        "Hurtig Pannier Set",
        "Accessories",
        "139.00",
        "Hurtig|Hurtig panniers|panniers",
        "Two 20 l waterproof panniers with quick-release hooks.",
        "gear",
    ),
    _p(
        "NL-EA-2401",
        "Lumen MIPS Helmet",
        "Accessories",
        "119.00",
        "Lumen|Lumen helmet",
        "Commuter helmet with MIPS liner and rear light.",
        "gear",
    ),
    _p(
        "NL-TE-3001",
        "Fjord 2 Tent",
        "Tents",
        "349.00",
        "Fjord 2|Fjord|Fjord tent",
        "Two-person tunnel tent, 2.4 kg, 3,000 mm hydrostatic head.",
        "gear",
    ),
    _p(
        "NL-TE-3002",
        "Fjord 3 Tent",
        "Tents",
        "429.00",
        "Fjord 3|Fjord three",
        "Three-person tunnel tent with a large vestibule.",
        "gear",
    ),
    _p(
        "NL-TE-3101",
        "Skjær UL 1 Tent",
        "Tents",
        "479.00",
        "Skjær|Skjaer|UL1",
        "Ultralight one-person tent, 980 g.",
        "gear",
    ),
    _p(
        "NL-AP-4001",
        "Sturm 3L Shell Jacket",
        "Apparel",
        "289.00",
        "Sturm|Sturm jacket|Sturmjacke",
        "Three-layer waterproof shell, 20,000 mm.",
        "gear",
    ),
    _p("NL-AP-4002", "Brise Wind Shirt", "Apparel", "99.00", "Brise|Brise shirt", "Packable wind shirt, 85 g.", "gear"),
    _p(
        "NL-AP-4101",
        "Glut Down Jacket",
        "Apparel",
        "239.00",
        "Glut|Glut down|Daunenjacke Glut",
        "RDS down jacket, 700 cuin.",
        "gear",
    ),
    _p(
        "NL-AP-4201",
        "Tundra Merino Base Layer",
        "Apparel",
        "79.00",
        "Tundra|Tundra merino",
        "Merino long-sleeve, 200 g/m².",
        "gear",
    ),
    _p(
        "NL-PK-5001",
        "Vidde 45 Backpack",
        "Backpacks",
        "189.00",
        "Vidde|Vidde 45",
        "Trekking pack, 45 l, adjustable back.",
        "gear",
    ),
    _p(
        "NL-PK-5002",
        "Vidde 28 Daypack",
        "Backpacks",
        "119.00",
        "Vidde 28|daypack",
        "Daypack with rain cover and hydration sleeve.",
        "gear",
    ),
    _p(
        "NL-SL-6001",
        "Polarnacht -10 Sleeping Bag",
        "Sleeping",
        "259.00",
        "Polarnacht|Polarnacht bag",
        "Down sleeping bag, comfort -4 °C, limit -10 °C.",
        "gear",
    ),
    _p(
        "NL-SL-6101",
        "Moos Sleeping Mat",
        "Sleeping",
        "89.00",
        "Moos|Moos mat",
        "Self-inflating mat, R-value 4.2.",
        "gear",
    ),
    _p("NL-LI-7001", "Lykt 900 Headlamp", "Lights", "59.00", "Lykt|Lykt 900", "900 lumen USB-C headlamp.", "gear"),
    _p(
        "NL-SV-9001",
        "E-Bike Inspection",
        "Service",
        "89.00",
        "inspection|Inspektion|service check",
        "Annual inspection with firmware update and safety check.",
        "service",
    ),
    _p(
        "NL-SV-9002",
        "Battery Warranty Plus 3y",
        "Service",
        "99.00",
        "warranty plus|extended warranty",
        "Extends the battery warranty to five years.",
        "service",
    ),
)

STORES: tuple[Store, ...] = (
    Store("S01", "Nordlicht Hamburg Flagship", "Hamburg", "DE", 2),
    Store("S02", "Nordlicht Berlin Kreuzberg", "Berlin", "DE", 2),
    Store("S03", "Nordlicht München", "München", "DE", 2),
    Store("S04", "Nordlicht Köln", "Köln", "DE", 2),
    Store("S05", "Nordlicht Wien", "Wien", "AT", 2),
    Store("S06", "Nordlicht Zürich", "Zürich", "CH", 2),
)

# nationality -> (weight, lang, country, cities, first names, last names); Japanese names are "kanji/romaji"
PEOPLE: dict[str, tuple[int, str, str, str, str, str]] = {
    "de": (
        60,
        "de",
        "DE",
        "Hamburg|Berlin|München|Köln|Frankfurt am Main|Leipzig|Bremen|Hannover|Freiburg|Kiel",
        "Lena|Jonas|Mia|Lukas|Hannah|Felix|Laura|Tobias|Sophie|Jan|Anna|Paul|Katrin|Moritz|Julia|Sebastian|"
        "Marie|Florian|Sarah|Tim|Lea|Niklas|Svenja|Max|Jana|Philipp|Anja|Stefan|Clara|Matthias|Ayşe|Emre|"
        "Elif|Deniz|Katarzyna|Piotr",
        "Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz|Hoffmann|Koch|Richter|Klein|"
        "Wolf|Schröder|Neumann|Schwarz|Zimmermann|Braun|Krüger|Hofmann|Hartmann|Lange|Schmitt|Werner|"
        "Krause|Lehmann|Köhler|Yılmaz|Kaya|Nowak|Petersen|Jensen|Brandt|Vogel|Friedrich",
    ),
    "at": (
        10,
        "de",
        "AT",
        "Wien|Graz|Linz|Salzburg|Innsbruck",
        "Lukas|Anna|David|Magdalena|Florian|Theresa|Elias|Valentina|Fabian|Katharina",
        "Gruber|Huber|Bauer|Wagner|Pichler|Steiner|Moser|Mayer|Hofer|Leitner",
    ),
    "ch": (
        5,
        "de",
        "CH",
        "Zürich|Bern|Basel|Luzern|Winterthur",
        "Noah|Lara|Luca|Nina|Jonas|Alina|Reto|Céline|Urs|Seraina",
        "Meier|Keller|Brunner|Baumann|Frei|Gerber|Widmer|Fontana|Zürcher|Graf",
    ),
    "nl": (
        4,
        "en",
        "NL",
        "Amsterdam|Utrecht|Rotterdam|Groningen",
        "Daan|Sanne|Bram|Femke|Thijs|Lotte|Ruben|Iris",
        "de Vries|Jansen|van Dijk|Bakker|Visser|Smit|de Boer|Mulder",
    ),
    "fr": (
        6,
        "fr",
        "FR",
        "Lyon|Paris|Strasbourg|Grenoble|Annecy",
        "Camille|Lucas|Chloé|Hugo|Manon|Théo|Léa|Mathieu|Élodie|Antoine",
        "Martin|Bernard|Dubois|Lefèvre|Moreau|Girard|Fournier|Rousseau|Lambert|Chevalier",
    ),
    "es": (
        5,
        "es",
        "ES",
        "Barcelona|Madrid|Valencia|Bilbao|Girona",
        "Lucía|Pablo|Marta|Javier|Carmen|Álvaro|Sofía|Diego|Elena|Iker",
        "García|Fernández|López|Martínez|Sánchez|Romero|Navarro|Iglesias|Ortega|Castillo",
    ),
    "gb": (
        4,
        "en",
        "GB",
        "London|Edinburgh|Bristol|Manchester|Leeds",
        "Oliver|Emily|Harry|Charlotte|George|Amelia|Jack|Isla|Thomas|Grace",
        "Smith|Jones|Taylor|Brown|Wilson|Evans|Thomas|Roberts|Walker|Wright",
    ),
    "jp": (
        4,
        "ja",
        "DE",
        "Düsseldorf|Frankfurt am Main|München",
        "花子/Hanako|健太/Kenta|美咲/Misaki|翔/Sho|由美/Yumi|大輔/Daisuke|さくら/Sakura|亮/Ryo",
        "山田/Yamada|佐藤/Sato|鈴木/Suzuki|高橋/Takahashi|田中/Tanaka|伊藤/Ito|渡辺/Watanabe|中村/Nakamura",
    ),
}
BIO_BITS = {
    "en": (
        "Commuter, coffee, cold mornings.",
        "Weekend bikepacker.",
        "Dad of two, cargo bike convert.",
        "Hiking the Alps whenever I can.",
        "Engineer by day, camper by night.",
        "Slow traveller.",
    ),
    "de": (
        "Pendlerin mit Akku.",
        "Draußen ist's am schönsten.",
        "Radfahren, Kaffee, Nordsee.",
        "Wochenend-Wanderer.",
        "Papa, Lastenrad, Hund.",
        "Immer unterwegs.",
    ),
    "fr": ("Vélotaf et randonnées.", "Montagne, café, vélo."),
    "es": ("Ciclista urbano.", "Montaña y café."),
    "ja": ("自転車とキャンプが好き。", "デュッセルドルフ在住。"),
}
