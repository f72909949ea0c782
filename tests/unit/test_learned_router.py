"""The learned router without a database: training, held-out figures, predictions with reasons,
incremental learning, the weight archive and the too-little-history message."""

from __future__ import annotations

import io
import math
import random

import numpy as np
import pytest

from kith.routing.learned import predict_with
from kith.routing.learned_features import RoutingText, featurize
from kith.routing.learned_history import Sample
from kith.routing.learned_model import RouterWeights, WeightsError
from kith.routing.learned_service import RouterSettingError, check_threshold
from kith.routing.learned_train import TooLittleHistory, Trained, train
from tests.unit.router_synthetic import synthetic_samples, synthetic_text

FRESH = {  # texts the history never contained, one per department
    "service": RoutingText("My new Aurora e-bike battery will not charge, the workshop did not help", "x"),
    "sales": RoutingText("How much does the Polaris tent cost, is there a discount if I order two?", "email"),
    "product": RoutingText("Idea for the next model: please add a mount for a bottle holder", "mastodon"),
    "legal": RoutingText("Under GDPR please delete all personal data you store about me", "email"),
}


@pytest.fixture(scope="module")
def trained() -> Trained:
    return train(synthetic_samples(160))


def test_training_separates_departments_on_unseen_texts(trained: Trained) -> None:
    weights = trained.weights
    predictions = predict_with(weights, "router-test", list(FRESH.values()))
    assert [p.department for p in predictions] == list(FRESH)
    assert all(0.5 < p.confidence <= 1.0 for p in predictions)
    holdout = trained.metrics["holdout"]
    assert holdout["accuracy"] >= 0.85 and holdout["macro_f1"] >= 0.8


def test_a_prediction_explains_itself_with_the_inputs_own_words(trained: Trained) -> None:
    weights = trained.weights
    [legal] = predict_with(weights, "router-test", [FRESH["legal"]])
    terms = [t["term"] for t in legal.explanation["terms"]]
    assert terms and set(terms) <= {*FRESH["legal"].text.lower().replace(",", "").split(), "channel: email"}
    assert {"gdpr", "delete", "personal", "data"} & set(terms)
    assert legal.explanation["runner_up"]["department"] != "legal"
    assert 0 <= legal.explanation["runner_up"]["confidence"] < legal.confidence


def test_held_out_figures_come_from_the_newest_fifth_of_the_history() -> None:
    # the older 80 decisions know only service and sales; the newest 20 are all legal: a random split would
    # have trained on some legal texts, the time-ordered one must miss every one of them
    old = synthetic_samples(80, seed=1, departments=("service", "sales"))
    rng = random.Random(2)
    new = [
        Sample(s.decision_id + 100, s.conversation_id + 100, s.at, synthetic_text(rng, "legal"), "legal")
        for s in synthetic_samples(20, seed=3)
    ]
    new = [Sample(s.decision_id, s.conversation_id, old[-1].at.replace(year=2027), s.text, s.department) for s in new]
    result = train(old + new)
    holdout = result.metrics["holdout"]
    assert holdout["size"] == math.ceil(100 * 0.2) == 20 and holdout["train_size"] == 80
    legal = next(d for d in holdout["per_department"] if d["department"] == "legal")
    assert legal["support"] == 20 and legal["recall"] == 0.0
    assert holdout["accuracy"] == 0.0
    labels = holdout["confusion"]["labels"]
    assert sum(holdout["confusion"]["matrix"][labels.index("legal")]) == 20
    assert "legal" in result.weights.classes  # …while the kept model is refitted on everything
    assert result.metrics["departments"]["legal"] == 20


def test_an_incremental_correction_moves_the_prediction_toward_it(trained: Trained) -> None:
    weights = trained.weights
    text = RoutingText("Polaris tent: could the next one come with a bigger porch?", "x")
    x = featurize([text])
    before = weights.probabilities(x)[0]
    assert weights.classes[int(np.argmax(before))] != "product" or before.max() < 0.9
    learned, steps = weights.learn(x, "product")
    after = learned.probabilities(featurize([text]))[0]
    product = learned.classes.index("product")
    assert after[product] > before[weights.classes.index("product")]
    assert learned.classes[int(np.argmax(after))] == "product" and 1 <= steps <= 5
    # only the sample's own columns moved: an unrelated text barely changes
    other = featurize([FRESH["legal"]])
    assert np.allclose(learned.probabilities(other), weights.probabilities(other), atol=0.05)


def test_a_correction_to_a_department_the_model_never_saw_adds_it(trained: Trained) -> None:
    weights = trained.weights
    text = RoutingText("A journalist from the Hamburger Abendblatt asks for an interview about the recall", "email")
    learned, _ = weights.learn(featurize([text]), "pr")
    assert learned.classes[-1] == "pr" and len(learned.classes) == len(weights.classes) + 1
    [p] = predict_with(learned, "router-test+1", [text])
    assert p.department == "pr" and p.model_version == "router-test+1"


def test_weights_round_trip_through_npz_without_pickle(trained: Trained) -> None:
    weights = trained.weights
    data = weights.to_npz()
    assert len(data) < 3 * 1024 * 1024
    with np.load(io.BytesIO(data), allow_pickle=False) as z:  # every array loads without pickle
        assert set(z.files) == {"format", "classes", "columns", "coef", "intercept"}
        assert z["classes"].dtype.kind == "U"
    back = RouterWeights.from_npz(data)
    assert back.classes == weights.classes
    assert np.array_equal(back.columns, weights.columns) and np.array_equal(back.coef, weights.coef)
    x = featurize(list(FRESH.values()))
    assert np.allclose(back.probabilities(x), weights.probabilities(x))


def test_an_archive_with_pickled_objects_or_garbage_is_refused() -> None:
    buffer = io.BytesIO()
    np.savez(buffer, format=np.array("kith-router-1"), classes=np.array([{"evil": 1}], dtype=object))
    with pytest.raises(WeightsError):
        RouterWeights.from_npz(buffer.getvalue())
    with pytest.raises(WeightsError):
        RouterWeights.from_npz(b"not an archive")


@pytest.mark.parametrize(
    ("samples", "message"),
    [
        (synthetic_samples(10), "at least 30 routing decisions a person made or confirmed (found 10)"),
        (synthetic_samples(40, departments=("service",)), "at least 2 departments (found service)"),
    ],
)
def test_too_little_history_says_what_is_missing(samples: list[Sample], message: str) -> None:
    with pytest.raises(TooLittleHistory) as caught:
        train(samples)
    assert message in str(caught.value) and "confirm or re-route conversations" in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "value"), [("", None), ("  ", None), ("0.8", 0.8), ("80%", 0.8), ("0,95", 0.95), ("1", 1.0)]
)
def test_threshold_input_is_a_confidence_or_empty(raw: str, value: float | None) -> None:
    assert check_threshold(raw) == value


@pytest.mark.parametrize("raw", ["0", "2", "-0.5", "abc", "nan", "150%"])
def test_a_threshold_outside_zero_to_one_is_refused(raw: str) -> None:
    with pytest.raises(RouterSettingError, match="between 0 and 1"):
        check_threshold(raw)
