"""Customer-list deduplication measured against the FEBRL truth, plus the CLI's contract with its user.

DuckDB runs in-process, so no Kith database is needed. The F1 floors are quality floors computed from the
known truth (rec-N-org and rec-N-dup-K are one person), not timings.
"""

from __future__ import annotations

import csv
import itertools
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kith.identities.dedupe import DedupeInputError, MatchPair, dedupe_csv, dedupe_records
from kith.identities.dedupe_cli import identities_app
from tests.conftest import FIXTURES

FEBRL = FIXTURES / "febrl"


def truth(path: Path) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, skipinitialspace=True):
            rec_id = row["rec_id"].strip()
            match = re.match(r"rec-(\d+)-", rec_id)
            assert match is not None
            groups.setdefault(match.group(1), []).append(rec_id)
    return {tuple(sorted(pair)) for group in groups.values() for pair in itertools.combinations(group, 2)}  # type: ignore[misc]


def read_pairs(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def f1(found: set[tuple[str, str]], true: set[tuple[str, str]]) -> tuple[float, float, float]:
    hit = len(found & true)
    precision, recall = hit / max(len(found), 1), hit / len(true)
    return precision, recall, 2 * precision * recall / (precision + recall) if hit else 0.0


@pytest.mark.parametrize(("name", "floor"), [("dataset1.csv", 0.99), ("dataset2_sample.csv", 0.99)])
def test_febrl_pairs_reach_the_f1_floor(tmp_path: Path, name: str, floor: float) -> None:
    out = tmp_path / "pairs.csv"
    report = dedupe_csv(FEBRL / name, out, id_column="rec_id")
    rows = read_pairs(out)
    assert list(rows[0]) == ["left_id", "right_id", "probability"]
    found = {(row["left_id"], row["right_id"]) for row in rows}
    assert all(left < right for left, right in found)
    assert all(0.9 <= float(row["probability"]) <= 1.0 for row in rows)
    precision, recall, score = f1(found, truth(FEBRL / name))
    assert score >= floor, f"P={precision:.4f} R={recall:.4f} F1={score:.4f}"
    assert report.pairs == len(rows) and report.candidates >= report.pairs
    # FEBRL's headers were mapped without help: given_name, address_1, suburb, soc_sec_id...
    assert {"first_name", "surname", "dob", "street", "city", "postcode", "ssn"} <= set(report.fields)


def test_a_lower_threshold_finds_more_pairs_and_runs_are_reproducible(tmp_path: Path) -> None:
    strict, loose, again = tmp_path / "strict.csv", tmp_path / "loose.csv", tmp_path / "again.csv"
    source = FEBRL / "dataset2_sample.csv"
    dedupe_csv(source, strict, id_column="rec_id", threshold=0.99)
    dedupe_csv(source, loose, id_column="rec_id", threshold=0.0)
    dedupe_csv(source, again, id_column="rec_id", threshold=0.99)
    assert len(read_pairs(loose)) > len(read_pairs(strict)) > 0
    assert strict.read_text() == again.read_text()


def people() -> list[dict[str, object]]:
    """A German-headed list: Vorname/Nachname/Geburtsdatum/PLZ/Ort must be recognised without a mapping."""
    base = [
        ("Anna", "Schmidt", "03.04.1980", "10115", "Berlin", "anna.schmidt@example.de", "+49 30 1234567"),
        ("Jonas", "Weber", "12.11.1975", "20095", "Hamburg", "jweber@example.de", "040 7654321"),
        ("Lena", "Fischer", "23.07.1990", "80331", "München", "lena.f@example.de", "089 5550001"),
        ("Paul", "Becker", "01.01.1965", "50667", "Köln", "pbecker@example.de", "0221 999888"),
        ("Mia", "Wagner", "30.09.1988", "60311", "Frankfurt", "mia.wagner@example.de", "069 121212"),
        ("Felix", "Hoffmann", "14.02.1972", "70173", "Stuttgart", "fh@example.de", "0711 343434"),
        ("Emma", "Koch", "08.08.1999", "04109", "Leipzig", "emma.koch@example.de", "0341 565656"),
        ("Leon", "Richter", "19.06.1983", "01067", "Dresden", "leon.r@example.de", "0351 787878"),
    ]
    rows: list[dict[str, object]] = [
        {
            "Kundennr": f"k{i}",
            "Vorname": f,
            "Nachname": s,
            "Geburtsdatum": d,
            "PLZ": z,
            "Ort": o,
            "E-Mail": e,
            "Telefon": t,
        }
        for i, (f, s, d, z, o, e, t) in enumerate(base)
    ]
    # The same Anna from the shop: ISO date, typo in the surname, phone with another prefix, e-mail in capitals.
    rows.append(
        {"Kundennr": "shop-1", "Vorname": "Anna", "Nachname": "Schmitd", "Geburtsdatum": "1980-04-03", "PLZ": "10115",
         "Ort": "Berlin", "E-Mail": "ANNA.SCHMIDT@example.de", "Telefon": "030 1234567"}
    )  # fmt: skip
    return rows


def test_records_with_german_headers_find_the_same_person() -> None:
    pairs = dedupe_records(people(), id_column="Kundennr", threshold=0.5)
    assert [(p.left_id, p.right_id) for p in pairs] == [("k0", "shop-1")]
    assert isinstance(pairs[0], MatchPair) and pairs[0].probability > 0.9


def test_an_explicit_mapping_overrides_the_guess_and_errors_name_the_columns() -> None:
    rows = [{"id": str(i), "given": n, "fam": "x"} for i, n in enumerate(["ann", "bob", "cy"])]
    assert dedupe_records(rows, id_column="id", columns={"fam": "surname", "given": "first_name"}) == []
    with pytest.raises(DedupeInputError, match="id column 'nr' not found; the columns are: id, given, fam"):
        dedupe_records(rows, id_column="nr")
    with pytest.raises(DedupeInputError, match="unknown field 'vorname'"):
        dedupe_records(rows, id_column="id", columns={"given": "vorname"})
    with pytest.raises(DedupeInputError, match="repeated values"):
        dedupe_records([*rows, rows[0]], id_column="id")
    assert dedupe_records([], id_column="id") == []


runner = CliRunner()


def one_line_error(args: list[str], *needles: str) -> None:
    result = runner.invoke(identities_app, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_cli_writes_pairs_and_reports_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "pairs.csv"
    result = runner.invoke(
        identities_app, ["dedupe", str(FEBRL / "dataset1.csv"), "--id-column", "rec_id", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "1000 records compared on" in result.stdout and "pairs with probability ≥ 0.9" in result.stdout
    assert len(read_pairs(out)) >= 495


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    out = str(tmp_path / "pairs.csv")
    data = str(FEBRL / "dataset1.csv")
    one_line_error(["dedupe", str(tmp_path / "missing.csv"), "--id-column", "id", "--out", out], "no such file")
    one_line_error(["dedupe", data, "--id-column", "customer", "--out", out], "'customer' not found", "given_name")
    one_line_error(["dedupe", data, "--id-column", "rec_id", "--columns", "oops", "--out", out], "SOURCE=FIELD")
    one_line_error(["dedupe", data, "--id-column", "rec_id", "--columns", "nope=surname", "--out", out], "'nope'")
    unreadable = tmp_path / "latin1.csv"
    unreadable.write_bytes(b"id,name\n1,caf\xe9\xff\xfe\n2,b\n")  # not UTF-8
    one_line_error(["dedupe", str(unreadable), "--id-column", "id", "--out", out], "cannot read")


@pytest.mark.skipif(os.environ.get("KITH_TEST_SPARK") != "1", reason="opt-in: set KITH_TEST_SPARK=1 (needs pyspark)")
def test_the_same_model_runs_on_spark() -> None:
    from kith.identities.spark import dedupe_spark_csv

    pairs = dedupe_spark_csv(FEBRL / "dataset1.csv", id_column="rec_id")
    precision, recall, score = f1({(p.left_id, p.right_id) for p in pairs}, truth(FEBRL / "dataset1.csv"))
    assert score >= 0.99, f"P={precision:.4f} R={recall:.4f} F1={score:.4f}"
