"""Fold names and handles from any script to comparable lower-case ASCII, keeping German spellings equal.

Why variants and not one folded form: people write ``Müller`` as ``Mueller`` when a keyboard or a handle
has no umlaut, and as ``Muller`` when a form strips accents. A single folding can equal only one of the
two, so each text gives a small set of foldings (umlaut dropped, umlaut spelled out) and two names agree
when the sets meet. Other scripts (Cyrillic, Greek, Turkish dotless i…) go through ``anyascii``
(ISC licence), which transliterates each character to its usual Latin spelling: ``Иван`` → ``ivan``,
``Γιώργος`` → ``giorgos``. Chinese characters come out as Mandarin pinyin, which is no help for Japanese
names; those still agree when both sides wrote the same characters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _letters_only(text: str) -> str:
    """Symbols (emoji, ⚡, ©) become spaces first: ``anyascii`` would spell 🚲 as ``:bike:``."""
    return "".join(" " if unicodedata.category(ch)[0] in "SC" else ch for ch in text)


def fold(text: str | None) -> str:
    """Lower-case ASCII words separated by single spaces (accents dropped, other scripts transliterated)."""
    return _NOT_WORD.sub(" ", anyascii(_letters_only(text or "")).lower()).strip()


@lru_cache(maxsize=65536)
def fold_variants(text: str | None) -> frozenset[str]:
    """Every folding of ``text`` worth comparing: ``Müller`` → {``muller``, ``mueller``}; empty when no letters."""
    raw = text or ""
    variants = {fold(raw), fold(raw.translate(_GERMAN))}
    return frozenset(v for v in variants if v)


def squeeze(text: str | None) -> str:
    """The folded text without spaces or digits: how a name looks inside a handle (``Anna-Lena`` → ``annalena``)."""
    return "".join(ch for ch in fold(text) if ch.isalpha())
