"""How text becomes searchable tokens: one rule set for posts and for the words of a query.

Why one module: a query term and a post must be cut and folded identically, or "Müller" in a query and
"MÜLLER" in a post drift apart. Tokens keep their character offsets in the original text (never in a
normalised copy) so a match can be highlighted exactly where the user sees it.

Rules (see docs/query-language.md):
- a *word* is a run of letters, digits, ``_`` and combining marks; punctuation separates words;
- scripts written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) and Korean (whose
  particles attach to nouns) form *runs*; a query term in those scripts matches any substring of a run;
- ``#tag`` and ``@name`` are one token each (their body is searchable as a word too);
- each emoji (with its skin tone, variation selector and ZWJ sequence) is a token; flags are one token;
- links (``http://``, ``https://``, ``www.``) are not words: ``links:`` searches them.
Folding: NFKD, drop Latin/Greek/Cyrillic/Hebrew/Arabic diacritics, variation selectors and skin tones,
casefold, NFC. Japanese voicing marks and Indic vowel signs are kept: dropping them changes the word.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from typing import Any

# Kinds of token
WORD, HASHTAG, MENTION, RUN, EMOJI = range(5)

# Scripts without spaces between words (plus Hangul): matched as substrings of a run.
_CJK_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x1780, 0x17FF),  # Khmer
    (0x3005, 0x3007),  # iteration mark, closing mark, ideographic zero
    (0x3021, 0x3029),  # Suzhou numerals
    (0x3031, 0x3035),  # vertical kana repeat marks
    (0x303B, 0x303C),
    (0x3040, 0x30FF),  # Hiragana, Katakana (with the prolonged sound mark and the middle dot)
    (0x3130, 0x318F),  # Hangul compatibility Jamo
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # Han extension A
    (0x4E00, 0x9FFF),  # Han
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # compatibility Han
    (0xFF66, 0xFF9F),  # halfwidth Katakana
    (0x20000, 0x3134F),  # Han extensions B-H
)
_ASTRAL = "\U00010000-\U0010ffff"


def _body(ranges: list[tuple[int, int]]) -> str:
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


CJK = _body(list(_CJK_RANGES))
_CJK_CHAR = re.compile(f"[{CJK}]")


def _scan() -> dict[str, tuple[str, str]]:
    """Regex class bodies, split into (BMP, astral) parts, computed from the running Unicode tables.

    Why split: ``re`` tests a BMP character against a class in constant time but walks the astral
    ranges one by one, so a class with hundreds of astral ranges makes every space slow. Patterns test
    the astral part only behind a one-range lookahead. Scans planes 0-1 and plane 14's selectors (planes
    2-3 hold only Han, which is in ``CJK``); about 50 ms, once, at import.
    """
    found: dict[str, list[list[tuple[int, int]]]] = {"word": [[], []], "mark": [[], []], "symbol": [[], []]}
    lows = [lo for lo, _ in _CJK_RANGES]
    for cp in (*range(0x20000), *range(0xE0000, 0xE1000)):
        cat = unicodedata.category(chr(cp))
        i = bisect_right(lows, cp) - 1
        in_cjk = i >= 0 and cp <= _CJK_RANGES[i][1]
        kinds = []
        if (cat[0] in "LNM" and not in_cjk) or cp == 0x5F:  # letters, digits, marks and "_": \w plus marks
            kinds.append("word")
        if cat[0] == "M":
            kinds.append("mark")
        if cat == "So":  # emoji, dingbats, ©, ™ ...
            kinds.append("symbol")
        for kind in kinds:
            ranges = found[kind][cp > 0xFFFF]
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return {kind: (_body(bmp), _body(astral)) for kind, (bmp, astral) in found.items()}


_CLASSES = _scan()


def _either(kind: str, extra: str = "") -> str:
    bmp, astral = _CLASSES[kind]
    return f"(?:[{bmp}{extra}]|(?=[{_ASTRAL}])[{astral}])"


MARKS = "".join(_CLASSES["mark"])  # for validation at compile time, where speed does not matter
_WB, _WA = _CLASSES["word"]
_WORD = f"{_either('word')}[{_WB}]*(?:(?=[{_ASTRAL}])[{_WA}][{_WB}]*)*"
_SYMBOL = _either("symbol")
_MODS = "\ufe0e\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"  # selectors, keycap, skin, tags
_EMOJI = f"(?:[\U0001f1e6-\U0001f1ff]{{2}}|{_SYMBOL})[{_MODS}]*(?:\u200d{_SYMBOL}[{_MODS}]*)*"
URL = r"(?i:https?://|www\.)[^\s<>\"'`]*[^\s<>\"'`.,;:!?)\]}]"
_NAME = r"\w(?:[\w.\-]*\w)?"

TOKEN = re.compile(
    f"({URL})"  # 1 link
    f"|(?<![\\w&/#@])#((?:[{CJK}]|{_WORD})+)"  # 2 hashtag body
    f"|(?<![\\w/@])@({_NAME}(?:@{_NAME})?)"  # 3 mention body (Mastodon's user@server too)
    f"|([{CJK}]+)"  # 4 run of a script without spaces
    f"|({_WORD})"  # 5 word
    f"|({_EMOJI})"  # 6 emoji
)
_KIND = (0, 0, HASHTAG, MENTION, RUN, WORD, EMOJI)

# Query terms: the same classes, with the wildcards * and ? allowed inside words and runs.
QUERY_TOKEN = re.compile(f"((?:{_either('word', '*?')})+)|([{CJK}*?]+)|({_EMOJI})")
_QUERY_KIND = (0, WORD, RUN, EMOJI)

# What folding removes after NFKD: diacritics of alphabets where readers treat them as optional.
_STRIP = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"  # combining diacritics
    "\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"  # Hebrew points
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"  # Arabic harakat
    "\u00ad\ufe00-\ufe0f\U000e0100-\U000e01ef\U0001f3fb-\U0001f3ff]"  # soft hyphen, selectors, skin tones
)


def fold(text: str) -> str:
    """Case- and accent-insensitive form: ``fold("MÜLLER") == fold("müller") == "muller"``."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    if not decomposed.isascii():
        decomposed = _STRIP.sub("", decomposed)
    folded = decomposed.casefold()
    return folded if folded.isascii() else unicodedata.normalize("NFC", folded)


def is_cjk(text: str) -> bool:
    return _CJK_CHAR.search(text) is not None


def query_tokens(term: str) -> list[tuple[int, str]]:
    """Cut a query term into ``(kind, folded)`` tokens; a wildcard-only piece joins its neighbour."""
    pieces: list[tuple[int, int, int, str]] = []  # kind, start, end, raw
    for m in QUERY_TOKEN.finditer(term):
        k = m.lastindex or 0
        pieces.append((_QUERY_KIND[k], m.start(), m.end(), m.group()))
    merged: list[tuple[int, int, int, str]] = []
    for piece in pieces:
        prev = merged[-1] if merged else None
        if prev and prev[2] == piece[1] and (not prev[3].strip("*?") or not piece[3].strip("*?")):
            kind = piece[0] if not prev[3].strip("*?") else prev[0]
            merged[-1] = (kind, prev[1], piece[2], prev[3] + piece[3])
        else:
            merged.append(piece)
    return [(kind, fold(raw)) for kind, _, _, raw in merged]


class Analysed:
    """A text cut into tokens once per match call; every term of a query looks things up here.

    ``index`` maps a folded token to its positions; ``runs`` lists the positions of tokens that contain
    a script without spaces (searched by substring). ``memo`` is the query's per-document scratch space.
    """

    __slots__ = ("doc", "ends", "folded", "index", "kinds", "links", "memo", "runs", "starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.folded: list[str] = []
        self.kinds: list[int] = []
        self.links: list[str] = []
        self.runs: list[int] = []
        self.index: dict[str, list[int]] = {}
        self.memo: list[Any] = []
        self.doc: Any = None
        starts, ends, folded, kinds, index = self.starts, self.ends, self.folded, self.kinds, self.index
        runs, kind_of = self.runs, _KIND
        ascii_text = text.isascii()
        for m in TOKEN.finditer(text):
            k = m.lastindex or 0
            if k == 1:
                self.links.append(m.group(1))
                continue
            raw = m.group(k)
            f = raw.lower() if ascii_text or raw.isascii() else fold(raw)
            kind = kind_of[k]
            pos = len(starts)
            if kind == RUN or (not ascii_text and kind in (HASHTAG, MENTION) and is_cjk(raw)):
                runs.append(pos)
            start, end = m.span(k)
            starts.append(start)
            ends.append(end)
            folded.append(f)
            kinds.append(kind)
            if f in index:
                index[f].append(pos)
            else:
                index[f] = [pos]

    def char_span(self, pos: int, a: int, b: int) -> tuple[int, int]:
        """Offsets in ``text`` of folded characters ``[a, b)`` of the token at ``pos`` (run substrings)."""
        start, end = self.starts[pos], self.ends[pos]
        if len(self.folded[pos]) == end - start:  # folding kept the length: the usual case
            return start + a, start + b
        # Fold cluster by cluster (a character with the marks that follow it), so that halfwidth ｶﾞ,
        # which folds to one ガ, maps back to both of its characters.
        clusters: list[tuple[int, int]] = []  # (original start, folded length so far)
        folded_len, j = 0, start
        while j < end:
            k = j + 1
            while k < end and unicodedata.combining(unicodedata.normalize("NFKD", self.text[k])[:1] or " "):
                k += 1
            folded_len += len(fold(self.text[j:k]))
            clusters.append((j, folded_len))
            j = k
        first, last = end, end
        for i, (offset, folded_so_far) in enumerate(clusters):
            if first == end and folded_so_far > a:
                first = offset
            if folded_so_far >= b:
                last = clusters[i + 1][0] if i + 1 < len(clusters) else end
                break
        return first, last

    def positions_between(self, start: int, end: int) -> tuple[int, int]:
        """First and last token positions that a character span ``[start, end)`` touches."""
        first = bisect_right(self.ends, start)
        last = bisect_left(self.starts, end) - 1
        return first, max(first, last)
