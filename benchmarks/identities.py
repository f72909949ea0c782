"""Customer-list deduplication (Splink on DuckDB) against an exact-match DuckDB self-join, same run, same data.

    python benchmarks/identities.py [--n 100000] [--dup-rate 0.1] [--seed 7] [--keep DIR]

Generates N synthetic customer records (deterministic for a seed): originals with names drawn with a skew
(some names are common), dates of birth, e-mails, phones, street addresses and ZIP/city; then a share of
duplicates (default 10%) of earlier customers with the errors real lists have — typos in names, e-mail and
street, swapped given/family name, phone written with a country prefix or punctuation, a missing field, a
date with day and month swapped or a digit wrong, a ZIP typo, a moved address.

Measures, on the CSV written to disk:
  1. ``kith.identities.dedupe.dedupe_csv`` end to end (read, normalise, train, block, score, write pairs);
  2. the baseline: DuckDB reads the same CSV and self-joins on normalised e-mail + given name + surname.
Prints seconds, records/s, candidate pairs scored/s, pair precision/recall/F1 of both against the truth,
and the ratio of their times. Timing figures vary with the machine; the ratio is measured in one run.
"""

from __future__ import annotations

import argparse
import csv
import random
import string
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from kith.identities.dedupe import dedupe_csv

_FIRST = (
    "james mary john patricia robert jennifer michael linda william elizabeth david barbara richard susan joseph "
    "jessica thomas sarah charles karen christopher nancy daniel lisa matthew betty anthony margaret mark sandra "
    "donald ashley steven kimberly paul emily andrew donna joshua michelle kenneth dorothy kevin carol brian amanda "
    "george melissa timothy deborah ronald stephanie edward rebecca jason sharon jeffrey laura ryan cynthia jacob "
    "kathleen gary amy nicholas angela eric shirley jonathan anna stephen brenda larry pamela justin emma scott "
    "nicole brandon helen benjamin samantha samuel katherine gregory christine alexander debra frank rachel "
    "patrick carolyn raymond janet jack catherine dennis maria jerry heather tyler diane aaron ruth jose julie "
    "adam olivia nathan joyce henry virginia douglas victoria zachary kelly peter lauren kyle christina ethan joan "
    "walter evelyn noah judith jeremy megan christian andrea keith cheryl roger hannah terry jacqueline gerald "
    "martha harold gloria sean teresa austin ann carl sara arthur madison lawrence frances dylan kathryn jesse "
    "janice jordan jean bryan abigail billy alice joe judy bruce sophia gabriel grace logan denise albert amber "
    "willie doris alan marilyn juan danielle wayne beverly elijah isabella randy theresa roy diana vincent natalie "
    "ralph brittany eugene charlotte russell marie bobby kayla mason alexis philip lori lukas lena jonas mia "
    "felix lea leon hanna paul lina finn ella elias clara noah ida luis emilia ahmet elif mehmet zeynep"
)
FIRST = _FIRST.split()
_SURNAME_ROOTS = (
    "smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson "
    "anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis "
    "robinson walker young allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera "
    "campbell mitchell carter roberts gomez phillips evans turner diaz parker cruz edwards collins reyes stewart "
    "morris morales murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed kelly howard ramos kim "
    "cox ward richardson watson brooks chavez wood james bennett gray mendoza ruiz hughes price alvarez castillo "
    "sanders patel myers long ross foster jimenez powell jenkins perry russell sullivan bell coleman butler "
    "henderson barnes gonzales fisher vasquez simmons romero jordan patterson alexander hamilton graham reynolds "
    "griffin wallace moreno west cole hayes bryant herrera gibson ellis tran medina aguilar stevens murray ford "
    "castro marshall owens harrison fernandez mcdonald woods washington kennedy wells vargas henry chen freeman "
    "webb tucker guzman burns crawford olson simpson porter hunter gordon mendez silva shaw snyder mason dixon "
    "muller schmidt schneider fischer weber meyer wagner becker schulz hoffmann koch richter klein wolf schroder "
    "neumann schwarz zimmermann braun kruger hofmann hartmann lange schmitt werner krause meier lehmann yilmaz kaya"
)
SURNAME_ROOTS = _SURNAME_ROOTS.split()
SUFFIXES = ("", "", "", "son", "s", "er", "man", "ley", "ford", "ton", "berg", "mann", "ski", "o")
_STREETS = (
    "main oak pine maple cedar elm washington lake hill park church high mill station school bridge river "
    "spring north south west east market king queen victoria albert george forest meadow garden chestnut walnut "
    "willow birch sunset highland ridge valley green cherry dogwood jefferson lincoln madison franklin hickory"
)
STREETS = _STREETS.split()
STREET_TYPES = (("street", "st"), ("road", "rd"), ("avenue", "ave"), ("lane", "ln"), ("drive", "dr"), ("court", "ct"))
DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "web.de", "gmx.de", "icloud.com", "aol.com")
_CITY_ROOTS = "spring fair green river oak maple lake hill clear wood rock stone bright ash glen"
CITY_ROOTS = _CITY_ROOTS.split()
_CITY_ENDS = "field ville ton burg port dale wood view haven ford mont side brook"
CITY_ENDS = _CITY_ENDS.split()


def _zipf_weights(n: int, skew: float) -> list[float]:
    """Cumulative weights 1/rank^skew: 'smith' is common and the long tail rare, as in real customer lists."""
    total, cumulative = 0.0, []
    for rank in range(1, n + 1):
        total += rank**-skew
        cumulative.append(total)
    return cumulative


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word + rng.choice(string.ascii_lowercase)
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:  # substitution
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]
    if kind == 1:  # deletion
        return word[:i] + word[i + 1 :]
    if kind == 2:  # insertion
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]  # transposition


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        surnames = {root + suffix for root in SURNAME_ROOTS for suffix in SUFFIXES}
        self.surnames = sorted(surnames)
        rng.shuffle(self.surnames)
        self.firsts = list(FIRST)
        rng.shuffle(self.firsts)
        cities = sorted({a + b for a in CITY_ROOTS for b in CITY_ENDS})
        self.emails: set[str] = set()
        self.first_weights = _zipf_weights(len(self.firsts), 0.5)
        self.surname_weights = _zipf_weights(len(self.surnames), 0.5)
        self.zips = [(f"{rng.randrange(10000, 99999):05d}", rng.choice(cities)) for _ in range(8000)]

    def person(self, number: int) -> dict[str, str]:
        rng = self.rng
        first = rng.choices(self.firsts, cum_weights=self.first_weights)[0]
        last = rng.choices(self.surnames, cum_weights=self.surname_weights)[0]
        year, month, day = rng.randrange(1930, 2006), rng.randrange(1, 13), rng.randrange(1, 29)
        zip_code, city = rng.choice(self.zips)
        street_type = rng.choice(STREET_TYPES)[rng.randrange(2)]
        handle = rng.choice((f"{first}.{last}", f"{first[0]}{last}", f"{first}{last}{rng.randrange(100)}"))
        domain = rng.choice(DOMAINS)
        while f"{handle}@{domain}" in self.emails:  # a mailbox belongs to one person, as providers ensure
            handle += str(rng.randrange(10))
        self.emails.add(f"{handle}@{domain}")
        return {
            "customer_id": f"c{number:08d}",
            "first_name": first.title(),
            "last_name": last.title(),
            "email": f"{handle}@{domain}",
            "phone": f"({rng.randrange(200, 999)}) {rng.randrange(200, 999)}-{rng.randrange(10000):04d}",
            "date_of_birth": f"{year:04d}-{month:02d}-{day:02d}",
            "street": f"{rng.randrange(1, 999)} {rng.choice(STREETS).title()} {street_type.title()}",
            "zip": zip_code,
            "city": city.title(),
        }

    def duplicate(self, original: dict[str, str], number: int) -> dict[str, str]:
        """A second record of the same person with one to three of the errors real lists carry."""
        rng = self.rng
        dup = dict(original, customer_id=f"c{number:08d}")
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            error = rng.randrange(10)
            if error in (3, 4, 5, 6) and not dup[("email", "phone", "date_of_birth", "street")[error - 3]]:
                continue  # an earlier error blanked the field
            if error == 0:
                dup["first_name"] = _typo(rng, dup["first_name"].lower()).title()
            elif error == 1:
                dup["last_name"] = _typo(rng, dup["last_name"].lower()).title()
            elif error == 2:
                dup["first_name"], dup["last_name"] = dup["last_name"], dup["first_name"]
            elif error == 3:
                user, _, domain = dup["email"].partition("@")
                dup["email"] = rng.choice((f"{_typo(rng, user)}@{domain}", dup["email"].upper(), ""))
            elif error == 4:
                digits = "".join(c for c in dup["phone"] if c.isdigit())
                dup["phone"] = rng.choice((f"+1 {digits}", f"{digits[:3]}.{digits[3:6]}.{digits[6:]}", ""))
            elif error == 5:
                year, month, day = dup["date_of_birth"].split("-")
                if int(day) <= 12 and rng.random() < 0.5:
                    dup["date_of_birth"] = f"{year}-{day}-{month}"
                else:
                    dup["date_of_birth"] = f"{year}-{month}-{_typo(rng, day)[:2].rjust(2, '0')}"
            elif error == 6:
                dup["street"] = _typo(rng, dup["street"])
            elif error == 7:
                dup["zip"] = _typo(rng, dup["zip"])[:5]
            elif error == 8:  # moved: a new address, same person
                zip_code, city = rng.choice(self.zips)
                dup.update(zip=zip_code, city=city.title(), street=f"{rng.randrange(1, 999)} {rng.choice(STREETS)} st")
            else:
                dup[rng.choice(("email", "phone", "date_of_birth", "street"))] = ""
        return dup


def generate(path: Path, n: int, dup_rate: float, seed: int) -> set[tuple[str, str]]:
    """Write N records to ``path``; return the true same-person pairs (ids sorted within a pair)."""
    gen = Generator(seed)
    originals: list[dict[str, str]] = []
    cluster: dict[str, str] = {}  # record id -> id of its original
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(gen.person(0)))
        writer.writeheader()
        for number in range(n):
            if originals and gen.rng.random() < dup_rate:
                source = gen.rng.choice(originals)
                record = gen.duplicate(source, number)
                cluster[record["customer_id"]] = source["customer_id"]
            else:
                record = gen.person(number)
                originals.append(record)
            writer.writerow(record)
    members: dict[str, list[str]] = {}
    for rec, org in cluster.items():
        members.setdefault(org, [org]).append(rec)
    return {
        (a, b) if a < b else (b, a) for group in members.values() for i, a in enumerate(group) for b in group[i + 1 :]
    }


def baseline(path: Path) -> set[tuple[str, str]]:
    """Exact match on normalised e-mail + given name + surname: what a careful SQL analyst would write first."""
    with duckdb.connect() as con:
        con.execute(
            "CREATE TABLE c AS SELECT customer_id AS id, lower(trim(email)) AS e, lower(trim(first_name)) AS f, "
            "lower(trim(last_name)) AS l FROM read_csv(?, all_varchar = true, header = true)",
            [str(path)],
        ).fetchall()
        rows = con.execute(
            "SELECT a.id, b.id FROM c a JOIN c b ON a.e = b.e AND a.f = b.f AND a.l = b.l AND a.id < b.id "
            "WHERE a.e <> ''"
        ).fetchall()
    return {(str(a), str(b)) for a, b in rows}


def scores(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> str:
    hit = len(found & truth)
    precision = hit / len(found) if found else 0.0
    recall = hit / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f"P={precision:.4f} R={recall:.4f} F1={f1:.4f}"


def read_pairs(path: Path) -> set[tuple[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return {(row["left_id"], row["right_id"]) for row in csv.DictReader(handle)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--dup-rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--keep", type=Path, help="write the CSV and pairs here instead of a temporary folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        data, out = folder / f"customers_{args.n}.csv", folder / f"pairs_{args.n}.csv"
        started = time.perf_counter()
        truth = generate(data, args.n, args.dup_rate, args.seed)
        print(f"generated {args.n:,} records, {len(truth):,} true pairs in {time.perf_counter() - started:.1f}s")

        started = time.perf_counter()
        found_base = baseline(data)
        base_s = time.perf_counter() - started
        print(f"baseline exact join : {base_s:8.2f}s  {args.n / base_s:10,.0f} records/s  {scores(found_base, truth)}")

        started = time.perf_counter()
        report = dedupe_csv(
            data,
            out,
            id_column="customer_id",
            threshold=args.threshold,
            on_stage=lambda stage: print(f"  [{time.perf_counter() - started:6.1f}s] {stage}", file=sys.stderr),
        )
        splink_s = time.perf_counter() - started
        print(
            f"splink dedupe       : {splink_s:8.2f}s  {args.n / splink_s:10,.0f} records/s  "
            f"{report.candidates / splink_s:10,.0f} candidate pairs/s ({report.candidates:,} scored)  "
            f"{scores(read_pairs(out), truth)}"
        )
        print(f"fields compared: {', '.join(report.fields)}; {report.pairs:,} pairs ≥ {args.threshold}")
        print(f"ratio splink/baseline time: {splink_s / base_s:.1f}x")


if __name__ == "__main__":
    main()
