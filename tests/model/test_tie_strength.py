"""Tie strength: hand-computed known answers and the model's invariants (hypothesis)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphdyn import Config
from graphdyn.audits.run import audit
from graphdyn.data.generate import generate
from graphdyn.ingest.dataset import read_data
from graphdyn.model import relationships
from graphdyn.model.decay import decay_weight
from graphdyn.model.explain import component_table
from tests.engine.reference import Events, group_sums, group_sums_without_each

from .by_hand import liveness, p_alive, rhythm_by_hand
from .on_frames import relationships_of, ties_of_data

T = pd.Timestamp("2024-07-01T00:00Z")
H = 90.0
I_REF = 0.7 / (1 - 2 ** (-30 / 90))  # one phone call every 30 days, at steady state
WEIGHTS = {"intensity": 0.45, "tenure": 0.10, "reciprocity": 0.15, "affect": 0.15, "value": 0.15}


def event(
    iid: str,
    days_before: float,
    customer: str,
    staff: str | None,
    channel: str,
    direction: str | None = None,
    sentiment: float | None = None,
    value: float | None = None,
    product: str | None = None,
) -> dict[str, object]:
    return {
        "interaction_id": iid,
        "timestamp": (T - pd.Timedelta(days=days_before)).isoformat(),
        "customer_id": customer,
        "staff_id": staff,
        "channel": channel,
        "direction": direction,
        "sentiment": sentiment,
        "value": value,
        "product_id": product,
    }


# Three customers, two staff members; every number below is worked out by hand in the tests.
HAND_EVENTS = pd.DataFrame(
    [
        event("e1", 90, "c1", "s1", "meeting", "outbound"),
        event("e2", 0, "c1", "s1", "phone", "inbound", sentiment=0.5),
        event("e3", 180, "c1", None, "order", "inbound", value=100.0, product="p1"),
        event("e4", 30, "c2", "s1", "email", "outbound"),
        event("e5", 45, "c2", "s2", "support_ticket", "inbound", sentiment=-0.5, product="p1"),
        event("e6", 90, "c2", "s2", "order", "outbound", value=200.0, product="p2"),
        event("e7", 10, "c3", "s2", "video"),
    ]
)


def strength_of(parts: dict[str, float]) -> float:
    present = {k: v for k, v in parts.items() if not math.isnan(v)}
    return sum(WEIGHTS[k] * v for k, v in present.items()) / sum(WEIGHTS[k] for k in present)


def f_intensity(i: float) -> float:
    return 1 - math.exp(-i / I_REF)


def f_tenure(days: float) -> float:
    return 1 - math.exp(-days / 365)


@pytest.fixture(scope="module")
def hand_audit():  # type: ignore[no-untyped-def]
    return audit(HAND_EVENTS, as_of=T)


def tie(result, customer: str, staff: str) -> pd.Series:  # type: ignore[no-untyped-def]
    rows = result.ties.set_index(["customer_id", "staff_id"])
    return rows.loc[(customer, staff)]


def test_value_reference_is_median_customer_value(hand_audit) -> None:  # type: ignore[no-untyped-def]
    # c1: 100 * 2^(-180/90) = 25; c2: 200 * 2^(-90/90) = 100; c3 has no value.
    assert hand_audit.summary["value_reference"] == pytest.approx(62.5)


def test_known_answer_c1_s1(hand_audit) -> None:  # type: ignore[no-untyped-def]
    row = tie(hand_audit, "c1", "s1")
    parts = {
        "intensity": f_intensity(1.0 * 0.5 + 0.7 * 1.0),
        "tenure": f_tenure(90),
        "reciprocity": 1 - abs(1.0 - 0.5) / 1.5,  # inbound phone (w=1), outbound meeting (w=.5)
        "affect": (1 + 0.5) / 2,
        "value": math.nan,  # the order was self-service, not on this tie
    }
    for name, expected in parts.items():
        assert row[name] == pytest.approx(expected, nan_ok=True), name
    assert row["p_alive"] == 1.0  # in contact today
    assert row["strength"] == pytest.approx(strength_of(parts))
    assert row["n_interactions"] == 2
    assert row["days_since_last"] == pytest.approx(0.0)
    assert row["intensity_raw"] == pytest.approx(1.2)


def test_known_answer_c2_s2(hand_audit) -> None:  # type: ignore[no-untyped-def]
    row = tie(hand_audit, "c2", "s2")
    w45, w90 = 2 ** (-45 / 90), 0.5
    parts = {
        "intensity": f_intensity(0.3 * w45 + 0.2 * w90),
        "tenure": f_tenure(90),
        "reciprocity": 1 - abs(w45 - w90) / (w45 + w90),
        "affect": (1 - 0.5) / 2,  # only the ticket has a sentiment
        "value": 1 - math.exp(-(200 * w90) / 62.5),
    }
    for name, expected in parts.items():
        assert row[name] == pytest.approx(expected), name
    a, b = rhythm_by_hand([-90.0, -45.0])  # contact days 90 and 45 days before T
    assert row["typical_gap_days"] == pytest.approx(b / a)
    assert row["p_alive"] == pytest.approx(p_alive(45, a, b), rel=1e-9)
    assert row["liveness"] == pytest.approx(liveness(45, a, b), rel=1e-9)
    assert row["strength"] == pytest.approx(strength_of(parts))


def test_known_answer_c3_s2_components_without_data_are_left_out(hand_audit) -> None:  # type: ignore[no-untyped-def]
    row = tie(hand_audit, "c3", "s2")
    parts = {
        "intensity": f_intensity(0.8 * 2 ** (-10 / 90)),
        "tenure": f_tenure(10),
        "reciprocity": math.nan,
        "affect": math.nan,
        "value": math.nan,
    }
    assert np.isnan(row[["reciprocity", "affect", "value"]].astype(float)).all()
    expected = (0.45 * parts["intensity"] + 0.10 * parts["tenure"]) / 0.55
    assert row["strength"] == pytest.approx(expected)
    a, b = rhythm_by_hand([0.0])  # one contact: the prior, one contact every 30 days
    assert (a, b) == (1.0, 30.0)
    assert row["liveness"] == pytest.approx(liveness(10, a, b), rel=1e-9)


def test_known_answer_customer_relationship_includes_self_service(hand_audit) -> None:  # type: ignore[no-untyped-def]
    c1 = hand_audit.customers.set_index("customer_id").loc["c1"]
    w180 = 0.25
    parts = {
        "intensity": f_intensity(1.0 * 0.5 + 0.7 * 1.0 + 0.2 * w180),
        "tenure": f_tenure(180),
        "reciprocity": 1 - abs((1.0 + w180) - 0.5) / (1.0 + w180 + 0.5),
        "affect": 0.75,
        "value": 1 - math.exp(-25 / 62.5),
    }
    for name, expected in parts.items():
        assert c1[name] == pytest.approx(expected), name
    assert c1["strength"] == pytest.approx(strength_of(parts))
    assert c1["n_interactions"] == 3
    assert c1["staff_contacts"] == 1
    assert c1["top_staff_id"] == "s1"


def test_tie_and_customer_tables_have_contract_columns(hand_audit) -> None:  # type: ignore[no-untyped-def]
    ties_required = [
        "customer_id", "staff_id", "strength", "intensity", "tenure", "reciprocity", "affect",
        "value", "n_interactions", "first_contact", "last_contact", "days_since_last",
        "typical_gap_days", "trend", "status", "days_to_at_risk",
    ]  # fmt: skip
    customers_required = [
        "customer_id", "strength", "status", "trend", "days_since_last", "n_interactions",
        "strong_ties", "single_threaded", "top_staff_id",
    ]  # fmt: skip
    assert set(ties_required) <= set(hand_audit.ties.columns)
    assert set(customers_required) <= set(hand_audit.customers.columns)
    assert sorted(hand_audit.ties[["customer_id", "staff_id"]].apply(tuple, axis=1)) == [
        ("c1", "s1"), ("c2", "s1"), ("c2", "s2"), ("c3", "s2"),
    ]  # fmt: skip


def test_channels_share_of_intensity(hand_audit) -> None:  # type: ignore[no-untyped-def]
    channels = hand_audit.channels.set_index("channel")
    intensity = {
        "meeting": 0.5, "phone": 0.7, "order": 0.2 * 0.25 + 0.2 * 0.5,
        "email": 0.3 * 2 ** (-30 / 90), "support_ticket": 0.3 * 2 ** (-45 / 90),
        "video": 0.8 * 2 ** (-10 / 90),
    }  # fmt: skip
    total = sum(intensity.values())
    for channel, value in intensity.items():
        assert channels.loc[channel, "share_of_intensity"] == pytest.approx(value / total)
    assert channels.loc["chat", "interactions"] == 0
    assert channels.loc["order", "customers_reached"] == 2
    assert channels["share_of_intensity"].sum() == pytest.approx(1.0)


def test_weight_halves_at_exactly_one_half_life() -> None:
    assert decay_weight(90.0, 90.0) == 0.5
    assert decay_weight(180.0, 90.0) == 0.25
    single = pd.DataFrame([event("x", 90, "c", "s", "phone")])
    result = audit(single, as_of=T)
    assert result.ties["intensity_raw"].iloc[0] == pytest.approx(0.7 / 2, rel=1e-12)


def test_intensity_reference_is_derived_from_half_life() -> None:
    assert Config().intensity_reference == pytest.approx(I_REF)
    assert Config(half_life_days=30).intensity_reference == pytest.approx(0.7 / (1 - 0.5))


# ---------------------------------------------------------------- properties (hypothesis)

CHANNELS = ["meeting", "video", "phone", "feedback", "chat", "email", "support_ticket", "order"]

event_rows = st.lists(
    st.fixed_dictionaries(
        {
            "days_before": st.floats(0, 1500, allow_nan=False),
            "customer": st.sampled_from(["c1", "c2", "c3"]),
            "staff": st.sampled_from(["s1", "s2", None]),
            "channel": st.sampled_from(CHANNELS),
            "direction": st.sampled_from(["inbound", "outbound", None]),
            "sentiment": st.one_of(st.none(), st.floats(-1, 1)),
            "value": st.one_of(st.none(), st.floats(0, 1e6)),
        }
    ),
    min_size=1,
    max_size=40,
)


def frame_of(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            event(f"e{n}", r["days_before"], r["customer"], r["staff"], r["channel"],  # type: ignore[arg-type]
                  r["direction"], r["sentiment"], r["value"])  # type: ignore[arg-type]
            for n, r in enumerate(rows)
        ]
    )  # fmt: skip


def tables(result) -> dict[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    return {
        "ties": result.ties.sort_values(["customer_id", "staff_id"]).reset_index(drop=True),
        "customers": result.customers.sort_values("customer_id").reset_index(drop=True),
    }


@settings(max_examples=60, deadline=None)
@given(event_rows)
def test_strength_and_components_are_in_unit_interval(rows: list[dict[str, object]]) -> None:
    result = ties_of_data(frame_of(rows), as_of=T)
    for table in (result.ties, result.customers):
        values = table[["strength", "intensity", "tenure", "reciprocity", "affect", "value"]]
        finite = values.to_numpy(dtype=float)
        assert np.all(np.isnan(finite) | ((finite >= 0) & (finite <= 1)))
        assert table["strength"].notna().all()


@settings(max_examples=40, deadline=None)
@given(event_rows, st.randoms(use_true_random=False))
def test_invariant_to_row_order(rows: list[dict[str, object]], rng) -> None:  # type: ignore[no-untyped-def]
    frame = frame_of(rows)
    shuffled = frame.sample(frac=1.0, random_state=rng.randint(0, 2**31)).reset_index(drop=True)
    a, b = tables(ties_of_data(frame, as_of=T)), tables(ties_of_data(shuffled, as_of=T))
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=False, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(event_rows, st.floats(0, 1500), st.sampled_from(CHANNELS))
def test_adding_an_event_never_lowers_intensity(
    rows: list[dict[str, object]], days_before: float, channel: str
) -> None:
    frame = frame_of(rows)
    extra = pd.DataFrame([event("extra", days_before, "c1", "s1", channel)])
    before = ties_of_data(frame, as_of=T).ties.set_index(["customer_id", "staff_id"])
    after = ties_of_data(pd.concat([frame, extra], ignore_index=True), as_of=T).ties
    after = after.set_index(["customer_id", "staff_id"])
    common = before.index
    assert (after.loc[common, "intensity"] >= before["intensity"] - 1e-15).all()
    assert (after.loc[common, "intensity_raw"] >= before["intensity_raw"] - 1e-12).all()


@settings(max_examples=40, deadline=None)
@given(event_rows, st.floats(0, 400))
def test_moving_as_of_forward_never_raises_intensity(
    rows: list[dict[str, object]], later_days: float
) -> None:
    frame = frame_of(rows)
    now = ties_of_data(frame, as_of=T).ties.set_index(["customer_id", "staff_id"])
    later = ties_of_data(frame, as_of=T + pd.Timedelta(days=later_days)).ties
    later = later.set_index(["customer_id", "staff_id"]).loc[now.index]
    assert (later["intensity"] <= now["intensity"] + 1e-15).all()
    expected = now["intensity_raw"] * 2 ** (-later_days / H)
    np.testing.assert_allclose(later["intensity_raw"], expected, rtol=1e-9)


@settings(max_examples=40, deadline=None)
@given(event_rows)
def test_component_without_data_does_not_change_the_others(rows: list[dict[str, object]]) -> None:
    """Removing all sentiment drops affect and leaves every other component exactly as it was."""
    frame = frame_of(rows)
    with_affect = tables(ties_of_data(frame, as_of=T))
    without_affect = tables(ties_of_data(frame.assign(sentiment=None), as_of=T))
    for name in with_affect:
        a, b = with_affect[name], without_affect[name]
        for column in ("intensity", "tenure", "reciprocity", "value"):
            pd.testing.assert_series_equal(a[column], b[column])
        assert b["affect"].isna().all()
        parts = {c: b[c].to_numpy(dtype=float) for c in WEIGHTS}
        num = sum(np.where(np.isnan(v), 0, WEIGHTS[c] * v) for c, v in parts.items())
        den = sum(np.where(np.isnan(v), 0, WEIGHTS[c]) for c, v in parts.items())
        pd.testing.assert_series_equal(a["p_alive"], b["p_alive"])
        pd.testing.assert_series_equal(a["liveness"], b["liveness"])
        np.testing.assert_allclose(b["strength"], num / den, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(event_rows)
def test_strength_lies_between_its_components_and_liveness_below_p_alive(
    rows: list[dict[str, object]],
) -> None:
    """Strength is a weighted mean: never below its lowest component (so high components never
    read 0); liveness is P(alive) times a probability, both in [0, 1]."""
    result = ties_of_data(frame_of(rows), as_of=T)
    for table in (result.ties, result.customers):
        parts = table[list(WEIGHTS)].to_numpy(dtype=float)
        strength = table["strength"].to_numpy()
        assert np.all(strength >= np.nanmin(parts, axis=1) - 1e-12)
        assert np.all(strength <= np.nanmax(parts, axis=1) + 1e-12)
        live, alive = table["liveness"].to_numpy(), table["p_alive"].to_numpy()
        assert np.all((live >= 0) & (live <= alive + 1e-12) & (alive <= 1))
        for row in table.head(3).to_dict("records"):
            contributions = component_table(pd.Series(row), Config())
            assert contributions["contribution"].sum() == pytest.approx(row["strength"])


@settings(max_examples=40, deadline=None)
@given(event_rows, st.floats(1, 400))
def test_silence_never_raises_liveness(rows: list[dict[str, object]], later_days: float) -> None:
    frame = frame_of(rows)
    now = ties_of_data(frame, as_of=T).ties.set_index(["customer_id", "staff_id"])
    later = ties_of_data(frame, as_of=T + pd.Timedelta(days=later_days)).ties
    later = later.set_index(["customer_id", "staff_id"]).loc[now.index]
    assert (later["p_alive"] <= now["p_alive"] + 1e-12).all()
    assert (later["liveness"] <= now["liveness"] + 1e-12).all()
    np.testing.assert_allclose(later["typical_gap_days"], now["typical_gap_days"], rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(event_rows, event_rows)
def test_events_after_as_of_change_nothing(
    rows: list[dict[str, object]], later_rows: list[dict[str, object]]
) -> None:
    frame = frame_of(rows)
    later = frame_of(later_rows)
    later["interaction_id"] = "later-" + later["interaction_id"]
    later["timestamp"] = (
        pd.to_datetime(later["timestamp"], format="ISO8601") + pd.Timedelta(days=1501)
    ).map(pd.Timestamp.isoformat)
    alone = audit(frame, as_of=T)
    with_later = audit(pd.concat([frame, later], ignore_index=True), as_of=T)
    assert with_later.summary["data_quality"]["excluded_after_as_of"] == len(later)
    a, b = tables(alone), tables(with_later)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])


# --- sums of a customer without one of its groups ---------------------------------------------


FIELDS = (
    "n",
    "intensity",
    "inbound",
    "outbound",
    "sentiment_weight",
    "sentiment_sum",
    "value",
    "value_count",
    "first_age",
    "last_age",
    "contact_days",
    "recent_contact_days",
    "first_day",
    "last_day",
    "contact_span",
)


@pytest.mark.parametrize("seed", range(40))
def test_sums_without_each_group_equal_the_sums_of_the_events_left(seed: int) -> None:
    """Random owners, groups and events (several per day, times that split days) against
    :func:`group_sums` over each owner's events outside each group."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 5, rng.integers(1, 6))
    owners = np.repeat(np.arange(len(sizes)), sizes)
    n = int(rng.integers(1, 40))
    groups = rng.integers(0, len(owners), n)
    age = rng.integers(0, 300, n) + rng.choice([0.0, 0.25, 0.5, 0.75], n)
    events = Events(
        age_days=age,
        richness=rng.choice([1.0, 0.5, 0.25], n),
        inbound=rng.random(n) < 0.3,
        outbound=rng.random(n) < 0.3,
        sentiment=np.where(rng.random(n) < 0.5, rng.uniform(-1, 1, n), np.nan),
        value=np.where(rng.random(n) < 0.3, rng.uniform(0, 100, n), np.nan),
        day=(1000 - np.floor(age + 0.6)).astype(np.int64),  # T at 14:24 UTC
    )
    offsets = [0.0, 90.0, 30.4, 61.2, 120.0] if seed % 2 else [30.0, 90.0]
    without = group_sums_without_each(events, groups, owners, offsets, H)
    for group, owner in enumerate(owners):
        left = (owners[groups] == owner) & (groups != group)
        if not left.any():
            assert (without.n[group] == 0).all()
            continue
        expected = group_sums(events.take(left), np.zeros(left.sum(), int), 1, offsets, H)
        for name in FIELDS:
            np.testing.assert_allclose(
                getattr(without, name)[group],
                getattr(expected, name)[0],
                rtol=1e-12,
                atol=1e-12,
                err_msg=f"{name} of group {group}",
            )


def test_contact_dates_are_the_as_of_date_minus_the_ages(hand_audit) -> None:  # type: ignore[no-untyped-def]
    """first/last contact in integer microseconds equal pandas' Timestamp - days * 1 day."""
    day = pd.Timedelta(days=1)
    for table in (hand_audit.ties, hand_audit.customers):
        last = table["last_contact"]
        expected = pd.Series(T - table["days_since_last"].to_numpy() * day, name="last_contact")
        pd.testing.assert_series_equal(last, expected.astype(last.dtype), check_index=False)
        assert str(last.dtype) == "datetime64[us, UTC]"


def test_ties_audited_a_few_at_a_time_equal_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(tmp_path / "data", customers=40, staff=6, products=10, interactions=3000, seed=2)
    interactions = read_data(tmp_path / "data").interactions
    as_of = interactions["timestamp"].max()
    whole = relationships_of(interactions, as_of, Config())
    monkeypatch.setattr(relationships, "GROUP_CHUNK", 7)
    chunked = relationships_of(interactions, as_of, Config())
    assert len(whole.ties) > 5 * 7
    pd.testing.assert_frame_equal(chunked.ties, whole.ties)
    pd.testing.assert_frame_equal(chunked.tie_trajectories, whole.tie_trajectories)
    pd.testing.assert_frame_equal(chunked.customers, whole.customers)
