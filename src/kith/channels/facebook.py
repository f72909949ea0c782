"""Facebook: Graph API page posts, post comments, Messenger conversation messages, and ``feed`` webhooks.

What is special about the format:

* Items only carry the fields that were requested. A comments page fetched with
  ``fields=comment_count,created_time,like_count,message,permalink_url`` has no ``id`` and no ``from``:
  the ids are then read from ``permalink_url`` (``/<page>/posts/<post>/?comment_id=C&reply_comment_id=R``)
  and written the Graph API way, ``"<post>_<comment>"``; the post is ``"<page>_<post>"``.
* A page rarely says what its items are; the ``paging`` URL's edge (``/posts``, ``/feed``, ``/comments``,
  ``/messages``) does, and names the post, page or conversation they belong to (see ``_graph_api``).
* Times look like ``2021-08-10T18:45:03+0000``; webhook times are epoch seconds.
* Messenger messages (ids ``m_...``) are private; their conversation (``t_...``) is the thread.
* The polled API has no edit or deletion signal; page ``feed`` webhooks do (``verb`` ``edited``/``remove``),
  and those are stored as ``"<id>@<time>"`` / ``"<id>@deleted"`` versions.
* ``paging.next`` URLs carry the reader's ``access_token``: it is stripped from every URL kept.
"""

from __future__ import annotations

import re
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
    "expected a Graph API page ({data, paging}) of posts, comments, messages or conversations, "
    "a single post/comment/message object, or a page webhook ({object, entry})"
)
POST_EDGES = frozenset({"posts", "published_posts"})  # written by the page itself
_PERMALINK_POST = re.compile(r"/(\d+)/posts/(\d+)")
WEBHOOK_ITEMS = frozenset({"comment", "post", "status", "photo", "video", "share"})
WEBHOOK_VERBS = frozenset({"add", "edited", "remove"})


def _permalink_ids(item: dict[str, Any]) -> dict[str, str]:
    """Post, comment and parent ids read from a comment's ``permalink_url``, Graph API style."""
    url = opt_str(item.get("permalink_url")) or ""
    found = _PERMALINK_POST.search(url)
    if not found:
        return {}
    page, post = found.groups()
    query = dict(re.findall(r"[?&](comment_id|reply_comment_id)=(\d+)", url))
    ids = {"post": f"{page}_{post}"}
    if "reply_comment_id" in query:
        ids["id"] = f"{post}_{query['reply_comment_id']}"
        if "comment_id" in query:
            ids["parent"] = f"{post}_{query['comment_id']}"
    elif "comment_id" in query:
        ids["id"] = f"{post}_{query['comment_id']}"
    return ids


def _item_id(item: dict[str, Any], kind: str) -> str | None:
    if kind == "comment":
        return opt_str(item.get("id")) or _permalink_ids(item).get("id")
    return opt_str(item.get("id"))


def _kind_of(item: dict[str, Any], edge: str | None) -> str:
    if edge == "messages" or str(item.get("id", "")).startswith("m_"):
        return "message"
    if edge in ("comments", "replies") or "parent" in item or "comment_count" in item:
        return "comment"
    if "comment_id" in str(item.get("permalink_url", "")):
        return "comment"
    return "post"


def _record(kind: str, item: Any, context: dict[str, Any]) -> RawRecord | Rejected:
    if not isinstance(item, dict):
        return reject(f"not a Facebook {kind}: got {describe(item)}", item)
    item_id = _item_id(item, kind)
    if item_id is None:
        hint = " or permalink_url" if kind == "comment" else ""
        return reject(f"Facebook {kind} without an id{hint}: request the id field", item)
    envelope = {"type": kind, "item": item, **{k: v for k, v in context.items() if v}}
    return RawRecord(item_id, dump(envelope))


def _split_object(
    item: Any, edge: str | None, object_id: str | None, query: dict[str, str]
) -> list[RawRecord | Rejected]:
    """Raw records of one item of a page, with what the page URL says about it."""
    if not isinstance(item, dict):
        return [reject(f"not a Facebook post, comment or message: got {describe(item)}", item)]
    if isinstance(item.get("messages"), dict):  # a conversation with its messages nested
        conversation = opt_str(item.get("id"))
        return [_record("message", m, {"conversation_id": conversation})
                for m in as_list(item["messages"].get("data"))]
    kind = _kind_of(item, edge)
    context: dict[str, Any] = {}
    if kind == "message":
        context["conversation_id"] = object_id if edge == "messages" else None
    elif kind == "comment" and edge == "comments" and query.get("filter") != "stream":
        context["edge_object"] = object_id  # top-level comments only: the object is their parent
    elif kind == "post" and edge in POST_EDGES:
        context["owner_id"] = object_id
    records = [_record(kind, item, context)]
    if kind == "post" and isinstance(item.get("comments"), dict):  # fields=comments{...}
        post_id = opt_str(item.get("id"))
        records += [_record("comment", c, {"post_id": post_id}) for c in as_list(item["comments"].get("data"))]
    return records


def _split_webhook(doc: dict[str, Any]) -> list[RawRecord | Rejected]:
    out: list[RawRecord | Rejected] = []
    for entry in map(as_dict, as_list(doc.get("entry"))):
        for change in map(as_dict, as_list(entry.get("changes"))):
            value = as_dict(change.get("value"))
            item, verb = value.get("item"), value.get("verb")
            if change.get("field") != "feed" or item not in WEBHOOK_ITEMS or verb not in WEBHOOK_VERBS:
                out.append(reject(f"unsupported Facebook webhook change: field {change.get('field')!r}, "
                                  f"item {item!r}, verb {verb!r}", change))
                continue
            item_id = opt_str(value.get("comment_id" if item == "comment" else "post_id"))
            if item_id is None:
                out.append(reject(f"Facebook webhook {item} change without its id", change))
                continue
            stamp = opt_str(entry.get("time")) or opt_str(value.get("created_time")) or "edited"
            raw_id = {"add": item_id, "remove": f"{item_id}@deleted"}.get(str(verb), f"{item_id}@{stamp}")
            out.append(RawRecord(raw_id, dump({"type": "webhook", "item": value, "time": entry.get("time")})))
    return out


def _identity(person: Any, visibility: Visibility, basis: Basis) -> IdentityRecord | None:
    info = as_dict(person)
    person_id = opt_str(info.get("id"))
    if person_id is None:
        return None
    attributes = {"messenger_email": opt_str(info.get("email"))}  # a relay address, not a real one
    return IdentityRecord(
        external_id=person_id,
        visibility=visibility,
        basis=basis,
        display_name=opt_str(info.get("name")),
        profile_url=opt_url(info.get("link")),
        attributes={k: v for k, v in attributes.items() if v},
    )


def _summary(item: dict[str, Any], key: str) -> int | None:
    return count(as_dict(as_dict(item.get(key)).get("summary")).get("total_count"))


def _attributes(item: dict[str, Any], text: str) -> dict[str, Any]:
    attachments = [as_dict(a) for a in as_list(as_dict(item.get("attachments")).get("data"))]
    media = [opt_url(as_dict(as_dict(a.get("media")).get("image")).get("src")) or opt_url(a.get("url"))
             for a in attachments]
    attributes: dict[str, Any] = {
        **text_tags(text),
        "message_tags": [t.get("name") for t in map(as_dict, as_list(item.get("message_tags"))) if t.get("name")],
        "links": [url] if (url := opt_url(item.get("link"))) else [],
        "media": [m for m in [*media, opt_url(item.get("full_picture"))] if m],
        "story": opt_str(item.get("story")),
        "status_type": opt_str(item.get("status_type")),
        "place": opt_str(as_dict(item.get("place")).get("name")),
    }
    return {k: v for k, v in attributes.items() if v}


def _post(envelope: dict[str, Any], item: dict[str, Any]) -> InteractionRecord:
    post_id = opt_str(item.get("id"))
    if post_id is None:
        raise ParseError("Facebook post has no id: cannot identify it")
    text = opt_str(item.get("message")) or opt_str(item.get("story")) or ""
    author = _identity(item.get("from"), Visibility.PUBLIC, Basis.PUBLIC_CONTENT) or _identity(
        {"id": envelope.get("owner_id")}, Visibility.PUBLIC, Basis.PUBLIC_CONTENT)
    metrics = {
        "reactions": _summary(item, "reactions"),
        "likes": _summary(item, "likes"),
        "comments": _summary(item, "comments"),
        "shares": count(as_dict(item.get("shares")).get("count")),
    }
    return InteractionRecord(
        external_id=post_id,
        kind=Kind.POST,
        text=text,
        created_at=parse_time(item.get("created_time"), field_name="Facebook post created_time"),
        visibility=Visibility.PUBLIC,
        basis=Basis.PUBLIC_CONTENT,
        author=author,
        url=opt_url(item.get("permalink_url")) or f"https://www.facebook.com/{post_id}",
        thread_root=post_id,
        metrics={k: v for k, v in metrics.items() if v is not None},
        attributes={**_attributes(item, text), "page_id": post_id.split("_")[0] if "_" in post_id else None},
    )


def _comment(envelope: dict[str, Any], item: dict[str, Any]) -> InteractionRecord:
    from_link = _permalink_ids(item)
    comment_id = opt_str(item.get("id")) or from_link.get("id")
    if comment_id is None:
        raise ParseError("Facebook comment has neither an id nor a permalink_url to derive it from")
    root = opt_str(envelope.get("post_id")) or from_link.get("post") or opt_str(
        as_dict(item.get("object")).get("id"))
    parent = (opt_str(as_dict(item.get("parent")).get("id")) or from_link.get("parent") or root
              or opt_str(envelope.get("edge_object")))
    text = opt_str(item.get("message")) or ""
    metrics = {"likes": count(item.get("like_count")), "replies": count(item.get("comment_count"))}
    attachment = as_dict(item.get("attachment"))
    attributes = _attributes({**item, "attachments": {"data": [attachment]} if attachment else {}}, text)
    return InteractionRecord(
        external_id=comment_id,
        kind=Kind.COMMENT,
        text=text,
        created_at=parse_time(item.get("created_time"), field_name="Facebook comment created_time"),
        visibility=Visibility.PUBLIC,
        basis=Basis.PUBLIC_CONTENT,
        author=_identity(item.get("from"), Visibility.PUBLIC, Basis.PUBLIC_CONTENT),
        url=opt_url(item.get("permalink_url")),
        in_reply_to=parent,
        thread_root=root,
        metrics={k: v for k, v in metrics.items() if v is not None},
        attributes=attributes,
    )


def _message(envelope: dict[str, Any], item: dict[str, Any]) -> InteractionRecord:
    message_id = opt_str(item.get("id"))
    if message_id is None:
        raise ParseError("Messenger message has no id: cannot identify it")
    recipients = [opt_str(as_dict(p).get("id")) for p in as_list(as_dict(item.get("to")).get("data"))]
    files = [as_dict(a) for a in as_list(as_dict(item.get("attachments")).get("data"))]
    attributes: dict[str, Any] = {
        "to": [r for r in recipients if r],
        "attachments": [
            {"name": a.get("name"), "mime_type": a.get("mime_type"),
             "url": opt_url(as_dict(a.get("image_data")).get("url")) or opt_url(a.get("file_url"))}
            for a in files
        ],
        "sticker": opt_url(item.get("sticker")),
    }
    return InteractionRecord(
        external_id=message_id,
        kind=Kind.DIRECT_MESSAGE,
        text=opt_str(item.get("message")) or "",
        created_at=parse_time(item.get("created_time"), field_name="Messenger message created_time"),
        visibility=Visibility.PRIVATE,
        basis=Basis.DIRECT_CONTACT,
        author=_identity(item.get("from"), Visibility.PRIVATE, Basis.DIRECT_CONTACT),
        thread_root=opt_str(envelope.get("conversation_id")),
        attributes={k: v for k, v in attributes.items() if v},
    )


def _webhook(envelope: dict[str, Any], value: dict[str, Any]) -> InteractionRecord:
    is_comment = value.get("item") == "comment"
    item_id = opt_str(value.get("comment_id" if is_comment else "post_id"))
    if item_id is None:
        raise ParseError("Facebook webhook change has no comment_id/post_id")
    deleted = value.get("verb") == "remove"
    edited = value.get("verb") == "edited" and envelope.get("time") is not None
    created = value.get("created_time")
    text = "" if deleted else opt_str(value.get("message")) or ""
    return InteractionRecord(
        external_id=item_id,
        kind=Kind.COMMENT if is_comment else Kind.POST,
        text=text,
        created_at=parse_time(created, field_name="webhook created_time") if created is not None else None,
        visibility=Visibility.PUBLIC,
        basis=Basis.PUBLIC_CONTENT,
        author=_identity(value.get("from"), Visibility.PUBLIC, Basis.PUBLIC_CONTENT),
        url=opt_url(value.get("permalink_url") or as_dict(value.get("post")).get("permalink_url")),
        in_reply_to=opt_str(value.get("parent_id")) if is_comment else None,
        thread_root=opt_str(value.get("post_id")),
        edited_at=parse_time(envelope["time"], field_name="webhook time") if edited else None,
        deleted=deleted,
        attributes={**text_tags(text), "webhook_item": value.get("item")},
    )


class FacebookParser(ItemJsonParser):
    name = "facebook"

    def split_items(self, doc: Any) -> list[RawRecord | Rejected]:
        if isinstance(doc, list):
            return [r for item in doc for r in _split_object(item, None, None, {})]
        if not isinstance(doc, dict):
            raise ParseError(f"not a Facebook payload: {EXPECTED}; got {describe(doc)}")
        raise_for_error(doc, "Facebook")
        if isinstance(doc.get("entry"), list):
            return _split_webhook(doc)
        if isinstance(doc.get("data"), list):
            object_id, edge, query = page_edge(doc)
            return [r for item in doc["data"] for r in _split_object(item, edge, object_id, query)]
        if "id" in doc or "permalink_url" in doc:
            return _split_object(doc, None, None, {})
        raise ParseError(f"not a Facebook payload: {EXPECTED}; got {describe(doc)}")

    def normalise(self, payload: bytes) -> list[Normalised]:
        envelope = load(payload)
        if not isinstance(envelope, dict) or not isinstance(envelope.get("item"), dict):
            raise ParseError(f"not a Facebook raw payload: expected {{type, item}}; got {describe(envelope)}")
        builders = {"post": _post, "comment": _comment, "message": _message, "webhook": _webhook}
        builder = builders.get(str(envelope.get("type")))
        if builder is None:
            raise ParseError(f"unknown Facebook raw payload type {envelope.get('type')!r}")
        return [builder(envelope, envelope["item"])]


parser = FacebookParser()
