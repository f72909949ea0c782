"""Turning a customer's suggestion into an idea's text, and deciding whether two suggestions are one idea.

Why clean before comparing: social posts wrap the same wish in different noise — "@nordlicht", trailing
"#outdoor #hiking", links, quoted e-mail history. Left in, two unrelated posts that both tag the brand
look alike and one idea written once with and once without hashtags looks different. Only the words of
the wish itself are compared.

The threshold (``SAME_IDEA``) was calibrated on the demo's suggestions and on hand-checked pairs in
English, German, French and Spanish (``tests/unit/test_ideas_text.py``; figures in docs/ideas.md):
compared on their ``essence`` (no wish phrases such as "it would be great if", no function words),
restatements of one wish score 0.37-0.86 and different wishes, even about the same product, 0.0-0.31.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from kith.enrichment.text_vectors import cosine, vectorize

SAME_IDEA = 0.35  # cosine at or above which a suggestion is one more mention of an existing idea
TITLE_CHARS = 90
SUMMARY_CHARS = 600
TEXTS_PER_IDEA = 20  # mentions compared per idea: enough to catch its wordings, bounded cost per batch

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w.])@[\w.-]+(?:@[\w.-]+)?")
_TRAILING_TAGS = re.compile(r"(?:\s*#[\w-]+)+\s*$")
_HASH = re.compile(r"#(\w)")
_QUOTE_LINE = re.compile(r"^\s*>.*$", re.MULTILINE)
_WROTE_LINE = re.compile(r"^.{0,200}\b(?:wrote|schrieb|a écrit|escribió):\s*$", re.MULTILINE | re.IGNORECASE)
_SPACE = re.compile(r"[ \t]+")
_BLANKS = re.compile(r"\n{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.:;!?])")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\n+|(?<=[。！？])")
# "Idea for Nordlicht:", "Suggestion:", "Feature request -", "Vorschlag:" — a short label before the wish
_LABEL = re.compile(
    r"^\s*(?:(?:an?\s+)?(?:idea|suggestion|feature request|request|wish|proposal|tip|hint|idee|vorschlag|wunsch|"
    r"suggestion|idée|sugerencia|idea|propuesta)\b[^:.!?\n]{0,40}?)\s*[:\-–—]\s*",
    re.IGNORECASE,
)


# Words that say "this is a wish" or glue a sentence together, in the languages Kith's customers write:
# every suggestion has them, so they make unrelated wishes look alike ("it would be great if the Aurora
# had a USB-C port" vs "… were lighter"). Comparison drops them and keeps what is wished for.
_CUES = re.compile(
    r"\b(?:it )?would (?:be )?(?:great|nice|cool|awesome|love|like)\b|\bi(?:'d| would) love\b|\bwould love\b|"
    r"\bplease\b|\bwhy not\b|\bidea for\b|\bsuggestion\b|\bfeature request\b|\bhint\b|"
    r"\bwäre? (?:toll|super|schön|cool|klasse)\b|\bbitte\b|\bidee für\b|\bvorschlag\b|"
    r"\bce serait (?:top|bien|génial|super)\b|\bs'il vous plaît\b|\bidée\b|"
    r"\bestaría (?:genial|bien)\b|\bpor favor\b|\bsería (?:genial|bueno)\b",
    re.IGNORECASE,
)
_STOPWORD_TEXT = """a an the and or but if of for to in on at by with from as is are was were be been it its this
    that my our
    your you we i me us they them he she would could should can will do does did have has had not no so too very
    just also some any all more most one there here what which who how why when than then into about immediately
    buy der die das den dem des ein eine einen einem und oder aber wenn für zu im in am an auf mit von als ist sind
    war es ich wir ihr sie mein meine euer eure auch noch nur sehr gerne würde würden kann könnt le la les un une
    des et ou mais si de du pour à au aux en sur avec par est sont il elle je nous vous mon ma mes votre vos ce
    cette d l el los las unos unas y o pero para por con del al es son yo mi mis su sus lo que una"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)


def essence(text: str) -> str:
    """What is wished for: the cleaned text without wish phrases and function words (for comparing only)."""
    without_cues = _CUES.sub(" ", clean(text))
    words = [w for w in _WORD.findall(without_cues.lower()) if w not in _STOPWORDS and not w.startswith(("d'", "l'"))]
    return " ".join(words)


def clean(text: str) -> str:
    """The words of the wish: no links, @handles, trailing hashtags, quoted e-mail history or extra spaces."""
    text = _QUOTE_LINE.sub("", text)
    text = _WROTE_LINE.sub("", text)
    text = _URL.sub("", text)
    text = _MENTION.sub("", text)
    text = _TRAILING_TAGS.sub("", text)
    text = _HASH.sub(r"\1", text)
    lines = [_SPACE.sub(" ", line).strip() for line in text.splitlines()]
    text = _BLANKS.sub("\n\n", "\n".join(lines)).strip()
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text).strip(" ,:;-–—\n")


def first_sentence(text: str) -> str:
    """The first sentence that says something (a greeting line such as "Hi team," is skipped)."""
    parts = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip(" .,:;-")]
    for part in parts:
        if not (part.endswith((":", ",")) and len(part.split()) <= 4):
            return part
    return parts[0] if parts else ""


def title_of(text: str, limit: int = TITLE_CHARS) -> str:
    """A short, cleaned-up first sentence: the label ("Idea for X:") dropped, capitalised, cut at a word."""
    sentence = first_sentence(clean(text))
    unlabelled = _LABEL.sub("", sentence, count=1)
    if unlabelled.strip():
        sentence = unlabelled
    sentence = sentence.strip().rstrip(".")
    if not sentence:
        return "Untitled idea"
    if len(sentence) > limit:
        cut = sentence[: limit - 1]
        sentence = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:-") + "…"
    return sentence[0].upper() + sentence[1:]


def summary_of(text: str, limit: int = SUMMARY_CHARS) -> str:
    summary = clean(text)
    if len(summary) > limit:
        summary = summary[: limit - 1].rsplit(" ", 1)[0] + "…"
    return summary


def similarity(a: str, b: str) -> float:
    """Cosine of two texts' cleaned vectors (for tests, the CLI and documentation)."""
    vectors = vectorize([essence(a), essence(b)])
    return float(cosine(vectors[0], vectors[1])[0, 0])


@dataclass
class IdeaIndex:
    """Every known wording of every idea (title + summary, and its mentions), vectorised once per batch.

    ``best`` answers "which idea is this suggestion, if any": the idea whose closest wording is most
    similar, when that similarity reaches ``SAME_IDEA``.
    """

    owners: list[int] = field(default_factory=list)  # idea id of each row of ``matrix``
    parts: list[sparse.csr_matrix] = field(default_factory=list)

    @classmethod
    def build(cls, wordings: Sequence[tuple[int, str]]) -> IdeaIndex:
        index = cls()
        index.add(wordings)
        return index

    def add(self, wordings: Sequence[tuple[int, str]]) -> None:
        kept = [(idea, gist) for idea, text in wordings if (gist := essence(text))]
        if kept:
            self.owners.extend(idea for idea, _ in kept)
            self.parts.append(vectorize([text for _, text in kept]))

    def best(self, text: str, threshold: float = SAME_IDEA) -> tuple[int | None, float]:
        """(idea id, similarity) of the closest idea, or (None, best similarity) when none is close enough."""
        if not self.parts:
            return None, 0.0
        if len(self.parts) > 1:
            self.parts = [sparse.csr_matrix(sparse.vstack(self.parts))]
        gist = essence(text)
        if not gist:
            return None, 0.0
        sims = cosine(vectorize([gist]), self.parts[0])[0]
        i = int(np.argmax(sims))
        score = float(sims[i])
        return (self.owners[i], score) if score >= threshold else (None, score)
