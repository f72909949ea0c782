"""Social matching's parts: nicknames, transliteration, handle and name comparison, blocking, scoring."""

from __future__ import annotations

import math

from kith.identities.models import Identity
from kith.identities.nicknames import same_given_name
from kith.identities.social_compare import compare, compare_handles, compare_names
from kith.identities.social_match import NO_SIGNALS, blocking_keys, candidate_pairs, comparable, score_pairs
from kith.identities.social_model import M_PRIOR_WEIGHT, M, Model, estimate_u, m_from_decisions, prior_log2
from kith.identities.social_profile import SocialProfile, name_parts, normal_handle, profile_of
from kith.identities.transliterate import fold, fold_variants, squeeze


def identity(
    ident: int,
    name: str | None = None,
    handle: str | None = None,
    email: str | None = None,
    profile_url: str | None = None,
    **attributes: object,
) -> Identity:
    return Identity(
        id=ident,
        channel_id=1,
        external_id=str(ident),
        display_name=name,
        handle=handle,
        email=email,
        profile_url=profile_url,
        attributes=dict(attributes),
        visibility="public",
        basis="public_content",
    )


def social(ident: int, channel: str, **fields: object) -> SocialProfile:
    return profile_of(identity(ident, **fields), channel)  # type: ignore[arg-type]


def test_nicknames_match_their_full_names_and_nothing_else() -> None:
    assert same_given_name("Bill", "William") == "nickname"
    assert same_given_name("Hans", "Johannes") == "nickname"
    assert same_given_name("Kathi", "Katharina") == "nickname"
    assert same_given_name("Sepp", "Josef") == "nickname"
    assert same_given_name("Jürgen", "Juergen") == "exact"
    assert same_given_name("Christian", "Christina") is None  # both "Chris", still two names
    assert same_given_name("Anna", "Bob") is None
    assert same_given_name("", "Anna") is None


def test_transliteration_folds_accents_umlauts_and_other_scripts() -> None:
    assert fold_variants("Müller") == {"muller", "mueller"}
    assert fold_variants("Mueller") & fold_variants("Müller")
    assert fold_variants("Muller") & fold_variants("Müller")
    assert fold("Иван Петров") == "ivan petrov"
    assert fold("Γιώργος") == "giorgos"
    assert fold("Yılmaz") == "yilmaz"
    assert squeeze("Anna-Lena Schröder 🚲") == "annalenaschroder"
    assert fold_variants("🚲⚡") == frozenset()


def test_display_names_are_split_into_given_name_surname_and_initial() -> None:
    lena = name_parts("Lena S.")
    assert lena.last_initial == "s" and not lena.last and "lena" in lena.first
    assert name_parts("Lena 🚲").last_initial == ""
    assert name_parts("Lotte de Vries").last_squeezed == "devries"
    assert not name_parts("⚡ 🚲").known


def test_names_compare_with_nicknames_initials_and_scripts() -> None:
    assert compare_names(name_parts("Müller Anna"), name_parts("Anna Mueller")) == "exact"  # order-free
    assert compare_names(name_parts("Bill Gates"), name_parts("William Gates")) == "nickname"
    assert compare_names(name_parts("Lena S."), name_parts("Lena Schmidt")) == "initial"
    assert compare_names(name_parts("Lena S."), name_parts("Lena Weber")) == "different"
    assert compare_names(name_parts("Lena 🚲"), name_parts("Lena Schmidt")) == "first_only"
    assert compare_names(name_parts("Jonathon Smith"), name_parts("Jonathan Smith")) == "fuzzy"
    assert compare_names(name_parts("Tim Friedrich"), name_parts("Max Friedrich")) == "different"
    assert compare_names(name_parts("Иван Петров"), name_parts("Ivan Petrov")) == "exact"
    assert compare_names(name_parts(None), name_parts("Ivan Petrov")) is None


def test_handles_compare_across_networks_without_separators_suffixes_or_digits() -> None:
    assert normal_handle("@Lena-Rides.bsky.social") == "lena-rides"
    assert normal_handle("lena_rides@mastodon.social") == "lena_rides"
    x, bsky = social(1, "x", handle="lena_rides"), social(2, "bluesky", handle="lena-rides.bsky.social")
    assert compare_handles(x, bsky) == "same"
    assert compare_handles(x, social(3, "reddit", handle="Lena_rides42")) == "same_letters"
    assert compare_handles(x, social(4, "youtube", handle="lenaride")) == "similar"
    assert compare_handles(x, social(5, "youtube", handle="tobiaskoch")) == "different"
    assert compare_handles(x, social(6, "facebook")) is None


def test_bio_email_link_and_city_are_evidence() -> None:
    x = social(
        1,
        "x",
        name="Lena S.",
        handle="lenaschmidt",
        profile_url="https://x.com/lenaschmidt",
        description="Pendlerin. 📍 Köln ✉️ Lena.Schmidt@example.com",
    )
    customer = social(2, "csv", name="Lena Schmidt", email="lena.schmidt@example.com", city="Köln")
    levels = compare(x, customer)
    assert levels == {"name": "initial", "handle_name": "full_name", "email": "equal", "location": "equal"}
    mastodon = social(3, "mastodon", handle="lena@norden.social", bio="also on https://x.com/lenaschmidt/")
    assert compare(x, mastodon)["link"] == "links_to_other"


def test_a_handle_made_of_the_given_name_does_not_count_twice() -> None:
    x = social(1, "x", name="Lena 🚲", handle="lena_rides")
    customer = social(2, "csv", name="Lena Schmidt")
    assert compare(x, customer) == {"name": "first_only"}  # "lena" in the handle is the same fact


def test_blocking_finds_the_pairs_that_share_a_key_and_skips_crowded_keys() -> None:
    profiles = [
        social(1, "x", name="Lena S.", handle="lena_rides"),
        social(2, "csv", name="Lena Schmidt"),
        social(3, "instagram", handle="lena.rides"),
        social(4, "csv", name="Tobias Koch"),
        social(5, "csv", name="Anna Weber"),
    ]
    pairs = candidate_pairs(profiles)
    assert (0, 1) in pairs and (0, 2) in pairs
    assert (1, 3) not in pairs and (1, 4) not in pairs  # two customer records: Splink's job
    assert (0, 3) not in pairs  # nothing in common
    assert blocking_keys(profiles[0])["fi:lena|s"] == "probe" and blocking_keys(profiles[1])["fi:lena|s"] == "target"
    assert candidate_pairs(profiles, max_block=1) == set()  # every key crowded: no pairs


def test_a_level_without_any_u_is_no_evidence() -> None:
    model = Model(m=M, u={}, prior_log2=0.0)
    assert model.weight("hobby", "cycling") == 0.0
    assert model.weight("email", "equal") > 10  # fixed: an address belongs to one person


def test_same_network_and_same_person_are_not_compared() -> None:
    a, b = social(1, "x", name="Lena Schmidt"), social(2, "x", name="Lena Schmidt")
    assert not comparable(a, b)
    a.person_id = b.person_id = 7
    assert comparable(a, social(3, "csv", name="Lena Schmidt"))
    assert not comparable(a, b)
    c = social(4, "csv", name="Lena Schmidt")
    c.person_id = 7
    assert not comparable(a, c)  # already one person


def test_the_model_weighs_levels_by_m_over_u() -> None:
    model = Model(m=M, u={"name": {"exact": 0.001, "different": 0.99}}, prior_log2=prior_log2(1000))
    probability, weights = model.score({"name": "exact"})
    assert math.isclose(weights["name"], math.log2(M["name"]["exact"] / 0.001))
    assert 0.0 < probability < 1.0
    stronger, _ = model.score({"name": "exact", "email": "equal"})
    weaker, _ = model.score({"name": "different"})
    assert stronger > probability > weaker


def test_u_is_measured_on_random_pairs_and_corrected_for_true_matches() -> None:
    levels = {(0, 1): {"name": "exact"}} | {(i, i + 1): {"name": "different"} for i in range(2, 200)}
    u = estimate_u(list(levels), lambda a, b: levels[(a, b)])
    assert u["name"]["exact"] < 0.02 and u["name"]["different"] > 0.95
    corrected = estimate_u(list(levels), lambda a, b: levels[(a, b)], prior=0.01)
    assert corrected["name"]["exact"] < u["name"]["exact"]


def test_score_pairs_keeps_only_probable_pairs_most_probable_first() -> None:
    profiles = [
        social(10, "x", name="Lena Schmidt", handle="lenaschmidt"),
        social(11, "csv", name="Lena Schmidt", city="Köln"),
        social(12, "mastodon", name="Tobias Koch", handle="lenaschmidt"),
    ]
    u = {
        "name": {"exact": 0.001, "different": 0.99},
        "handle": {"same": 0.001, "different": 0.99},
        "handle_name": {"full_name": 0.001, "none": 0.98},
    }
    model = Model(m=M, u=u, prior_log2=prior_log2(300))
    scored = score_pairs(profiles, model, [(0, 1), (0, 2), (1, 2)], 0.5, NO_SIGNALS)
    assert [(s.left, s.right) for s in scored][:1] == [(10, 11)]
    assert all(s.probability >= 0.5 for s in scored)
    assert (11, 12) not in {(s.left, s.right) for s in scored}


def test_accepted_pairs_teach_m_with_the_shipped_table_as_prior() -> None:
    assert m_from_decisions([]) == M  # no decisions: the shipped table
    # reviewers keep accepting pairs that agree only on the first name (a community of first-name users)
    accepted = [{"name": "first_only", "location": "equal"} for _ in range(60)]
    learned = m_from_decisions(accepted)
    for name, levels in learned.items():
        assert math.isclose(sum(levels.values()), sum(M[name].values()))  # still a distribution
    expected = (60 + M_PRIOR_WEIGHT * M["name"]["first_only"]) / (60 + M_PRIOR_WEIGHT)
    assert math.isclose(learned["name"]["first_only"], expected)
    assert learned["name"]["first_only"] > 0.7 > M["name"]["first_only"]
    assert learned["handle"] == M["handle"]  # a field no accepted pair could compare keeps its prior
    model, shipped = Model(m=learned, u={}, prior_log2=-10.0), Model(m=M, u={}, prior_log2=-10.0)
    pair = {"name": "first_only", "location": "equal"}
    assert model.score(pair)[0] > shipped.score(pair)[0]  # the same evidence now weighs more
