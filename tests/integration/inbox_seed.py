"""A small inbox world built directly with the ORM (fast; the pipeline has its own tests): departments,
users of every role, a person with an X and an e-mail identity, conversations with customer messages,
and orders whose lines make a co-purchase pattern."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kith.auth.models import Department, Role, User
from kith.auth.service import ensure_default_departments
from kith.channels.models import Channel
from kith.commerce.models import Order, OrderLine, Product
from kith.db import session_scope
from kith.identities.models import Identity, Person
from kith.interactions.models import Conversation, Interaction

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class World:
    x_conversation: str  # public ids
    mail_conversation: str
    sales_conversation: str
    resolved_conversation: str


def user(session: Session, email: str, name: str, role: Role, department: str | None = None) -> User:
    dept = session.scalar(select(Department.id).where(Department.slug == department)) if department else None
    u = User(email=email, name=name, password_hash="-", role=role.value, department_id=dept, active=True)
    session.add(u)
    session.flush()
    return u


def conversation(
    session: Session, channel: Channel, key: str, department: str, texts: list[tuple[Identity, str]], at: datetime
) -> Conversation:
    c = Conversation(
        channel_id=channel.id,
        thread_key=key,
        started_at=at,
        last_activity_at=at + timedelta(minutes=len(texts)),
        status="open",
        department=department,
        priority="normal",
        sla_due_at=at + timedelta(hours=4),
        tags=[],
    )
    session.add(c)
    session.flush()
    previous = None
    for n, (who, text) in enumerate(texts):
        external = f"{key}-{n}"
        session.add(
            Interaction(
                channel_id=channel.id,
                external_id=external,
                identity_id=who.id,
                conversation_id=c.id,
                kind="post" if n == 0 else "reply",
                text=text,
                in_reply_to=previous,
                visibility="public",
                basis="public",
                created_at=at + timedelta(minutes=n),
                sort_at=at + timedelta(minutes=n),
            )
        )
        previous = external
    session.flush()
    return c


def seed(engine: Engine) -> World:
    with session_scope(engine) as session:
        ensure_default_departments(session)
        user(session, "ana.lopez@test.example", "Ana Lopez", Role.AGENT)
        user(session, "b.stone@test.example", "Ben Stone", Role.DEPARTMENT, "service")
        user(session, "cleo@test.example", "Cleo Park", Role.DEPARTMENT, "sales")
        user(session, "dan@test.example", "Dan Reed", Role.ANALYST)
        user(session, "ben.r@test.example", "Ben Ray", Role.READONLY)
        x = Channel(name="x", kind="x", display_name="X", account="nordlicht")
        mail = Channel(name="email", kind="email", display_name="E-mail", account="help@nordlicht.example")
        session.add_all([x, mail])
        session.flush()
        person = Person(display_name="Mia")
        session.add(person)
        session.flush()
        mia_x = Identity(
            channel_id=x.id,
            external_id="u1",
            handle="mia",
            display_name="Mia",
            visibility="public",
            basis="public",
            person_id=person.id,
            consent_state="unknown",
        )
        mia_mail = Identity(
            channel_id=mail.id,
            external_id="mia@example.com",
            email="mia@example.com",
            display_name="Mia M.",
            visibility="private",
            basis="contract",
            person_id=person.id,
            consent_state="given",
        )
        other = Identity(
            channel_id=x.id,
            external_id="u2",
            handle="olaf",
            display_name="Olaf",
            visibility="public",
            basis="public",
            consent_state="unknown",
        )
        ours = Identity(
            channel_id=x.id,
            external_id="u0",
            handle="nordlicht",
            display_name="Nordlicht",
            visibility="public",
            basis="public",
            consent_state="unknown",
        )
        session.add_all([mia_x, mia_mail, other, ours])
        session.flush()
        xc = conversation(
            session,
            x,
            "x1",
            "service",
            [
                (mia_x, "My Aurora lamp flickers after the firmware update, how do I fix it?"),
                (ours, "Sorry to hear that, which version?"),
                (mia_x, "Version 2.1, still flickering"),
            ],
            T0,
        )
        mc = conversation(
            session,
            mail,
            "m1",
            "service",
            [(mia_mail, "Invoice for my Aurora lamp is missing")],
            T0 + timedelta(hours=1),
        )
        sc = conversation(session, x, "x2", "sales", [(other, "Do you ship the Fjell tent to Norway?")], T0)
        rc = conversation(
            session,
            x,
            "x3",
            "service",
            [
                (other, "The Aurora lamp keeps flickering since the firmware update"),
            ],
            T0 - timedelta(days=3),
        )
        # products and orders: lamp + bulb bought together often, lamp + tent once
        for sku, name in (("LAMP", "Aurora lamp"), ("BULB", "Aurora bulb"), ("TENT", "Fjell tent"), ("MUG", "Mug")):
            session.add(Product(sku=sku, name=name))
        baskets = [
            (mia_mail, ["LAMP"]),
            (other, ["LAMP", "BULB"]),
            (other, ["LAMP", "BULB", "MUG"]),
            (None, ["LAMP", "BULB"]),
            (None, ["LAMP", "TENT"]),
            (None, ["TENT"]),
            (None, ["MUG"]),
        ]
        for n, (who, skus) in enumerate(baskets):
            order = Order(
                external_id=f"o{n}",
                identity_id=who.id if who else None,
                ordered_at=T0 - timedelta(days=n),
                currency="EUR",
                total=Decimal("10"),
            )
            session.add(order)
            session.flush()
            for line, sku in enumerate(skus):
                session.add(OrderLine(order_id=order.id, line_no=line, sku=sku, quantity=1, unit_price=Decimal("5")))
        return World(xc.public_id, mc.public_id, sc.public_id, rc.public_id)
