"""The stored profile of a customer: one row per person, and one per identity not linked to a person.

Why stored: CLV needs a model fitted over every customer, and preferences, willingness to pay and
influence each aggregate a customer's whole history; computing them on every page view or list filter
would not scale. The pipeline refreshes only the customers whose interactions or orders changed
(``signature``), so each field is as fresh as the last ``kith run``. Each JSON field holds its figures
*and* the evidence behind them, so a page can show why, not just what.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base, JSONType, UTCDateTime, utcnow


class CustomerProfile(Base):
    __tablename__ = "customer_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(40), unique=True)  # "person:12" or "identity:34"
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    identity_id: Mapped[int | None] = mapped_column(ForeignKey("identity.id"), index=True)  # unlinked only
    clv: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    willingness: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    preferences: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    influence: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # a digest of the counts and latest changes of the customer's interactions and orders at refresh time
    signature: Mapped[str] = mapped_column(String(64), default="")
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
