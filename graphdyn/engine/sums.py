"""Group sums: every additive quantity of the model per (group, evaluation time).

A group is a tie (customer_id, staff_id) or a customer; an evaluation time is T - offset for
each offset the model reads (T, the trend date, the monthly snapshots). The event-level work is
two Ibis queries over the events of :func:`~graphdyn.engine.events.event_table`, the only
passes over the events:

1. :func:`bucket_sums`: each event falls in the bucket of the oldest evaluation time it counts
   at (the first offset, oldest first, at most its age) and is weighed at that time,
   ``w = 2 ** (-(age - offset) / H)``; per (group, bucket), the counts, the decayed sums, the
   youngest and oldest ages and the first and last calendar days. A customer's are its ties'
   and its events without a staff member, added up (:func:`rollup`).
2. :func:`day_sums`: each distinct (group, day) counts from the smallest bucket of its events;
   per (group, bucket), the number of such days and their sum decayed toward the latest of
   them, ``top``: ``sum 2 ** (-(top - day) / H)``.

Both come back as Arrow, per (group, bucket), at most one row per group and evaluation time,
and :class:`LevelSums` carries them to every later time, a slice of groups at a time: a bucket's
sum, weighed at its own time, is one factor ``2 ** (-(offset_b - offset_t) / H)`` from its value
at a later time t (:meth:`EvaluationTimes.decayed`: time by time, the sum so far decays by the
step to the next time and that time's bucket joins it), its contact days one factor
``2 ** (-(last - top) / H)`` from their value toward the last contact day by then. That is a
few multiplications per group and time, no longer a pass over events, done in NumPy (in the
engine it would be a join of every bucket to every later time and a hash aggregate over
groups x times, a quarter of the tie table's time at 10M interactions; as a matrix product in
NumPy, 14 x 14 at a time, it took longer than the running sum's two operations per time).

Every weight and factor is ``2 ** -x`` with ``x >= 0`` and every sum but the sentiment sum is
of terms >= 0, so no factor overflows and nothing cancels: a sum is as exact as its terms (a few
units in the last place, about 1e-16 relative, times the number of terms) wherever it is above
1e-290 (a weight below that is an event some thousand half-lives older than every evaluation
time); the sentiment sum, of signed terms, is as exact relative to the sentiment weight. Decay being
exponential, a sum at T - offset is also ``2 ** (offset / H)`` times the sum over the events at
least that old of their weights at T; multiplying up like that could overflow, and would lose
the smallest sums, which the per-bucket weights never do.

The engine adds in an order of its own (in parallel, by thread), so sums agree with any other
order to those few units in the last place, not always bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from graphdyn.engine.backend import connect, hold

__all__ = [
    "TIMED_FIELDS",
    "EvaluationTimes",
    "GroupSums",
    "LevelSums",
    "bucket_sums",
    "day_sums",
    "group_sums",
    "one_group_sums",
    "rollup",
]


@dataclass(frozen=True)
class GroupSums:
    """Decayed sums per group (tie or customer) and evaluation time.

    Every 2-D array has shape ``(n_groups, len(offsets))``; column j holds the sum over the
    group's events up to ``T - offsets[j]``, decayed to that time.

    Parameters
    ----------
    offsets : numpy.ndarray
        Evaluation times as days before the as-of date (0 = the as-of date itself).
    n : numpy.ndarray
        Number of events.
    intensity : numpy.ndarray
        I = sum(r * w).
    inbound, outbound : numpy.ndarray
        Decayed counts of inbound and outbound events.
    sentiment_weight, sentiment_sum : numpy.ndarray
        sum(w) and sum(w * s) over events with sentiment.
    value, value_count : numpy.ndarray
        V = sum(value * w) and the number of events with a value.
    first_age : numpy.ndarray
        Age in days (before T) of each group's first event, shape ``(n_groups,)``.
    last_age : numpy.ndarray
        Age in days before T of the last event at or before each evaluation time (inf if none).
    contact_days : numpy.ndarray
        Number of distinct contact days (UTC calendar days with an event).
    recent_contact_days : numpy.ndarray
        The distinct contact days decayed toward the last one:
        ``sum_d 2 ** (-(last_day - d) / H)`` (0 before the first contact).
    first_day : numpy.ndarray
        The first contact day (days since 1970-01-01), shape ``(n_groups,)`` (inf if none).
    last_day : numpy.ndarray
        The last contact day at or before each evaluation time (-inf if none).
    """

    offsets: np.ndarray
    n: np.ndarray
    intensity: np.ndarray
    inbound: np.ndarray
    outbound: np.ndarray
    sentiment_weight: np.ndarray
    sentiment_sum: np.ndarray
    value: np.ndarray
    value_count: np.ndarray
    first_age: np.ndarray
    last_age: np.ndarray
    contact_days: np.ndarray
    recent_contact_days: np.ndarray
    first_day: np.ndarray
    last_day: np.ndarray

    @property
    def contact_span(self) -> np.ndarray:
        """Days from the first to the last contact day (NaN before the first contact)."""
        with np.errstate(invalid="ignore"):
            return np.where(
                np.isfinite(self.last_day), self.last_day - self.first_day[:, None], np.nan
            )

    def rows(self, part: slice) -> GroupSums:
        """Return the sums of some groups only (a slice of rows)."""
        return replace(
            self,
            **{
                name: getattr(self, name)[part]
                for name in (*TIMED_FIELDS, "first_age", "first_day")
            },
        )

    def select(self, columns: Sequence[int] | np.ndarray) -> GroupSums:
        """Return the sums at some of the evaluation times only (by column)."""
        index = np.asarray(columns, dtype=np.intp)
        part: slice | np.ndarray = index
        if len(index) and (np.diff(index) == 1).all():
            part = slice(int(index[0]), int(index[-1]) + 1)  # views, not copies
        timed = {name: getattr(self, name)[:, part] for name in TIMED_FIELDS}
        return replace(self, offsets=self.offsets[part], **timed)


#: The fields of :class:`GroupSums` with one column per evaluation time.
TIMED_FIELDS = (
    "n",
    "intensity",
    "inbound",
    "outbound",
    "sentiment_weight",
    "sentiment_sum",
    "value",
    "value_count",
    "last_age",
    "contact_days",
    "recent_contact_days",
    "last_day",
)

#: Sums per (group, bucket) moved to a later time by the bucket's decay factor.
_DECAYED = ("intensity", "inbound", "outbound", "sentiment_weight", "sentiment_sum", "value")
#: What V_ref reads.
_VALUE = ("value", "value_count")


@dataclass(frozen=True)
class EvaluationTimes:
    """The distinct evaluation times, oldest first: bucket (and time) b is the b-th of them.

    Parameters
    ----------
    offsets : numpy.ndarray
        The evaluation times as the caller gave them, in days before T.
    distinct : numpy.ndarray
        The distinct offsets, largest (oldest) first.
    column : numpy.ndarray
        For each given offset, its place in ``distinct``.
    half_life_days : float
        H.

    Examples
    --------
    >>> times = EvaluationTimes.of([0.0, 90.0, 30.0, 90.0], 90.0)
    >>> times.distinct.tolist(), times.column.tolist()
    ([90.0, 30.0, 0.0], [2, 0, 1, 0])
    """

    offsets: np.ndarray
    distinct: np.ndarray
    column: np.ndarray
    half_life_days: float

    @classmethod
    def of(cls, offsets: Sequence[float] | np.ndarray, half_life_days: float) -> EvaluationTimes:
        """Order and number the evaluation times ``offsets`` (days before T, >= 0)."""
        given = np.asarray(offsets, dtype=np.float64)
        if len(given) == 0 or given.min() < 0 or not np.isfinite(given).all():
            raise ValueError("evaluation times must be one or more offsets >= 0, in days")
        distinct = np.unique(given)[::-1].copy()
        column = len(distinct) - 1 - np.searchsorted(distinct[::-1], given)
        return cls(given, distinct, column, float(half_life_days))

    def __len__(self) -> int:
        return len(self.distinct)

    def bucket(self, age: ir.FloatingValue) -> ir.IntegerValue:
        """Give the oldest time an event of this age counts at: the first offset <= its age."""
        *older, _ = self.distinct.tolist()
        if not older:
            return ibis.literal(0, type="int64")
        return ibis.cases(*((age >= offset, b) for b, offset in enumerate(older)), else_=len(older))

    def offset(self, age: ir.FloatingValue) -> ir.FloatingValue:
        """Give the offset of that time, in days before T."""
        *older, newest = self.distinct.tolist()
        if not older:
            return ibis.literal(newest, type="float64")
        return ibis.cases(*((age >= offset, offset) for offset in older), else_=newest)

    def decay(self, delay_days: ir.NumericValue) -> ir.FloatingValue:
        """``2 ** (-delay / H)``: the weight after ``delay_days`` (>= 0)."""
        return ibis.literal(2.0) ** (-delay_days / self.half_life_days)

    def counted(self, per_bucket: np.ndarray) -> np.ndarray:
        """Add up counts per bucket, ``(groups, buckets)``, to counts by each of the caller's times.

        A bucket counts at its own time and every later one: a running sum, exact for counts.
        """
        return np.cumsum(per_bucket, axis=1)[:, self.column]

    def decayed(self, per_bucket: np.ndarray) -> np.ndarray:
        """Carry sums per bucket, each weighed at its own time, to each of the caller's times.

        A bucket's sum weighs ``2 ** (-(offset_b - offset_t) / H)`` at a later time t: time by
        time, oldest first, the sum so far decays by the step from the previous time (a factor
        at most 1) and the bucket's own joins it, two operations per group and time.

        Examples
        --------
        >>> times = EvaluationTimes.of([0.0, 90.0], 90.0)
        >>> times.decayed(np.array([[4.0, 1.0]])).tolist()  # 4 by 90 days before T, 1 since
        [[3.0, 4.0]]
        """
        steps = np.exp2(-(self.distinct[:-1] - self.distinct[1:]) / self.half_life_days)
        out = np.empty(per_bucket.shape, dtype=np.float64)
        if per_bucket.shape[1]:
            out[:, 0] = per_bucket[:, 0]
        for t, step in enumerate(steps.tolist(), start=1):
            np.multiply(out[:, t - 1], step, out=out[:, t])
            out[:, t] += per_bucket[:, t]
        return out[:, self.column]


class LevelSums:
    """The sums of one level's groups: held per bucket, carried to every time a slice at a time.

    Parameters
    ----------
    backend : ibis.backends.BaseBackend
        The engine (:func:`graphdyn.engine.backend.connect`).
    buckets, days : ibis.expr.types.Table
        The level's :func:`bucket_sums` and :func:`day_sums` (rows with a null key are no
        group's).
    keys : sequence of str
        The columns that name a group, e.g. ``["customer_id", "staff_id"]``.
    times : EvaluationTimes
        The buckets those were summed in.

    Raises
    ------
    ValueError
        If an event lies after the as-of date (callers exclude those first).

    Attributes
    ----------
    groups : pandas.DataFrame
        The keys of each group, in the order of the sums' rows (sorted by the keys).

    See Also
    --------
    group_sums : The sums of every group of some events at once.
    """

    def __init__(
        self,
        backend: BaseBackend,
        buckets: ir.Table,
        days: ir.Table,
        keys: Sequence[str],
        times: EvaluationTimes,
    ) -> None:
        keys = list(keys)
        self._times = times
        known = [buckets[key].notnull() for key in keys]
        # Both tables hold every group with events, so ranking the keys numbers them alike.
        buckets = buckets.filter(*known)
        self._buckets = hold(backend, buckets.mutate(code=_code(buckets, keys)))
        days = days.filter(*(days[key].notnull() for key in keys))
        self._days = days.mutate(code=_code(days, keys)).drop(*keys)
        self._days_held = False
        groups = self._buckets.group_by(["code", *keys]).aggregate(
            first_age=ibis._.oldest.max(),
            first_day=ibis._.first_day.min(),
            youngest=ibis._.youngest.min(),
        )
        fetched = backend.to_pyarrow(groups.order_by("code")).to_pandas()
        if len(fetched) and fetched["youngest"].min() < 0:
            raise ValueError("events after the as-of date must be excluded before the model runs")
        self.groups: pd.DataFrame = fetched[keys]
        self._first_age = fetched["first_age"].to_numpy(dtype=np.float64)
        self._first_day = fetched["first_day"].to_numpy(dtype=np.float64)
        self._backend = backend

    @classmethod
    def of_events(
        cls,
        backend: BaseBackend,
        events: ir.Table,
        keys: Sequence[str],
        offsets: Sequence[float] | np.ndarray,
        half_life_days: float,
    ) -> LevelSums:
        """Sum ``events`` per group of ``keys`` at the evaluation times ``offsets``."""
        times = EvaluationTimes.of(offsets, half_life_days)
        keys = list(keys)
        return cls(
            backend, bucket_sums(events, keys, times), day_sums(events, keys, times), keys, times
        )

    def __len__(self) -> int:
        return len(self.groups)

    def _rows(self, table: ir.Table, start: int, stop: int) -> _Buckets:
        part = table.filter(table.code >= start, table.code < stop)
        return _Buckets(
            self._backend.to_pyarrow(part).to_pandas(), start, stop - start, self._times
        )

    def sums(self, start: int = 0, stop: int | None = None) -> GroupSums:
        """Give the sums of the groups ``start`` to ``stop`` (by row of :attr:`groups`)."""
        stop = len(self) if stop is None else min(stop, len(self))
        start = min(start, stop)
        times = self._times
        if not self._days_held and (start, stop) != (0, len(self)):
            # Read in slices: counted once, kept (all at once, they are read once).
            self._days, self._days_held = hold(self._backend, self._days), True
        sums, days = self._rows(self._buckets, start, stop), self._rows(self._days, start, stop)
        top = days.dense("top", -np.inf)
        last_day = np.maximum.accumulate(top, axis=1)
        return GroupSums(
            offsets=times.offsets,
            n=times.counted(sums.dense("n", 0.0)).round().astype(np.int64),
            **{name: times.decayed(sums.dense(name, 0.0)) for name in _DECAYED},
            value_count=times.counted(sums.dense("value_count", 0.0)),
            first_age=self._first_age[start:stop],
            last_age=(
                np.minimum.accumulate(sums.dense("youngest", np.inf), axis=1) - times.distinct
            )[:, times.column],
            contact_days=times.counted(days.dense("days", 0.0)),
            recent_contact_days=_toward_last_day(
                days.dense("recent", 0.0), top, last_day, times.half_life_days
            )[:, times.column],
            first_day=self._first_day[start:stop],
            last_day=last_day[:, times.column],
        )

    def value_sums(self) -> tuple[np.ndarray, np.ndarray]:
        """V and the number of events with a value, of every group at every time.

        What :meth:`sums` gives in ``value`` and ``value_count``, and nothing else: the
        customers' are what V_ref is the median of.

        Returns
        -------
        value, value_count : numpy.ndarray
            Shape ``(len(self), len(offsets))``.
        """
        rows = self._buckets.select("code", "bucket", *_VALUE)
        cells = _Buckets(self._backend.to_pyarrow(rows).to_pandas(), 0, len(self), self._times)
        times = self._times
        return times.decayed(cells.dense("value", 0.0)), times.counted(
            cells.dense("value_count", 0.0)
        )


def _toward_last_day(
    recent: np.ndarray, top: np.ndarray, last_day: np.ndarray, half_life_days: float
) -> np.ndarray:
    """Decay each time's contact days toward its last: ``sum_b recent_b 2 ** -(last - top_b) / H``.

    ``recent_b`` is bucket b's days decayed toward their latest, ``top_b``. Time by time,
    oldest first, the days so far move to the new last day and the bucket's own join them: both
    factors are at most 1 (the last day by a time is at least every earlier one and every top).
    """
    out = np.zeros_like(recent)
    so_far = np.zeros(len(recent))
    for t in range(recent.shape[1]):
        with np.errstate(invalid="ignore"):
            if t:
                since = last_day[:, t] - last_day[:, t - 1]
                so_far = np.where(so_far > 0, so_far * np.exp2(-since / half_life_days), 0.0)
            own = recent[:, t] * np.exp2(-(last_day[:, t] - top[:, t]) / half_life_days)
        so_far = so_far + np.where(recent[:, t] > 0, own, 0.0)
        out[:, t] = so_far
    return out


@dataclass(frozen=True)
class _Buckets:
    """Rows of (code, bucket, values...) from the engine, laid out as groups x buckets arrays."""

    rows: pd.DataFrame
    start: int
    n_groups: int
    times: EvaluationTimes

    @cached_property
    def _cells(self) -> np.ndarray:
        """Each row's place in the groups x buckets layout, flat."""
        code = self.rows["code"].to_numpy(dtype=np.int64) - self.start
        cells: np.ndarray = code * len(self.times) + self.rows["bucket"].to_numpy(dtype=np.int64)
        return cells

    def dense(self, name: str, empty: float) -> np.ndarray:
        """Lay out column ``name``, ``empty`` where a group has nothing in a bucket."""
        n_times = len(self.times)
        out = np.full(self.n_groups * n_times, empty, dtype=np.float64)
        out[self._cells] = self.rows[name].to_numpy(dtype=np.float64)
        return out.reshape(self.n_groups, n_times)


def bucket_sums(events: ir.Table, keys: Sequence[str], times: EvaluationTimes) -> ir.Table:
    """Sum each group's events per bucket, each weighed at its bucket's time.

    Parameters
    ----------
    events : ibis.expr.types.Table
        :func:`~graphdyn.engine.events.event_table`'s columns, or those of them the keys and
        sums read (the keys, age, day, richness, inbound, outbound, sentiment, value).
    keys : sequence of str
        The columns that name a group (a null key is a group of its own here).
    times : EvaluationTimes
        The buckets.

    Returns
    -------
    ibis.expr.types.Table
        One row per (group, bucket) with events: the keys, ``bucket``, the counts ``n`` and
        ``value_count``, the decayed sums, the ``youngest`` and ``oldest`` ages and the
        ``first_day`` and ``last_day`` of the bucket's events.
    """
    weighed = events.mutate(
        bucket=times.bucket(events.age),
        weight=times.decay(events.age - times.offset(events.age)),
    )
    sums = weighed.group_by([*keys, "bucket"]).aggregate(
        n=ibis._.count(),
        intensity=(ibis._.richness * ibis._.weight).sum(),
        inbound=ibis._.weight.sum(where=ibis._.inbound),
        outbound=ibis._.weight.sum(where=ibis._.outbound),
        sentiment_weight=ibis._.weight.sum(where=ibis._.sentiment.notnull()),
        sentiment_sum=(ibis._.weight * ibis._.sentiment).sum(),
        value=(ibis._.weight * ibis._.value).sum(),
        value_count=ibis._.value.count(),
        youngest=ibis._.age.min(),
        oldest=ibis._.age.max(),
        first_day=ibis._.day.min(),
        last_day=ibis._.day.max(),
    )
    return sums.mutate(*(sums[name].fill_null(0.0).name(name) for name in _DECAYED))


def rollup(buckets: ir.Table, keys: Sequence[str]) -> ir.Table:
    """Add up :func:`bucket_sums` of finer groups into those of ``keys`` (say, ties into customers).

    Examples
    --------
    >>> import pyarrow as pa
    >>> from graphdyn.engine.backend import connect
    >>> events = ibis.memtable(pa.table({
    ...     "customer_id": ["c", "c"], "staff_id": ["s", None], "age": [0.0, 1.0],
    ...     "day": [10, 9], "richness": [1.0, 0.5], "inbound": [True, False],
    ...     "outbound": [False, False], "sentiment": pa.nulls(2, pa.float64()),
    ...     "value": [None, 20.0]}))
    >>> ties = bucket_sums(events, ["customer_id", "staff_id"], EvaluationTimes.of([0.0], 90.0))
    >>> with connect() as backend:
    ...     row = backend.to_pyarrow(rollup(ties, ["customer_id"])).to_pylist()[0]
    >>> row["n"], row["value_count"], row["inbound"], row["oldest"]
    (2, 1, 1.0, 1.0)
    """
    added = {name: buckets[name].sum() for name in ("n", "value_count", *_DECAYED)}
    return buckets.group_by([*keys, "bucket"]).aggregate(
        **added,
        youngest=buckets.youngest.min(),
        oldest=buckets.oldest.max(),
        first_day=buckets.first_day.min(),
        last_day=buckets.last_day.max(),
    )


def day_sums(events: ir.Table, keys: Sequence[str], times: EvaluationTimes) -> ir.Table:
    """Count each group's distinct contact days by the bucket they first count in.

    A day counts from the oldest time any of its events does (the smallest bucket of its
    events); a bucket's days are also summed decayed toward the latest of them, ``top``.

    Returns
    -------
    ibis.expr.types.Table
        One row per (group, bucket) with a first contact day: the keys, ``bucket``, ``days``,
        ``top`` and ``recent`` = ``sum 2 ** (-(top - day) / H)``.
    """
    keys = list(keys)
    first = events.mutate(bucket=times.bucket(events.age))
    days = first.group_by([*keys, "day"]).aggregate(bucket=ibis._.bucket.min())
    days = days.mutate(top=days.day.max().over(group_by=[*keys, "bucket"]))
    days = days.mutate(weight=times.decay(days.top - days.day))
    return days.group_by([*keys, "bucket"]).aggregate(
        days=ibis._.count(), top=ibis._.top.max(), recent=ibis._.weight.sum()
    )


def _code(table: ir.Table, keys: Sequence[str]) -> ir.IntegerValue:
    """Give each group of ``table`` its place in the order of the keys, from 0."""
    return ibis.dense_rank().over(order_by=[table[key] for key in keys])


def group_sums(
    backend: BaseBackend,
    events: ir.Table,
    keys: Sequence[str],
    offsets: Sequence[float] | np.ndarray,
    half_life_days: float,
) -> tuple[pd.DataFrame, GroupSums]:
    """Reduce events to decayed sums per group, at several evaluation times.

    Parameters
    ----------
    backend : ibis.backends.BaseBackend
        The engine (:func:`graphdyn.engine.backend.connect`).
    events : ibis.expr.types.Table
        The events (see :func:`bucket_sums`).
    keys : sequence of str
        The columns that name a group; rows with a null key are no group's.
    offsets : sequence of float
        Evaluation times, in days before T (>= 0).
    half_life_days : float
        H.

    Returns
    -------
    groups : pandas.DataFrame
        The keys of each group, sorted: the rows of the sums.
    sums : GroupSums

    Examples
    --------
    One group, two events 0 and 90 days old (on calendar days 100 and 10), evaluated at T and
    90 days before: intensity 1 + 1/2 at T; two contact days, the older one decayed by one
    half-life toward the last one:

    >>> events = ibis.memtable(pa.table({
    ...     "group": ["g", "g"], "age": [0.0, 90.0], "day": [100, 10], "richness": [1.0, 1.0],
    ...     "inbound": [False, False], "outbound": [False, False],
    ...     "sentiment": pa.nulls(2, pa.float64()), "value": pa.nulls(2, pa.float64())}))
    >>> with connect() as backend:
    ...     groups, sums = group_sums(backend, events, ["group"], [0.0, 90.0], 90.0)
    >>> groups["group"].tolist(), sums.intensity.tolist()
    (['g'], [[1.5, 1.0]])
    >>> sums.contact_days.tolist(), sums.recent_contact_days.tolist()
    ([[2.0, 1.0]], [[1.5, 1.0]])
    """
    level = LevelSums.of_events(backend, events, keys, offsets, half_life_days)
    return level.groups, level.sums()


#: The event columns :func:`one_group_sums` fills in when not given: a contact on day 0 of
#: richness 1, no direction, no sentiment, no value.
_EVENT_DEFAULTS: dict[str, tuple[object, pa.DataType]] = {
    "day": (0, pa.int64()),
    "richness": (1.0, pa.float64()),
    "inbound": (False, pa.bool_()),
    "outbound": (False, pa.bool_()),
    "sentiment": (None, pa.float64()),
    "value": (None, pa.float64()),
}


def one_group_sums(
    age: Sequence[float],
    offsets: Sequence[float] = (0.0,),
    half_life_days: float = 90.0,
    **columns: Sequence[object],
) -> GroupSums:
    """Give the sums of one group's events, in an engine of their own: for a handful of events.

    Parameters
    ----------
    age : sequence of float
        Each event's age in days before T.
    offsets : sequence of float
        Evaluation times, in days before T.
    half_life_days : float
        H.
    **columns : sequence
        Other event columns (see :func:`bucket_sums`), one value per event; those not given
        are a contact on day 0 of richness 1, without direction, sentiment or value.

    Examples
    --------
    >>> sums = one_group_sums([0.0, 90.0], offsets=[0.0, 90.0], day=[100, 10])
    >>> sums.intensity.tolist(), sums.contact_days.tolist()
    ([[1.5, 1.0]], [[2.0, 1.0]])
    """
    n = len(age)
    arrays = {"group": pa.array(["g"] * n), "age": pa.array(age, pa.float64())}
    for name, (default, kind) in _EVENT_DEFAULTS.items():
        arrays[name] = pa.array(list(columns.pop(name, [default] * n)), kind)
    if columns:
        raise TypeError(f"not an event column: {sorted(columns)[0]!r}")
    with connect() as backend:
        events = ibis.memtable(pa.table(arrays))
        _, sums = group_sums(backend, events, ["group"], offsets, half_life_days)
    return sums
