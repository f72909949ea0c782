"""Influence: followers per network, the reach of their posts and the replies they trigger. No database.

The follower thresholds are routing's (:mod:`kith.profiles.value`: high from 10,000, medium from 1,000),
so the inbox and the profile page never disagree about who is influential. Conversation matters too: a
customer whose posts draw many replies or a lot of engagement is lifted to at least ``medium`` even
with few followers — that is influence a follower count misses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kith.profiles.value import INFLUENCE_TIERS, influence_of

ENGAGEMENT_KEYS = ("likes", "shares", "replies", "quotes", "comments", "score", "bookmarks")
LIFT_REPLIES = 10  # replies by others to their items that lift a "low" to "medium"
LIFT_ENGAGEMENT = 500  # likes + shares + replies + … over their posts that do the same


@dataclass(frozen=True)
class PostReach:
    """Metrics of one of their original posts, as the network reported them (``Interaction.metrics``)."""

    metrics: Mapping[str, Any]


def _count(value: Any) -> int:
    return max(0, int(value)) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def assess(followers: Mapping[str, int], posts: Sequence[PostReach], replies_triggered: int) -> dict[str, Any]:
    """Influence level with its evidence: followers per channel, views/engagement summed, replies drawn."""
    views = sum(_count(p.metrics.get("views")) for p in posts)
    engagement = sum(_count(p.metrics.get(key)) for p in posts for key in ENGAGEMENT_KEYS)
    most_followers = max(followers.values(), default=0)
    level = influence_of(most_followers)
    lifted = level == INFLUENCE_TIERS[-1] and (replies_triggered >= LIFT_REPLIES or engagement >= LIFT_ENGAGEMENT)
    return {
        "level": "medium" if lifted else level,
        "lifted_by_conversation": lifted,
        "followers": dict(sorted(followers.items(), key=lambda pair: (-pair[1], pair[0]))),
        "max_followers": most_followers,
        "posts": len(posts),
        "views": views,
        "engagement": engagement,
        "engagement_per_post": round(engagement / len(posts), 2) if posts else None,
        "replies_triggered": replies_triggered,
    }
