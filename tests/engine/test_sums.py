"""The engine's group sums: the same numbers as the NumPy reduction, and the sums' invariants.

The reference is :func:`graphdyn.model.sums.group_sums` (``numpy.bincount`` over prepared
events), which departure impact still uses; every field of every tie and customer must agree to
1e-9 relative on generated data (signed sentiment sums: to 1e-9 of their weight).
"""

from __future__ import annotations

from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphdyn import Config
from graphdyn.config import EngineSettings
from graphdyn.data.generate import generate
from graphdyn.engine.backend import connect
from graphdyn.engine.channels import channel_sums
from graphdyn.engine.events import event_table, interactions_table
from graphdyn.engine.sums import (
    TIMED_FIELDS,
    EvaluationTimes,
    GroupSums,
    LevelSums,
    bucket_sums,
    day_sums,
    group_sums,
    rollup,
)
from graphdyn.ingest.dataset import read_data
from graphdyn.model.relationships import CUSTOMER_KEYS, TIE_KEYS, evaluation_offsets
from tests.engine import reference
from tests.engine.reference import prepare_events

FIELDS = (*TIMED_FIELDS, "first_age", "first_day", "contact_span")
H = 90.0


def _with_edge_cases(interactions: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The interactions up to ``as_of``, plus: an event at the as-of date itself, a customer
    with self-service events only, a tie of one event (typed rows copied from generated ones)."""
    interactions = interactions.loc[interactions["timestamp"] <= as_of]
    extra = interactions.iloc[[0, 1, 2, 3]].copy()
    extra["interaction_id"] = ["X1", "X2", "X3", "X4"]
    extra["timestamp"] = [
        as_of,
        as_of - pd.Timedelta(days=40),
        as_of - pd.Timedelta(days=400),
        as_of,
    ]
    extra["customer_id"] = ["CSELF", "CSELF", "CSELF", "CONE"]
    extra["staff_id"] = pd.array([None, None, None, "SONE"], dtype=interactions["staff_id"].dtype)
    extra["sentiment"] = [np.nan, 0.25, np.nan, np.nan]
    extra["value"] = [120.0, np.nan, np.nan, np.nan]
    return pd.concat([interactions, extra], ignore_index=True)


def _reference(
    interactions: pd.DataFrame, as_of: pd.Timestamp, keys: tuple[str, ...], offsets: np.ndarray
) -> tuple[pd.DataFrame, GroupSums]:
    keep = interactions[list(keys)].notna().all(axis=1).to_numpy()
    rows = interactions.loc[keep]
    events = prepare_events(rows, as_of, Config())
    index = pd.MultiIndex.from_frame(rows[list(keys)].astype(object))
    codes, groups = pd.factorize(index, sort=True)
    sums = reference.group_sums(events, codes, len(groups), offsets, H)
    return pd.DataFrame(list(groups), columns=list(keys), dtype=object), sums


def _engine(
    interactions: pd.DataFrame, as_of: pd.Timestamp, keys: tuple[str, ...], offsets: np.ndarray
) -> tuple[pd.DataFrame, GroupSums]:
    with connect() as backend:
        events = event_table(interactions_table(interactions), as_of, Config())
        return group_sums(backend, events, keys, offsets, H)


def assert_same_sums(actual: GroupSums, expected: GroupSums, rtol: float = 1e-9) -> None:
    np.testing.assert_array_equal(actual.offsets, expected.offsets)
    for name in FIELDS:
        got, want = getattr(actual, name), getattr(expected, name)
        assert got.shape == want.shape, name
        if name == "sentiment_sum":  # a signed sum: relative to its terms' size
            bound = rtol * (np.abs(want) + expected.sentiment_weight) + 1e-300
            assert (np.abs(got - want) <= bound).all(), name
            continue
        np.testing.assert_allclose(got, want, rtol=rtol, atol=0, err_msg=name)


@pytest.fixture(scope="module", params=[0, 1, 2])
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp(f"data{request.param}")
    generate(folder, customers=60, staff=8, products=10, interactions=3000, seed=request.param)
    return folder


@pytest.mark.parametrize("keys", [TIE_KEYS, CUSTOMER_KEYS], ids=["ties", "customers"])
@pytest.mark.parametrize("within", [False, True], ids=["as of the last event", "mid-way"])
def test_engine_sums_equal_the_numpy_reduction(
    generated: Path, keys: tuple[str, ...], within: bool
) -> None:
    interactions = read_data(generated).interactions
    as_of = interactions["timestamp"].max()
    if within:  # ties that go on past the as-of date, cut there as Dataset.until cuts them
        as_of = as_of - pd.Timedelta(days=200, hours=7)
    interactions = _with_edge_cases(interactions, as_of)
    offsets = evaluation_offsets(as_of, Config())
    groups, sums = _engine(interactions, as_of, keys, offsets)
    expected_groups, expected = _reference(interactions, as_of, keys, offsets)
    pd.testing.assert_frame_equal(groups.astype(object), expected_groups, check_dtype=False)
    assert_same_sums(sums, expected)
    if keys == CUSTOMER_KEYS:
        only_self = groups.index[groups["customer_id"] == "CSELF"][0]
        assert sums.n[only_self, 0] == 3 and sums.contact_days[only_self, 0] == 3
        assert sums.last_age[only_self, 0] == 0.0  # its event at the as-of date counts
    if keys == TIE_KEYS:
        single = groups.index[groups["customer_id"] == "CONE"][0]
        assert sums.n[single].tolist() == [1] + [0] * (len(offsets) - 1)
        assert "CSELF" not in set(groups["customer_id"])  # no staff member, no tie


def test_equal_offsets_and_any_order_of_them(generated: Path) -> None:
    interactions = read_data(generated).interactions
    as_of = interactions["timestamp"].max()
    offsets = np.array([30.0, 0.0, 90.0, 30.0, 400.5])
    _, sums = _engine(interactions, as_of, TIE_KEYS, offsets)
    _, expected = _reference(interactions, as_of, TIE_KEYS, offsets)
    assert_same_sums(sums, expected)
    np.testing.assert_array_equal(sums.n[:, 0], sums.n[:, 3])


def test_sums_fetched_a_slice_at_a_time_equal_one_fetch(generated: Path) -> None:
    interactions = read_data(generated).interactions
    as_of = interactions["timestamp"].max()
    offsets = evaluation_offsets(as_of, Config())
    with connect(EngineSettings(threads=1)) as backend:
        events = event_table(interactions_table(interactions), as_of, Config())
        level = LevelSums.of_events(backend, events, TIE_KEYS, offsets, H)
        whole = level.sums()
        parts = [level.sums(start, start + 7) for start in range(0, len(level), 7)]
    assert len(parts) > 5
    # The same numbers, to the few last bits the order of adding (the engine's) may change.
    assert_same_sums(
        GroupSums(
            offsets=whole.offsets,
            **{
                name: np.concatenate([getattr(p, name) for p in parts])
                for name in (*TIMED_FIELDS, "first_age", "first_day")
            },
        ),
        whole,
        rtol=1e-14,
    )


def test_an_event_after_the_as_of_date_is_refused(generated: Path) -> None:
    interactions = read_data(generated).interactions
    as_of = interactions["timestamp"].max() - pd.Timedelta(days=1)
    with connect() as backend, pytest.raises(ValueError, match="after the as-of date"):
        events = event_table(interactions_table(interactions), as_of, Config())
        LevelSums.of_events(backend, events, CUSTOMER_KEYS, [0.0], H)


def test_no_events_no_groups() -> None:
    empty = ibis.memtable(_event_arrow([]))
    with connect() as backend:
        groups, sums = group_sums(backend, empty, ["group"], [0.0, 90.0], H)
    assert len(groups) == 0 and sums.n.shape == (0, 2) and sums.first_age.shape == (0,)


# --- invariants, on random events --------------------------------------------------------------

#: T at 14:24 UTC on calendar day 1000: an event ``age`` days old is on day floor(1000.6 - age).
_T_DAY = 1000.6

event_rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.floats(0, 500, allow_nan=False),
        st.sampled_from([1.0, 0.7, 0.2]),
        st.sampled_from([None, "inbound", "outbound"]),
        st.one_of(st.none(), st.floats(-1, 1)),
        st.one_of(st.none(), st.floats(0, 1000)),
    ),
    min_size=1,
    max_size=30,
)


def _event_arrow(
    rows: list[tuple[str, float, float, str | None, float | None, float | None]],
) -> pa.Table:
    return pa.table(
        {
            "group": pa.array([r[0] for r in rows], pa.string()),
            "age": pa.array([r[1] for r in rows], pa.float64()),
            "day": pa.array([int(np.floor(_T_DAY - r[1])) for r in rows], pa.int64()),
            "richness": pa.array([r[2] for r in rows], pa.float64()),
            "inbound": pa.array([r[3] == "inbound" for r in rows], pa.bool_()),
            "outbound": pa.array([r[3] == "outbound" for r in rows], pa.bool_()),
            "sentiment": pa.array([r[4] for r in rows], pa.float64()),
            "value": pa.array([r[5] for r in rows], pa.float64()),
        }
    )


def _sums(rows: list, offsets: list[float]) -> tuple[list[str], GroupSums]:  # type: ignore[type-arg]
    with connect() as backend:
        groups, sums = group_sums(backend, ibis.memtable(_event_arrow(rows)), ["group"], offsets, H)
    return groups["group"].tolist(), sums


@settings(max_examples=25, deadline=None)
@given(event_rows, st.floats(1, 400))
def test_a_sum_at_an_earlier_time_never_includes_later_events(rows: list, earlier: float) -> None:  # type: ignore[type-arg]
    groups, sums = _sums(rows, [0.0, earlier])
    old = [r for r in rows if r[1] >= earlier]
    old_groups, old_sums = _sums(old, [earlier]) if old else ([], None)
    for g, name in enumerate(groups):
        if name not in old_groups:
            assert sums.n[g, 1] == 0 and sums.contact_days[g, 1] == 0
            assert sums.last_age[g, 1] == np.inf and sums.last_day[g, 1] == -np.inf
            continue
        k = old_groups.index(name)
        assert old_sums is not None
        for field in TIMED_FIELDS:
            np.testing.assert_allclose(
                getattr(sums, field)[g, 1],
                getattr(old_sums, field)[k, 0],
                rtol=1e-12,
                atol=1e-12,
                err_msg=field,
            )


@settings(max_examples=25, deadline=None)
@given(event_rows)
def test_counts_and_last_contacts_never_grow_with_the_offset(rows: list) -> None:  # type: ignore[type-arg]
    offsets = [0.0, 30.0, 61.5, 90.0, 365.0]
    _, sums = _sums(rows, offsets)
    for field in ("n", "value_count", "contact_days", "last_day"):
        values = getattr(sums, field)
        assert (values[:, 1:] <= values[:, :-1]).all(), field
    assert (sums.last_age >= 0).all()
    assert (sums.recent_contact_days <= sums.contact_days + 1e-12).all()
    assert (sums.recent_contact_days[sums.contact_days > 0] >= 1.0 - 1e-12).all()


# --- one definition for every engine ----------------------------------------------------------


class _PySparkOptions(ibis.config.Config):  # type: ignore[misc]
    """What ibis' PySpark compiler reads of its backend's options (the backend needs pyspark)."""

    treat_nan_as_null: bool = False


def test_the_queries_compile_for_pyspark(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every query is plain Ibis: the PySpark compiler takes them as they are (compiled here;
    tests/engine/test_spark_parity.py runs them on Spark)."""
    monkeypatch.setattr(ibis.options, "pyspark", _PySparkOptions())
    frame = pd.DataFrame(
        {
            "timestamp": pd.to_datetime(["2024-01-01"], utc=True),
            "customer_id": ["c1"],
            "staff_id": ["s1"],
            "channel": pd.Categorical(["phone"]),
            "direction": pd.Categorical(["inbound"]),
            "sentiment": [0.5],
            "value": [np.nan],
        }
    )
    as_of = pd.Timestamp("2024-02-01", tz="UTC")
    events = event_table(interactions_table(frame), as_of, Config())
    times = EvaluationTimes.of(evaluation_offsets(as_of, Config()), H)
    queries = [
        channel_sums(events, H),
        rollup(bucket_sums(events, TIE_KEYS, times), CUSTOMER_KEYS),
        day_sums(events, TIE_KEYS, times),
    ]
    for query in queries:
        sql = ibis.to_sql(query, dialect="pyspark")
        assert sql.startswith("SELECT") and "`" in sql  # Spark SQL: backquoted names
    # The one function not in Ibis: Spark's unix_micros (a macro over epoch_us on DuckDB).
    assert "UNIX_MICROS(" in ibis.to_sql(events, dialect="pyspark").upper()
