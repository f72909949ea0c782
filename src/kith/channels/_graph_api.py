"""Meta Graph API helpers shared by the Facebook and Instagram parsers.

Why: both networks answer through the same Graph API, so they share its quirks. Pages are
``{"data": [...], "paging": {"cursors": ..., "next": URL}}`` and the items rarely say what they hang under:
the ``next``/``previous`` URL (``/v11.0/<object id>/<edge>?...``) is often the only place that names the
post or media a page of comments belongs to. Those URLs carry the caller's ``access_token``, which must never
be stored. Errors come back as ``{"error": {"message", "type", "code"}}``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from kith.channels._json_items import as_dict, opt_str
from kith.channels.base import ParseError

SECRET_PARAMS = frozenset({"access_token", "appsecret_proof", "client_secret"})
_VERSION = re.compile(r"v\d+(\.\d+)?")


def strip_secrets(url: str) -> str:
    """``url`` without its ``access_token`` (and other credential) query parameters."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in SECRET_PARAMS]
    return urlunsplit(parts._replace(query=urlencode(query)))


def opt_url(value: Any) -> str | None:
    url = opt_str(value)
    return strip_secrets(url) if url else None


def page_edge(doc: dict[str, Any]) -> tuple[str | None, str | None, dict[str, str]]:
    """``(object id, edge, query)`` named by a page's ``paging.next``/``previous`` URL, when it has one.

    ``https://graph.facebook.com/v11.0/123_456/comments?filter=stream`` → ``("123_456", "comments",
    {"filter": "stream"})``. The query never includes the access token.
    """
    paging = as_dict(doc.get("paging"))
    for key in ("next", "previous"):
        url = opt_str(paging.get(key))
        if not url:
            continue
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        if segments and _VERSION.fullmatch(segments[0]):
            segments = segments[1:]
        query = {k: v for k, v in parse_qsl(parts.query) if k not in SECRET_PARAMS}
        if len(segments) == 2:
            return segments[0], segments[1], query
        if len(segments) == 1:
            return segments[0], None, query
    return None, None, {}


def raise_for_error(doc: dict[str, Any], network: str) -> None:
    """Turn a Graph API error body into a :class:`ParseError` a user can act on."""
    error = doc.get("error")
    if error is None:
        return
    info = as_dict(error)
    message = opt_str(info.get("message")) or str(error)
    code = opt_str(info.get("code"))
    raise ParseError(
        f"the {network} Graph API answered with an error, not data: {message}"
        + (f" (code {code})" if code else "")
    )

