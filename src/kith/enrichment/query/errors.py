"""The one error a query can raise, with where it happened and a caret picture for terminals.

Why a position on every error: topic queries grow to hundreds of terms over many lines, and "syntax
error" without a place sends the author hunting. Every message names the column (and the line when the
query has several) in the sentence itself, so a log line or an API response is enough to fix it.
"""

from __future__ import annotations


class QuerySyntaxError(ValueError):
    """A query that cannot be compiled. ``str(error)`` is a sentence a user can act on.

    ``offset`` is 0-based into the query text; ``line`` and ``column`` are 1-based, for people.
    """

    def __init__(self, message: str, query: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.query = query
        self.offset = max(0, min(offset, len(query)))
        self.line, self.column = line_column(query, self.offset)

    def caret(self) -> str:
        """The offending line and a ``^`` under the column, e.g. for ``kith topics test``."""
        lines = self.query.split("\n")
        text = lines[self.line - 1] if self.line - 1 < len(lines) else ""
        # keep tabs so the caret lines up with what the terminal shows above it
        pad = "".join("\t" if ch == "\t" else " " for ch in text[: self.column - 1])
        return f"{text}\n{pad}^"


def line_column(query: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a 0-based offset."""
    line = query.count("\n", 0, offset) + 1
    start = query.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def where(query: str, offset: int) -> str:
    """``"column 5"``, or ``"line 2, column 5"`` for multi-line queries: the place named in messages."""
    line, column = line_column(query, offset)
    return f"line {line}, column {column}" if "\n" in query else f"column {column}"
