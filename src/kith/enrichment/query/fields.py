"""Field filters: author:, channel:, lang:, country:, site:, url:, links:.

Why each field has its own rule instead of one "contains": people mean different things by each.
``site:example.com`` is a domain and its subdomains, never ``badexample.com``; ``lang:en`` includes
``en-GB``; ``url:`` and ``links:`` are "contains" because paths are long and people paste fragments;
author, channel and country compare whole values (folded, with * and ? wildcards).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from kith.enrichment.query.text import Analysed, fold

Predicate = Callable[[Analysed], bool]

_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://", re.IGNORECASE)
_LANG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")


class FieldValueError(ValueError):
    """A field value that cannot work (the compiler turns it into a positioned syntax error)."""


def wildcard_regex(folded: str) -> re.Pattern[str]:
    """``*`` is any run of characters, ``?`` exactly one; everything else literal."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in folded), re.DOTALL)


def value_matcher(value: str) -> Callable[[str], bool]:
    """Whole-value comparison, folded, with wildcards."""
    folded = fold(value)
    if "*" in folded or "?" in folded:
        rx = wildcard_regex(folded)
        return lambda candidate: rx.fullmatch(fold(candidate)) is not None
    return lambda candidate: fold(candidate) == folded


def strip_url(url: str) -> str:
    """Folded URL without scheme and leading ``www.``: what ``url:`` and ``links:`` search in."""
    bare = _SCHEME.sub("", url.strip()).lower()
    return bare[4:] if bare.startswith("www.") else bare


def host_of(url: str) -> str:
    """Host name of a URL, lower case, with or without a scheme."""
    try:
        host = urlsplit(url if _SCHEME.match(url) else f"//{url}").hostname
    except ValueError:  # e.g. a malformed IPv6 literal
        return ""
    return (host or "").rstrip(".")


def predicate(name: str, value: str) -> Predicate:
    """The test for ``name:value``; raises :class:`FieldValueError` for a value that cannot match."""
    if name == "author":
        same = value_matcher(value.lstrip("@"))
        return lambda ctx: ctx.doc.author is not None and same(ctx.doc.author.lstrip("@"))
    if name in ("channel", "country"):
        same = value_matcher(value)
        return lambda ctx: (v := getattr(ctx.doc, name)) is not None and same(v)
    if name == "lang":
        lang = fold(value).replace("_", "-")
        if not _LANG.fullmatch(lang):
            raise FieldValueError("lang: takes a language code such as en or pt-BR")
        return lambda ctx: ctx.doc.lang is not None and _lang_matches(fold(ctx.doc.lang).replace("_", "-"), lang)
    if name == "site":
        domain = strip_url(value).removeprefix("*.").rstrip(".")
        if "/" in domain or not domain or " " in domain:
            raise FieldValueError("site: takes a domain such as example.com; use url: for a path")
        return lambda ctx: ctx.doc.url is not None and _in_domain(host_of(ctx.doc.url), domain)
    if name == "url":
        part = strip_url(value)
        return lambda ctx: ctx.doc.url is not None and part in strip_url(ctx.doc.url)
    if name == "links":
        part = strip_url(value)
        return lambda ctx: any(part in strip_url(link) for link in (*ctx.doc.links, *ctx.links))
    raise FieldValueError(f"unknown field {name}:")  # pragma: no cover - the lexer knows the same names


def _lang_matches(lang: str, wanted: str) -> bool:
    return lang == wanted or lang.startswith(wanted + "-")


def _in_domain(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)
