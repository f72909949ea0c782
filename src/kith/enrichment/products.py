"""Which catalogue products a text mentions: by SKU, by name, by alias (nickname), or misspelt.

Why token sequences instead of substring search: a name must match whole words ("Aurora" is not in
"Aurorafan"), case and accents must not matter ("SKJÆR", "skjaer"), and people write "Polaris E Trekking"
as often as "Polaris E-Trekking". Text and catalogue phrases are cut into the same tokens — runs of
letters, runs of digits, and single Han/kana characters (Japanese has no spaces, so a Japanese alias
matches anywhere in a Japanese sentence) — folded (case, accents, ``ø``/``æ``/``ß`` …) and compared as
sequences through a dictionary, so a large catalogue costs no more per text than a small one.

SKUs are matched exactly (case-insensitively) as whole chunks of letters, digits, ``.``, ``_`` and ``-``.
A SKU that is a plain word or a plain number ("ROPE", "100234") is not matched on its own: in free text it
is far more often a word or an order number; the product is still found by its name.

Misspellings ("Aurorra 500", "Polaris E-Treking") are found by correcting unknown text tokens towards the
catalogue's own longer tokens with an optimal-string-alignment distance (rapidfuzz), conservatively:

- only tokens of :data:`FUZZY_MIN_LENGTH`+ letters with the same first letter are corrected, by one edit
  (two for tokens of :data:`FUZZY_TWO_EDITS_LENGTH`+ letters);
- a corrected phrase of several tokens must keep at least one token exactly ("Aurorra 500": "500"), and a
  one-token phrase is corrected only from :data:`FUZZY_SINGLE_MIN_LENGTH` letters by one edit — so
  "hurting" never becomes the "Hurtig" panniers and "inspecting" never the inspection service.

Where matches overlap the longest wins, then the best score ("Aurora City Step-Through" over "Aurora City"
over "Aurora"). A phrase that two products share at the same level (two aliases "display") names neither;
a name beats another product's alias.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import OSA

from kith.channels.base import ProductRecord

How = Literal["sku", "name", "alias", "fuzzy"]
SCORES: dict[How, float] = {"sku": 1.0, "name": 1.0, "alias": 0.9, "fuzzy": 0.8}  # fuzzy: × similarity
FUZZY_MIN_LENGTH = 5
FUZZY_TWO_EDITS_LENGTH = 9
FUZZY_SINGLE_MIN_LENGTH = 7
_HOW_RANK: dict[How, int] = {"sku": 0, "name": 1, "alias": 2, "fuzzy": 3}

_CJK = "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W\d_{_CJK}]+|\d+")
_SKU_CHUNK = re.compile(r"\w(?:[\w.-]*\w)?")
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
_fold_cache: dict[str, str] = {}
_CACHE_LIMIT = 200_000  # distinct tokens kept; cleared when full (social text repeats words a lot)


@dataclass(frozen=True)
class ProductMention:
    sku: str
    text: str  # the matched text as written
    start: int
    end: int
    how: How
    score: float  # a ranking signal in [0, 1], not a calibrated probability


def fold(token: str) -> str:
    """Case- and accent-insensitive form of a token: ``Skjær`` → ``skjaer``, ``Größe`` → ``grosse``."""
    if token.isascii():
        return token.lower()
    folded = _fold_cache.get(token)
    if folded is None:
        decomposed = unicodedata.normalize("NFKD", token.casefold())
        folded = "".join(char for char in decomposed if not unicodedata.combining(char)).translate(_LETTERS)
        if len(_fold_cache) >= _CACHE_LIMIT:
            _fold_cache.clear()
        _fold_cache[token] = folded
    return folded


def tokens(text: str) -> list[tuple[str, int, int]]:
    """``(folded token, start, end)`` for each token of ``text``."""
    found = []
    for match in _TOKEN.finditer(text):
        folded = fold(match.group())
        if folded:
            found.append((folded, match.start(), match.end()))
    return found


def _plain_sku(sku: str) -> bool:
    """A SKU worth matching alone: 4+ characters mixing letters and digits, or with a separator."""
    has_separator = any(char in "-._/" for char in sku)
    mixed = any(char.isdigit() for char in sku) and any(char.isalpha() for char in sku)
    return len(sku) >= 4 and (mixed or has_separator)


class ProductMatcher:
    """An index of a catalogue's SKUs, names and aliases; build once, call :meth:`find` per text."""

    def __init__(self, products: Sequence[ProductRecord]) -> None:
        self._skus: dict[str, str] = {}
        self._phrases: dict[tuple[str, ...], tuple[str | None, How]] = {}  # SKU None: ambiguous
        for product in products:
            if _plain_sku(product.sku):
                if _SKU_CHUNK.fullmatch(product.sku):
                    self._skus[product.sku.casefold()] = product.sku
                else:
                    self._add(product.sku, product.sku, "sku")
            self._add(product.name, product.sku, "name")
            for alias in product.aliases:
                self._add(alias, product.sku, "alias")
        self._lengths: dict[str, list[int]] = {}  # first token -> phrase lengths, longest first
        for phrase in self._phrases:
            self._lengths.setdefault(phrase[0], []).append(len(phrase))
        for lengths in self._lengths.values():
            lengths[:] = sorted(set(lengths), reverse=True)
        self._known = {token for phrase in self._phrases for token in phrase}
        by_initial: dict[str, list[str]] = {}
        for token in sorted(self._known):
            if len(token) >= FUZZY_MIN_LENGTH and token.isalpha():
                by_initial.setdefault(token[0], []).append(token)
        self._vocab = by_initial
        self._corrections: dict[str, tuple[str, int] | None] = {}

    def _add(self, phrase: str, sku: str, how: How) -> None:
        key = tuple(token for token, _, _ in tokens(phrase))
        if not key:
            return
        current = self._phrases.get(key)
        if current is None or _HOW_RANK[how] < _HOW_RANK[current[1]]:
            self._phrases[key] = (sku, how)  # new, or a name beating an alias
        elif _HOW_RANK[how] == _HOW_RANK[current[1]] and current[0] != sku:
            self._phrases[key] = (None, how)  # two products, same level: names neither

    def find(self, text: str) -> list[ProductMention]:
        """Product mentions in ``text``, ordered by position, never overlapping."""
        found = list(self._sku_mentions(text))
        toks = tokens(text)
        words = [token for token, _, _ in toks]
        edits = [0] * len(words)
        similarity = [1.0] * len(words)
        for index, word in enumerate(words):
            if word not in self._known:
                correction = self._correct(word)
                if correction is not None:
                    words[index], edits[index] = correction
                    similarity[index] = 1.0 - edits[index] / max(len(word), len(words[index]))
        for index, word in enumerate(words):
            for length in self._lengths.get(word, ()):
                if index + length > len(words):
                    continue
                sku, how = self._phrases.get(tuple(words[index : index + length]), (None, "name"))
                if sku is None:
                    continue
                score = SCORES[how]
                misspelt = [edit for edit in edits[index : index + length] if edit]
                if misspelt:
                    if length == 1 and (len(word) < FUZZY_SINGLE_MIN_LENGTH or misspelt[0] > 1):
                        continue  # a lone short word one edit from a nickname is too often a real word
                    if length > 1 and len(misspelt) == length:
                        continue  # every token misspelt: too far from the catalogue to trust
                    how, score = "fuzzy", SCORES["fuzzy"] * min(similarity[index : index + length])
                start, end = toks[index][1], toks[index + length - 1][2]
                found.append(ProductMention(sku, text[start:end], start, end, how, round(score, 3)))
        return _resolve(found)

    def find_many(self, texts: Sequence[str]) -> list[list[ProductMention]]:
        """:meth:`find` over a batch, as the pipeline calls stages."""
        return [self.find(text) for text in texts]

    def _sku_mentions(self, text: str) -> Iterable[ProductMention]:
        if not self._skus:
            return
        for match in _SKU_CHUNK.finditer(text):
            sku = self._skus.get(match.group().casefold())
            if sku is not None:
                yield ProductMention(sku, match.group(), match.start(), match.end(), "sku", SCORES["sku"])

    def _correct(self, word: str) -> tuple[str, int] | None:
        """The catalogue token ``word`` is a misspelling of, with the edits between them; cached per word."""
        if len(word) < FUZZY_MIN_LENGTH or not word.isalpha():
            return None
        if word in self._corrections:
            return self._corrections[word]
        answer = None
        choices = self._vocab.get(word[0], [])
        best = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=2) if choices else None
        if best is not None:
            target, distance = best[0], int(best[1])
            allowed = 2 if len(target) >= FUZZY_TWO_EDITS_LENGTH else 1
            if 0 < distance <= allowed:
                answer = (target, distance)
        if len(self._corrections) >= _CACHE_LIMIT:
            self._corrections.clear()
        self._corrections[word] = answer
        return answer


def _resolve(found: list[ProductMention]) -> list[ProductMention]:
    """Keep the longest, then best-scored, of overlapping mentions."""
    found.sort(key=lambda mention: (-(mention.end - mention.start), -mention.score, mention.start))
    kept: list[ProductMention] = []
    for mention in found:
        if all(mention.end <= other.start or mention.start >= other.end for other in kept):
            kept.append(mention)
    return sorted(kept, key=lambda mention: mention.start)
