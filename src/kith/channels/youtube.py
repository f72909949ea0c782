"""YouTube: Data API v3 comment threads (``commentThreads.list``) and comments (``comments.list``).

What is special about the format:

* A thread (``youtube#commentThread``) wraps its top-level comment in ``snippet.topLevelComment`` and may
  carry some of its replies in ``replies.comments``; the thread id is the top-level comment's id and is the
  thread root. Each comment becomes its own raw record: the top-level one is a :attr:`Kind.POST` (the root
  of the discussion under a video), replies are :attr:`Kind.COMMENT` with ``snippet.parentId`` as parent.
  Replies fetched by ``comments.list?parentId=`` carry no ``videoId``; their id is ``"<parent>.<suffix>"``.
* ``textDisplay`` is HTML (links, ``<br>``, entities); ``textOriginal`` is the plain text as typed but is
  not always returned, so it is preferred and ``textDisplay`` is converted as a fall-back.
* ``updatedAt`` later than ``publishedAt`` means the comment was edited: that version is stored as
  ``"<id>@<updatedAt>"``. The API has no deletion signal (deleted comments just disappear).
"""

from __future__ import annotations

import re
from typing import Any

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
from kith.channels.html_text import html_to_text

EXPECTED = (
    "expected a YouTube Data API v3 commentThreads.list or comments.list response, "
    "a youtube#commentThread or youtube#comment resource, or a list of them"
)
_HREF = re.compile(r'<a\s[^>]*href="([^"]+)"')
_TAG_LINK = re.compile(r"youtube\.com/(results\?search_query=%23|hashtag/)")  # hashtags are links too
LISTS = frozenset({"youtube#commentThreadListResponse", "youtube#commentListResponse"})


def _edited_at(snippet: dict[str, Any]) -> str | None:
    """``updatedAt`` when it is later than ``publishedAt`` (an edited comment), else None."""
    published, updated = snippet.get("publishedAt"), snippet.get("updatedAt")
    if not published or not updated or published == updated:
        return None
    try:
        later = parse_time(updated) > parse_time(published)
    except ParseError:
        return None
    return str(updated) if later else None


def _comment_record(comment: Any, context: dict[str, Any]) -> RawRecord | Rejected:
    if not isinstance(comment, dict):
        return reject(f"not a YouTube comment: got {describe(comment)}", comment)
    comment_id = opt_str(comment.get("id"))
    if comment_id is None:
        return reject("YouTube comment without an id", comment)
    edited = _edited_at(as_dict(comment.get("snippet")))
    envelope = {"comment": comment, **{k: v for k, v in context.items() if v is not None}}
    return RawRecord(f"{comment_id}@{edited}" if edited else comment_id, dump(envelope))


def _split_item(item: Any) -> list[RawRecord | Rejected]:
    if not isinstance(item, dict):
        return [reject(f"not a YouTube comment or comment thread: got {describe(item)}", item)]
    snippet = as_dict(item.get("snippet"))
    if item.get("kind") == "youtube#commentThread" or "topLevelComment" in snippet:
        thread_id = opt_str(item.get("id"))
        top = snippet.get("topLevelComment")
        if thread_id is None or not isinstance(top, dict):
            return [reject("YouTube comment thread without an id or a topLevelComment", item)]
        thread = {k: v for k, v in snippet.items() if k != "topLevelComment"}
        records = [_comment_record(top, {"thread_id": thread_id, "thread": thread})]
        for reply in as_list(as_dict(item.get("replies")).get("comments")):
            records.append(_comment_record(reply, {"thread_id": thread_id, "video_id": snippet.get("videoId")}))
        return records
    if item.get("kind") == "youtube#comment" or "textDisplay" in snippet or "textOriginal" in snippet:
        return [_comment_record(item, {})]
    kind = f" of kind {item['kind']}" if "kind" in item else ""
    return [reject(f"not a YouTube comment or comment thread: got {describe(item)}{kind}", item)]


def _author(snippet: dict[str, Any]) -> IdentityRecord | None:
    channel_id = opt_str(as_dict(snippet.get("authorChannelId")).get("value"))
    if channel_id is None:
        return None
    name = opt_str(snippet.get("authorDisplayName"))
    image = opt_str(snippet.get("authorProfileImageUrl"))
    return IdentityRecord(
        external_id=channel_id,
        visibility=Visibility.PUBLIC,
        basis=Basis.PUBLIC_CONTENT,
        handle=name[1:] if name and name.startswith("@") else None,  # names are "@handle" since 2023
        display_name=name,
        profile_url=opt_str(snippet.get("authorChannelUrl")),
        attributes={"profile_image_url": image} if image else {},
    )


def _normalise(envelope: dict[str, Any]) -> InteractionRecord:
    comment = as_dict(envelope.get("comment"))
    snippet = as_dict(comment.get("snippet"))
    thread = as_dict(envelope.get("thread"))
    comment_id = opt_str(comment.get("id"))
    if comment_id is None:
        raise ParseError("YouTube comment has no id: cannot identify it")
    original = snippet.get("textOriginal")
    display = snippet.get("textDisplay")
    text = html_to_text(display) if isinstance(display, str) else ""
    if isinstance(original, str):
        text = original
    parent = opt_str(snippet.get("parentId"))
    if parent is None and "." in comment_id:  # a reply's id is "<parent id>.<reply suffix>"
        parent = comment_id.split(".", 1)[0]
    root = parent or opt_str(envelope.get("thread_id")) or comment_id
    video_id = opt_str(snippet.get("videoId")) or opt_str(thread.get("videoId")) or opt_str(
        envelope.get("video_id"))
    edited = _edited_at(snippet)
    attributes: dict[str, Any] = {
        "video_id": video_id,
        "channel_id": opt_str(snippet.get("channelId")) or opt_str(thread.get("channelId")),
        "moderation_status": opt_str(snippet.get("moderationStatus")),
        "links": [u for u in _HREF.findall(display) if not _TAG_LINK.search(u)] if isinstance(display, str) else None,
        **text_tags(text),
        "can_reply": thread.get("canReply") if isinstance(thread.get("canReply"), bool) else None,
        "is_public": thread.get("isPublic") if isinstance(thread.get("isPublic"), bool) else None,
    }
    metrics = {"likes": count(snippet.get("likeCount")), "replies": count(thread.get("totalReplyCount"))}
    return InteractionRecord(
        external_id=comment_id,
        kind=Kind.COMMENT if parent else Kind.POST,
        text=text,
        created_at=parse_time(snippet.get("publishedAt"), field_name="YouTube comment publishedAt"),
        visibility=Visibility.PUBLIC,
        basis=Basis.PUBLIC_CONTENT,
        author=_author(snippet),
        url=f"https://www.youtube.com/watch?v={video_id}&lc={comment_id}" if video_id else None,
        in_reply_to=parent,
        thread_root=root,
        edited_at=parse_time(edited, field_name="YouTube comment updatedAt") if edited else None,
        metrics={k: v for k, v in metrics.items() if v is not None},
        attributes={k: v for k, v in attributes.items() if v not in (None, [])},
    )


class YouTubeParser(ItemJsonParser):
    name = "youtube"

    def split_items(self, doc: Any) -> list[RawRecord | Rejected]:
        if isinstance(doc, list):
            return [r for item in doc for r in _split_item(item)]
        if not isinstance(doc, dict):
            raise ParseError(f"not a YouTube payload: {EXPECTED}; got {describe(doc)}")
        if "error" in doc:
            error = as_dict(doc["error"])
            raise ParseError(
                f"the YouTube API answered with an error, not comments: {error.get('message') or doc['error']}"
            )
        if doc.get("kind") in LISTS or isinstance(doc.get("items"), list):
            return [r for item in as_list(doc.get("items")) for r in _split_item(item)]
        if doc.get("kind") in ("youtube#commentThread", "youtube#comment") or "snippet" in doc:
            return _split_item(doc)
        raise ParseError(f"not a YouTube payload: {EXPECTED}; got {describe(doc)}")

    def normalise(self, payload: bytes) -> list[Normalised]:
        envelope = load(payload)
        if not isinstance(envelope, dict) or not isinstance(envelope.get("comment"), dict):
            raise ParseError(f"not a YouTube raw payload: expected {{comment, ...}}; got {describe(envelope)}")
        return [_normalise(envelope)]


parser = YouTubeParser()
