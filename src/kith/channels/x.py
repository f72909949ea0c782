"""X (Twitter): API v2 tweets and DM events, and v1.1 statuses.

What is special about the format:

* v2 returns only ``id``, ``text`` and ``edit_history_tweet_ids`` unless fields are requested, so
  ``created_at`` may be absent (the interaction then has no time: we never invent one). Users, referenced
  tweets, media and places arrive once per page in ``includes`` and are joined by id; ``split`` copies the
  ones a tweet references into its raw payload, ``{"tweet": {...}, "includes": {...}}``, so it stands alone.
* An edit creates a new tweet id; ``edit_history_tweet_ids[0]`` is the stable id. A later version is stored
  under ``"<stable id>@<version id>"`` and updates the same interaction (``edited_at`` = the version's time,
  ``created_at`` = the time encoded in the stable snowflake id).
* ``conversation_id`` is the thread root, ``referenced_tweets`` says replied_to (→ ``in_reply_to``),
  quoted and retweeted (a retweet is a :attr:`Kind.SHARE`).
* DM events (``event_type``) are private: ``dm_conversation_id`` is the thread, ``sender_id`` the author.
* v1.1 statuses (see ``_x_v1``) and deletion notices (v1.1 ``{"delete": {"status": ...}}`` and the v2
  compliance stream's ``{"data": {"delete": {"tweet": ...}}}``) are accepted too.
"""

from __future__ import annotations

import html
from typing import Any

from kith.channels._json_items import ItemJsonParser, as_dict, as_list, count, describe, opt_str, reject
from kith.channels._x_v1 import (
    is_v1_status,
    normalise_status,
    snowflake_time,
    stable_status_id,
    status_id,
)
from kith.channels.base import (
    Basis,
    IdentityRecord,
    InteractionRecord,
    Kind,
    Normalised,
    ParseError,
    RawRecord,
    Rejected,
    Visibility,
    dump,
    load,
    parse_time,
)

EXPECTED = (
    "expected an X API v2 response (data with optional includes), a v2 tweet or DM event, "
    "a v1.1 search response (statuses), a v1.1 status or a list of them"
)
METRICS = {
    "like_count": "likes",
    "reply_count": "replies",
    "retweet_count": "shares",
    "quote_count": "quotes",
    "impression_count": "views",
    "bookmark_count": "bookmarks",
}


def _classify(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    if "event_type" in item or "dm_conversation_id" in item:
        return "dm"
    if "delete" in item:
        return "delete"
    if is_v1_status(item):
        return "v1"
    if "id" in item and ("text" in item or "edit_history_tweet_ids" in item or "note_tweet" in item):
        return "v2"
    return None


def _stable_v2_id(tweet: dict[str, Any]) -> tuple[str, str] | None:
    """(stable id, this version's id) of a v2 tweet, or None without an id."""
    own = opt_str(tweet.get("id"))
    if own is None:
        return None
    history = [opt_str(i) for i in as_list(tweet.get("edit_history_tweet_ids"))]
    return (history[0] or own) if history else own, own


def _pick_includes(item: dict[str, Any], includes: dict[str, Any]) -> dict[str, list[Any]]:
    """The part of a page's ``includes`` that one tweet or DM event references."""
    tweets = {t.get("id"): t for t in as_list(includes.get("tweets")) if isinstance(t, dict)}
    ref_ids = [opt_str(r.get("id")) for r in as_list(item.get("referenced_tweets")) if isinstance(r, dict)]
    picked_tweets = [tweets[i] for i in ref_ids if i in tweets and i != item.get("id")]
    user_ids = {item.get("author_id"), item.get("in_reply_to_user_id"), item.get("sender_id")}
    user_ids.update(t.get("author_id") for t in picked_tweets)
    media_keys = set(as_list(as_dict(item.get("attachments")).get("media_keys")))
    user_ids.discard(None)
    place_id = as_dict(item.get("geo")).get("place_id")
    picked = {
        "tweets": picked_tweets,
        "users": [u for u in as_list(includes.get("users")) if as_dict(u).get("id") in user_ids],
        "media": [m for m in as_list(includes.get("media")) if as_dict(m).get("media_key") in media_keys],
        "places": [p for p in as_list(includes.get("places"))
                   if place_id is not None and as_dict(p).get("id") == place_id],
    }
    return {k: v for k, v in picked.items() if v}


def _deletion(notice: dict[str, Any]) -> RawRecord | Rejected:
    """v1.1 ``{"status": {...}}`` or v2 ``{"tweet": {...}, "event_at": ...}`` deletion notice."""
    target = as_dict(notice.get("status")) or as_dict(notice.get("tweet"))
    tweet_id = opt_str(target.get("id_str")) or opt_str(target.get("id"))
    if tweet_id is None:
        return reject("X deletion notice without a tweet id", notice)
    user_id = opt_str(target.get("user_id_str")) or opt_str(target.get("author_id")) or opt_str(
        target.get("user_id"))
    return RawRecord(f"{tweet_id}@deleted", dump({"deleted": {"id": tweet_id, "user_id": user_id}}))


def _split_item(item: Any, includes: dict[str, Any]) -> RawRecord | Rejected:
    shape = _classify(item)
    if shape is None or not isinstance(item, dict):
        return reject(f"not an X tweet, status or DM event: got {describe(item)}", item)
    if shape == "delete":
        return _deletion(as_dict(item["delete"]))
    if shape == "v1":
        stable, own = stable_status_id(item), status_id(item)
        if stable is None or own is None:
            return reject("X v1.1 status without id_str", item)
        return RawRecord(stable if own == stable else f"{stable}@{own}", dump({"status": item}))
    ids = _stable_v2_id(item)
    if ids is None:
        return reject(f"X {'DM event' if shape == 'dm' else 'tweet'} without an id", item)
    stable, own = ids
    key = "dm_event" if shape == "dm" else "tweet"
    envelope = {key: item, "includes": _pick_includes(item, includes)}
    return RawRecord(stable if own == stable else f"{stable}@{own}", dump(envelope))


def _user(
    user: dict[str, Any] | None, user_id: Any, visibility: Visibility, basis: Basis
) -> IdentityRecord | None:
    """An X v2 user object as an identity; a bare id when the user was not expanded."""
    if not user:
        uid = opt_str(user_id)
        return IdentityRecord(external_id=uid, visibility=visibility, basis=basis) if uid else None
    username = opt_str(user.get("username"))
    metrics = as_dict(user.get("public_metrics"))
    urls = as_list(as_dict(as_dict(user.get("entities")).get("url")).get("urls"))
    website = next((opt_str(u.get("expanded_url")) for u in urls if isinstance(u, dict)), None)
    attributes: dict[str, Any] = {
        "followers_count": count(metrics.get("followers_count")),
        "following_count": count(metrics.get("following_count")),
        "tweet_count": count(metrics.get("tweet_count")),
        "listed_count": count(metrics.get("listed_count")),
        "description": opt_str(user.get("description")),
        "location": opt_str(user.get("location")),
        "website": website or opt_str(user.get("url")),
        "verified": user.get("verified") if isinstance(user.get("verified"), bool) else None,
        "protected": user.get("protected") if isinstance(user.get("protected"), bool) else None,
        "created_at": opt_str(user.get("created_at")),
        "profile_image_url": opt_str(user.get("profile_image_url")),
    }
    return IdentityRecord(
        external_id=opt_str(user.get("id")) or str(user_id),
        visibility=visibility,
        basis=basis,
        handle=username,
        display_name=opt_str(user.get("name")),
        profile_url=f"https://x.com/{username}" if username else None,
        attributes={k: v for k, v in attributes.items() if v is not None},
    )


def _media(item: dict[str, Any], includes: dict[str, Any]) -> list[dict[str, Any]]:
    media = {m.get("media_key"): m for m in as_list(includes.get("media")) if isinstance(m, dict)}
    out = []
    for key in as_list(as_dict(item.get("attachments")).get("media_keys")):
        found = media.get(key, {})
        url = found.get("url") or found.get("preview_image_url")
        entry = {"key": key, "type": found.get("type"), "url": url, "alt_text": found.get("alt_text")}
        out.append({k: v for k, v in entry.items() if v is not None})
    return out


def _tweet_attributes(
    tweet: dict[str, Any], includes: dict[str, Any], refs: dict[str, str]
) -> dict[str, Any]:
    entities = as_dict(as_dict(tweet.get("note_tweet")).get("entities")) or as_dict(tweet.get("entities"))
    attributes: dict[str, Any] = {
        "hashtags": [h["tag"] for h in as_list(entities.get("hashtags")) if "tag" in as_dict(h)],
        "mentions": [m["username"] for m in as_list(entities.get("mentions"))
                     if isinstance(m, dict) and "username" in m],
        "links": [u["expanded_url"] for u in as_list(entities.get("urls")) if isinstance(u, dict)
                  and isinstance(u.get("expanded_url"), str) and "media_key" not in u],
        "media": _media(tweet, includes),
    }
    attributes = {k: v for k, v in attributes.items() if v}
    history = [str(i) for i in as_list(tweet.get("edit_history_tweet_ids"))]
    if len(history) > 1:
        attributes["edit_history_tweet_ids"] = history
    if "quoted" in refs:
        attributes["quoted_id"] = refs["quoted"]
    if "retweeted" in refs:
        attributes["retweeted_id"] = refs["retweeted"]
        original = next((t for t in as_list(includes.get("tweets")) if isinstance(t, dict)
                         and t.get("id") == refs["retweeted"]), None)
        if original:
            attributes["retweeted_text"] = html.unescape(_full_text(original))
            attributes["retweeted_author_id"] = opt_str(original.get("author_id"))
    place = next(iter(as_list(includes.get("places"))), None)
    if isinstance(place, dict) and place.get("full_name"):
        attributes["place"] = place["full_name"]
    return attributes


def _full_text(tweet: dict[str, Any]) -> str:
    """Long tweets keep their untruncated text in ``note_tweet.text``."""
    note = as_dict(tweet.get("note_tweet")).get("text")
    text = note if isinstance(note, str) else tweet.get("text")
    return text if isinstance(text, str) else ""


def _normalise_tweet(envelope: dict[str, Any]) -> InteractionRecord:
    tweet = as_dict(envelope.get("tweet"))
    includes = as_dict(envelope.get("includes"))
    ids = _stable_v2_id(tweet)
    if ids is None:
        raise ParseError("X tweet has no id: cannot identify it")
    stable, own = ids
    created = parse_time(tweet["created_at"], field_name="created_at") if tweet.get("created_at") else None
    edited_at = None
    if own != stable:  # a later version: its created_at is when the edit was made
        edited_at, created = created, snowflake_time(stable)
    references = map(as_dict, as_list(tweet.get("referenced_tweets")))
    refs = {str(r.get("type")): str(r.get("id")) for r in references}
    kind = Kind.SHARE if "retweeted" in refs else Kind.COMMENT if "replied_to" in refs else Kind.POST
    users = {u.get("id"): u for u in as_list(includes.get("users")) if isinstance(u, dict)}
    author = _user(users.get(tweet.get("author_id")), tweet.get("author_id"), Visibility.PUBLIC,
                   Basis.PUBLIC_CONTENT)
    metrics = {METRICS[k]: count(v) for k, v in as_dict(tweet.get("public_metrics")).items() if k in METRICS}
    handle = author.handle if author else None
    return InteractionRecord(
        external_id=stable,
        kind=kind,
        text=html.unescape(_full_text(tweet)),  # X escapes &, < and > in tweet text
        created_at=created,
        visibility=Visibility.PUBLIC,
        basis=Basis.PUBLIC_CONTENT,
        author=author,
        url=f"https://x.com/{handle}/status/{stable}" if handle else f"https://x.com/i/web/status/{stable}",
        lang=opt_str(tweet.get("lang")),
        in_reply_to=refs.get("replied_to"),
        thread_root=opt_str(tweet.get("conversation_id")),
        edited_at=edited_at,
        metrics={k: v for k, v in metrics.items() if v is not None},
        attributes=_tweet_attributes(tweet, includes, refs),
    )


def _normalise_dm(envelope: dict[str, Any]) -> InteractionRecord:
    event = as_dict(envelope.get("dm_event"))
    includes = as_dict(envelope.get("includes"))
    event_id = opt_str(event.get("id"))
    if event_id is None:
        raise ParseError("X DM event has no id: cannot identify it")
    users = {u.get("id"): u for u in as_list(includes.get("users")) if isinstance(u, dict)}
    author = _user(users.get(event.get("sender_id")), event.get("sender_id"), Visibility.PRIVATE,
                   Basis.DIRECT_CONTACT)
    event_type = opt_str(event.get("event_type")) or "MessageCreate"
    attributes: dict[str, Any] = {
        "event_type": event_type,
        "participant_ids": [str(p) for p in as_list(event.get("participant_ids"))],
        "media": _media(event, includes),
        "shared_tweet_ids": [str(r.get("id")) for r in as_list(event.get("referenced_tweets"))
                             if isinstance(r, dict)],
    }
    created = event.get("created_at")
    return InteractionRecord(
        external_id=event_id,
        kind=Kind.DIRECT_MESSAGE if event_type == "MessageCreate" else Kind.NOTIFICATION,
        text=html.unescape(event["text"]) if isinstance(event.get("text"), str) else "",
        created_at=parse_time(created, field_name="created_at") if created else None,
        visibility=Visibility.PRIVATE,
        basis=Basis.DIRECT_CONTACT,
        author=author,
        thread_root=opt_str(event.get("dm_conversation_id")),
        attributes={k: v for k, v in attributes.items() if v},
    )


def _normalise_deleted(notice: dict[str, Any]) -> InteractionRecord:
    tweet_id = opt_str(notice.get("id"))
    if tweet_id is None:
        raise ParseError("X deletion notice has no tweet id")
    return InteractionRecord(
        external_id=tweet_id,
        kind=Kind.POST,
        text="",
        created_at=None,
        visibility=Visibility.PUBLIC,
        basis=Basis.PUBLIC_CONTENT,
        author=_user(None, notice.get("user_id"), Visibility.PUBLIC, Basis.PUBLIC_CONTENT),
        url=f"https://x.com/i/web/status/{tweet_id}",
        deleted=True,
    )


class XParser(ItemJsonParser):
    name = "x"

    def split_items(self, doc: Any) -> list[RawRecord | Rejected]:
        if isinstance(doc, list):
            return [_split_item(item, {}) for item in doc]
        if not isinstance(doc, dict):
            raise ParseError(f"not an X payload: {EXPECTED}; got {describe(doc)}")
        if isinstance(doc.get("statuses"), list):
            return [_split_item(item, {}) for item in doc["statuses"]]
        data = doc.get("data")
        includes = as_dict(doc.get("includes"))
        if isinstance(data, list):
            return [_split_item(item, includes) for item in data]
        if isinstance(data, dict):
            if _classify(data) is None:
                raise ParseError(f"not an X payload: `data` is {describe(data)}; {EXPECTED}")
            return [_split_item(data, includes)]
        if _classify(doc) is not None:
            return [_split_item(doc, {})]
        if "errors" in doc:
            details = "; ".join(str(as_dict(e).get("detail") or as_dict(e).get("message") or e)
                                for e in as_list(doc["errors"]))
            raise ParseError(f"the X API answered with errors and no tweets: {details}")
        if "meta" in doc:
            return []  # an empty page: {"meta": {"result_count": 0}}
        raise ParseError(f"not an X payload: {EXPECTED}; got {describe(doc)}")

    def normalise(self, payload: bytes) -> list[Normalised]:
        envelope = load(payload)
        if not isinstance(envelope, dict):
            raise ParseError(f"not an X raw payload: got {describe(envelope)}")
        if "tweet" in envelope:
            return [_normalise_tweet(envelope)]
        if "dm_event" in envelope:
            return [_normalise_dm(envelope)]
        if "status" in envelope:
            return [normalise_status(as_dict(envelope["status"]))]
        if "deleted" in envelope:
            return [_normalise_deleted(as_dict(envelope["deleted"]))]
        raise ParseError(
            f"not an X raw payload: expected an envelope with tweet, dm_event, status or deleted; "
            f"got {describe(envelope)}"
        )


parser = XParser()
