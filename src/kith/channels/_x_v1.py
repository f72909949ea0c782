"""X (Twitter) API v1.1 statuses, split out of ``x.py`` to keep each module readable.

Why v1.1 is different from v2: the user object is embedded in every status (no ``includes``), times look
like ``"Mon Sep 24 03:35:21 +0000 2012"``, extended mode puts the untruncated text in ``full_text`` (the
streaming API in ``extended_tweet.full_text``), a retweet carries the whole original as
``retweeted_status``, replies name their parent in ``in_reply_to_status_id_str``, and ids are both numbers
(unsafe in JavaScript, so never used) and ``*_str`` strings. There is no conversation id in v1.1.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from kith.channels._json_items import as_dict, as_list, count, opt_str
from kith.channels.base import Basis, IdentityRecord, InteractionRecord, Kind, ParseError, Visibility

V1_TIME_FORMAT = "%a %b %d %H:%M:%S %z %Y"
X_EPOCH_MS = 1288834974657  # the "twepoch" of X snowflake ids
V1_KEYS = frozenset({"id_str", "user", "full_text", "retweeted_status", "extended_tweet", "favorite_count"})


def is_v1_status(item: dict[str, Any]) -> bool:
    """v1.1 statuses carry ``id_str`` and an embedded ``user``; v2 tweets never do."""
    return bool(V1_KEYS & set(item))


def status_id(status: dict[str, Any]) -> str | None:
    return opt_str(status.get("id_str")) or opt_str(status.get("id"))


def stable_status_id(status: dict[str, Any]) -> str | None:
    """The id of the first version: v1.1 statuses of edited tweets carry ``edit_history.initial_tweet_id``."""
    initial = opt_str(as_dict(status.get("edit_history")).get("initial_tweet_id"))
    return initial or status_id(status)


def snowflake_time(tweet_id: str) -> datetime | None:
    """The creation time encoded in an X id (milliseconds since the X epoch in the high bits).

    Used for the original time of an edited tweet: a later version only carries its own (edit) time.
    """
    if not tweet_id.isdigit() or int(tweet_id) < 1 << 22:
        return None
    return datetime.fromtimestamp(((int(tweet_id) >> 22) + X_EPOCH_MS) / 1000, tz=UTC)


def parse_v1_time(value: Any, field_name: str = "created_at") -> datetime:
    if not isinstance(value, str):
        raise ParseError(f"{field_name} is missing or not a string: {value!r}")
    try:
        return datetime.strptime(value.strip(), V1_TIME_FORMAT).astimezone(UTC)
    except ValueError as exc:
        raise ParseError(
            f"{field_name} {value!r} is not a v1.1 time like 'Mon Sep 24 03:35:21 +0000 2012'"
        ) from exc


def v1_user(user: dict[str, Any]) -> IdentityRecord | None:
    user_id = opt_str(user.get("id_str")) or opt_str(user.get("id"))
    if user_id is None:
        return None
    screen_name = opt_str(user.get("screen_name"))
    url_entities = as_list(as_dict(as_dict(user.get("entities")).get("url")).get("urls"))
    website = next((opt_str(u.get("expanded_url")) for u in url_entities if isinstance(u, dict)), None)
    attributes: dict[str, Any] = {
        "followers_count": count(user.get("followers_count")),
        "following_count": count(user.get("friends_count")),
        "tweet_count": count(user.get("statuses_count")),
        "listed_count": count(user.get("listed_count")),
        "description": opt_str(user.get("description")),
        "location": opt_str(user.get("location")),
        "website": website or opt_str(user.get("url")),
        "verified": user.get("verified") if isinstance(user.get("verified"), bool) else None,
        "protected": user.get("protected") if isinstance(user.get("protected"), bool) else None,
        "created_at": opt_str(user.get("created_at")),
        "profile_image_url": opt_str(user.get("profile_image_url_https")),
    }
    return IdentityRecord(
        external_id=user_id,
        visibility=Visibility.PUBLIC,
        basis=Basis.PUBLIC_CONTENT,
        handle=screen_name,
        display_name=opt_str(user.get("name")),
        profile_url=f"https://x.com/{screen_name}" if screen_name else None,
        attributes={k: v for k, v in attributes.items() if v is not None},
    )


def _text(status: dict[str, Any]) -> str:
    extended = as_dict(status.get("extended_tweet")).get("full_text")
    for candidate in (status.get("full_text"), extended, status.get("text")):
        if isinstance(candidate, str):
            return html.unescape(candidate)  # v1.1 escapes &, < and > in tweet text
    return ""


def _attributes(status: dict[str, Any]) -> dict[str, Any]:
    source = as_dict(status.get("extended_tweet")) or status
    entities = as_dict(source.get("entities"))
    media_list = as_list(as_dict(source.get("extended_entities")).get("media")) or as_list(
        entities.get("media")
    )
    attributes: dict[str, Any] = {
        "hashtags": [
            h["text"] for h in as_list(entities.get("hashtags")) if isinstance(h, dict) and "text" in h
        ],
        "mentions": [
            m["screen_name"]
            for m in as_list(entities.get("user_mentions"))
            if isinstance(m, dict) and "screen_name" in m
        ],
        "links": [
            u["expanded_url"]
            for u in as_list(entities.get("urls"))
            if isinstance(u, dict) and isinstance(u.get("expanded_url"), str)
        ],
        "media": [
            {
                "type": m.get("type"),
                "url": m.get("media_url_https") or m.get("media_url"),
                "id": m.get("id_str"),
            }
            for m in media_list
            if isinstance(m, dict)
        ],
    }
    attributes = {k: v for k, v in attributes.items() if v}
    quoted = opt_str(status.get("quoted_status_id_str"))
    if quoted:
        attributes["quoted_id"] = quoted
    retweeted = as_dict(status.get("retweeted_status"))
    if retweeted:
        attributes["retweeted_id"] = status_id(retweeted)
        attributes["retweeted_text"] = _text(retweeted)
        original_author = v1_user(as_dict(retweeted.get("user")))
        if original_author:
            attributes["retweeted_author_id"] = original_author.external_id
            attributes["retweeted_author_handle"] = original_author.handle
    place = as_dict(status.get("place"))
    if place.get("full_name"):
        attributes["place"] = place["full_name"]
    return attributes


def normalise_status(status: dict[str, Any]) -> InteractionRecord:
    """One v1.1 status as an interaction (a retweet is a SHARE, a reply a COMMENT)."""
    own_id = status_id(status)
    stable = stable_status_id(status)
    if own_id is None or stable is None:
        raise ParseError("X v1.1 status has no id_str: cannot identify it")
    created = parse_v1_time(status.get("created_at"))
    edited_at = None
    if own_id != stable:  # a later version of an edited tweet: its created_at is the edit time
        edited_at = created
    author = v1_user(as_dict(status.get("user")))
    parent = opt_str(status.get("in_reply_to_status_id_str")) or opt_str(status.get("in_reply_to_status_id"))
    if status.get("retweeted_status"):
        kind = Kind.SHARE
    elif parent:
        kind = Kind.COMMENT
    else:
        kind = Kind.POST
    metrics = {
        "likes": count(status.get("favorite_count")),
        "shares": count(status.get("retweet_count")),
        "replies": count(status.get("reply_count")),
        "quotes": count(status.get("quote_count")),
    }
    handle = author.handle if author else None
    return InteractionRecord(
        external_id=stable,
        kind=kind,
        text=_text(status),
        created_at=snowflake_time(stable) if edited_at else created,
        visibility=Visibility.PUBLIC,
        basis=Basis.PUBLIC_CONTENT,
        author=author,
        url=f"https://x.com/{handle}/status/{stable}" if handle else f"https://x.com/i/web/status/{stable}",
        lang=opt_str(status.get("lang")),
        in_reply_to=parent,
        edited_at=edited_at,
        metrics={k: v for k, v in metrics.items() if v is not None},
        attributes=_attributes(status),
    )
