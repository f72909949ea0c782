"""What the demo's people say: templates per theme and language, filled with products, stores and prices.

Why templates with slots rather than canned posts: the same complaint about the same product would
repeat verbatim thousands of times and make the demo look fake; slots (product nickname, price in the
writer's locale, store city, competitor) plus the month's events give enough variety to feel real
while keeping the themes a Social CRM must surface (complaints, questions, praise, ideas, purchase
intent, willingness to pay, churn threats, competitor talk, spam, off-topic chatter).
A template may start with ``bike:``, ``gear:``, ``part:`` or ``service:`` to ask for such a product.
``{brand}`` is left in the text; each network's writer replaces it with the company's handle there.
"""

from __future__ import annotations

import random
import re
from decimal import Decimal

from kith.demo.catalogue import Product
from kith.demo.phrase_bank import T
from kith.demo.phrase_replies import (
    AGENTS,
    COMPANY,
    COMPANY_FOR_THEME,
    COMPANY_POSTS,
    EVENTS,
    FACTS,
    MONTH_POSTS,
    REPLY,
)

__all__ = ["COMPANY_FOR_THEME", "company_post", "company_text", "is_firmware", "pick_theme", "reply_text", "root_text"]
from kith.demo.story import COMPETITORS

THEMES = ("complaint", "question", "praise", "idea", "intent", "price", "churn", "competitor", "spam", "chatter")
_BASE = (16, 20, 17, 7, 9, 7, 3, 6, 4, 8)
_MONTH_BOOST: dict[int, dict[str, int]] = {
    6: {"complaint": 8},
    7: {"intent": 6, "price": 5},
    8: {"complaint": 16, "churn": 6, "competitor": 3},
    9: {"competitor": 7, "praise": 5},
    10: {"intent": 8, "price": 5},
}
EMOJI = ("😍", "👍", "🙌", "☀️", "💚", "🔥", "😅", "✨")
_KIND_EMOJI = {"bike": ("🚲", "⚡", "🔋"), "part": ("🔋", "⚡"), "gear": ("⛺", "🏔️", "🥾", "🌲"), "service": ("🔧",)}


_FIRMWARE = re.compile(r"(?<![\d.])0 ?km|2\.3")


def is_firmware(text: str) -> bool:
    """Does a post talk about the August display bug (firmware 2.3, range shown as 0 km)?"""
    return bool(_FIRMWARE.search(text))


def pick_theme(rng: random.Random, month: int) -> str:
    boost = _MONTH_BOOST.get(month, {})
    weights = [base + boost.get(theme, 0) for theme, base in zip(THEMES, _BASE, strict=True)]
    return rng.choices(THEMES, weights=weights)[0]


def money(amount: Decimal, lang: str) -> str:
    whole = f"{int(amount):,}"
    if lang == "en":
        return f"€{whole}"
    if lang == "ja":
        return f"{whole}ユーロ"
    if lang == "fr":
        return f"{whole.replace(',', ' ')} €"
    return f"{whole.replace(',', '.')} €"


def _choose_product(rng: random.Random, products: tuple[Product, ...], want: str, month: int) -> Product:
    if want == "aurora":
        pool = [p for p in products if p.sku in ("NL-EB-1001", "NL-EB-1002")]
    elif want == "new":
        pool = [p for p in products if p.sku == "NL-EB-1202"]
    else:
        launched = month >= 10  # the 2027 model exists from the October launch on
        pool = [
            p
            for p in products
            if (p.kind == want if want else p.kind != "service") and (launched or p.sku != "NL-EB-1202")
        ]
    return rng.choice(pool)


def fill(
    rng: random.Random,
    template: str,
    lang: str,
    products: tuple[Product, ...],
    store_city: str,
    product: Product | None = None,
    month: int = 5,
) -> tuple[str, Product | None]:
    """Fill a template's slots; returns the text and the product it talks about."""
    want, _, body = (
        template.partition(":")
        if template.split(":", 1)[0] in ("bike", "gear", "part", "service", "aurora", "new")
        else ("", "", template)
    )
    if product is None or want in ("aurora", "new") or (want and product.kind != want):
        product = _choose_product(rng, products, want, month)
    uses_product = "{p}" in body or "{price}" in body
    others = [p for p in products if p.category == product.category and p != product]
    second = rng.choice([p for p in others if month >= 10 or p.sku != "NL-EB-1202"] or [product])
    price2 = product.price * Decimal(rng.choice(("0.70", "0.75", "0.8", "0.85")))
    price2 = (price2 / 50).quantize(Decimal(1)) * 50 if price2 > 500 else price2.quantize(Decimal(1))
    text = body.format(
        p=product.short(rng),
        p2=second.short(rng),
        price=money(product.price, lang),
        price2=money(price2, lang),
        comp=COMPETITORS[0] if product.kind in ("bike", "part") else rng.choice(COMPETITORS),
        order=f"NL-{rng.randint(260000, 269999)}",
        days=rng.randint(5, 21),
        n=rng.randint(2, 8),
        km=rng.choice((350, 600, 800, 1200, 1500, 2000, 2400, 3100)),
        dist=rng.randint(8, 40),
        store=store_city,
        e=rng.choice(EMOJI + _KIND_EMOJI[product.kind]),
        brand="{brand}",
    )
    return text, (product if uses_product else None)


def root_text(
    rng: random.Random,
    theme: str,
    lang: str,
    month: int,
    products: tuple[Product, ...],
    store_city: str,
    topic: Product | None = None,
) -> tuple[str, Product | None]:
    """A post on ``theme``; ``topic`` is the product under discussion (a reviewed or filmed one), if any."""
    event = EVENTS.get((theme, month), {})
    if event and topic is None and rng.random() < 0.6:
        lang_event = event.get(lang) or event["en"]
        return fill(rng, rng.choice(lang_event), lang if lang in event else "en", products, store_city, month=month)
    bank = T.get(lang, T["en"])
    return fill(rng, rng.choice(bank.get(theme) or T["en"][theme]), lang, products, store_city, topic, month)


def reply_text(rng: random.Random, kind: str, lang: str, products: tuple[Product, ...], store_city: str) -> str:
    bank = REPLY.get(lang, REPLY["en"])
    options = bank.get(kind) or REPLY["en"][kind]
    return fill(rng, rng.choice(options), lang, products, store_city)[0]


def company_text(
    rng: random.Random, parent_theme: str, lang: str, name: str, month: int, firmware: bool, question: str = ""
) -> str:
    kind = "firmware" if firmware and month in (8, 9) else COMPANY_FOR_THEME.get(parent_theme, parent_theme)
    kind = kind if kind in COMPANY["en"] else "thanks"
    bank = COMPANY.get(lang, {})
    options = bank.get(kind)
    if options is None:
        lang, options = "en", COMPANY["en"][kind]
    fact = next(
        (de if lang == "de" else en for keys, en, de in FACTS if any(k in question for k in keys)),
        "Our store team can check that for you in five minutes."
        if lang != "de"
        else "Das prüft unser Filialteam gern in fünf Minuten für dich.",
    )
    return rng.choice(options).format(name=name, agent=rng.choice(AGENTS), fact=fact)


def company_post(rng: random.Random, lang: str, month: int) -> str:
    special = MONTH_POSTS.get(month)
    if special and rng.random() < 0.5:
        return special.get(lang, special["en"])
    return rng.choice(COMPANY_POSTS.get(lang, COMPANY_POSTS["en"]))
