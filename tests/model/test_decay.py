"""Decay: typical gaps, trend, status over time, days_to_at_risk, trajectories; compare; fail-on."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from graphdyn import Config, UsageError
from graphdyn.audits.compare import compare_audits
from graphdyn.audits.conditions import audit_figures, parse_condition
from graphdyn.audits.run import audit

from .by_hand import liveness, p_alive, rhythm_by_hand
from .on_frames import ties_of_data

START = pd.Timestamp("2023-01-01T00:00Z")


def contacts(customer: str, staff: str, days: list[float], channel: str = "phone", **extra: object):  # type: ignore[no-untyped-def]
    return pd.DataFrame(
        {
            "interaction_id": [f"{customer}-{staff}-{n}" for n in range(len(days))],
            "timestamp": [(START + pd.Timedelta(days=d)).isoformat() for d in days],
            "customer_id": customer,
            "staff_id": staff,
            "channel": channel,
            "direction": ["inbound" if n % 2 else "outbound" for n in range(len(days))],
            **extra,
        }
    )


# Fortnightly calls for a year (days 0..364), then silence.
QUIET_DAYS = [14.0 * n for n in range(27)]
QUIET = contacts("c1", "s1", QUIET_DAYS)
LAST = START + pd.Timedelta(days=14 * 26)
QUIET_A, QUIET_B = rhythm_by_hand(QUIET_DAYS)
QUIET_GAP = QUIET_B / QUIET_A


def cold_by_hand(silence: float) -> bool:
    """More than three typical gaps overdue, and liveness below 0.7."""
    return silence / QUIET_GAP > 3 and liveness(silence, QUIET_A, QUIET_B) < 0.7


def tie_at(events: pd.DataFrame, as_of: pd.Timestamp, config: Config | None = None) -> pd.Series:
    return ties_of_data(events, as_of, config).ties.iloc[0]


def test_typical_gap_of_a_regular_tie() -> None:
    row = tie_at(QUIET, LAST)
    assert 14 < QUIET_GAP < 16  # a fortnight, pulled a little toward the 30-day prior
    assert row["typical_gap_days"] == pytest.approx(QUIET_GAP, rel=1e-12)
    assert row["contact_days"] == 27
    assert row["days_since_last"] == pytest.approx(0.0)
    assert row["p_alive"] == 1.0


def test_typical_gap_is_shrunk_toward_the_reference_interval() -> None:
    regular_days = [10.0 * n for n in range(21)]  # 20 intervals of 10 days
    regular = contacts("c1", "s1", regular_days)
    sparse = contacts("c2", "s1", [0.0, 100.0])  # one interval of 100 days
    result = audit(pd.concat([regular, sparse]), as_of=START + pd.Timedelta(days=200))
    gaps = result.ties.set_index("customer_id")["typical_gap_days"]
    a, b = rhythm_by_hand(regular_days)
    assert gaps["c1"] == pytest.approx(b / a, rel=1e-12)
    a, b = rhythm_by_hand([0.0, 100.0])
    assert gaps["c2"] == pytest.approx(b / a, rel=1e-12)
    assert 30 < gaps["c2"] < 100  # one long interval, shrunk toward 30 days
    # A tie's rhythm is its own: auditing it alone gives the same gap (to the last few bits:
    # the engine adds a group's sums in an order that may depend on the other groups).
    alone = tie_at(regular, START + pd.Timedelta(days=200))["typical_gap_days"]
    assert alone == pytest.approx(gaps["c1"], rel=1e-14)


def test_the_rhythm_follows_a_relationship_that_slows_down() -> None:
    # Weekly for a year, then monthly for half a year: the rhythm reads the recent months.
    days = [7.0 * n for n in range(53)] + [364.0 + 30 * n for n in range(1, 7)]
    row = tie_at(contacts("c1", "s1", days), START + pd.Timedelta(days=max(days)))
    a, b = rhythm_by_hand(days)
    assert row["typical_gap_days"] == pytest.approx(b / a, rel=1e-12)
    plain_mean = (max(days) - min(days)) / (len(days) - 1)
    assert row["typical_gap_days"] > 1.5 * plain_mean


def test_a_single_contact_takes_the_reference_interval() -> None:
    once = contacts("c1", "s1", [150.0])
    assert tie_at(once, START + pd.Timedelta(days=200))["typical_gap_days"] == pytest.approx(30.0)
    rhythm = Config(reference_interval_days=45.0)
    assert tie_at(once, START + pd.Timedelta(days=200), rhythm)["typical_gap_days"] == 45.0


def test_gap_never_below_the_floor() -> None:
    days = [float(n) for n in range(60)]
    daily = contacts("c1", "s1", days)
    assert tie_at(daily, START + pd.Timedelta(days=60))["typical_gap_days"] == 7.0
    no_floor = Config(min_gap_days=0.0)
    unfloored = tie_at(daily, START + pd.Timedelta(days=60), no_floor)["typical_gap_days"]
    a, b = rhythm_by_hand(days)
    raw = (30.0 + 90 / math.log(2) * (1 - 2 ** (-59 / 90))) / a
    assert unfloored == pytest.approx(raw, rel=1e-12)
    assert b / a == 7.0


def test_p_alive_and_liveness_known_answers() -> None:
    for silence in (0, 7, 30, 65, 120, 300):
        row = tie_at(QUIET, LAST + pd.Timedelta(days=silence))
        assert row["p_alive"] == pytest.approx(p_alive(silence, QUIET_A, QUIET_B), rel=1e-9)
        assert row["liveness"] == pytest.approx(liveness(silence, QUIET_A, QUIET_B), rel=1e-9)
        assert row["liveness"] <= row["p_alive"]


def test_strength_is_the_weighted_mean_of_the_components() -> None:
    for silence in (0, 40, 300):
        row = tie_at(QUIET, LAST + pd.Timedelta(days=silence))
        weights = {"intensity": 0.45, "tenure": 0.10, "reciprocity": 0.15}  # no affect, value
        mean = sum(w * row[name] for name, w in weights.items()) / sum(weights.values())
        assert row["strength"] == pytest.approx(mean, rel=1e-12)
    # High components never read 0 while the relationship is live, whatever its silence:
    gone = tie_at(QUIET, LAST + pd.Timedelta(days=300))
    assert gone["liveness"] < 0.05
    assert gone["strength"] > 0.3  # tenure and reciprocity remain; liveness says it is over


def test_value_and_strength_at_risk() -> None:
    row = tie_at(QUIET, LAST + pd.Timedelta(days=40))
    assert row["strength_at_risk"] == pytest.approx(row["strength"] * (1 - row["liveness"]))
    assert math.isnan(row["value_at_risk"])  # no values: no value at risk
    orders = QUIET.assign(channel="order", value=100.0)
    row = tie_at(orders, LAST + pd.Timedelta(days=40))
    assert row["value_at_risk"] == pytest.approx(row["value_raw"] * (1 - row["liveness"]))


COLD_DAY = next(d for d in range(1, 400) if cold_by_hand(float(d)))


@pytest.mark.parametrize(
    ("days_after_last", "status"),
    [
        (7, "active"),  # half a gap
        (30, "cooling"),  # two gaps > 1.5
        (COLD_DAY - 1, "cooling"),  # not cold yet: liveness >= 0.7 or <= 3 gaps overdue
        (COLD_DAY, "at_risk"),  # cold: more than three gaps and liveness below 0.7
        (364, "at_risk"),
        (365, "dormant"),  # a year without contact
    ],
)
def test_a_tie_that_goes_quiet_moves_through_the_statuses(
    days_after_last: int, status: str
) -> None:
    row = tie_at(QUIET, LAST + pd.Timedelta(days=days_after_last))
    assert row["status"] == status
    assert row["overdue"] == pytest.approx(days_after_last / QUIET_GAP)


def test_a_short_history_is_never_at_risk_by_its_silence() -> None:
    # 10 contact days: its rhythm is not established (fewer than 20), so silence cools it.
    short = contacts("c1", "s1", [14.0 * n for n in range(10)])
    row = tie_at(short, START + pd.Timedelta(days=14 * 9 + 150))
    assert row["overdue"] > 3 and row["liveness"] < 0.7
    assert row["status"] == "cooling"
    assert row["days_to_at_risk"] == 0.0  # it has gone cold all the same


def test_status_sequence_is_monotone_as_as_of_advances() -> None:
    order = ["active", "cooling", "at_risk", "dormant"]
    seen = [tie_at(QUIET, LAST + pd.Timedelta(days=d))["status"] for d in range(0, 400, 5)]
    ranks = [order.index(s) for s in seen]
    assert ranks == sorted(ranks)
    assert set(seen) == set(order)


def test_a_new_tie_is_new() -> None:
    events = contacts("c1", "s1", [300.0, 305.0, 310.0])
    a, b = rhythm_by_hand([300.0, 305.0, 310.0])
    gap = b / a
    assert 13 < gap < 14
    assert tie_at(events, START + pd.Timedelta(days=327))["status"] == "new"  # 27 <= 2 g
    assert tie_at(events, START + pd.Timedelta(days=329))["status"] == "active"  # 29 > 2 g
    assert tie_at(events, START + pd.Timedelta(days=331))["status"] == "cooling"  # 21 > 1.5 g
    fast = contacts("c1", "s1", [300.0 + n for n in range(30)])  # g: the 7-day floor
    assert tie_at(fast, START + pd.Timedelta(days=329))["status"] == "active"  # 29 > 2 g


def test_dormant_by_faded_intensity() -> None:
    once = contacts("c1", "s1", [0.0], channel="order")
    # 0.2 richness decays below f_I = 0.05 (I = I_ref * -ln(0.95) = 0.174) after 18 days;
    # at 200 days the tie is neither new (>= 90 days) nor a year silent.
    row = tie_at(once, START + pd.Timedelta(days=200))
    assert row["intensity"] < 0.05
    assert row["status"] == "dormant"


def test_trend_known_answers() -> None:
    as_of = START + pd.Timedelta(days=200)
    growing = contacts("c1", "s1", [150.0 + 5 * n for n in range(10)], channel="meeting")
    row = tie_at(growing, as_of)
    assert math.isclose(row["trend_delta"], row["strength"])  # no contact 90 days ago
    assert row["trend"] == "strengthening"
    steady = contacts("c2", "s1", [7.0 * n for n in range(121)], channel="phone")
    row = tie_at(steady, START + pd.Timedelta(days=7 * 120))
    assert abs(row["trend_delta"]) <= 0.05
    assert row["trend"] == "stable"
    fading = tie_at(QUIET, LAST + pd.Timedelta(days=60))
    assert fading["trend_delta"] < -0.05
    assert fading["trend"] == "weakening"
    gone = tie_at(QUIET, LAST + pd.Timedelta(days=800))  # intensity ~ 0 now and 90 days ago
    assert gone["intensity"] < 0.005
    assert gone["trend"] == "stable"


def test_trend_delta_equals_strength_difference_with_an_audit_90_days_earlier() -> None:
    as_of = LAST + pd.Timedelta(days=40)
    now = tie_at(QUIET, as_of)
    before = tie_at(QUIET, as_of - pd.Timedelta(days=90))
    assert now["trend_delta"] == pytest.approx(now["strength"] - before["strength"], abs=1e-12)


def test_trajectory_equals_re_auditing_at_each_snapshot() -> None:
    as_of = LAST + pd.Timedelta(days=40)
    result = audit(QUIET, as_of=as_of)
    trajectory = result.tie_trajectories.iloc[0]
    assert len(trajectory) == 12
    for label, strength in trajectory.items():
        snapshot = pd.Timestamp(str(label), tz="UTC") + (as_of - as_of.normalize())
        expected = tie_at(QUIET, snapshot)["strength"]
        assert strength == pytest.approx(expected, abs=1e-12), label
    customer = result.customer_trajectories.iloc[0]
    np.testing.assert_allclose(customer.to_numpy(), trajectory.to_numpy(), rtol=1e-12)


def test_trajectory_is_nan_before_first_contact() -> None:
    events = contacts("c1", "s1", [300.0, 310.0])
    result = audit(events, as_of=START + pd.Timedelta(days=320))
    values = result.tie_trajectories.iloc[0].to_numpy()
    assert not np.isnan(values[0])
    assert np.isnan(values[1:]).all()


def test_days_to_at_risk_agrees_with_re_auditing() -> None:
    as_of = LAST + pd.Timedelta(days=10)
    row = tie_at(QUIET, as_of)
    days = row["days_to_at_risk"]
    assert 0 < days < 400
    assert COLD_DAY - 10 - 1 < days <= COLD_DAY - 10
    before = tie_at(QUIET, as_of + pd.Timedelta(days=days - 0.01))
    after = tie_at(QUIET, as_of + pd.Timedelta(days=days + 0.01))
    assert (before["status"], after["status"]) == ("cooling", "at_risk")


def test_days_to_at_risk_counts_down() -> None:
    first = tie_at(QUIET, LAST + pd.Timedelta(days=10))["days_to_at_risk"]
    later = tie_at(QUIET, LAST + pd.Timedelta(days=40))["days_to_at_risk"]
    assert later == pytest.approx(first - 30, abs=1e-6)


def test_days_to_at_risk_zero_when_cold_and_blank_when_never() -> None:
    cold = tie_at(QUIET, LAST + pd.Timedelta(days=COLD_DAY + 5))
    assert cold["days_to_at_risk"] == 0.0
    # A liveness threshold of 0 is never crossed: the rule would never hold.
    never = tie_at(QUIET, LAST + pd.Timedelta(days=10), Config(liveness_at_risk=0.0))
    assert math.isnan(never["days_to_at_risk"])


# ------------------------------------------------------------------------- compare


def test_compare_two_hand_made_audits() -> None:
    others = contacts("c2", "s2", [14.0 * n for n in range(40)])
    late = contacts("c3", "s1", [400.0, 410.0])  # after the old as-of, before the new
    events = pd.concat([QUIET, others, late], ignore_index=True)
    old = audit(events, as_of=LAST + pd.Timedelta(days=7))
    new = audit(events, as_of=LAST + pd.Timedelta(days=COLD_DAY))
    comparison = compare_audits(old, new)
    changes = comparison.changes.set_index(["level", "change", "customer_id"])
    assert ("customer", "status_changed", "c1") in changes.index
    row = changes.loc[("customer", "status_changed", "c1")]
    assert (row["old_status"], row["new_status"]) == ("active", "at_risk")
    assert ("tie", "new", "c3") in changes.index
    assert comparison.transitions.loc["active", "at_risk"] >= 1
    drops = comparison.biggest_drops(1)
    assert drops["customer_id"].tolist() == ["c1"]
    assert drops["strength_change"].iloc[0] == pytest.approx(
        new.customers.set_index("customer_id").loc["c1", "strength"]
        - old.customers.set_index("customer_id").loc["c1", "strength"]
    )


# ------------------------------------------------------------------------- fail-on


def test_fail_on_conditions() -> None:
    result = audit(QUIET, as_of=LAST + pd.Timedelta(days=COLD_DAY))
    figures = audit_figures(result.summary)
    assert figures["at_risk"] == 1.0
    assert figures["at_risk_share"] == 1.0
    assert parse_condition("at_risk_share>0.15").holds(figures)
    assert parse_condition("at_risk_share > 15%").holds(figures)
    assert not parse_condition("single_threaded>20").holds(figures)
    assert parse_condition("single_threaded>20 or at_risk>=1").holds(figures)
    assert not parse_condition("single_threaded>20 and at_risk>=1").holds(figures)
    assert parse_condition("(dormant>0 or at_risk>0) and customers==1").holds(figures)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "--fail-on: empty condition"),
        (
            "at_risk_share",
            "--fail-on 'at_risk_share': expected a comparison (>, >=, <, <=, ==, !=) at the end",
        ),
        ("risk>1", "--fail-on 'risk>1': unknown figure 'risk'; known: active, at_risk,"),
        ("at_risk>1 and", "--fail-on 'at_risk>1 and': expected a figure name at the end"),
        (
            "at_risk>1 at",
            "--fail-on 'at_risk>1 at': expected 'and', 'or' or the end at character 11",
        ),
        ("at_risk>x", "--fail-on 'at_risk>x': expected a number at character 9"),
        ("__import__('os')>1", "--fail-on \"__import__('os')>1\": unexpected character"),
        ("(at_risk>1", "--fail-on '(at_risk>1': expected ')' at the end"),
    ],
)
def test_fail_on_syntax_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_condition(text)
    assert str(info.value).startswith(message)
