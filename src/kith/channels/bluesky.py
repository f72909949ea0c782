"""Bluesky (AT Protocol): post threads, feeds, search results, single post records and profile lists.

What is special about the format:

* A post is a *record* (``text``, ``createdAt``, ``langs``, ``reply``, ``embed``, ``facets``) inside a *view*
  (``postView``: ``uri``, ``cid``, ``author``, counts). Its id is its ``at://`` URI; the author's stable id
  is a DID — handles change, so the handle is only a display attribute.
* Facets locate links, mentions and hashtags by **UTF-8 byte** offsets (``byteStart``/``byteEnd``), not by
  characters: we slice the UTF-8 encoded text, or an emoji before a link would shift every position.
* Threads nest (``parent`` up, ``replies`` down) and may hold ``notFoundPost``/``blockedPost`` stubs, which
  carry no content and are skipped. A record's ``reply.root``/``reply.parent`` give the threading directly.
* Feeds (getTimeline/getAuthorFeed) wrap posts as ``{post, reply?, reason?}``; a ``reasonRepost`` becomes a
  SHARE by the reposter (raw id: the repost record's URI, else ``"<post uri>#repost:<did>"``).
* ``com.atproto.repo.getRecord`` returns the bare record without author view: the DID comes from the URI.
* Posts cannot be edited in the Bluesky app, so there are no version suffixes; deletions are not in these
  read APIs (they come from the firehose), so there are no tombstones either.
* A profile list (getFollows/getFollowers) becomes IdentityRecords, raw id ``"<did>@<indexedAt>"``.
* A post recurring in one input (thread root, feed reply context, quote) is split once.

Raw envelopes: ``{"post": postView}``, ``{"record": {uri, cid, value}}``, ``{"repost": reasonRepost, "post":
postView}``, ``{"profile": profileView}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kith.channels.base import (
    SHAPE_ERRORS,
    Basis,
    IdentityRecord,
    InteractionRecord,
    Kind,
    Normalised,
    ParseError,
    Parser,
    RawRecord,
    Rejected,
    Visibility,
    dump,
    iter_json_documents,
    load,
    parse_time,
    unwrap_recording,
    why_failed,
)

Item = RawRecord | Rejected


PUBLIC = (Visibility.PUBLIC, Basis.PUBLIC_CONTENT)
_METRICS = {"likeCount": "likes", "replyCount": "replies", "repostCount": "shares", "quoteCount": "quotes"}
_STUBS = ("app.bsky.feed.defs#notFoundPost", "app.bsky.feed.defs#blockedPost")


def _keys(doc: Any) -> str:
    if isinstance(doc, dict):
        return "an object with keys " + ", ".join(sorted(doc)[:12])
    return f"a JSON {type(doc).__name__}"


def _is_post_view(d: Any) -> bool:
    return isinstance(d, dict) and isinstance(d.get("uri"), str) and isinstance(d.get("record"), dict)


def _post(view: Any) -> Iterator[Item]:
    if not isinstance(view, dict) or view.get("$type") in _STUBS or view.get("notFound") or view.get("blocked"):
        return  # a deleted or blocked post in a thread: nothing to record
    if _is_post_view(view):
        yield RawRecord(view["uri"], dump({"post": view}))
        yield from _quoted(view.get("embed"))
    else:
        yield Rejected("a post view has no uri or no record", dump(view))


def _quoted(embed: Any) -> Iterator[Item]:
    """A quoted post embedded as a full app.bsky.embed.record#viewRecord is recorded as a post too."""
    embed = embed if isinstance(embed, dict) else {}
    outer: dict[str, Any] = embed["record"] if isinstance(embed.get("record"), dict) else {}
    # a plain quote is {record: viewRecord}; recordWithMedia nests one level deeper: {record: {record: ...}}
    quoted: dict[str, Any] = outer["record"] if isinstance(outer.get("record"), dict) else outer
    if quoted.get("$type") == "app.bsky.embed.record#viewRecord" and isinstance(quoted.get("value"), dict):
        view = {key: value for key, value in quoted.items() if key not in ("value", "$type")}
        yield from _post({**view, "record": quoted["value"]})


def _thread(node: Any, *, up: bool = True, down: bool = True) -> Iterator[Item]:
    """Walk a threadViewPost / feedViewPost: the post, its parents upwards and its replies downwards."""
    if not isinstance(node, dict):
        return
    yield from _post(node.get("post"))
    if up and isinstance(node.get("parent"), dict):
        yield from _thread(node["parent"], down=False)
    if down:
        for reply in node.get("replies") or []:
            yield from _thread(reply, up=False)
    context = node.get("reply")  # a feed item's reply context: root and parent post views
    if isinstance(context, dict):
        for key in ("root", "parent"):
            yield from _post(context.get(key))
    reason = node.get("reason")
    if isinstance(reason, dict) and reason.get("$type") == "app.bsky.feed.defs#reasonRepost":
        yield from _repost(reason, node.get("post"))


def _repost(reason: dict[str, Any], post: Any) -> Iterator[Item]:
    by, post_uri = reason.get("by"), post.get("uri") if isinstance(post, dict) else None
    if not isinstance(by, dict) or not by.get("did") or not post_uri:
        yield Rejected("a repost has no reposter DID or no post URI", dump(reason))
        return
    raw_id = reason.get("uri") or f"{post_uri}#repost:{by['did']}"
    yield RawRecord(raw_id, dump({"repost": reason, "post": post}))


class BlueskyParser(Parser):
    """JSON bodies of the app.bsky / com.atproto XRPC queries, read as :class:`JsonParser` reads them."""

    name = "bluesky"
    suffixes: tuple[str, ...] = (".json", ".jsonl", ".ndjson")

    def split(self, data: bytes, source: str) -> Iterator[RawRecord | Rejected]:
        seen: set[str] = set()  # a post recurs in threads and feeds (root, parent, quote): keep the first
        for doc_bytes, doc in iter_json_documents(data, source):
            if isinstance(doc, Rejected):
                yield doc
                continue
            try:
                items = list(self._walk(unwrap_recording(doc)))
            except (ParseError, *SHAPE_ERRORS) as exc:
                yield Rejected(f"{source}: {why_failed(exc)}", doc_bytes)
                continue
            for item in items:
                if isinstance(item, Rejected):
                    yield Rejected(f"{source}: {item.reason}", item.payload)
                elif item.external_id not in seen:
                    seen.add(item.external_id)
                    yield item

    def _walk(self, doc: Any) -> Iterator[Item]:
        if isinstance(doc, list):
            for element in doc:
                yield from self._walk(element)
            return
        if not isinstance(doc, dict):
            raise ParseError(f"not a Bluesky payload: got {_keys(doc)}")
        if isinstance(doc.get("thread"), dict):  # getPostThread
            yield from _thread(doc["thread"])
        elif isinstance(doc.get("feed"), list):  # getTimeline, getAuthorFeed, getFeed, getListFeed
            for entry in doc["feed"]:
                yield from _thread(entry, up=False, down=False)
        elif isinstance(doc.get("posts"), list):  # searchPosts, getPosts
            for view in doc["posts"]:
                yield from _post(view)
        elif isinstance(doc.get("post"), dict):  # one threadViewPost or feedViewPost on its own
            yield from _thread(doc)
        elif _is_post_view(doc):
            yield from _post(doc)
        elif isinstance(doc.get("value"), dict) and str(doc.get("uri", "")).startswith("at://"):
            yield RawRecord(doc["uri"], dump({"record": doc}))  # com.atproto.repo.getRecord
        elif isinstance(doc.get("follows"), list) or isinstance(doc.get("followers"), list):
            subject = [doc["subject"]] if isinstance(doc.get("subject"), dict) else []
            for profile in subject + (doc.get("follows") or doc.get("followers") or []):
                yield from self._walk(profile)
        elif isinstance(doc.get("did"), str) and "handle" in doc:  # a profile view
            version = f"{doc['did']}@{doc['indexedAt']}" if doc.get("indexedAt") else doc["did"]
            yield RawRecord(version, dump({"profile": doc}))
        else:
            hint = " (a bare post record has no at:// URI: ingest getRecord's answer)" if "text" in doc else ""
            raise ParseError(
                "not a Bluesky payload: expected getPostThread ({thread}), a feed ({feed}), search results "
                "({posts}), a post view, a getRecord answer ({uri, value}) or a profile list; got "
                f"{_keys(doc)}{hint}"
            )

    def normalise(self, payload: bytes) -> list[Normalised]:
        try:
            return self._normalise(load(payload))
        except SHAPE_ERRORS as exc:
            raise ParseError(f"a Bluesky payload field has an unexpected type ({type(exc).__name__}: {exc})") from exc

    def _normalise(self, doc: Any) -> list[Normalised]:
        if not isinstance(doc, dict):
            raise ParseError("a Bluesky raw payload must be a JSON object")
        if isinstance(doc.get("repost"), dict):
            return _share(doc["repost"], doc.get("post"))
        if isinstance(doc.get("post"), dict):
            view = doc["post"]
            author = view.get("author")
            if not isinstance(author, dict) or not author.get("did"):
                raise ParseError(f"post {view.get('uri')} has no author DID")
            return [_interaction(view.get("uri"), view.get("record"), _identity(author), view)]
        if isinstance(doc.get("record"), dict):
            uri = doc["record"].get("uri")
            did = _authority(uri)
            author = _identity({"did": did}) if did.startswith("did:") else None
            return [_interaction(uri, doc["record"].get("value"), author, {})]
        if isinstance(doc.get("profile"), dict):
            return [_identity(doc["profile"])]
        raise ParseError("unknown Bluesky raw payload: expected post, record, repost or profile; got " + _keys(doc))


def _authority(uri: Any) -> str:
    """``did:plc:xyz`` from ``at://did:plc:xyz/app.bsky.feed.post/rkey`` (may be a handle in old URIs)."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        raise ParseError(f"not an at:// URI: {uri!r}")
    return uri.removeprefix("at://").split("/", 1)[0]


def _identity(profile: dict[str, Any]) -> IdentityRecord:
    did = profile.get("did")
    if not isinstance(did, str) or not did:
        raise ParseError("a Bluesky profile has no DID")
    handle = profile.get("handle") if profile.get("handle") != "handle.invalid" else None
    attributes = {
        name: profile[key]
        for key, name in (
            ("description", "bio"),
            ("avatar", "avatar"),
            ("followersCount", "followers_count"),
            ("followsCount", "following_count"),
            ("postsCount", "posts_count"),
        )
        if profile.get(key) not in (None, "")
    }
    return IdentityRecord(
        external_id=did,
        visibility=Visibility.PUBLIC,
        basis=Basis.PUBLIC_CONTENT,
        handle=handle or None,
        display_name=profile.get("displayName") or None,
        profile_url=f"https://bsky.app/profile/{handle or did}",
        attributes=attributes,
    )


def _facets(text: str, facets: Any) -> dict[str, Any]:
    """Links, mentions and hashtags from facets; offsets count bytes of the UTF-8 encoded text."""
    encoded = text.encode("utf-8")
    found: dict[str, list[Any]] = {"links": [], "mentions": [], "hashtags": [], "facets": []}
    for facet in facets if isinstance(facets, list) else []:
        index = facet.get("index") if isinstance(facet, dict) else None
        if not isinstance(index, dict):
            continue
        start, end = index.get("byteStart"), index.get("byteEnd")
        try:
            span: str | None = encoded[start:end].decode("utf-8") if isinstance(start, int) else None
        except (UnicodeDecodeError, TypeError):
            span = None  # offsets that cut a character in two: keep the feature, not the text
        for feature in facet.get("features") or []:
            kind = str(feature.get("$type", "")).rpartition("#")[2] if isinstance(feature, dict) else ""
            value = {
                "link": feature.get("uri"),
                "mention": feature.get("did"),
                "tag": feature.get("tag"),
            }.get(kind)
            if value:
                found[{"link": "links", "mention": "mentions", "tag": "hashtags"}[kind]].append(value)
                found["facets"].append({"type": kind, "value": value, "text": span})
    return {key: value for key, value in found.items() if value}


def _embed(record_embed: Any, view_embed: Any) -> dict[str, Any]:
    """Quoted post, images/video and external link card, from the record (and the view's CDN URLs)."""
    attributes: dict[str, Any] = {}
    embed = record_embed if isinstance(record_embed, dict) else {}
    kind = embed.get("$type")
    if kind == "app.bsky.embed.recordWithMedia":
        quoted, media, view_media = embed.get("record"), embed.get("media"), (view_embed or {}).get("media")
    elif kind == "app.bsky.embed.record":
        quoted, media, view_media = embed, None, None
    else:
        quoted, media, view_media = None, embed, view_embed
    if isinstance(quoted, dict) and isinstance(quoted.get("record"), dict) and quoted["record"].get("uri"):
        attributes["quoted"] = quoted["record"]["uri"]
    media = media if isinstance(media, dict) else {}
    views = (view_media or {}).get("images") or [] if isinstance(view_media, dict) else []
    if media.get("$type") == "app.bsky.embed.images":
        attributes["media"] = [
            {
                "type": "image",
                "alt": image.get("alt") or None,
                "url": views[number].get("fullsize") if number < len(views) else None,
            }
            for number, image in enumerate(media.get("images") or [])
            if isinstance(image, dict)
        ]
    elif media.get("$type") == "app.bsky.embed.video":
        attributes["media"] = [{"type": "video", "alt": media.get("alt") or None}]
    elif media.get("$type") == "app.bsky.embed.external" and isinstance(media.get("external"), dict):
        card = media["external"]
        attributes["external"] = {key: card.get(key) for key in ("uri", "title", "description")}
    return attributes


def _interaction(uri: Any, record: Any, author: IdentityRecord | None, view: dict[str, Any]) -> InteractionRecord:
    did = _authority(uri)
    if not isinstance(record, dict):
        raise ParseError(f"post {uri} has no record")
    created = record.get("createdAt") or view.get("indexedAt")
    if not created:
        raise ParseError(f"post {uri} has no createdAt")
    text = record.get("text") or ""
    attributes = _facets(text, record.get("facets")) | _embed(record.get("embed"), view.get("embed"))
    external = attributes.get("external")
    if isinstance(external, dict) and external.get("uri") and external["uri"] not in attributes.get("links", []):
        attributes["links"] = [*attributes.get("links", []), external["uri"]]
    for tag in record.get("tags") or []:  # outline tags, not in the text
        attributes.setdefault("hashtags", []).append(tag)
    reply: dict[str, Any] = record["reply"] if isinstance(record.get("reply"), dict) else {}
    parent, root = (reply.get(key) or {} for key in ("parent", "root"))
    langs = record.get("langs")
    owner = (author.handle if author else None) or did
    return InteractionRecord(
        external_id=uri,
        kind=Kind.COMMENT if parent.get("uri") else Kind.POST,
        text=text,
        created_at=parse_time(created, field_name="createdAt"),
        visibility=Visibility.PUBLIC,
        basis=Basis.PUBLIC_CONTENT,
        author=author,
        url=f"https://bsky.app/profile/{owner}/post/{uri.rsplit('/', 1)[-1]}",
        lang=langs[0] if isinstance(langs, list) and langs else None,
        in_reply_to=parent.get("uri") or None,
        thread_root=root.get("uri") or None,
        metrics={name: view[key] for key, name in _METRICS.items() if isinstance(view.get(key), int)},
        attributes=attributes,
    )


def _share(reason: dict[str, Any], post: Any) -> list[Normalised]:
    by = reason.get("by")
    if not isinstance(by, dict) or not isinstance(post, dict) or not post.get("uri"):
        raise ParseError("a repost needs the reposter (by) and the reposted post")
    if not reason.get("indexedAt"):
        raise ParseError(f"the repost of {post['uri']} has no indexedAt time")
    share = InteractionRecord(
        external_id=reason.get("uri") or f"{post['uri']}#repost:{by.get('did')}",
        kind=Kind.SHARE,
        text="",
        created_at=parse_time(reason["indexedAt"], field_name="indexedAt"),
        visibility=Visibility.PUBLIC,
        basis=Basis.PUBLIC_CONTENT,
        author=_identity(by),
        attributes={"shared": post["uri"]},
    )
    author = post.get("author")
    if not isinstance(author, dict) or not isinstance(post.get("record"), dict):
        return [share]
    return [share, _interaction(post["uri"], post["record"], _identity(author), post)]


parser = BlueskyParser()
