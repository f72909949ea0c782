"""E-mail as mbox files and a review blog as RSS 2.0 with an Atom comments feed.

Why these details: mail is built with the standard ``email`` package, so headers with umlauts or kanji
come out as RFC 2047 encoded words, HTML parts sit in ``multipart/alternative``, replies carry
``In-Reply-To`` and ``References``, and the mbox ``From_`` lines and ``>From`` quoting are the classic
ones. The blog is an independent reviewer's RSS 2.0 feed (``guid`` = permalink, ``dc:creator``,
``wfw:commentRss``); its comments come as Atom entries whose ``thr:in-reply-to`` (RFC 4685) points at the
review's guid or at the comment answered.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta, timezone
from email.generator import BytesGenerator
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from kith.demo import phrases
from kith.demo.catalogue import Product
from kith.demo.conversation import Msg, Thread, build_dialogues, build_threads, plain, segments
from kith.demo.ids import Ids
from kith.demo.story import COMPETITORS, DOMAIN, Persona, Story, iso_z

_GREET = {
    "de": ("Hallo Nordlicht-Team,", "Viele Grüße"),
    "en": ("Hello,", "Best regards,"),
    "fr": ("Bonjour,", "Cordialement,"),
    "es": ("Hola:", "Saludos,"),
    "ja": ("ノルトリヒト御中", "よろしくお願いいたします。"),
}
_AGENT_GREET = {
    "de": ("Hallo {first},", "vielen Dank für deine Nachricht.", "Freundliche Grüße"),
    "en": ("Hi {first},", "thank you for your message.", "Kind regards,"),
    "fr": ("Bonjour {first},", "merci pour votre message.", "Cordialement,"),
    "es": ("Hola {first}:", "gracias por tu mensaje.", "Un saludo,"),
    "ja": ("{first}様", "お問い合わせありがとうございます。", "よろしくお願いいたします。"),
}
_OPENING = re.compile(
    r"^(?:(?:Hi|Hallo|Hello|Bonjour|Hola|Sorry|Thank you|Thanks|Danke dir|Danke|Merci|Gracias|Got it|Alles klar),?"
    r" [^,!.]+[,!.]\s*|[^、]+様、)"
)
_SIGNATURE = "Nordlicht Outdoor GmbH · Hafenstraße 12 · 20457 Hamburg · www.nordlicht.example"


def _local(moment: datetime) -> datetime:
    """Senders in Central Europe write in local time (summer time until 25 October 2026)."""
    hours = 2 if moment < datetime(2026, 10, 25, 1, tzinfo=UTC) else 1
    return moment.astimezone(timezone(timedelta(hours=hours)))


def _subject(msg: Msg) -> str:
    text = plain(segments(msg, None, tags=False))
    first = text.split(". ")[0].split("? ")[0].rstrip(".!")
    return first if len(first) <= 70 else first[:67].rsplit(" ", 1)[0] + " …"


_MAIL_WORDING = (
    ("Thanks, DM sent.", "Thanks, the order number is NL-{n}."),
    ("Danke, DM ist raus.", "Danke, die Bestellnummer ist NL-{n}."),
    ("DM sent two days ago, no reply.", "I sent everything two days ago, no reply."),
    ("ありがとうございます、DMしました。", "ありがとうございます。注文番号はNL-{n}です。"),
    ("by DM", "in your reply"),
    ("per DM", "per Mail"),
    ("Could you DM us", "Could you send us"),
    ("en message privé", "en réponse à ce message"),
    ("por mensaje privado", "respondiendo a este correo"),
    ("DMで", "ご返信にて"),
)


def _mail_wording(rng: random.Random, text: str) -> str:
    """Social-media phrasing ("DM us") reads oddly in a mail; say it the way people write mail."""
    for social, mail in _MAIL_WORDING:
        text = text.replace(social, mail.replace("{n}", str(rng.randint(260000, 269999))))
    return text


def _body(rng: random.Random, msg: Msg, person: Persona, team: str | None, quoted: str | None) -> str:
    text = _mail_wording(rng, plain(segments(msg, None, tags=False)))
    if team:
        greet, thanks, close = _AGENT_GREET.get(msg.lang, _AGENT_GREET["en"])
        core, _, agent = text.rpartition("– ")
        core = _OPENING.sub("", core.strip())
        core = core[:1].upper() + core[1:]
        first = person.name if person.lang == "ja" else person.first
        body = f"{greet.format(first=first)}\n\n{thanks} {core}\n\n{close}\n{agent}\n{team}\n{_SIGNATURE}\n"
    else:
        hello, bye = _GREET.get(msg.lang, _GREET["en"])
        extra = ""
        if person.customer is not None and rng.random() < 0.15:
            extra = f"\n\n{'Kundennummer' if msg.lang == 'de' else 'Customer number'}: {person.customer.customer_id}"
        body = f"{hello}\n\n{text}{extra}\n\n{bye}\n{person.name}\n"
    if quoted:
        body += "\n" + "\n".join(f"> {line}" if line else ">" for line in quoted.splitlines()) + "\n"
    return body


def _html(text: str) -> str:
    paragraphs = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in text.split("\n\n") if p)
    return f'<!DOCTYPE html><html><body style="font-family:Arial,sans-serif">{paragraphs}</body></html>\n'


def _message(rng: random.Random, ids: Ids, thread: Thread, mailbox: str) -> list[tuple[datetime, str, bytes]]:
    person = thread.root.author
    subject = _subject(thread.root)
    out: list[tuple[datetime, str, bytes]] = []
    chain: list[str] = []
    previous_body: str | None = None
    for index, msg in enumerate(thread.messages):
        company = msg.author.kind == "company"
        sender_domain = DOMAIN if company else person.email.split("@", 1)[1]
        message_id = f"<{ids.token(12)}.{ids.token(6)}@{'mail.' + sender_domain}>"
        agent_name = "Nordlicht Kundenservice" if mailbox == "service" else "Nordlicht Vertrieb"
        quoted = previous_body if index and rng.random() < 0.7 else None
        body = _body(rng, msg, person, agent_name if company else None, quoted)
        mail = EmailMessage()
        mail["From"] = Address(agent_name, mailbox, DOMAIN) if company else Address(person.name, addr_spec=person.email)
        mail["To"] = Address(person.name, addr_spec=person.email) if company else Address(agent_name, mailbox, DOMAIN)
        mail["Subject"] = subject if index == 0 else f"{'AW' if msg.lang == 'de' and not company else 'Re'}: {subject}"
        mail["Date"] = format_datetime(_local(msg.at) if not company else msg.at.astimezone(UTC))
        mail["Message-ID"] = message_id
        if chain:
            mail["In-Reply-To"] = chain[-1]
            mail["References"] = " ".join(chain[-5:])
        mail.set_content(body)
        if company or rng.random() < 0.25:
            mail.add_alternative(_html(body), subtype="html")
        if not company and index == 0 and msg.theme == "complaint" and rng.random() < 0.12:
            photo = bytes([0xFF, 0xD8, 0xFF, 0xE0]) + rng.randbytes(180) + bytes([0xFF, 0xD9])
            mail.add_attachment(photo, maintype="image", subtype="jpeg", filename="foto.jpg")
        for number, part in enumerate(p for p in mail.walk() if p.is_multipart()):
            part.set_boundary(f"=_nl{number}_{ids.token(24)}")
        chain.append(message_id)
        previous_body = body
        sender = f"{mailbox}@{DOMAIN}" if company else person.email
        out.append((msg.at, sender, _bytes(mail)))
    return out


def _bytes(mail: EmailMessage) -> bytes:
    buffer = BytesIO()
    BytesGenerator(buffer, mangle_from_=True).flatten(mail)
    return buffer.getvalue()


def _mbox(path: Path, messages: list[tuple[datetime, str, bytes]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    messages.sort(key=lambda m: m[0])
    with path.open("wb") as handle:
        for moment, sender, raw in messages:
            when = moment.astimezone(UTC)
            handle.write(f"From {sender} {when:%a %b} {when.day:2d} {when:%H:%M:%S %Y}\n".encode())
            handle.write(raw if raw.endswith(b"\n") else raw + b"\n")
            handle.write(b"\n")
    return path


def write_email(out: Path, rng: random.Random, story: Story) -> list[Path]:
    ids = Ids(rng)
    customers = [p for p in story.personas if p.customer is not None]
    prospects = [p for p in story.personas if p.kind == "prospect"]
    files: list[Path] = []
    service = ("complaint", "question", "question", "churn", "complaint")
    sales = ("intent", "price", "question", "competitor")
    for mailbox, pool, count, name, themes in (
        ("service", customers, 56, "support.mbox", service),
        ("sales", prospects, 18, "sales.mbox", sales),
    ):
        dialogues = build_dialogues(rng, story, "email", count, pool, themes)
        messages = [m for d in dialogues for m in _message(rng, ids, d, mailbox)]
        files.append(_mbox(out / "email" / name, messages))
    return files


BLOG = "https://akku-abenteuer.example"
_REVIEW_TITLES = {
    "de": (
        "Im Test: {name}",
        "Langzeittest: {name} nach {km} km",
        "{name} gegen {comp}: der Vergleich",
        "Erster Eindruck: {name}",
    ),
    "en": (
        "Review: {name}",
        "Long-term test: {name} after {km} km",
        "{name} vs {comp}: which one?",
        "First look: {name}",
    ),
}
_VERDICT = {
    "de": (
        "Unterm Strich: viel Gerät fürs Geld, mit kleinen Schwächen im Detail.",
        "Klare Empfehlung für Pendler.",
        "Die Verarbeitung überzeugt, der Preis ist sportlich.",
        "Nach dem Update 2.3 nervte die Reichweitenanzeige, 2.3.1 hat es behoben.",
    ),
    "en": (
        "Bottom line: lots of kit for the money, with a few rough edges.",
        "An easy recommendation for commuters.",
        "Build quality impresses; the price is ambitious.",
        "Firmware 2.3 broke the range display, 2.3.1 fixed it.",
    ),
}


def _review(rng: random.Random, product: Product, lang: str, moment: datetime) -> tuple[str, str]:
    title = rng.choice(_REVIEW_TITLES[lang]).format(
        name=f"Nordlicht {product.name}",
        km=rng.choice((500, 1000, 2000)),
        comp=COMPETITORS[0] if product.kind == "bike" else COMPETITORS[1],
    )
    price = phrases.money(product.price, lang)
    intro = f"{product.description} Preis: {price}." if lang == "de" else f"{product.description} Price: {price}."
    verdicts = [
        v for v in _VERDICT[lang] if "2.3" not in v or (product.sku.startswith("NL-EB-100") and moment.month >= 9)
    ]
    score = rng.choice(("7/10", "8/10", "8,5/10" if lang == "de" else "8.5/10", "9/10"))
    return title, f"<p>{escape(intro)}</p><p>{escape(rng.choice(verdicts))}</p><p><strong>{score}</strong></p>"


def write_feeds(out: Path, rng: random.Random, story: Story) -> list[Path]:
    threads = build_threads(
        rng,
        story,
        "feeds",
        27,
        company_share=1.0,
        comments_under_company=(3, 8),
        company_rate=0.45,
        tag_chance=0.0,
        topics=True,
    )
    items: list[str] = []
    entries: list[tuple[datetime, str]] = []
    authors = ("Katrin Albers", "Malte Sörensen")
    for number, thread in enumerate(threads):
        root = thread.root
        lang = "de" if rng.random() < 0.6 else "en"
        product = root.product or story.products[0]
        title, description = _review(rng, product, lang, root.at)
        slug = f"{root.at:%Y/%m}/{product.sku.lower()}-{number + 1}"
        link = f"{BLOG}/{slug}/"
        comment_ids = [link] + [
            f"tag:akku-abenteuer.example,2026:comment-{number + 1}-{i}" for i in range(1, len(thread.messages))
        ]
        items.append(
            f"    <item>\n      <title>{escape(title)}</title>\n      <link>{link}</link>\n"
            f'      <guid isPermaLink="true">{link}</guid>\n'
            f"      <pubDate>{format_datetime(root.at.astimezone(UTC))}</pubDate>\n"
            f"      <dc:creator><![CDATA[{rng.choice(authors)}]]></dc:creator>\n"
            f"      <category>{escape(product.category)}</category>\n"
            f"      <category>Nordlicht</category>\n      <description>{escape(description)}</description>\n"
            f"      <comments>{link}#comments</comments>\n      <wfw:commentRss>{link}feed/</wfw:commentRss>\n"
            f"      <slash:comments>{len(thread.messages) - 1}</slash:comments>\n    </item>\n"
        )
        for index in range(1, len(thread.messages)):
            entries.append((thread.messages[index].at, _entry(thread, index, comment_ids, link)))
    items.reverse()
    rss = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
        'xmlns:slash="http://purl.org/rss/1.0/modules/slash/">\n  <channel>\n    <title>Akku &amp; Abenteuer</title>\n'
        f"    <link>{BLOG}/</link>\n    <description>Unabhängige Tests: E-Bikes und Outdoor-Ausrüstung</description>\n"
        f'    <language>de-DE</language>\n    <atom:link rel="self" type="application/rss+xml" href="{BLOG}/feed/"/>\n'
        + "".join(items)
        + "  </channel>\n</rss>\n"
    )
    entries.sort(key=lambda e: e[0], reverse=True)
    atom = (
        "<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:thr='http://purl.org/syndication/thread/1.0'>\n"
        "  <id>tag:akku-abenteuer.example,2026:comments</id>\n"
        "  <title type='text'>Kommentare: Akku &amp; Abenteuer</title>\n"
        f"  <updated>{iso_z(entries[0][0], millis=False)}</updated>\n"
        f"  <link rel='self' type='application/atom+xml' href='{BLOG}/comments/feed/atom/'/>\n"
        f"  <link rel='alternate' type='text/html' href='{BLOG}/'/>\n" + "".join(e for _, e in entries) + "</feed>\n"
    )
    (out / "feeds").mkdir(parents=True, exist_ok=True)
    rss_path, atom_path = out / "feeds" / "reviews.rss.xml", out / "feeds" / "reviews-comments.atom.xml"
    rss_path.write_text(rss, encoding="utf-8")
    atom_path.write_text(atom, encoding="utf-8")
    return [rss_path, atom_path]


def _entry(thread: Thread, index: int, ids: list[str], link: str) -> str:
    msg = thread.messages[index]
    text = plain(segments(msg, None, tags=False))
    name = "Nordlicht Team" if msg.author.kind == "company" else msg.author.name
    parent = msg.parent or 0
    anchor = ids[index].rsplit(":", 1)[1]
    parent_href = link if parent == 0 else f"{link}#{ids[parent].rsplit(':', 1)[1]}"
    title = text if len(text) <= 40 else text[:37].rstrip() + "..."
    when = iso_z(msg.at, millis=False)
    return (
        f"  <entry>\n    <id>{ids[index]}</id>\n    <published>{when}</published>\n    <updated>{when}</updated>\n"
        f"    <title type='text'>{escape(title)}</title>\n"
        f"    <content type='html'>{escape('<p>' + escape(text) + '</p>')}</content>\n"
        f"    <link rel='alternate' type='text/html' href={quoteattr(link + '#' + anchor)}/>\n"
        f"    <author><name>{escape(name)}</name></author>\n"
        f"    <thr:in-reply-to ref={quoteattr(ids[parent])} href={quoteattr(parent_href)} type='text/html'/>\n"
        "  </entry>\n"
    )
