"""Social matching against the database (SQLite and PostgreSQL): suggestions only, consent kept, re-runs idempotent."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kith.channels.service import ensure_channel
from kith.db import session_scope
from kith.identities.matching import do_accept, do_reject
from kith.identities.models import Identity, LinkEvidence, MatchSuggestion
from kith.identities.social_match import do_match_social

PEOPLE = [  # (channel, external id, display name, handle, attributes)
    ("csv", "customer:C1", "Lena Schmidt", None, {"city": "Köln"}),
    ("csv", "customer:C2", "William Gates", None, {"city": "Seattle"}),
    ("csv", "customer:C3", "Jürgen Müller", None, {"city": "Bremen"}),
    ("csv", "customer:C4", "Ayşe Yılmaz", None, {"city": "Berlin"}),
    ("csv", "customer:C5", "Tobias Koch", None, {"city": "Kiel"}),
    ("x", "x1", "Lena S.", "lenaschmidt", {"location": "Köln", "description": "✉️ lena.s@example.com"}),
    ("mastodon", "m1", "Lena Schmidt", "lenaschmidt@norden.social", {"bio": "📍 Köln"}),
    ("x", "x2", "Bill Gates", "billg", {"location": "Seattle"}),
    ("bluesky", "b1", "Juergen Mueller", "juergen-mueller.bsky.social", {"bio": "Bremen"}),
    ("instagram", "i1", None, "ayse.yilmaz", {}),
    ("reddit", "r1", None, "tobiaskoch", {}),  # objected below: never compared
    ("x", "x3", "Crypto King", "cryptoking_x", {}),
]


def load(session: Session) -> dict[str, Identity]:
    found = {}
    for channel, external_id, name, handle, attributes in PEOPLE:
        identity = Identity(
            channel_id=ensure_channel(session, channel),
            external_id=external_id,
            display_name=name,
            handle=handle,
            attributes=attributes,
            visibility="public",
            basis="public_content",
            consent_state="objected" if external_id == "r1" else "unknown",
        )
        session.add(identity)
        found[external_id] = identity
    session.add_all([])
    session.flush()
    return found


def pairs(session: Session, ids: dict[str, Identity]) -> dict[frozenset[str], MatchSuggestion]:
    by_id = {identity.id: key for key, identity in ids.items()}
    return {
        frozenset((by_id[s.left_identity_id], by_id[s.right_identity_id])): s
        for s in session.scalars(select(MatchSuggestion))
    }


def test_suggestions_are_made_never_applied_and_objected_identities_stay_out(engine: Engine) -> None:
    with session_scope(engine) as session:
        ids = load(session)
        run = do_match_social(session)
        assert run.profiles == len(PEOPLE) - 1  # the objected reddit account is not even read
        found = pairs(session, ids)
        assert frozenset(("customer:C1", "x1")) in found
        assert frozenset(("customer:C1", "m1")) in found
        assert frozenset(("x1", "m1")) in found  # across networks
        assert frozenset(("customer:C2", "x2")) in found  # Bill is William
        assert frozenset(("customer:C3", "b1")) in found  # Mueller is Müller
        assert not any("r1" in pair for pair in found)
        assert not any("x3" in pair for pair in found)
        assert all(s.method == "social" and s.status == "open" and 0.5 <= s.probability <= 1 for s in found.values())
        lena = found[frozenset(("customer:C1", "m1"))]
        assert lena.agreeing["name"] == "exact" and lena.agreeing["location"] == "equal"
        assert run.suggested == len(found)
        assert session.scalar(select(func.count()).select_from(LinkEvidence)) == 0
        assert all(identity.person_id is None for identity in ids.values())


def test_a_rerun_changes_nothing_and_decisions_are_kept(engine: Engine) -> None:
    with session_scope(engine) as session:
        ids = load(session)
        first = do_match_social(session)
        found = pairs(session, ids)
        accepted = found[frozenset(("customer:C1", "m1"))]
        rejected = found[frozenset(("customer:C2", "x2"))]
        do_accept(session, accepted.public_id, "agent@example.com")
        do_reject(session, rejected.public_id, "agent@example.com")
    with session_scope(engine) as session:
        again = do_match_social(session)  # the accept feeds back into m: open pairs may be re-scored
        assert again.suggested == 0
        from kith.identities.social_match import accepted_pairs, fit_model, load_profiles
        from kith.identities.social_model import M

        profiles = load_profiles(session)
        taught = accepted_pairs(session, profiles)
        assert len(taught) == 1 and fit_model(profiles, accepted=taught).m != M
    with session_scope(engine) as session:
        again = do_match_social(session)
        assert (again.suggested, again.updated) == (0, 0)  # nothing new since: nothing changes
        assert again.candidates <= first.candidates  # the linked pair is one person now: not compared
        statuses = dict(session.execute(select(MatchSuggestion.id, MatchSuggestion.status)).all())
        assert statuses[accepted.id] == "accepted" and statuses[rejected.id] == "rejected"
        assert session.scalar(select(func.count()).select_from(MatchSuggestion)) == len(found)
