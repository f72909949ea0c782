"""Imports every domain's tables so that ``Base.metadata`` is complete (for Alembic and tests)."""

from kith.auth.models import ApiToken, Department, User
from kith.channels.models import Channel, ConnectorCursor
from kith.commerce.models import Order, OrderLine, PanelResponse, Product
from kith.db import Base
from kith.enrichment.models import Alert, InteractionTopic, ProductMention, Topic
from kith.identities.models import Identity, LinkEvidence, MatchSuggestion, Person
from kith.interactions.models import Conversation, Interaction
from kith.pipeline.models import RawItem

__all__ = [
    "Alert",
    "ApiToken",
    "Base",
    "Channel",
    "ConnectorCursor",
    "Conversation",
    "Department",
    "Identity",
    "Interaction",
    "InteractionTopic",
    "LinkEvidence",
    "MatchSuggestion",
    "Order",
    "OrderLine",
    "PanelResponse",
    "Person",
    "Product",
    "ProductMention",
    "RawItem",
    "Topic",
    "User",
]
