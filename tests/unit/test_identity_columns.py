"""Column guessing and cleaning for customer-list dedupe (DuckDB in memory: no files, no database)."""

from __future__ import annotations

import duckdb
import pytest

from kith.identities.columns import DedupeInputError, parse_mapping, resolve_columns, select_sql
from kith.identities.splink_model import blocking_rules, model_fields, training_rules


def test_headers_in_several_languages_and_spellings_map_to_fields() -> None:
    headers = ["Kundennr", "Vorname", "Nachname", "Geburtsdatum", "E-Mail", "Handy", "Straße", "PLZ", "Ort", "Notiz"]
    mapping = resolve_columns(headers, "kundennr")
    assert mapping.id_column == "Kundennr"
    assert dict(mapping.fields) == {
        "first_name": "Vorname",
        "surname": "Nachname",
        "dob": "Geburtsdatum",
        "email": "E-Mail",
        "phone": "Handy",
        "postcode": "PLZ",
        "city": "Ort",
    }  # "Straße" squashes to "strae": not guessed, and the notes column is ignored
    febrl = [" given_name", " surname", " address_1", " suburb", " soc_sec_id", " date_of_birth", "rec_id"]
    assert set(resolve_columns(febrl, "rec_id").fields) == {"first_name", "surname", "street", "city", "ssn", "dob"}


def test_explicit_mapping_wins_and_bad_input_is_one_clear_error() -> None:
    assert parse_mapping(" Straße=street, given = first_name ,") == {"Straße": "street", "given": "first_name"}
    mapping = resolve_columns(["id", "Straße", "name"], "id", {"Straße": "street"})
    assert dict(mapping.fields) == {"street": "Straße", "full_name": "name"}
    with pytest.raises(DedupeInputError, match="SOURCE=FIELD"):
        parse_mapping("street")
    with pytest.raises(DedupeInputError, match="no column looks like a name"):
        resolve_columns(["id", "amount", "sku"], "id")


def test_cleaning_normalises_dates_phones_and_text() -> None:
    mapping = resolve_columns(["id", "first_name", "dob", "phone", "zip", "email"], "id")
    with duckdb.connect() as con:
        con.execute(
            "CREATE TABLE raw AS SELECT * FROM (VALUES "
            "(' 7', '  José   María ', '03.04.1980', '+49 (30) 123-4567', '10 115', ' A@B.DE '), "
            "('8', '', '1980-04-03', '030 1234567', NULL, ''), "
            "('9', 'x', '19801399', '12', 'ab-1', 'c@d')) t(id, first_name, dob, phone, zip, email)"
        ).fetchall()
        rows = con.execute(select_sql(mapping, "raw") + " ORDER BY unique_id").fetchall()
    assert rows == [
        ("7", "jose maria", "19800403", "a@b.de", "301234567", "10115"),
        ("8", None, "19800403", None, "301234567", None),
        ("9", "x", "19801399", "c@d", "12", "ab1"),  # an impossible date keeps its digits for edit distance
    ]


def test_model_uses_split_names_over_a_full_name_and_blocks_on_present_fields() -> None:
    fields = model_fields(frozenset({"first_name", "surname", "full_name", "dob", "email"}))
    assert fields == {"first_name", "surname", "dob", "email"}
    rules = [rule.get_blocking_rule("duckdb").blocking_rule_sql for rule in blocking_rules(fields)]  # type: ignore[union-attr]
    assert any("email" in rule for rule in rules) and all("postcode" not in rule for rule in rules)
    assert any("l.first_name = r.surname" in rule for rule in rules)  # swapped given/family name
    assert len(training_rules(fields)) == 2
    assert training_rules(frozenset({"full_name"})) == []  # nothing left to estimate: keep defaults
