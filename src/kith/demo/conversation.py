"""Network-neutral conversations: who said what, when, in reply to whom.

Why a neutral layer: every network threads differently (X conversation ids, Bluesky root/parent strong
refs, Reddit t1 trees, e-mail References). Building the conversations once and letting each writer
render them in its own format keeps the story consistent (the company answers complaints fast, people
follow up, threads grow under announcements) and keeps each writer about the format only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kith.demo import phrases
from kith.demo.catalogue import Product
from kith.demo.story import END, Persona, Story, later, random_time

_TAGS = {
    "bike": ("ebike", "EBike", "Pendeln", "bikelife", "Nordlicht"),
    "part": ("ebike", "Akku", "Nordlicht"),
    "gear": ("camping", "outdoor", "hiking", "Nordlicht", "Zelten"),
    "service": ("ebike", "Nordlicht"),
}
_SIDE_KIND = {
    "complaint": ("agree", "agree", "counter", "joke"),
    "churn": ("agree", "counter", "joke"),
    "question": ("answer", "answer", "agree"),
    "intent": ("answer", "cheer", "agree"),
    "praise": ("cheer", "cheer", "agree"),
    "competitor": ("counter", "agree", "joke"),
    "price": ("agree", "counter", "joke"),
    "idea": ("agree", "cheer"),
    "chatter": ("cheer", "joke"),
    "spam": ("joke",),
}


@dataclass
class Msg:
    author: Persona
    text: str  # may contain "{brand}"; writers replace it
    lang: str
    theme: str
    at: datetime
    parent: int | None = None  # index of the parent message in the thread
    product: Product | None = None
    tags: tuple[str, ...] = ()
    edited_at: datetime | None = None
    edited_text: str | None = None

    def render(self, brand: str) -> str:
        return self.text.replace("{brand}", brand)


@dataclass
class Thread:
    messages: list[Msg] = field(default_factory=list)

    @property
    def root(self) -> Msg:
        return self.messages[0]

    def shift(self, delta: timedelta) -> None:
        """Move the whole conversation in time, dropping what would fall after the demo's end."""
        keep = [i for i, m in enumerate(self.messages) if m.at + delta <= END]
        new_index = {old: new for new, old in enumerate(keep)}
        moved = [self.messages[i] for i in keep]
        for msg in moved:
            msg.at += delta
            msg.parent = new_index[msg.parent] if msg.parent is not None else None
        self.messages = moved

    def children(self, index: int) -> list[int]:
        return [i for i, m in enumerate(self.messages) if m.parent == index]


def _store_city(rng: random.Random, story: Story, persona: Persona) -> str:
    cities = [s.city for s in story.stores]
    return persona.city if persona.city in cities else rng.choice(cities)


def _tags(rng: random.Random, product: Product | None, chance: float) -> tuple[str, ...]:
    if product is None or rng.random() > chance:
        return ()
    pool = _TAGS[product.kind]
    return tuple(dict.fromkeys(rng.sample(pool, rng.randint(1, min(2, len(pool))))))


def pick_author(rng: random.Random, pool: list[Persona], exclude: Persona | None = None) -> Persona:
    choices = [p for p in pool if p is not exclude and p.kind != "spam"]
    return rng.choices(choices, weights=[p.weight for p in choices])[0]


def user_message(
    rng: random.Random,
    story: Story,
    author: Persona,
    at: datetime,
    tag_chance: float,
    theme: str | None = None,
    topic: Product | None = None,
) -> Msg:
    theme = theme or phrases.pick_theme(rng, at.month)
    lang = author.post_lang(rng)
    text, product = phrases.root_text(
        rng, theme, lang, at.month, story.products, _store_city(rng, story, author), topic
    )
    return Msg(author, text, lang, theme, at, product=product, tags=_tags(rng, product, tag_chance))


def _first_name(persona: Persona) -> str:
    return persona.name if persona.lang == "ja" else persona.first


def _company_reply(rng: random.Random, story: Story, thread: Thread, parent: int) -> None:
    msg = thread.messages[parent]
    at = later(rng, msg.at, fast=True)
    firmware = phrases.is_firmware(msg.text)
    text = phrases.company_text(rng, msg.theme, msg.lang, _first_name(msg.author), at.month, firmware, msg.text)
    _add(thread, Msg(story.company, text, msg.lang, "company", at, parent=parent))
    if rng.random() < 0.45:
        kind = "follow_ok" if rng.random() < 0.65 else "follow_bad"
        text = phrases.reply_text(rng, kind, msg.lang, story.products, _store_city(rng, story, msg.author))
        _add(thread, Msg(msg.author, text, msg.lang, "followup", later(rng, at), parent=len(thread.messages) - 1))


def _add(thread: Thread, msg: Msg) -> None:
    if msg.at <= END:
        thread.messages.append(msg)


def _side_replies(rng: random.Random, story: Story, thread: Thread, pool: list[Persona], count: int) -> None:
    root = thread.root
    for _ in range(count):
        parent = 0 if len(thread.messages) == 1 or rng.random() < 0.7 else rng.randrange(len(thread.messages))
        target = thread.messages[parent]
        author = pick_author(rng, pool, exclude=target.author)
        lang = target.lang if target.lang in ("en", author.lang) else "en"
        kind = rng.choice(_SIDE_KIND.get(root.theme, ("agree", "cheer")))
        text = phrases.reply_text(rng, kind, lang, story.products, _store_city(rng, story, author))
        _add(thread, Msg(author, text, lang, kind, later(rng, target.at), parent=parent))


def build_threads(
    rng: random.Random,
    story: Story,
    channel: str,
    n_roots: int,
    *,
    company_share: float = 0.05,
    side_weights: tuple[int, ...] = (50, 25, 12, 8, 5),
    company_rate: float = 0.5,
    comments_under_company: tuple[int, int] = (3, 9),
    tag_chance: float = 0.5,
    topics: bool = False,
) -> list[Thread]:
    """Conversations for one network: public roots by people (or the company) with their replies.

    With ``topics`` each company post is about one product (a video, a review) and most comments
    under it talk about that product.
    """
    pool = story.active_on(channel)
    spam = [p for p in story.personas if p.kind == "spam"]
    threads: list[Thread] = []
    for _ in range(n_roots):
        at = random_time(rng)
        thread = Thread()
        if rng.random() < company_share:
            lang = "de" if rng.random() < 0.5 else "en"
            topic = (
                rng.choice(
                    [p for p in story.products if p.kind != "service" and (at.month >= 10 or p.sku != "NL-EB-1202")]
                )
                if topics
                else None
            )
            thread.messages.append(
                Msg(story.company, phrases.company_post(rng, lang, at.month), lang, "announcement", at, product=topic)
            )
            for _ in range(rng.randint(*comments_under_company)):
                theme = phrases.pick_theme(rng, at.month)
                commenter = rng.choice(spam) if theme == "spam" else pick_author(rng, pool)
                about = topic if topic is not None and rng.random() < 0.7 else None
                comment = user_message(rng, story, commenter, later(rng, at), 0.0, theme, about)
                comment.parent = 0
                _add(thread, comment)
                if comment.theme in phrases.COMPANY_FOR_THEME and rng.random() < company_rate:
                    _company_reply(rng, story, thread, len(thread.messages) - 1)
        else:
            theme = phrases.pick_theme(rng, at.month)
            author = rng.choice(spam) if theme == "spam" else pick_author(rng, pool)
            thread.messages.append(user_message(rng, story, author, at, tag_chance, theme))
            rate = company_rate * (1.5 if theme in ("complaint", "churn") else 1.0)
            if theme in phrases.COMPANY_FOR_THEME and rng.random() < rate:
                _company_reply(rng, story, thread, 0)
            side = rng.choices(range(len(side_weights)), weights=side_weights)[0]
            _side_replies(rng, story, thread, pool, side if theme != "spam" else 0)
        threads.append(thread)
    threads.sort(key=lambda t: t.root.at)
    return threads


def build_dialogues(
    rng: random.Random,
    story: Story,
    channel: str,
    count: int,
    pool: list[Persona] | None = None,
    themes: tuple[str, ...] = ("complaint", "question", "question", "intent", "churn", "complaint"),
) -> list[Thread]:
    """Private conversations with the company (DMs, e-mail): alternating person / company, 2 to 6 messages."""
    pool = pool if pool is not None else story.active_on(channel)
    dialogues: list[Thread] = []
    for _ in range(count):
        person = pick_author(rng, pool)
        at = random_time(rng)
        theme = rng.choice(themes)
        thread = Thread([user_message(rng, story, person, at, 0.0, theme)])
        for step in range(rng.randint(1, 5)):
            last = thread.messages[-1]
            if step % 2 == 0:
                selling = thread.root.theme in ("intent", "price", "competitor")
                theme = thread.root.theme if step == 0 else "resolve_sales" if selling else "resolve"
                text = phrases.company_text(
                    rng,
                    theme,
                    last.lang,
                    _first_name(person),
                    last.at.month,
                    phrases.is_firmware(thread.root.text) and step == 0,
                    thread.root.text,
                )
                msg = Msg(story.company, text, last.lang, "company", later(rng, last.at, fast=True), parent=step)
            else:
                kind = "follow_ok" if rng.random() < 0.7 else "follow_bad"
                if thread.root.theme in ("intent", "price", "competitor"):
                    kind = "follow_sales"
                text = phrases.reply_text(rng, kind, last.lang, story.products, _store_city(rng, story, person))
                msg = Msg(person, text, last.lang, kind, later(rng, last.at), parent=step)
            if msg.at > END:
                break
            thread.messages.append(msg)
        dialogues.append(thread)
    dialogues.sort(key=lambda t: t.root.at)
    return dialogues


def flatten(threads: list[Thread]) -> list[tuple[Thread, int]]:
    """Every message as (thread, index), oldest first."""
    items = [(t, i) for t in threads for i in range(len(t.messages))]
    items.sort(key=lambda pair: pair[0].messages[pair[1]].at)
    return items


Segment = tuple[str, str, str]  # (kind: text|mention|tag|link, shown text, target: handle/tag/url)


def segments(
    msg: Msg, brand: str | None, reply_to: str | None = None, *, tags: bool = True, link: tuple[str, str] | None = None
) -> list[Segment]:
    """The message as pieces, so each network can mark up mentions, hashtags and links its own way.

    ``brand`` is the company's handle on the network (``None``: write the name as plain text);
    ``reply_to`` a handle to mention first (X and Mastodon replies start with it); ``link`` a
    (shown text, url) pair appended at the end.
    """
    out: list[Segment] = []
    if reply_to is not None:
        out += [("mention", f"@{reply_to}", reply_to), ("text", " ", "")]
    before, marker, after = msg.text.partition("{brand}")
    out.append(("text", before, ""))
    if marker:
        if brand is not None and brand != reply_to:
            out.append(("mention", f"@{brand}", brand))
        else:
            out.append(("text", "Nordlicht", ""))
        out.append(("text", after.replace("{brand}", "Nordlicht"), ""))
    if tags:
        for tag in msg.tags:
            out += [("text", " ", ""), ("tag", f"#{tag}", tag)]
    if link:
        out += [("text", " ", ""), ("link", link[0], link[1])]
    return [s for s in out if s[1]]


def plain(parts: list[Segment]) -> str:
    return "".join(shown for _, shown, _ in parts)
