"""Language identification of short social texts: ISO 639-1 code, confidence, script and emoji.

Why py3langid (measured once on 1,000 English tweets from TweetEval's validation split, 135
German/English/French/Spanish/Japanese demo posts and 60 short hand-written posts in 12 languages, best
label only, no threshold): py3langid restricted to those 12 languages was right on 100 % / 100 % / 98.3 %
at 27,000-38,000 texts/s, with a 4.5 MB model and 140 MB of memory; lingua-language-detector restricted
to the same 12 on 99.9 % / 97 % / 95 % at 4,000-14,000 texts/s (300 MB), and with all its languages on
99.3 % / 96.3 % / 90 % at 570-2,000 texts/s (1.3 GB). Both ship their models in the wheel; py3langid is
smaller, several times faster and no less accurate on short posts. With this module's defaults (the
steps below) the same sets give 997 / 134 / 50 right, 1 / 1 / 10 undetermined, and the 2 tweets labelled
otherwise are in fact Indonesian and Tagalog; ``benchmarks/enrich_basic.py`` measures throughput.

How a text is decided, in order:

1. URLs, e-mail addresses, @mentions, ``#`` and digits are removed: they are not language and drag
   short posts towards whatever language the model associates with them.
2. Fewer than :data:`MIN_LETTERS` letters (empty, emoji only, "ok", "+1") → ``und`` (undetermined).
3. A dominant script used by one language only (Hangul, kana, Greek, Hebrew, Thai, Georgian, Armenian)
   decides without the model — it also keeps kana-and-kanji text from being called Chinese.
4. Otherwise py3langid, restricted to :data:`DEFAULT_LANGUAGES` (rare languages it knows steal short
   posts: "bellissimo" → Latin, "отлично" → Bulgarian, Arabic → Moroccan Arabic), gives a language and a
   probability; below :data:`MIN_CONFIDENCE`, or the model's own "no linguistic content" label, → ``und``.

``score`` is the confidence in the label given: for a language its probability, for ``und`` one minus
the best guess's probability (1.0 when there was nothing to guess from).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from typing import Any

from kith.enrichment.labels import Label
from kith.enrichment.scripts import COMMON, JAPANESE, dominant_script, find_emoji, script_counts

UNDETERMINED = "und"  # ISO 639-2 code for "undetermined"
# Below this probability the guess is withheld. Chosen on the texts named above: at 0.5, 99.0 % of texts
# get a language and 99.88 % of those are right; at 0.3 coverage is 99.6 % but accuracy 99.81 %; most
# withheld texts are one or two words ("Neid!", "El mío va perfecto.") that are honestly ambiguous.
MIN_CONFIDENCE = 0.5
MIN_LETTERS = 3  # "ok", "jo", "+1", "xD": too little to tell a language from
NO_CONTENT = "zxx"  # py3langid's label for text without linguistic content

# The languages a European social CRM meets, plus the major languages of the web. Restricting the model
# to them is the largest single gain in accuracy on short texts; pass ``languages=`` to change it.
DEFAULT_LANGUAGES: frozenset[str] = frozenset((
    "af", "ar", "bg", "bn", "ca", "cs", "cy", "da", "de", "el", "en", "es", "et", "eu", "fa", "fi", "fr", "ga",
    "gl", "he", "hi", "hr", "hu", "hy", "id", "is", "it", "ja", "ka", "ko", "lt", "lv", "mk", "ms", "nl", "no",
    "pl", "pt", "ro", "ru", "sk", "sl", "sq", "sr", "sv", "sw", "th", "tl", "tr", "uk", "ur", "vi", "zh",
))  # fmt: skip
_SCRIPT_LANGUAGE = {
    "Hangul": "ko",
    JAPANESE: "ja",
    "Greek": "el",
    "Hebrew": "he",
    "Thai": "th",
    "Georgian": "ka",
    "Armenian": "hy",
}
SCRIPT_SCORE = 0.99  # a script that one language alone uses is near-certain, but mixed-language text exists

_NOISE = re.compile(
    r"https?://\S+|www\.\S+"  # links
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|(?<!\w)@[\w.]+"  # @mentions, including Bluesky/Mastodon handles with dots
    r"|#|\d+"
)


@dataclass(frozen=True)
class LanguageResult:
    lang: str  # ISO 639-1 code, or "und"
    score: float  # confidence in ``lang`` (see the module docstring for "und")
    script: str  # dominant Unicode script of the letters: "Latin", "Cyrillic", "Japanese", ... or "Common"
    emoji: tuple[str, ...]  # emoji found, in order, repeats kept


def model_name() -> str:
    """Name and version of the language model, as :class:`Label` records it."""
    return f"py3langid@{version('py3langid')}"


@lru_cache(maxsize=1)
def _full_identifier() -> Any:
    # py3langid ships no type information; the identifier is used through two methods only
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=8)
def _identifier(languages: frozenset[str]) -> Any:
    """A model restricted to ``languages`` (plus its no-content label); the 140-language model loads once."""
    identifier = copy.copy(_full_identifier())  # set_languages rebinds arrays, so a shallow copy is safe
    identifier.set_languages(sorted(languages | {NO_CONTENT}))
    return identifier


def detect_languages(texts: Sequence[str], *, languages: Collection[str] | None = None) -> list[LanguageResult]:
    """Language, confidence, dominant script and emoji of each text.

    ``languages`` restricts the candidates (ISO 639-1 codes py3langid knows); ``None`` means
    :data:`DEFAULT_LANGUAGES`. An unknown code raises ``ValueError``.
    """
    identifier = _identifier(frozenset(DEFAULT_LANGUAGES if languages is None else languages))
    return [_detect(identifier, text) for text in texts]


def classify_language(texts: Sequence[str], *, languages: Collection[str] | None = None) -> list[Label]:
    """:func:`detect_languages` in the shared :class:`Label` shape (label = ISO 639-1 code or "und")."""
    model = model_name()
    return [Label(result.lang, result.score, model) for result in detect_languages(texts, languages=languages)]


def _detect(identifier: Any, text: str) -> LanguageResult:
    found_emoji = find_emoji(text)
    cleaned = _NOISE.sub(" ", text)
    counts = script_counts(cleaned)
    script = dominant_script(counts)
    if sum(counts.values()) < MIN_LETTERS:
        return LanguageResult(UNDETERMINED, 1.0, script if counts else COMMON, found_emoji)
    by_script = _SCRIPT_LANGUAGE.get(script)
    if by_script is not None:
        return LanguageResult(by_script, SCRIPT_SCORE, script, found_emoji)
    lang, probability = identifier.classify(cleaned)
    probability = min(max(float(probability), 0.0), 1.0)
    if lang == NO_CONTENT:
        return LanguageResult(UNDETERMINED, probability, script, found_emoji)
    if probability < MIN_CONFIDENCE:
        return LanguageResult(UNDETERMINED, 1.0 - probability, script, found_emoji)
    return LanguageResult(str(lang), probability, script, found_emoji)
