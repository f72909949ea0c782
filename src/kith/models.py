"""Imports every domain's tables so that ``Base.metadata`` is complete (for Alembic and tests)."""

from kith.auth.models import ApiToken, Department, User
from kith.channels.models import Channel, ConnectorCursor
from kith.commerce.models import Order, OrderLine, PanelResponse, Product
from kith.db import Base
from kith.enrichment.models import Alert, InteractionTopic, ProductMention, Topic
from kith.ideas.models import Idea, IdeaMention
from kith.identities.models import Identity, LinkEvidence, MatchSuggestion, Person
from kith.inbox.models import ConversationEvent, Notification, OutboxMessage, SavedAnswer
from kith.interactions.models import Conversation, Interaction
from kith.pipeline.models import RawItem
from kith.profiles.models import CustomerProfile
from kith.profiles.segments_models import Segment
from kith.routing.models import RouterModel, RoutingDecision, RoutingRule, RoutingSetting

__all__ = [
    "Alert",
    "ApiToken",
    "Base",
    "Channel",
    "ConnectorCursor",
    "Conversation",
    "ConversationEvent",
    "CustomerProfile",
    "Department",
    "Idea",
    "IdeaMention",
    "Identity",
    "Interaction",
    "InteractionTopic",
    "LinkEvidence",
    "MatchSuggestion",
    "Notification",
    "Order",
    "OrderLine",
    "OutboxMessage",
    "PanelResponse",
    "Person",
    "Product",
    "ProductMention",
    "RawItem",
    "RouterModel",
    "RoutingDecision",
    "RoutingRule",
    "RoutingSetting",
    "SavedAnswer",
    "Segment",
    "Topic",
    "User",
]
