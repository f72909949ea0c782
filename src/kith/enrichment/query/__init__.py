"""Kith's boolean listening query language (Brandwatch-style): see docs/query-language.md.

q = compile_query('(kith OR "kith crm") AND NOT job* AND lang:en')
m = q.match(Document.from_text("Trying Kith CRM today"))   # Match(spans=[(7, 15)]) or None
"""

from kith.enrichment.query.document import Document
from kith.enrichment.query.errors import QuerySyntaxError
from kith.enrichment.query.matcher import Match, Query, compile_query

__all__ = ["Document", "Match", "Query", "QuerySyntaxError", "compile_query"]
