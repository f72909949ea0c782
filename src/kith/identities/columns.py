"""Map a customer list's own column names onto the fields the matching model knows, and clean them in SQL.

Customer lists arrive from shop systems, loyalty cards and call-centre exports, each with its own headers
(``given_name``, ``FirstName``, ``Vorname``…). Matching must not need a hand-written mapping for the common
cases, so headers are *squashed* (lower case, letters and digits only) and looked up in ``ALIASES``; an
explicit ``src=dst`` mapping wins over the guess. Columns that map to nothing are ignored, never guessed.

The cleaning is SQL (DuckDB dialect, also valid on Spark for the functions used) so that a million rows are
normalised inside the database instead of in Python.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

# Canonical fields, in the order the model lists its comparisons.
FIELDS = (
    "first_name",
    "surname",
    "full_name",
    "dob",
    "email",
    "phone",
    "ssn",
    "street_number",
    "street",
    "address_2",
    "city",
    "postcode",
    "state",
)

_ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": ("firstname", "givenname", "forename", "fname", "first", "given", "vorname", "prenom", "nombre"),
    "surname": ("surname", "lastname", "familyname", "lname", "last", "nachname", "familienname", "nom", "apellido"),
    "full_name": ("name", "fullname", "customername", "displayname", "contactname", "personname"),
    "dob": ("dob", "dateofbirth", "birthdate", "birthday", "birthdt", "geburtsdatum", "datenaissance"),
    "email": ("email", "emailaddress", "mail", "emailadresse", "courriel"),
    "phone": ("phone", "phonenumber", "telephone", "tel", "mobile", "mobilephone", "cell", "telefon", "handy"),
    "ssn": ("ssn", "socsecid", "socialsecuritynumber", "socialsecurity", "nationalid", "taxid", "nino"),
    "street_number": ("streetnumber", "housenumber", "streetno", "houseno", "hausnummer", "hausnr"),
    "street": ("street", "address", "address1", "addressline1", "streetaddress", "addr", "strasse", "adresse"),
    "address_2": ("address2", "addressline2"),
    "city": ("city", "suburb", "town", "locality", "ort", "stadt", "wohnort", "ville"),
    "postcode": ("postcode", "zip", "zipcode", "postalcode", "postleitzahl", "plz", "codepostal"),
    "state": ("state", "region", "province", "county", "bundesland"),
}
ALIASES: dict[str, str] = {alias: field for field, names in _ALIASES.items() for alias in names}


class DedupeInputError(ValueError):
    """The input cannot be deduplicated as given (missing file, unreadable CSV, unknown id column, bad mapping)."""


def squash(header: str) -> str:
    """``" Given_Name "``, ``"given name"`` and ``"GivenName"`` all become ``"givenname"``."""
    return re.sub(r"[^0-9a-z]", "", header.strip().lower())


@dataclass(frozen=True)
class ColumnMap:
    """Which source column (exact header) feeds each canonical field, and which one is the record id."""

    id_column: str
    fields: Mapping[str, str]  # canonical field -> source header

    def present(self) -> frozenset[str]:
        return frozenset(self.fields)


def parse_mapping(text: str | None) -> dict[str, str]:
    """Parse ``"given=first_name,fam=surname"`` (the CLI's ``--columns``) into ``{source: field}``."""
    mapping: dict[str, str] = {}
    if not text:
        return mapping
    for part in text.split(","):
        if not part.strip():
            continue
        source, sep, field = part.partition("=")
        if not sep or not source.strip() or not field.strip():
            raise DedupeInputError(f"bad column mapping {part.strip()!r}; write SOURCE=FIELD, e.g. vorname=first_name")
        mapping[source.strip()] = field.strip()
    return mapping


def _find(headers: Sequence[str], name: str) -> str | None:
    """The header that is ``name``, exactly or after stripping spaces and case (CSV headers are messy)."""
    if name in headers:
        return name
    matches = [h for h in headers if h.strip().lower() == name.strip().lower()]
    return matches[0] if len(matches) == 1 else None


def resolve_columns(headers: Sequence[str], id_column: str, explicit: Mapping[str, str] | None = None) -> ColumnMap:
    """Decide which header feeds which field: explicit ``{source: field}`` first, then the alias table.

    Raises ``DedupeInputError`` naming the available headers when the id column or a mapped source is missing,
    or when no matchable field is left (matching on the id alone would be meaningless).
    """
    listing = ", ".join(h.strip() for h in headers)
    id_header = _find(headers, id_column)
    if id_header is None:
        raise DedupeInputError(f"id column {id_column!r} not found; the columns are: {listing}")
    fields: dict[str, str] = {}
    for source, field in (explicit or {}).items():
        header = _find(headers, source)
        if header is None:
            raise DedupeInputError(f"mapped column {source!r} not found; the columns are: {listing}")
        if field not in FIELDS:
            raise DedupeInputError(f"unknown field {field!r} for column {source!r}; use one of: {', '.join(FIELDS)}")
        fields[field] = header
    taken = set(fields.values()) | {id_header}
    for header in headers:
        guess = ALIASES.get(squash(header))
        if header not in taken and guess is not None and guess not in fields:
            fields[guess] = header
            taken.add(header)
    if not fields:
        raise DedupeInputError(
            f"no column looks like a name, date of birth, e-mail, phone or address; the columns are: {listing}. "
            "Map them with --columns SOURCE=FIELD"
        )
    return ColumnMap(id_column=id_header, fields=fields)


Dialect = Literal["duckdb", "spark"]


def quote(identifier: str, dialect: Dialect = "duckdb") -> str:
    """A SQL identifier quoted for the dialect, safe for any header a CSV may carry."""
    if dialect == "spark":
        return "`" + identifier.replace("`", "``") + "`"
    return '"' + identifier.replace('"', '""') + '"'


# Day-first before month-first: most customer lists outside the US write 03/04/1980 for 3 April.
DATE_FORMATS = ("%Y%m%d", "%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%d-%m-%Y", "%m/%d/%Y")
_JAVA_FORMAT = {"%Y": "yyyy", "%m": "MM", "%d": "dd"}


class _Clean:
    """The cleaning expressions in one dialect: DuckDB by default, Spark SQL for the very large lists."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.varchar = "STRING" if dialect == "spark" else "VARCHAR"

    def _replace(self, expr: str, pattern: str, by: str) -> str:
        flags = "" if self.dialect == "spark" else ", 'g'"  # Spark replaces every match; DuckDB needs 'g'
        return f"regexp_replace({expr}, '{pattern}', '{by}'{flags})"

    def _str(self, col: str) -> str:
        return f"CAST({col} AS {self.varchar})"

    def text(self, col: str) -> str:
        """Lower case, single spaces (and no accents on DuckDB); empty becomes NULL, never 'matching' empty."""
        lowered = f"lower({self._str(col)})"
        if self.dialect == "duckdb":
            lowered = f"strip_accents({lowered})"
        return f"nullif(trim({self._replace(lowered, ' +', ' ')}), '')"

    def alnum(self, col: str) -> str:
        return f"nullif({self._replace(f'lower({self._str(col)})', '[^0-9a-z]', '')}, '')"

    def digits(self, col: str) -> str:
        return f"nullif({self._replace(self._str(col), '[^0-9]', '')}, '')"

    def email(self, col: str) -> str:
        return f"nullif(lower(trim({self._str(col)})), '')"

    def phone(self, col: str) -> str:
        """The last nine digits: ``+49 30 1234567`` and ``030 1234567`` are the same line, whatever the prefix."""
        return f"nullif(right({self._replace(self._str(col), '[^0-9]', '')}, 9), '')"

    def date(self, col: str) -> str:
        """A date as ``YYYYMMDD`` text; an unparseable one keeps its digits, so a typo still scores on edit distance."""
        raw = f"trim({self._str(col)})"
        if self.dialect == "spark":
            java = [re.sub("%[Ymd]", lambda m: _JAVA_FORMAT[m.group(0)], f) for f in DATE_FORMATS]
            parsed = "coalesce(" + ", ".join(f"try_to_timestamp({raw}, '{f}')" for f in java) + ")"
            return f"coalesce(date_format({parsed}, 'yyyyMMdd'), {self.digits(col)})"
        formats = ", ".join(f"'{f}'" for f in DATE_FORMATS)
        return f"coalesce(strftime(try_strptime({raw}, [{formats}]), '%Y%m%d'), {self.digits(col)})"

    def field(self, field: str, col: str) -> str:
        special = {"dob": self.date, "email": self.email, "phone": self.phone}
        if field in ("ssn", "street_number", "postcode"):
            return self.alnum(col)
        return special.get(field, self.text)(col)


def select_sql(columns: ColumnMap, source_table: str, dialect: Dialect = "duckdb") -> str:
    """``SELECT`` the id as ``unique_id`` and every mapped field, cleaned, under its canonical name."""
    clean = _Clean(dialect)
    id_col = quote(columns.id_column, dialect)
    parts = [f"trim(CAST({id_col} AS {clean.varchar})) AS unique_id"]  # " 42" from "a, 42" is the id 42
    for field in FIELDS:
        header = columns.fields.get(field)
        if header is not None:
            parts.append(f"{clean.field(field, quote(header, dialect))} AS {field}")
    return f"SELECT {', '.join(parts)} FROM {source_table}"
