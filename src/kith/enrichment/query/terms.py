"""Leaves that find occurrences in a text: words, phrases, "phrase"~n, raw:, #tags, @mentions, NEAR.

An occurrence (a *hit*) is ``(first_pos, last_pos, char_start, char_end, spans)``: token positions for
distance rules, character offsets for ordering and highlighting. Leaves compute their hits once per
document (memoised in ``ctx.memo``) so the boolean test and the span collection share the work.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kith.enrichment.query.fields import wildcard_regex
from kith.enrichment.query.prefilter import Sketch, all_of, any_of, literal
from kith.enrichment.query.text import HASHTAG, MENTION, RUN, Analysed, fold

Span = tuple[int, int]
Hit = tuple[int, int, int, int, tuple[Span, ...]]
Occ = tuple[int, int, int]  # position, char start, char end


class Node:
    """Anything in a compiled query: ``test`` says whether it holds, ``collect`` adds its spans."""

    def test(self, ctx: Analysed) -> bool:
        raise NotImplementedError  # abstract

    def collect(self, ctx: Analysed, out: list[Span]) -> None:
        raise NotImplementedError  # abstract

    def sketch(self) -> Sketch | None:
        """What must be in the folded text for this node to hold (see prefilter); None: can't tell."""
        return None


class Leaf(Node):
    """A node with occurrences in the text."""

    def __init__(self, slot: int) -> None:
        self.slot = slot

    def hits(self, ctx: Analysed) -> list[Hit]:
        found: list[Hit] | None = ctx.memo[self.slot]
        if found is None:
            found = ctx.memo[self.slot] = self.find(ctx)
        return found

    def find(self, ctx: Analysed) -> list[Hit]:
        raise NotImplementedError  # abstract

    def test(self, ctx: Analysed) -> bool:
        return bool(self.hits(ctx))

    def collect(self, ctx: Analysed, out: list[Span]) -> None:
        for hit in self.hits(ctx):
            out.extend(hit[4])


class Piece:
    """One token of a query term: a word, an emoji, or a piece of a script written without spaces."""

    def __init__(self, kind: int, folded: str) -> None:
        self.kind = kind
        self.folded = folded
        self.wild = "*" in folded or "?" in folded
        body = wildcard_regex(folded).pattern
        self.rx = re.compile(body, re.DOTALL)
        self.rx_start, self.rx_end = re.compile(f"^(?:{body})", re.DOTALL), re.compile(f"(?:{body})$", re.DOTALL)
        lit = re.split(r"[*?]", folded)[0]
        self.prefix = lit  # cheap pre-check before a wildcard regex runs

    def occurrences(self, ctx: Analysed, must_end: bool = False) -> list[Occ]:
        """Every place this piece matches; ``must_end``: a run piece must end its run (phrase start)."""
        starts, ends = ctx.starts, ctx.ends
        if self.kind == RUN:
            out: list[Occ] = []
            for pos in ctx.runs:
                for a, b in self.in_run(ctx.folded[pos], must_start=False, must_end=must_end):
                    out.append((pos, *ctx.char_span(pos, a, b)))
            return out
        if not self.wild:
            return [(p, starts[p], ends[p]) for p in ctx.index.get(self.folded, ())]
        found = [
            p
            for key, positions in ctx.index.items()
            if key.startswith(self.prefix) and self.rx.fullmatch(key)
            for p in positions
        ]
        return [(p, starts[p], ends[p]) for p in sorted(found)]

    def at(self, ctx: Analysed, pos: int, must_start: bool, must_end: bool) -> Span | None:
        """Whether this piece matches the token at ``pos`` (inside a phrase); its characters if so."""
        if pos >= len(ctx.folded):
            return None
        token = ctx.folded[pos]
        if self.kind == RUN:
            spans = self.in_run(token, must_start, must_end)
            return ctx.char_span(pos, *spans[0]) if spans else None
        if (token == self.folded) if not self.wild else (self.rx.fullmatch(token) is not None):
            return ctx.starts[pos], ctx.ends[pos]
        return None

    def in_run(self, run: str, must_start: bool, must_end: bool) -> list[Span]:
        """Folded-character spans of this piece inside a run."""
        if not self.folded:
            return []
        if self.wild:
            if must_start and must_end:
                m = self.rx.fullmatch(run)
                return [m.span()] if m and m.end() > m.start() else []
            if must_start or must_end:
                m = (self.rx_start if must_start else self.rx_end).search(run)
                return [m.span()] if m and m.end() > m.start() else []
            return [m.span() for m in self.rx.finditer(run) if m.end() > m.start()]
        f, n = self.folded, len(self.folded)
        if must_start and must_end:
            return [(0, n)] if run == f else []
        if must_start:
            return [(0, n)] if run.startswith(f) else []
        if must_end:
            return [(len(run) - n, len(run))] if run.endswith(f) else []
        out, i = [], run.find(f)
        while i >= 0:
            out.append((i, i + n))
            i = run.find(f, i + n)
        return out


class Phrase(Leaf):
    """Adjacent tokens in order: a bare term (``wi-fi`` is ``wi`` then ``fi``) or a "quoted phrase"."""

    def __init__(self, slot: int, pieces: list[Piece]) -> None:
        super().__init__(slot)
        self.pieces = pieces

    def sketch(self) -> Sketch | None:
        return all_of(literal(piece.folded) for piece in self.pieces)

    def find(self, ctx: Analysed) -> list[Hit]:
        first, rest = self.pieces[0], self.pieces[1:]
        out: list[Hit] = []
        for pos, start, end in first.occurrences(ctx, must_end=bool(rest)):
            last = len(rest)
            for i, piece in enumerate(rest, 1):
                span = piece.at(ctx, pos + i, must_start=True, must_end=i < last)
                if span is None:
                    break
                end = span[1]
            else:
                out.append((pos, pos + last, start, end, ((start, end),)))
        return out


class Sloppy(Leaf):
    """ "w1 w2 …"~n: the words in at most n moves (Lucene's slop: a word in between costs 1, a swap 2)."""

    def __init__(self, slot: int, pieces: list[Piece], slop: int) -> None:
        super().__init__(slot)
        self.pieces = pieces
        self.slop = slop

    def sketch(self) -> Sketch | None:
        return all_of(literal(piece.folded) for piece in self.pieces)

    def find(self, ctx: Analysed) -> list[Hit]:
        occ = [piece.occurrences(ctx) for piece in self.pieces]
        if not all(occ):
            return []
        adjusted = [[(pos - i, pos, a, b) for pos, a, b in piece_occ] for i, piece_occ in enumerate(occ)]
        seen: set[tuple[Span, ...]] = set()
        out: list[Hit] = []
        for low in sorted({adj for options in adjusted for adj, *_ in options}):
            windows = [[o for o in options if low <= o[0] <= low + self.slop] for options in adjusted]
            chosen = _distinct(windows, [])
            if chosen is None:
                continue
            spans = tuple(sorted((a, b) for _, _, a, b in chosen))
            if spans in seen:
                continue
            seen.add(spans)
            positions = [pos for _, pos, _, _ in chosen]
            out.append((min(positions), max(positions), spans[0][0], max(b for _, b in spans), spans))
        return out


def _distinct(
    windows: list[list[tuple[int, int, int, int]]], chosen: list[tuple[int, int, int, int]]
) -> list[tuple[int, int, int, int]] | None:
    """One option per word, no two on the same characters (backtracking; windows are tiny)."""
    if len(chosen) == len(windows):
        return chosen
    for option in windows[len(chosen)]:
        if all(option[3] <= c[2] or c[3] <= option[2] for c in chosen):
            found = _distinct(windows, [*chosen, option])
            if found is not None:
                return found
    return None


class Raw(Leaf):
    """raw:"C#": the exact characters, case and punctuation included, not inside a longer word."""

    def __init__(self, slot: int, text: str) -> None:
        super().__init__(slot)
        body = r"\s+".join(re.escape(part) for part in text.split())
        before = r"(?<!\w)" if re.match(r"\w", text.strip()) else ""
        after = r"(?!\w)" if re.search(r"\w$", text.strip()) else ""
        self.rx = re.compile(before + body + after)
        self.text = text

    def sketch(self) -> Sketch | None:  # folding is not exact for every script: only ASCII is sure
        return all_of(literal(fold(part)) for part in self.text.split()) if self.text.isascii() else None

    def find(self, ctx: Analysed) -> list[Hit]:
        out: list[Hit] = []
        for m in self.rx.finditer(ctx.text):
            first, last = ctx.positions_between(m.start(), m.end())
            out.append((first, last, m.start(), m.end(), (m.span(),)))
        return out


class Tag(Leaf):
    """#tag or @name: a hashtag/mention in the text (span includes the sign) or in the source's fields."""

    def __init__(self, slot: int, sign: str, value: str) -> None:
        super().__init__(slot)
        self.sign = sign
        self.kind = HASHTAG if sign == "#" else MENTION
        folded = fold(value)
        if "*" in folded or "?" in folded:
            rx = wildcard_regex(folded)
            self.same: Callable[[str], bool] = lambda body: rx.fullmatch(body) is not None
        else:
            self.same = folded.__eq__
        self.folded = folded

    def sketch(self) -> Sketch | None:  # the document's listed tags are part of what the prefilter reads
        return all_of([literal(self.folded)])

    def matches(self, body: str) -> bool:
        """Whole body, or for ``user@server`` mentions the user part."""
        return self.same(body) or (self.kind == MENTION and "@" in body and self.same(body.split("@", 1)[0]))

    def find(self, ctx: Analysed) -> list[Hit]:
        return [
            (pos, pos, ctx.starts[pos] - 1, ctx.ends[pos], ((ctx.starts[pos] - 1, ctx.ends[pos]),))
            for pos, kind in enumerate(ctx.kinds)
            if kind == self.kind and self.matches(ctx.folded[pos])
        ]

    def test(self, ctx: Analysed) -> bool:
        if self.hits(ctx):
            return True
        listed = ctx.doc.hashtags if self.kind == HASHTAG else ctx.doc.mentions
        return any(self.matches(fold(value.lstrip(self.sign))) for value in listed)


class AnyOf(Leaf):
    """An OR-group used as a NEAR operand: the occurrences of any of its members."""

    def __init__(self, slot: int, members: list[Leaf]) -> None:
        super().__init__(slot)
        self.members = members

    def sketch(self) -> Sketch | None:
        return any_of(member.sketch() for member in self.members)

    def find(self, ctx: Analysed) -> list[Hit]:
        return [hit for member in self.members for hit in member.hits(ctx)]


class Near(Leaf):
    """A NEAR/n B: an occurrence of each, at most n words between them; NEAR/nf: A first."""

    def __init__(self, slot: int, left: Leaf, right: Leaf, distance: int, ordered: bool) -> None:
        super().__init__(slot)
        self.left, self.right = left, right
        self.distance, self.ordered = distance, ordered

    def sketch(self) -> Sketch | None:
        return all_of((self.left.sketch(), self.right.sketch()))

    def find(self, ctx: Analysed) -> list[Hit]:
        right = self.right.hits(ctx)
        if not right:
            return []
        out: list[Hit] = []
        for a in self.left.hits(ctx):
            for b in right:
                if a[3] <= b[2]:  # a before b
                    gap = b[0] - a[1] - 1
                elif b[3] <= a[2] and not self.ordered:
                    gap = a[0] - b[1] - 1
                else:
                    continue  # overlapping, or in the wrong order
                if gap <= self.distance:
                    out.append((min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3]), a[4] + b[4]))
        return out


def pieces_of(tokens: list[tuple[int, str]]) -> list[Piece]:
    return [Piece(kind, folded) for kind, folded in tokens]


def merge_spans(spans: list[Span]) -> list[Span]:
    """Sorted, overlapping spans merged (touching ones are kept apart: they are different words)."""
    merged: list[Span] = []
    for a, b in sorted(set(spans)):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged
