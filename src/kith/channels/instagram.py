"""Instagram: Instagram Graph API media comments (with nested replies) and media objects.

What is special about the format:

* A comments page (``GET /{ig-media-id}/comments``) holds only ``id``, ``text`` and ``timestamp`` by
  default: the media they belong to is named only by the ``paging`` URL (``/<media id>/comments``), so
  ``split`` copies it into each raw payload; ``/{ig-comment-id}/replies`` pages name the parent comment.
* Replies nest under their comment as ``replies.data``; each becomes its own record whose ``in_reply_to``
  is that comment. A top-level comment replies to the media, which is also the thread root.
* Authors are ``from {id, username}`` when requested, else only ``username``: the user id is the stable id
  when present, the username otherwise. Times look like ``2020-06-01T10:56:52+0000``.
* The API has no edit or deletion signal for comments (``hidden`` is kept as an attribute), so no
  version-suffixed raw ids are produced.
* ``paging.next`` URLs carry the reader's ``access_token``; no URL is stored with it.
"""

from __future__ import annotations

from typing import Any

from kith.channels._graph_api import opt_url, page_edge, raise_for_error
from kith.channels._json_items import (
    ItemJsonParser,
    as_dict,
    as_list,
    count,
    describe,
    opt_str,
    reject,
    text_tags,
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
    "expected an Instagram Graph API page ({data, paging}) of comments or media, "
    "a single comment or media object, or a list of them"
)
MEDIA_KEYS = frozenset({"media_type", "caption", "media_url", "permalink", "comments_count", "shortcode"})


def _is_media(item: dict[str, Any], edge: str | None) -> bool:
    return edge in ("media", "tags", "stories") or bool(MEDIA_KEYS & set(item))


def _comment_records(
    item: Any, media_id: str | None, parent_id: str | None
) -> list[RawRecord | Rejected]:
    """One comment and, depth first, the replies nested under it."""
    if not isinstance(item, dict):
        return [reject(f"not an Instagram comment: got {describe(item)}", item)]
    comment_id = opt_str(item.get("id"))
    if comment_id is None:
        return [reject("Instagram comment without an id: request the id field", item)]
    media_id = opt_str(as_dict(item.get("media")).get("id")) or media_id
    envelope = {"comment": item, "media_id": media_id, "parent_id": parent_id}
    records: list[RawRecord | Rejected] = [RawRecord(comment_id, dump(envelope))]
    for reply in as_list(as_dict(item.get("replies")).get("data")):
        records += _comment_records(reply, media_id, comment_id)
    return records


def _item_records(item: Any, edge: str | None, object_id: str | None) -> list[RawRecord | Rejected]:
    if not isinstance(item, dict):
        return [reject(f"not an Instagram comment or media: got {describe(item)}", item)]
    if not _is_media(item, edge):
        if edge == "replies":
            return _comment_records(item, None, object_id)
        return _comment_records(item, object_id if edge == "comments" else None, None)
    media_id = opt_str(item.get("id"))
    if media_id is None:
        return [reject("Instagram media without an id: request the id field", item)]
    records: list[RawRecord | Rejected] = [RawRecord(media_id, dump({"media": item}))]
    for comment in as_list(as_dict(item.get("comments")).get("data")):  # fields=comments{...}
        records += _comment_records(comment, media_id, None)
    return records


def _author(item: dict[str, Any]) -> IdentityRecord | None:
    person = as_dict(item.get("from")) or as_dict(item.get("owner")) or as_dict(item.get("user"))
    username = opt_str(person.get("username")) or opt_str(item.get("username"))
    external_id = opt_str(person.get("id")) or username
    if external_id is None:
        return None
    return IdentityRecord(
        external_id=external_id,
        visibility=Visibility.PUBLIC,
        basis=Basis.PUBLIC_CONTENT,
        handle=username,
        profile_url=f"https://www.instagram.com/{username}/" if username else None,
    )


def _comment(envelope: dict[str, Any]) -> InteractionRecord:
    comment = as_dict(envelope.get("comment"))
    comment_id = opt_str(comment.get("id"))
    if comment_id is None:
        raise ParseError("Instagram comment has no id: cannot identify it")
    media_id = opt_str(as_dict(comment.get("media")).get("id")) or opt_str(envelope.get("media_id"))
    parent = opt_str(comment.get("parent_id")) or opt_str(envelope.get("parent_id")) or media_id
    text = opt_str(comment.get("text")) or ""
    attributes: dict[str, Any] = {
        **text_tags(text),
        "hidden": comment.get("hidden") if isinstance(comment.get("hidden"), bool) else None,
        "media_product_type": opt_str(as_dict(comment.get("media")).get("media_product_type")),
    }
    replies = as_list(as_dict(comment.get("replies")).get("data"))
    metrics = {"likes": count(comment.get("like_count")), "replies": len(replies) if replies else None}
    return InteractionRecord(
        external_id=comment_id,
        kind=Kind.COMMENT,
        text=text,
        created_at=parse_time(comment.get("timestamp"), field_name="Instagram comment timestamp"),
        visibility=Visibility.PUBLIC,
        basis=Basis.PUBLIC_CONTENT,
        author=_author(comment),
        in_reply_to=parent,
        thread_root=media_id,
        metrics={k: v for k, v in metrics.items() if v is not None},
        attributes={k: v for k, v in attributes.items() if v is not None},
    )


def _media(envelope: dict[str, Any]) -> InteractionRecord:
    media = as_dict(envelope.get("media"))
    media_id = opt_str(media.get("id"))
    if media_id is None:
        raise ParseError("Instagram media has no id: cannot identify it")
    caption = opt_str(media.get("caption")) or ""
    attributes: dict[str, Any] = {
        **text_tags(caption),
        "media_type": opt_str(media.get("media_type")),
        "media_product_type": opt_str(media.get("media_product_type")),
        "media": [url] if (url := opt_url(media.get("media_url") or media.get("thumbnail_url"))) else None,
        "shortcode": opt_str(media.get("shortcode")),
    }
    metrics = {"likes": count(media.get("like_count")), "comments": count(media.get("comments_count"))}
    return InteractionRecord(
        external_id=media_id,
        kind=Kind.POST,
        text=caption,
        created_at=parse_time(media.get("timestamp"), field_name="Instagram media timestamp"),
        visibility=Visibility.PUBLIC,
        basis=Basis.PUBLIC_CONTENT,
        author=_author(media),
        url=opt_url(media.get("permalink")),
        thread_root=media_id,
        metrics={k: v for k, v in metrics.items() if v is not None},
        attributes={k: v for k, v in attributes.items() if v is not None},
    )


class InstagramParser(ItemJsonParser):
    name = "instagram"

    def split_items(self, doc: Any) -> list[RawRecord | Rejected]:
        if isinstance(doc, list):
            return [r for item in doc for r in _item_records(item, None, None)]
        if not isinstance(doc, dict):
            raise ParseError(f"not an Instagram payload: {EXPECTED}; got {describe(doc)}")
        raise_for_error(doc, "Instagram")
        if isinstance(doc.get("data"), list):
            object_id, edge, _query = page_edge(doc)
            return [r for item in doc["data"] for r in _item_records(item, edge, object_id)]
        if "id" in doc and ("text" in doc or "timestamp" in doc or _is_media(doc, None)):
            return _item_records(doc, None, None)
        raise ParseError(f"not an Instagram payload: {EXPECTED}; got {describe(doc)}")

    def normalise(self, payload: bytes) -> list[Normalised]:
        envelope = load(payload)
        if isinstance(envelope, dict) and "comment" in envelope:
            return [_comment(envelope)]
        if isinstance(envelope, dict) and "media" in envelope:
            return [_media(envelope)]
        raise ParseError(f"not an Instagram raw payload: expected {{comment}} or {{media}}; got {describe(envelope)}")


parser = InstagramParser()
