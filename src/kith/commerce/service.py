"""Products, orders and panel answers from offline imports (idempotent by their business keys)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kith.channels.base import OrderLineRecord, PanelResponseRecord, ProductRecord
from kith.commerce.models import Order, OrderLine, PanelResponse, Product
from kith.db import new_public_id, upsert
from kith.identities.service import chunks


def record_products(session: Session, records: list[ProductRecord]) -> None:
    rows = {
        r.sku: {
            "public_id": new_public_id(),
            "sku": r.sku,
            "name": r.name,
            "category": r.category,
            "price": r.price,
            "currency": r.currency,
            "aliases": list(r.aliases),
            "description": r.description,
        }
        for r in records
    }
    upsert(
        session,
        Product.__table__,
        list(rows.values()),
        keys=["sku"],
        update=["name", "category", "price", "currency", "aliases", "description"],
    )


def record_order_lines(session: Session, lines: list[tuple[OrderLineRecord, int | None]]) -> None:
    """Upsert order headers (from their first line) and lines, then recompute the touched totals."""
    headers: dict[str, dict[str, Any]] = {}
    for line, identity_id in lines:
        header = headers.setdefault(
            line.order_id,
            {
                "public_id": new_public_id(),
                "external_id": line.order_id,
                "identity_id": identity_id,
                "ordered_at": line.ordered_at,
                "sales_channel": line.sales_channel,
                "store_id": line.store_id,
                "currency": line.currency,
                "total": Decimal("0"),
            },
        )
        header["identity_id"] = header["identity_id"] or identity_id
        header["ordered_at"] = min(header["ordered_at"], line.ordered_at)
    upsert(
        session,
        Order.__table__,
        list(headers.values()),
        keys=["external_id"],
        update=["identity_id", "ordered_at", "sales_channel", "store_id", "currency"],
    )
    order_ids = _ids(session, Order.external_id, Order.id, sorted(headers))
    product_ids = _ids(session, Product.sku, Product.id, sorted({line.sku for line, _ in lines}))
    rows = {
        (line.order_id, line.line_no): {
            "order_id": order_ids[line.order_id],
            "line_no": line.line_no,
            "sku": line.sku,
            "product_id": product_ids.get(line.sku),
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount": line.discount,
        }
        for line, _ in lines
    }
    upsert(
        session,
        OrderLine.__table__,
        list(rows.values()),
        keys=["order_id", "line_no"],
        update=["sku", "product_id", "quantity", "unit_price", "discount"],
    )
    totals = (
        select(func.coalesce(func.sum(OrderLine.quantity * OrderLine.unit_price - OrderLine.discount), 0))
        .where(OrderLine.order_id == Order.id)
        .scalar_subquery()
    )
    for part in chunks(sorted(order_ids.values())):
        session.execute(update(Order).where(Order.id.in_(part)).values(total=totals))


def record_panel_responses(session: Session, responses: list[tuple[PanelResponseRecord, int]]) -> None:
    rows = {
        r.external_id: {
            "public_id": new_public_id(),
            "external_id": r.external_id,
            "identity_id": identity_id,
            "panel": r.panel,
            "question_id": r.question_id,
            "question": r.question,
            "answer": r.answer,
            "answered_at": r.answered_at,
            "visibility": "offline",
            "basis": "consent",
            "attributes": {},
        }
        for r, identity_id in responses
    }
    upsert(
        session,
        PanelResponse.__table__,
        list(rows.values()),
        keys=["external_id"],
        update=["identity_id", "panel", "question_id", "question", "answer", "answered_at"],
    )


def _ids(session: Session, key_col: Any, id_col: Any, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in chunks(keys):
        found.update(session.execute(select(key_col, id_col).where(key_col.in_(part))).all())
    return found


def catalogue(session: Session) -> tuple[list[ProductRecord], dict[str, int]]:
    """The product catalogue as records (for mention detection) and the row id of each SKU."""
    products = list(session.scalars(select(Product).order_by(Product.sku)))
    records = [
        ProductRecord(
            sku=p.sku,
            name=p.name,
            category=p.category,
            price=p.price,
            currency=p.currency,
            aliases=tuple(p.aliases or ()),
            description=p.description,
        )
        for p in products
    ]
    return records, {p.sku: p.id for p in products}
