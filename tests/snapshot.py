"""A backend-independent picture of the domain rows, to compare two databases' content.

Generated ids and processing times differ between runs by design; everything else must be equal.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text

QUERIES = {
    "interactions": """
        SELECT c.name, i.external_id, i.kind, i.text, i.title, i.lang, i.url, i.in_reply_to, i.visibility,
               i.basis, i.created_at, i.edited_at, i.deleted_at IS NOT NULL, i.revision,
               idn.external_id, conv.thread_key
        FROM interaction i JOIN channel c ON c.id = i.channel_id
        LEFT JOIN identity idn ON idn.id = i.identity_id
        LEFT JOIN conversation conv ON conv.id = i.conversation_id""",
    "identities": """
        SELECT c.name, d.external_id, d.handle, d.display_name, d.profile_url, d.email, d.phone,
               d.visibility, d.basis, d.first_seen, d.last_seen
        FROM identity d JOIN channel c ON c.id = d.channel_id""",
    "conversations": """
        SELECT c.name, v.thread_key, v.started_at, v.last_activity_at
        FROM conversation v JOIN channel c ON c.id = v.channel_id""",
    "raw_items": """
        SELECT c.name, r.external_id, r.status, r.error FROM raw_item r JOIN channel c ON c.id = r.channel_id""",
    "products": "SELECT sku, name, category, price, currency FROM product",
    "orders": """
        SELECT o.external_id, o.ordered_at, o.sales_channel, o.store_id, o.currency, o.total, d.external_id
        FROM sales_order o LEFT JOIN identity d ON d.id = o.identity_id""",
    "order_lines": """
        SELECT o.external_id, l.line_no, l.sku, l.quantity, l.unit_price, l.discount, p.sku
        FROM order_line l JOIN sales_order o ON o.id = l.order_id LEFT JOIN product p ON p.id = l.product_id""",
    "panel": """
        SELECT r.external_id, r.panel, r.question_id, r.answer, r.answered_at, d.external_id
        FROM panel_response r JOIN identity d ON d.id = r.identity_id""",
}


def _norm(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        text_value: str = value.isoformat()
        return text_value.replace("+00:00", "")[:26]
    if value is not None and type(value).__name__ == "Decimal":
        return str(value)
    return value


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    result: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for name, sql in QUERIES.items():
            rows = [tuple(_norm(v) for v in row) for row in conn.execute(text(sql))]
            result[name] = sorted(rows, key=repr)
    return result
