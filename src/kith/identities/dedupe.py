"""Find the records of one customer list that are the same person, with Splink on in-process DuckDB.

Why Splink: it is the Fellegi-Sunter model done properly (term-frequency adjusted, trained without labels)
and it runs the same settings on DuckDB for one machine and on Spark for billions of pairs. Why pairs and not
merged people: Kith never auto-merges; each pair becomes a MatchSuggestion with its probability, and a
person (or a stricter threshold) decides. See docs/identities.md.

Two entry points share one core: ``dedupe_records`` for a batch already in memory (the pipeline) and
``dedupe_csv`` for a file of any size (the CLI), which never loads rows into Python.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]  # ships without type hints
from splink import DuckDBAPI, Linker
from splink.internals.splink_dataframe import SplinkDataFrame

from kith.identities.columns import ColumnMap, DedupeInputError, resolve_columns, select_sql
from kith.identities.splink_model import model_fields, settings, train

DEFAULT_THRESHOLD = 0.9
MIN_RECORDS = 3  # Splink's u sampling needs some pairs; below this there is nothing to learn from


@dataclass(frozen=True, order=True)
class MatchPair:
    """Two record ids judged to be the same person; ``left_id < right_id`` (as text)."""

    left_id: str
    right_id: str
    probability: float


@dataclass(frozen=True)
class DedupeReport:
    records: int
    fields: tuple[str, ...]  # the canonical fields the model compared
    candidates: int  # pairs the blocking rules let through to scoring
    pairs: int  # pairs at or above the threshold (written to the output)


Stage = Callable[[str], None]


def ignore_stage(_: str) -> None:
    return None


@contextmanager
def quiet_splink() -> Iterator[None]:
    """Splink logs every step at INFO; Kith reports stages itself, so only Splink's errors get through."""
    logger = logging.getLogger("splink")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _check_ids(con: duckdb.DuckDBPyConnection, table: str, id_column: str) -> int:
    row = con.execute(
        f"SELECT count(*), count(unique_id), count(DISTINCT unique_id), "
        f"(SELECT any_value(unique_id) FROM {table} GROUP BY unique_id HAVING count(*) > 1 LIMIT 1) FROM {table}"
    ).fetchall()
    total, non_null, distinct, example = row[0]  # an aggregate returns exactly one row
    if non_null < total:
        raise DedupeInputError(f"id column {id_column!r} is empty in {total - non_null} rows; every record needs an id")
    if distinct < total:
        raise DedupeInputError(
            f"id column {id_column!r} has {total - distinct} repeated values (e.g. {example!r}); ids must be unique"
        )
    return int(total)


def _predict(
    con: duckdb.DuckDBPyConnection, columns: ColumnMap, threshold: float, on_stage: Stage
) -> tuple[SplinkDataFrame | None, DedupeReport]:
    """Normalise ``raw`` into ``kith_customers``, train on it, and score the blocked pairs."""
    if not 0.0 <= threshold <= 1.0:
        raise DedupeInputError(f"threshold must be between 0 and 1, not {threshold}")
    on_stage("normalising columns")
    con.execute(f"CREATE OR REPLACE TABLE kith_customers AS {select_sql(columns, 'raw')}").fetchall()
    records = _check_ids(con, "kith_customers", columns.id_column)
    fields = model_fields(columns.present())
    report = DedupeReport(records=records, fields=tuple(sorted(fields)), candidates=0, pairs=0)
    if records < MIN_RECORDS:
        return None, report
    with quiet_splink():
        db_api = DuckDBAPI(connection=con)
        linker = Linker(db_api.register("kith_customers"), settings(fields), log_level=None)
        train(linker, fields, on_stage)
        on_stage("blocking: finding candidate pairs")
        blocked = linker.inference.compute_blocked_pairs_for_predict()  # cached: predict() scores this table
        candidates = int(con.execute(f"SELECT count(*) FROM {blocked.physical_name}").fetchall()[0][0])
        on_stage(f"scoring {candidates:,} candidate pairs")
        scored = linker.inference.predict(threshold_match_probability=threshold)
    pairs = int(con.execute(f"SELECT count(*) FROM {scored.physical_name}").fetchall()[0][0])
    return scored, replace(report, candidates=candidates, pairs=pairs)


def _pairs_sql(scored: SplinkDataFrame) -> str:
    return (
        "SELECT unique_id_l AS left_id, unique_id_r AS right_id, round(match_probability, 6) AS probability "
        f"FROM {scored.physical_name} ORDER BY left_id, right_id"
    )


def dedupe_records(
    records: Sequence[Mapping[str, object]],
    *,
    id_column: str,
    columns: Mapping[str, str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    on_stage: Stage = ignore_stage,
) -> list[MatchPair]:
    """Pairs of records (dicts keyed by the list's own headers) that are the same person.

    ``columns`` maps a source header to a canonical field (``{"vorname": "first_name"}``) where the
    automatic guess is wrong or missing; ``threshold`` is the least match probability returned.
    """
    headers = list(dict.fromkeys(key for record in records for key in record))
    mapping = resolve_columns(headers, id_column, columns) if records else None
    if mapping is None:
        return []
    table = pa.table({h: [None if r.get(h) is None else str(r.get(h)) for r in records] for h in headers})
    with duckdb.connect() as con:
        con.register("raw_arrow", table)
        con.execute("CREATE TABLE raw AS SELECT * FROM raw_arrow").fetchall()
        scored, _ = _predict(con, mapping, threshold, on_stage)
        if scored is None:
            return []
        rows = con.execute(_pairs_sql(scored)).fetchall()
    return [MatchPair(str(left), str(right), float(p)) for left, right, p in rows]


def read_headers(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """Load a CSV as text columns into table ``raw`` and return its headers; one-line errors for bad files."""
    if not path.is_file():
        raise DedupeInputError(f"no such file: {path}")
    try:
        sql = "CREATE TABLE raw AS SELECT * FROM read_csv(?, all_varchar = true, header = true)"
        con.execute(sql, [str(path)]).fetchall()  # fetch: DuckDB 2 keeps a result open until it is read
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DedupeInputError(f"cannot read {path} as CSV: {first}") from None
    return [str(row[0]) for row in con.execute("SELECT column_name FROM (DESCRIBE raw)").fetchall()]


def dedupe_csv(
    path: Path,
    out: Path,
    *,
    id_column: str,
    columns: Mapping[str, str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    on_stage: Stage = ignore_stage,
) -> DedupeReport:
    """Write ``left_id,right_id,probability`` for the same-person pairs of a CSV customer list to ``out``."""
    with duckdb.connect() as con:
        on_stage(f"reading {path.name}")
        headers = read_headers(con, path)
        mapping = resolve_columns(headers, id_column, columns)
        scored, report = _predict(con, mapping, threshold, on_stage)
        on_stage(f"writing {out.name}")
        out.parent.mkdir(parents=True, exist_ok=True)
        if scored is None:
            out.write_text("left_id,right_id,probability\n", encoding="utf-8")
        else:
            con.execute(f"COPY ({_pairs_sql(scored)}) TO {quote_path(out)} (HEADER, DELIMITER ',')").fetchall()
    return report


def quote_path(path: Path) -> str:
    """A file path as a SQL string literal (COPY takes no bound parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


__all__ = [
    "DEFAULT_THRESHOLD",
    "DedupeInputError",
    "DedupeReport",
    "MatchPair",
    "dedupe_csv",
    "dedupe_records",
]
