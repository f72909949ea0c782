"""Social identity matching: precision/recall on the demo story's truth, and speed on synthetic profiles.

    python benchmarks/social_match.py demo [--seed 2026] [--fit]
    python benchmarks/social_match.py synthetic [--n 100000] [--seed 7]

``demo`` writes the demo data set into a temporary folder, imports and processes it into a temporary
SQLite database (as ``kith demo`` does), runs the social matcher's steps and compares the pairs with the
story's truth (:mod:`kith.identities.demo_truth`): how many true pairs blocking finds, and precision and
recall of the suggestions at several thresholds. ``--fit`` also prints m (the share of each field's
levels among true pairs), the source of the shipped table in :mod:`kith.identities.social_model`.

``synthetic`` makes N profiles in memory — half customer records, half public profiles on seven networks,
a third of which belong to a customer, with the demo's kinds of display names and handles and with names
drawn with a skew so that some are common — and times blocking, u estimation and scoring; precision and
recall against the generator's truth come with it. No database: it measures the matcher, not storage.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from kith.identities.social_match import (
    DEFAULT_SOCIAL_THRESHOLD,
    NO_SIGNALS,
    ScoredPair,
    candidate_pairs,
    comparable,
    fit_model,
    load_profiles,
    load_signals,
    score_pairs,
)
from kith.identities.social_profile import SocialProfile, profile_of

THRESHOLDS = (0.3, 0.5, 0.7, 0.9)


def report(scored: list[ScoredPair], truth: set[tuple[int, int]], found_by_blocking: int) -> None:
    share = found_by_blocking / max(len(truth), 1)
    print(f"true comparable pairs {len(truth)}; found by blocking {found_by_blocking} ({share:.3f})")
    for threshold in THRESHOLDS:
        chosen = {(s.left, s.right) for s in scored if s.probability >= threshold}
        tp = len(chosen & truth)
        precision, recall = tp / max(len(chosen), 1), tp / max(len(truth), 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        mark = "  (default)" if threshold == DEFAULT_SOCIAL_THRESHOLD else ""
        print(
            f"threshold {threshold}: {len(chosen)} suggested, "
            f"precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}{mark}"
        )


def demo(seed: int, fit: bool) -> None:
    from sqlalchemy.orm import Session

    from kith.db import make_engine
    from kith.demo.generate import generate
    from kith.demo.setup import configure_demo
    from kith.identities.demo_truth import true_pairs, truth_keys
    from kith.pipeline.ingest import ingest
    from kith.pipeline.runner import run_pending
    from kith.schema import upgrade

    with tempfile.TemporaryDirectory(prefix="kith-social-") as folder:
        engine = make_engine(f"sqlite:///{folder}/demo.db")
        upgrade(engine)
        written = generate(Path(folder) / "data", seed=seed)
        for channel in written:
            ingest(engine, channel, str(Path(folder) / "data" / channel))
        with Session(engine) as session:
            configure_demo(session)
            session.commit()
        run_pending(engine)
        with Session(engine) as session:
            start = time.perf_counter()
            profiles = load_profiles(session)
            pairs = candidate_pairs(profiles)
            signals = load_signals(session, [p.identity_id for p in profiles if not p.is_record])
            model = fit_model(profiles, signals)
            scored = score_pairs(profiles, model, sorted(pairs), 0.0, signals)
            seconds = time.perf_counter() - start
            truth_of = truth_keys(session, seed)
        engine.dispose()
    by_id = {p.identity_id: p for p in profiles}
    truth = {(a, b) for a, b in true_pairs(truth_of) if a in by_id and b in by_id and comparable(by_id[a], by_id[b])}
    candidates = {(s.left, s.right) for s in scored}
    print(f"demo seed {seed}: {len(profiles)} profiles, {len(pairs)} candidate pairs, matched in {seconds:.1f} s")
    report(scored, truth, len(truth & candidates))
    if fit:
        levels: dict[str, Counter[str]] = defaultdict(Counter)
        for s in scored:
            if (s.left, s.right) in truth:
                for name, level in s.levels.items():
                    levels[name][level] += 1
        for name, counts in sorted(levels.items()):
            total = sum(counts.values())
            print(
                f"m {name}: " + ", ".join(f"{lv} {n / total:.3f}" for lv, n in counts.most_common()) + f" (n={total})"
            )


FIRST = [
    "lena",
    "jonas",
    "mia",
    "lukas",
    "hannah",
    "felix",
    "laura",
    "tobias",
    "sophie",
    "jan",
    "anna",
    "paul",
    "katrin",
    "moritz",
    "julia",
    "sebastian",
    "marie",
    "florian",
    "sarah",
    "tim",
    "lea",
    "niklas",
    "svenja",
    "max",
    "jana",
    "philipp",
    "anja",
    "stefan",
    "clara",
    "matthias",
    "william",
    "katharina",
    "johannes",
    "elizabeth",
    "emre",
    "elif",
    "deniz",
    "piotr",
    "camille",
    "lucas",
    "hugo",
    "manon",
    "lucia",
    "pablo",
    "marta",
    "oliver",
    "emily",
    "harry",
    "grace",
    "noah",
]
LAST = [
    "müller",
    "schmidt",
    "schneider",
    "fischer",
    "weber",
    "meyer",
    "wagner",
    "becker",
    "schulz",
    "hoffmann",
    "koch",
    "richter",
    "klein",
    "wolf",
    "schröder",
    "neumann",
    "schwarz",
    "zimmermann",
    "braun",
    "krüger",
    "hofmann",
    "hartmann",
    "lange",
    "schmitt",
    "werner",
    "krause",
    "lehmann",
    "köhler",
    "yılmaz",
    "kaya",
    "nowak",
    "petersen",
    "jensen",
    "brandt",
    "vogel",
    "friedrich",
    "gruber",
    "huber",
    "bauer",
    "pichler",
    "steiner",
    "moser",
]
SYLLABLES = [
    "ber",
    "bran",
    "dorf",
    "en",
    "feld",
    "ha",
    "hau",
    "kel",
    "lin",
    "man",
    "mer",
    "ner",
    "ro",
    "sch",
    "stein",
    "tal",
    "wald",
    "wer",
    "zen",
    "ling",
    "bach",
    "burg",
]
CITIES = ["Hamburg", "Berlin", "München", "Köln", "Frankfurt", "Leipzig", "Bremen", "Hannover", "Kiel", "Wien"]
NETWORKS = ("x", "mastodon", "bluesky", "instagram", "youtube", "reddit", "facebook")
SHORT = {"william": "bill", "katharina": "kathi", "johannes": "hans", "elizabeth": "liz"}


class _Row:
    """Just the attributes ``profile_of`` reads from an Identity."""

    def __init__(
        self, ident: int, name: str | None, handle: str | None, email: str | None, attributes: dict[str, object]
    ) -> None:
        self.id, self.display_name, self.handle, self.email = ident, name, handle, email
        self.profile_url, self.attributes, self.person_id = None, attributes, None


def synthetic(n: int, seed: int) -> None:
    rng = random.Random(seed)
    surnames = LAST + sorted({"".join(rng.sample(SYLLABLES, 3)) for _ in range(6000)})  # thousands, as in life
    weights = [1 / (i + 1) ** 0.8 for i in range(len(surnames))]  # a few surnames are common, most rare
    profiles: list[SocialProfile] = []
    owner: dict[int, int] = {}
    for number in range(n // 2):
        first, last = rng.choice(FIRST), rng.choices(surnames, weights)[0]
        city = rng.choice(CITIES)
        row = _Row(
            len(profiles) + 1, f"{first.title()} {last.title()}", None, f"{first}.{number}@example.com", {"city": city}
        )
        profiles.append(profile_of(row, "csv"))  # type: ignore[arg-type]
        owner[row.id] = number
        if rng.random() < 0.33:  # this customer is also on the networks
            base = rng.choice(
                (f"{first}_{last}", f"{first}{last}", f"{first[0]}{last}{rng.randint(70, 99)}", f"{first}_rides")
            )
            base = base.replace("ü", "ue").replace("ö", "oe").replace("ı", "i")
            for network in rng.sample(NETWORKS, rng.choice((1, 2, 3))):
                style = rng.random()
                shown = SHORT.get(first, first).title() if style < 0.2 else first.title()
                name = (
                    None
                    if network in ("instagram", "reddit")
                    else (f"{shown} {last.title()}" if style < 0.7 else f"{shown} {last[0].upper()}.")
                )
                bio = f"📍 {city}" if rng.random() < 0.5 else ""
                row = _Row(len(profiles) + 1, name, base, None, {"bio": bio})
                profiles.append(profile_of(row, network))  # type: ignore[arg-type]
                owner[row.id] = number
    while len(profiles) < n:  # prospects: on the networks, not customers
        first, last = rng.choice(FIRST), rng.choices(surnames, weights)[0]
        row = _Row(
            len(profiles) + 1, f"{first.title()} {last.title()}", f"{first}{last}{rng.randint(1, 999)}", None, {}
        )
        profiles.append(profile_of(row, rng.choice(NETWORKS)))  # type: ignore[arg-type]
        owner[row.id] = -len(profiles)
    start = time.perf_counter()
    pairs = candidate_pairs(profiles)
    blocked = time.perf_counter()
    model = fit_model(profiles, NO_SIGNALS)
    fitted = time.perf_counter()
    scored = score_pairs(profiles, model, pairs, 0.0, NO_SIGNALS)
    done = time.perf_counter()
    by_owner: dict[int, list[int]] = defaultdict(list)
    for p in profiles:
        by_owner[owner[p.identity_id]].append(p.identity_id)
    index = {p.identity_id: p for p in profiles}
    truth = {
        (a, b)
        for ids in by_owner.values()
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
        if comparable(index[a], index[b])
    }
    print(
        f"synthetic: {len(profiles)} profiles, {len(pairs)} candidate pairs; blocking {blocked - start:.1f} s, "
        f"u estimation {fitted - blocked:.1f} s, scoring {done - fitted:.1f} s "
        f"({len(pairs) / max(done - fitted, 1e-9):,.0f} pairs/s); total {done - start:.1f} s"
    )
    report(scored, truth, len(truth & {(s.left, s.right) for s in scored}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    d = sub.add_parser("demo")
    d.add_argument("--seed", type=int, default=2026)
    d.add_argument("--fit", action="store_true")
    s = sub.add_parser("synthetic")
    s.add_argument("--n", type=int, default=100_000)
    s.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.what == "demo":
        demo(args.seed, args.fit)
    else:
        synthetic(args.n, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
