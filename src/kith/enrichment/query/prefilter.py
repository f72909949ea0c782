"""A cheap first pass: can this text possibly match? Substring tests on the folded text, no tokenising.

Why: most posts mention none of a topic's brands, and tokenising a post costs ten to twenty times a
substring scan. Every text-bound part of a query has a *sketch*: folded strings that must be in the
folded text for it to hold (a phrase needs all its words, an OR needs one of its members, a NEAR both
sides). NOT and field filters have none: they can hold whatever the text says, so they never reject.
A sketch may let through a post that then fails (``kith`` is inside ``kithara``) but never rejects one
that would match; tests check that against the full matcher.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeAlias

# a string that must be present, or ("all" | "any", parts)
Sketch: TypeAlias = str | tuple[str, tuple["Sketch", ...]]


def literal(folded: str) -> str:
    """The longest wildcard-free part of a folded term: text that must be present for it to match."""
    return max(re.split(r"[*?\s]+", folded), key=len)


def all_of(parts: Iterable[Sketch | None]) -> Sketch | None:
    """Every part must hold; parts that cannot tell (``None``) are left out."""
    known = _flat("all", parts)
    if not known:
        return None
    return known[0] if len(known) == 1 else ("all", tuple(known))


def any_of(parts: Iterable[Sketch | None]) -> Sketch | None:
    """One part must hold; a single part that cannot tell makes the whole unknowable."""
    parts = list(parts)
    if not parts or any(p is None for p in parts):
        return None
    known = _flat("any", parts)
    words = {p for p in known if isinstance(p, str)}  # any(a, all(a, b)) is any(a): drop the all
    known = [p for p in known if isinstance(p, str) or p[0] != "all" or not words.intersection(p[1])]
    return known[0] if len(known) == 1 else ("any", tuple(known))


def _flat(op: str, parts: Iterable[Sketch | None]) -> list[Sketch]:
    out: list[Sketch] = []
    for part in parts:
        if part is None or part == "":
            continue
        items = part[1] if isinstance(part, tuple) and part[0] == op else (part,)
        out.extend(item for item in items if item not in out)
    return out


def compile_sketch(sketch: Sketch) -> Callable[[str], bool]:
    """A function of the folded text; strings of an "any" are tested longest first (rarest, usually)."""
    if isinstance(sketch, str):
        return lambda hay: sketch in hay
    op, parts = sketch
    words = tuple(sorted((p for p in parts if isinstance(p, str)), key=len, reverse=True))
    tests = tuple(compile_sketch(p) for p in parts if not isinstance(p, str))
    if op == "any":

        def either(hay: str) -> bool:
            for word in words:
                if word in hay:
                    return True
            return any(test(hay) for test in tests)

        return either

    def every(hay: str) -> bool:
        for word in words:
            if word not in hay:
                return False
        return all(test(hay) for test in tests)

    return every
