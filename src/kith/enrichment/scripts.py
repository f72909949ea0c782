"""Which writing system a text uses, and which emoji it carries — computed from the characters alone.

Why apart from the language model: the script is a fact of the characters, not a guess, and it stays
useful where language identification has to give up (a two-word reply, a name, a burst of emoji).
Script names follow Unicode's own (``Latin``, ``Cyrillic``, ``Arabic``, ``Han``, ``Hangul`` …), with one
deliberate merge: Han mixed with Hiragana or Katakana is ``Japanese`` — kana appear in no other language,
and counting kanji apart from kana would call most Japanese posts ``Han``. ``Common`` (Unicode's name for
characters shared by all scripts: digits, punctuation, emoji) means the text has no letters at all.

Emoji come from the ``emoji`` package, whose table follows the Unicode emoji data, so skin tones, flags,
keycaps and ZWJ families stay one emoji each. Symbols below U+2600 that are only emoji when written with
the emoji variation selector (``©``, ``™``, ``↔``) are left out unless they carry it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import emoji as emoji_data

COMMON = "Common"  # Unicode's script value for characters of no particular script
JAPANESE = "Japanese"
_SPECIAL = {"CJK": "Han", "IDEOGRAPHIC": "Han", "KATAKANA-HIRAGANA": "Katakana"}
_WIDTH_PREFIXES = ("HALFWIDTH", "FULLWIDTH")
_UNQUALIFIED = emoji_data.STATUS["unqualified"]
_TEXT_SYMBOLS_END = 0x2600  # Latin-1, letterlike symbols and arrows: text by default

# Every emoji has at least one code point in these ranges (Unicode 16 emoji data): texts without any
# skip the emoji tokenizer, which walks the text character by character in Python.
_MAYBE_EMOJI = re.compile(
    "[\u00a9\u00ae\u200d\u203c\u2049\u20e3\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u27bf"
    "\u2934\u2935\u2b05-\u2b55\u3030\u303d\u3297\u3299\ufe0f\U0001f000-\U0001faff]"
)
_NON_LETTERS_ASCII = str.maketrans("", "", "".join(chr(code) for code in range(128) if not chr(code).isalpha()))
_LETTER_NON_ASCII = re.compile(r"[^\W\d_\x00-\x7f]")  # also lets "²" and "½" through: script_of drops them
_ASCII_LETTERS = re.compile("[A-Za-z]")

_script_cache: dict[str, str] = {}


def script_of(char: str) -> str:
    """The script of one letter, from its Unicode name (``LATIN SMALL LETTER A`` → ``Latin``)."""
    if char.isascii():
        return "Latin" if char.isalpha() else COMMON
    cached = _script_cache.get(char)
    if cached is not None:
        return cached
    words = unicodedata.name(char, "").split()
    if words and words[0] in _WIDTH_PREFIXES:
        words = words[1:]
    script = COMMON
    if words and char.isalpha():
        script = _SPECIAL.get(words[0], words[0].title())
        if words[0] == "MODIFIER":  # spacing modifier letters (ʼ, ˈ) belong to no script of their own
            script = COMMON
    _script_cache[char] = script
    return script


def script_counts(text: str) -> Counter[str]:
    """Letters per script; digits, punctuation, marks and emoji are not counted."""
    counts: Counter[str] = Counter(map(script_of, _LETTER_NON_ASCII.findall(text)))
    counts.pop(COMMON, None)
    latin = len(text.translate(_NON_LETTERS_ASCII)) if text.isascii() else len(_ASCII_LETTERS.findall(text))
    if latin:
        counts["Latin"] += latin
    return counts


def dominant_script(counts: Counter[str]) -> str:
    """The script with most letters, kana and Han counted together as ``Japanese`` when kana occur."""
    if not counts:
        return COMMON
    kana = counts.get("Hiragana", 0) + counts.get("Katakana", 0)
    if kana:
        merged = Counter({k: v for k, v in counts.items() if k not in ("Hiragana", "Katakana", "Han")})
        merged[JAPANESE] = kana + counts.get("Han", 0)
        counts = merged
    # ties go to the alphabetically first script so the answer never depends on dict order
    return min(counts.items(), key=lambda item: (-item[1], item[0]))[0]


def find_emoji(text: str) -> tuple[str, ...]:
    """Every emoji in ``text`` in order of appearance, repeats kept (they carry emphasis: 🔥🔥🔥)."""
    if text.isascii() or not _MAYBE_EMOJI.search(text):
        return ()
    found = []
    for match in emoji_data.emoji_list(text):
        value = match["emoji"]
        status = emoji_data.EMOJI_DATA.get(value, {}).get("status")
        if status == _UNQUALIFIED and len(value) == 1 and ord(value) < _TEXT_SYMBOLS_END:
            continue
        found.append(value)
    return tuple(found)
