"""The spike detector on synthetic hourly counts: what raises an alert and what must not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kith.enrichment.alerts import HourCount, detect_spikes, poisson_tail

NOW = datetime(2026, 9, 15, 12, tzinfo=UTC)
H = timedelta(hours=1)


def history(total: int, negative: int = 0, hours: int = 7 * 24, topic: int = 1) -> list[HourCount]:
    return [HourCount(topic, NOW - i * H, total, negative) for i in range(1, hours + 1)]


def test_a_flat_history_and_a_normal_hour_raise_nothing() -> None:
    rows = [*history(20, 2), HourCount(1, NOW, 24, 3)]
    assert detect_spikes(rows, now_hour=NOW) == []


def test_a_real_volume_spike_raises_one_alert_with_its_window_and_baseline() -> None:
    rows = [*history(2), HourCount(1, NOW, 40, 0)]
    [spike] = detect_spikes(rows, now_hour=NOW)
    assert (spike.kind, spike.observed, spike.baseline) == ("volume", 40, 2.0)
    assert (spike.window_start, spike.window_end) == (NOW, NOW + H)
    assert spike.score > 10


def test_small_counts_never_alert_however_quiet_the_topic() -> None:
    rows = [*history(0, hours=100), HourCount(1, NOW - 150 * H, 1, 0), HourCount(1, NOW, 9, 9)]
    assert detect_spikes(rows, now_hour=NOW) == []


def test_a_surge_of_negatives_alerts_even_when_volume_is_normal() -> None:
    rows = [*history(20, 1), HourCount(1, NOW, 22, 15)]
    [spike] = detect_spikes(rows, now_hour=NOW)
    assert spike.kind == "negative" and spike.observed == 15


def test_a_busy_topic_needs_three_times_its_baseline() -> None:
    rows = [*history(100, 0), HourCount(1, NOW, 250, 0)]  # Poisson says "impossible", the ratio says "busy day"
    assert detect_spikes(rows, now_hour=NOW) == []
    assert detect_spikes([*history(100, 0), HourCount(1, NOW, 320, 0)], now_hour=NOW)[0].kind == "volume"


def test_a_new_topic_has_no_baseline_yet() -> None:
    rows = [*history(1, hours=10), HourCount(1, NOW, 50, 0)]
    assert detect_spikes(rows, now_hour=NOW) == []


def test_an_earlier_spike_does_not_hide_the_next_one_and_topics_are_judged_alone() -> None:
    rows = [*history(2), HourCount(1, NOW - 30 * H, 60, 0), HourCount(1, NOW, 40, 0)]
    rows += [*history(50, topic=2), HourCount(2, NOW, 40, 0)]
    assert [(s.topic_id, s.kind) for s in detect_spikes(rows, now_hour=NOW)] == [(1, "volume")]


def test_the_poisson_tail_is_exact_for_small_numbers_and_finite_for_large() -> None:
    assert abs(poisson_tail(1, 2.0) - (1 - 2.718281828459045**-2)) < 1e-12
    assert poisson_tail(0, 3.0) == 1.0
    assert poisson_tail(500, 2.0) < 1e-300
