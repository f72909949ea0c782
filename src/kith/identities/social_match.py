"""Suggest which social identities are the same person as a customer record, or as each other.

Why suggestions only: a display name, a handle or a city in a bio is what a profile *claims*, and anyone
can claim it. So every pair found here becomes an open ``MatchSuggestion`` (method ``social``) with its
probability and the fields that agreed; only an agent's accept links it (:mod:`kith.identities.matching`).
A pair once decided keeps its decision; identities whose owner objected are never compared at all.

How it scales: comparing every pair is quadratic, so pairs are found by **blocking** — each profile gets
a few keys (given name + surname, given name + surname initial, the handle's letters, the name as a
handle would spell it, an e-mail address, a link) and only profiles sharing a key are compared. A key
shared by more than ``MAX_BLOCK`` profiles (a bare "anna") is dropped: it finds too many pairs to
be evidence. Each candidate is scored by :mod:`kith.identities.social_model` (Fellegi-Sunter).

Pairs compared: a public profile with a customer-given record (CSV customers, e-mail senders) and two
public profiles on different networks. Two records are the Splink matcher's job; two profiles on the
same network are two accounts and left alone.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import chain, combinations

import numpy as np
from scipy import sparse
from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.channels.models import Channel
from kith.identities.dedupe import Stage, ignore_stage
from kith.identities.models import Identity, MatchSuggestion
from kith.identities.social_compare import Levels, compare
from kith.identities.social_model import M, Model, estimate_u, m_from_decisions, prior, prior_log2, random_pairs
from kith.identities.social_profile import URL, SocialProfile, normal_handle, normal_url, profile_of
from kith.interactions.models import Interaction

OBJECTED = "objected"
METHOD = "social"
DEFAULT_SOCIAL_THRESHOLD = 0.5  # demo truth: precision 0.93, recall 0.68 (docs/identities.md)
MAX_BLOCK = 200  # profiles sharing one blocking key beyond which the key is dropped
RARE_LINK = 3  # a link posted by at most this many identities is "shared" evidence; more is a popular link
CO_OCCUR_WINDOW = timedelta(hours=48)
CO_OCCUR_SIMILAR = 0.35  # text cosine from which two nearby messages are about the same thing
MIN_PROFILES_FOR_U = 200  # fewer profiles than this: the shipped u defaults instead of measuring
ACTIVITY_PER_IDENTITY = 20  # latest messages of each identity compared for co-occurrence


@dataclass(frozen=True)
class SocialRun:
    profiles: int  # identities compared (objected ones and the company's own accounts left out)
    candidates: int  # pairs scored after blocking
    suggested: int  # new open suggestions
    updated: int  # open suggestions whose probability or evidence changed


@dataclass(frozen=True)
class ScoredPair:
    left: int  # identity ids, left < right
    right: int
    probability: float
    levels: Levels
    weights: dict[str, float]


# ---- blocking ------------------------------------------------------------------------------------------


BOTH, PROBE, TARGET = "both", "probe", "target"


def blocking_keys(p: SocialProfile) -> dict[str, str]:
    """The keys under which a profile meets its candidates, each with its role in the block.

    ``both``: every two members are compared (the same name, handle letters, address or link).
    ``probe``/``target``: a probe is compared with every target and every other probe, targets not with
    each other — two full names that share a surname initial, or a surname that some handle contains, are
    no reason to compare them (their own ``fl:`` key already pairs them when the names agree).
    """
    keys: dict[str, str] = {}
    name = p.name
    for first in name.first:
        f = first.replace(" ", "")
        for last in name.last:
            keys[f"fl:{f}|{last}"] = BOTH
            keys[f"hc:{f}{last}"] = TARGET  # how a handle would spell the name
            keys[f"hc:{last}{f}"] = TARGET
        if name.last_initial:
            keys[f"fi:{f}|{name.last_initial}"] = TARGET if name.last else PROBE  # "Lena S." probes
    # No key on a given name alone (nor given name + city): such pairs cannot reach a useful probability
    # (a shared first name and town is what thousands of strangers have), and the blocks grow quadratically.
    if name.first_squeezed:
        for last in name.last:
            keys[f"hc:{name.first_squeezed[0]}{last}"] = TARGET
            keys[f"hc:{last}"] = TARGET
    if p.handle_letters:
        keys[f"hh:{p.handle_letters}"] = BOTH
        keys[f"hc:{p.handle_letters}"] = PROBE
        for word in _handle_words(p.handle):
            keys.setdefault(f"hc:{word}", PROBE)
    keys.update({f"em:{e}": BOTH for e in p.emails})
    keys.update({f"url:{u}": BOTH for u in p.urls})
    return keys


def _handle_words(handle: str) -> list[str]:
    """``lena_rides42`` → [``lena``, ``rides``]; a word shorter than 3 letters identifies nobody."""
    words, current = [], []
    for ch in handle:
        if ch.isalpha():
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return [w for w in words if len(w) >= 3]


def comparable(a: SocialProfile, b: SocialProfile) -> bool:
    if a.is_record and b.is_record:
        return False  # customer records: the Splink matcher's job
    if a.channel == b.channel:
        return False  # two accounts on one network: not what this matcher suggests
    return a.person_id is None or a.person_id != b.person_id


def candidate_pairs(profiles: Sequence[SocialProfile], max_block: int = MAX_BLOCK) -> set[tuple[int, int]]:
    """Index pairs (i < j) of profiles that share a blocking key and may be compared."""
    blocks: dict[str, dict[str, list[int]]] = defaultdict(lambda: {BOTH: [], PROBE: [], TARGET: []})
    for index, profile in enumerate(profiles):
        for key, role in blocking_keys(profile).items():
            blocks[key][role].append(index)
    pairs: set[tuple[int, int]] = set()
    for roles in blocks.values():
        size = sum(len(members) for members in roles.values())
        if size < 2 or size > max_block:
            continue
        probes = roles[BOTH] + roles[PROBE]
        found = chain(combinations(probes, 2), ((i, j) for i in roles[PROBE] for j in roles[TARGET]))
        for i, j in found:
            if comparable(profiles[i], profiles[j]):
                pairs.add((i, j) if i < j else (j, i))
    return pairs


# ---- scoring -------------------------------------------------------------------------------------------


@dataclass
class Signals:
    """What identities did, beyond their profiles: rare links they posted and their recent messages."""

    links: dict[int, frozenset[str]]
    activity: dict[int, tuple[np.ndarray, np.ndarray]]  # identity id -> (epoch seconds, rows in vectors)
    vectors: sparse.csr_matrix | None = None  # rows L2-normalised: a dot product is the cosine

    def shared_links(self, a: int, b: int) -> str | None:
        left, right = self.links.get(a), self.links.get(b)
        if not left or not right:
            return None
        return "yes" if left & right else "no"

    def co_occurring(self, a: int, b: int) -> str | None:
        """``yes`` when they wrote about the same thing (text cosine) within ``CO_OCCUR_WINDOW`` of each other."""
        left, right = self.activity.get(a), self.activity.get(b)
        if left is None or right is None or self.vectors is None:
            return None
        near = np.abs(left[0][:, None] - right[0][None, :]) <= CO_OCCUR_WINDOW.total_seconds()
        if not near.any():
            return "no"
        similarity = (self.vectors[left[1]] @ self.vectors[right[1]].T).toarray()
        return "yes" if bool((similarity[near] >= CO_OCCUR_SIMILAR).any()) else "no"


NO_SIGNALS = Signals({}, {})


def compare_profiles(a: SocialProfile, b: SocialProfile, signals: Signals = NO_SIGNALS) -> Levels:
    return compare(
        a,
        b,
        shared_links=signals.shared_links(a.identity_id, b.identity_id),
        co_occurring=signals.co_occurring(a.identity_id, b.identity_id),
    )


def fit_model(
    profiles: Sequence[SocialProfile],
    signals: Signals = NO_SIGNALS,
    seed: int = 0,
    accepted: Sequence[tuple[int, int]] = (),
) -> Model:
    """m (shipped, updated by the ``accepted`` index pairs reviewers confirmed), u measured on random pairs
    of these profiles, and a prior for their number."""
    rng = random.Random(seed)
    records = [i for i, p in enumerate(profiles) if p.is_record]
    social = [i for i, p in enumerate(profiles) if not p.is_record]
    sample = random_pairs(social, records, rng) + random_pairs(social, social, rng)
    sample = [(a, b) for a, b in sample if comparable(profiles[a], profiles[b])]
    u = (
        estimate_u(sample, lambda a, b: compare_profiles(profiles[a], profiles[b], signals), prior(len(profiles)))
        if len(profiles) >= MIN_PROFILES_FOR_U
        else {}  # a handful of profiles: random pairs would mostly repeat the same few true matches
    )
    m = m_from_decisions([compare_profiles(profiles[a], profiles[b], signals) for a, b in accepted]) if accepted else M
    return Model(m=m, u=u, prior_log2=prior_log2(len(profiles)))


def score_pairs(
    profiles: Sequence[SocialProfile],
    model: Model,
    pairs: Iterable[tuple[int, int]],
    threshold: float,
    signals: Signals = NO_SIGNALS,
) -> list[ScoredPair]:
    """The candidate pairs at or above ``threshold``, most probable first."""
    found = []
    for i, j in pairs:
        a, b = profiles[i], profiles[j]
        levels = compare_profiles(a, b, signals)
        probability, weights = model.score(levels)
        if probability >= threshold:
            left, right = sorted((a.identity_id, b.identity_id))
            found.append(ScoredPair(left, right, probability, levels, weights))
    found.sort(key=lambda s: (-s.probability, s.left, s.right))
    return found


# ---- reading from the database ------------------------------------------------------------------------


def load_profiles(session: Session) -> list[SocialProfile]:
    """Every identity that may be matched: not objected, not the company's own account, with something to compare."""
    own = {
        (channel_id, normal_handle(name))
        for channel_id, account in session.execute(select(Channel.id, Channel.account))
        for name in (account or "").split(",")
        if name.strip()
    }
    stmt = (
        select(Identity, Channel.name)
        .join(Channel, Channel.id == Identity.channel_id)
        .where(Identity.consent_state != OBJECTED)
        .order_by(Identity.id)
    )
    profiles = []
    for identity, channel in session.execute(stmt):
        handle = normal_handle(identity.handle or identity.email)
        if (identity.channel_id, handle) in own:
            continue
        profile = profile_of(identity, channel)
        if profile.name.known or profile.handle_letters or profile.emails:
            profiles.append(profile)
    return profiles


def load_signals(session: Session, identity_ids: Sequence[int]) -> Signals:
    """Rare links each identity posted, and its latest messages as text vectors (for co-occurrence)."""
    from kith.enrichment.text_vectors import vectorize  # scikit-learn: loaded only when matching runs

    wanted = set(identity_ids)
    posted: dict[int, set[str]] = defaultdict(set)
    recent: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    stmt = (
        select(Interaction.identity_id, Interaction.sort_at, Interaction.text, Interaction.attributes)
        .where(Interaction.identity_id.is_not(None), Interaction.deleted_at.is_(None))
        .order_by(Interaction.identity_id, Interaction.sort_at.desc())
    )
    for identity_id, sort_at, text, attributes in session.execute(stmt):
        if identity_id not in wanted:
            continue
        links = attributes.get("links") if isinstance(attributes, dict) else None
        for url in [*(links if isinstance(links, list) else []), *URL.findall(text or "")]:
            if isinstance(url, str):
                posted[identity_id].add(normal_url(url))
        if len(recent[identity_id]) < ACTIVITY_PER_IDENTITY and text and text.strip():
            recent[identity_id].append((sort_at, text))
    by_link: dict[str, int] = defaultdict(int)
    for links in posted.values():
        for url in links:
            by_link[url] += 1
    rare = {iid: frozenset(u for u in links if by_link[u] <= RARE_LINK) for iid, links in posted.items()}
    texts: list[str] = []
    activity: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for identity_id, messages in recent.items():
        times = np.array([when.timestamp() for when, _ in messages], dtype=float)
        activity[identity_id] = (times, np.arange(len(texts), len(texts) + len(messages)))
        texts.extend(text for _, text in messages)
    vectors = vectorize(texts) if texts else None
    return Signals({k: v for k, v in rare.items() if v}, activity, vectors)


# ---- storing -------------------------------------------------------------------------------------------


def accepted_pairs(session: Session, profiles: Sequence[SocialProfile]) -> list[tuple[int, int]]:
    """Index pairs (into ``profiles``) of the social suggestions reviewers accepted: the matcher's feedback."""
    index = {p.identity_id: n for n, p in enumerate(profiles)}
    rows = session.execute(
        select(MatchSuggestion.left_identity_id, MatchSuggestion.right_identity_id).where(
            MatchSuggestion.method == "social", MatchSuggestion.status == "accepted"
        )
    )
    return [(index[a], index[b]) for a, b in rows if a in index and b in index]


def _existing(session: Session) -> dict[tuple[int, int], MatchSuggestion]:
    return {(s.left_identity_id, s.right_identity_id): s for s in session.scalars(select(MatchSuggestion))}


def store_suggestions(session: Session, scored: Sequence[ScoredPair]) -> tuple[int, int]:
    """Add new open suggestions and refresh open social ones; decided pairs stay as decided. (new, updated)."""
    known = _existing(session)
    suggested = updated = 0
    for pair in scored:
        agreeing = {name: level for name, level in pair.levels.items() if pair.weights.get(name, 0.0) > 0}
        probability = round(pair.probability, 6)
        existing = known.get((pair.left, pair.right))
        if existing is None:
            suggestion = MatchSuggestion(
                left_identity_id=pair.left,
                right_identity_id=pair.right,
                probability=probability,
                agreeing=agreeing,
                method=METHOD,
                status="open",
            )
            session.add(suggestion)
            known[(pair.left, pair.right)] = suggestion
            suggested += 1
        elif (
            existing.status == "open"
            and existing.method == METHOD
            and (existing.probability, existing.agreeing)
            != (
                probability,
                agreeing,
            )
        ):
            existing.probability, existing.agreeing = probability, agreeing
            updated += 1
    session.flush()
    return suggested, updated


def do_match_social(
    session: Session, threshold: float = DEFAULT_SOCIAL_THRESHOLD, on_stage: Stage = ignore_stage
) -> SocialRun:
    """Suggest (never apply) same-person links for social identities; see the module doc."""
    on_stage("reading social profiles")
    profiles = load_profiles(session)
    on_stage("blocking social profiles")
    pairs = candidate_pairs(profiles)
    on_stage("reading what social identities posted")
    signals = load_signals(session, [p.identity_id for p in profiles if not p.is_record])
    on_stage("scoring social candidates")
    model = fit_model(profiles, signals, accepted=accepted_pairs(session, profiles))
    scored = score_pairs(profiles, model, sorted(pairs), threshold, signals)
    on_stage("storing social suggestions")
    suggested, updated = store_suggestions(session, scored)
    return SocialRun(profiles=len(profiles), candidates=len(pairs), suggested=suggested, updated=updated)
