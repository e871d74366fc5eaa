"""Group sums: every additive quantity of the model per (group, evaluation time), as queries.

A group is a tie (customer_id, staff_id) or a customer; an evaluation time is T - offset for
each offset the model reads (T, the trend date, the monthly snapshots). The sums are three
queries over the events of :func:`~graphdyn.engine.events.event_table`:

1. **Per (group, bucket).** Each event falls in the bucket of the oldest evaluation time it
   counts at (the first offset, oldest first, at most its age) and is weighed at that time,
   ``w = 2 ** (-(age - offset) / H)``. The group's counts, decayed sums, youngest and oldest
   ages and calendar days per bucket are one aggregate; each distinct (group, day) counts from
   the smallest bucket of its events, and its days per bucket are summed decayed toward the
   latest of them, ``2 ** (-(top - day) / H)``.
2. **The groups**, numbered in the order of their keys: their codes place every result.
3. **Per (group, time)**, a slice of codes at a time: the buckets at or before each time,
   each moved to it by one factor ``2 ** (-(offset_b - offset_t) / H)`` (the contact days by
   ``2 ** (-(last - top) / H)`` toward the last contact day by then).

Every weight and factor is ``2 ** -x`` with ``x >= 0`` and every sum is of terms >= 0, so no
factor overflows and nothing cancels: a sum is as exact as its terms (a few units in the last
place, about 1e-16 relative, times the number of terms) wherever it is above 1e-290 (a weight
below that is an event some thousand half-lives older than every evaluation time). Decay being
exponential, a sum at T - offset is ``2 ** (offset / H)`` times the sum over the events at
least that old of their weights at T; multiplying up like that would overflow and lose the
smallest sums, which the per-bucket weights never do.

The engine adds in an order of its own (in parallel, by thread), so sums agree with any other
order to those few units in the last place, not always bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from graphdyn.engine.backend import hold

__all__ = [
    "TIMED_FIELDS",
    "EvaluationTimes",
    "GroupSums",
    "LevelSums",
    "bucket_sums",
    "day_sums",
    "group_sums",
    "timed_day_sums",
    "timed_sums",
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

    def select(self, columns: Sequence[int] | np.ndarray) -> GroupSums:
        """Return the sums at some of the evaluation times only (by column)."""
        index = np.asarray(columns, dtype=np.intp)
        timed = {name: getattr(self, name)[:, index] for name in TIMED_FIELDS}
        return replace(self, offsets=self.offsets[index], **timed)


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

    def pairs(self) -> ir.Table:
        """Every (bucket, time) with the bucket at or before the time, and its decay factor."""
        time, bucket = np.tril_indices(len(self))
        factor = np.exp2(-(self.distinct[bucket] - self.distinct[time]) / self.half_life_days)
        return ibis.memtable(
            pa.table(
                {
                    "bucket": bucket.astype(np.int64),
                    "time": time.astype(np.int64),
                    "factor": factor,
                }
            )
        )


class LevelSums:
    """The sums of one level's groups: per bucket at once, then per time a slice at a time.

    See :func:`group_sums` for the sums of every group at once.

    Parameters
    ----------
    backend : ibis.backends.BaseBackend
        The engine (:func:`graphdyn.engine.backend.connect`).
    events : ibis.expr.types.Table
        :func:`~graphdyn.engine.events.event_table`'s columns, or those of them the keys and
        sums read (the keys, age, day, richness, inbound, outbound, sentiment, value).
    keys : sequence of str
        The columns that name a group, e.g. ``["customer_id", "staff_id"]``; rows with a null
        key are no group's.
    offsets : sequence of float
        Evaluation times, in days before T (>= 0).
    half_life_days : float
        H.

    Raises
    ------
    ValueError
        If an event lies after the as-of date (callers exclude those first).

    Attributes
    ----------
    groups : pandas.DataFrame
        The keys of each group, in the order of the sums' rows (sorted by the keys).
    """

    def __init__(
        self,
        backend: BaseBackend,
        events: ir.Table,
        keys: Sequence[str],
        offsets: Sequence[float] | np.ndarray,
        half_life_days: float,
    ) -> None:
        self._backend = backend
        self._times = EvaluationTimes.of(offsets, half_life_days)
        keys = list(keys)
        events = events.filter(*(events[key].notnull() for key in keys))
        self._build(events, keys)

    def _build(self, events: ir.Table, keys: list[str]) -> None:
        self._partial = hold(self._backend, bucket_sums(events, keys, self._times))
        self._day_query = day_sums(events, keys, self._times)
        self._held_days: ir.Table | None = None
        groups = self._partial.group_by(["code", *keys]).aggregate(
            first_age=ibis._.oldest.max(),
            first_day=ibis._.first_day.min(),
            youngest=ibis._.youngest.min(),
        )
        fetched = self._backend.to_pyarrow(groups.order_by("code")).to_pandas()
        if len(fetched) and fetched["youngest"].min() < 0:
            raise ValueError("events after the as-of date must be excluded before the model runs")
        self.groups: pd.DataFrame = fetched[keys]
        self._first_age = fetched["first_age"].to_numpy(dtype=np.float64)
        self._first_day = fetched["first_day"].to_numpy(dtype=np.float64)

    def __len__(self) -> int:
        return len(self.groups)

    def sums(self, start: int = 0, stop: int | None = None) -> GroupSums:
        """Fetch the sums of the groups ``start`` to ``stop`` (by row of :attr:`groups`)."""
        stop = len(self) if stop is None else min(stop, len(self))
        start = min(start, stop)
        count, n_times = stop - start, len(self._times)
        part = self._partial.filter(self._partial.code >= start, self._partial.code < stop)
        if self._held_days is None:  # what V_ref reads needs no contact days
            self._held_days = hold(self._backend, self._day_query)
        days = self._held_days.filter(self._held_days.code >= start, self._held_days.code < stop)
        timed = timed_sums(part, self._times)
        timed_days = timed_day_sums(days, self._times)
        sums = _Cells(self._backend.to_pyarrow(timed).to_pandas(), start, count, n_times)
        contacts = _Cells(self._backend.to_pyarrow(timed_days).to_pandas(), start, count, n_times)
        column = self._times.column
        last_age = sums.dense("youngest", np.inf) - self._times.distinct
        return GroupSums(
            offsets=self._times.offsets,
            n=sums.dense("n", 0)[:, column].astype(np.int64),
            **{name: sums.dense(name, 0.0)[:, column] for name in _DECAYED},
            value_count=sums.dense("value_count", 0.0)[:, column],
            first_age=self._first_age[start:stop],
            last_age=last_age[:, column],
            contact_days=contacts.dense("contact_days", 0.0)[:, column],
            recent_contact_days=contacts.dense("recent", 0.0)[:, column],
            first_day=self._first_day[start:stop],
            last_day=contacts.dense("last_day", -np.inf)[:, column],
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
        timed = timed_sums(self._partial, self._times).select("code", "time", *_VALUE)
        cells = _Cells(self._backend.to_pyarrow(timed).to_pandas(), 0, len(self), len(self._times))
        column = self._times.column
        return cells.dense("value", 0.0)[:, column], cells.dense("value_count", 0.0)[:, column]


def bucket_sums(events: ir.Table, keys: Sequence[str], times: EvaluationTimes) -> ir.Table:
    """Sum each group's events per bucket, each weighed at its bucket's time.

    Parameters
    ----------
    events : ibis.expr.types.Table
        The events (see :class:`LevelSums`), none with a null key.
    keys : sequence of str
        The columns that name a group.
    times : EvaluationTimes
        The buckets.

    Returns
    -------
    ibis.expr.types.Table
        One row per (group, bucket) with events: the keys, ``code`` (the group's place in the
        order of the keys, from 0), ``bucket``, the counts ``n`` and ``value_count``, the
        decayed sums, and the ``youngest`` and ``oldest`` ages and ``first_day`` and
        ``last_day`` calendar days of the bucket's events.
    """
    keys = list(keys)
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
    sums = sums.mutate(*(sums[name].fill_null(0.0).name(name) for name in _DECAYED))
    return sums.mutate(code=_code(sums, keys))


def day_sums(events: ir.Table, keys: Sequence[str], times: EvaluationTimes) -> ir.Table:
    """Count each group's distinct contact days by the bucket they first count in.

    A day counts from the oldest time any of its events does (the smallest bucket of its
    events); a bucket's days are also summed decayed toward the latest of them, ``top``.

    Returns
    -------
    ibis.expr.types.Table
        One row per (group, bucket) with a first contact day: ``code`` (as
        :func:`bucket_sums` numbers the groups), ``bucket``, ``days``, ``top`` and
        ``recent`` = ``sum 2 ** (-(top - day) / H)``.
    """
    keys = list(keys)
    first = events.mutate(bucket=times.bucket(events.age))
    days = first.group_by([*keys, "day"]).aggregate(bucket=ibis._.bucket.min())
    days = days.mutate(top=days.day.max().over(group_by=[*keys, "bucket"]))
    days = days.mutate(weight=times.decay(days.top - days.day))
    days = days.group_by([*keys, "bucket"]).aggregate(
        days=ibis._.count(), top=ibis._.top.max(), recent=ibis._.weight.sum()
    )
    # Both tables hold each group with events, so ranking their keys numbers the same groups
    # alike.
    return days.mutate(code=_code(days, keys)).drop(*keys)


def timed_sums(buckets: ir.Table, times: EvaluationTimes) -> ir.Table:
    """Move the bucket sums to every time at or after their bucket, and add them up there.

    Returns
    -------
    ibis.expr.types.Table
        One row per (code, time) at which the group has events: ``n``, ``value_count``, the
        decayed sums and ``youngest`` (the age of its last event by then).
    """
    return (
        buckets.join(times.pairs(), "bucket")
        .group_by(["code", "time"])
        .aggregate(
            n=ibis._.n.sum(),
            value_count=ibis._.value_count.sum(),
            youngest=ibis._.youngest.min(),
            **{name: (ibis._[name] * ibis._.factor).sum() for name in _DECAYED},
        )
    )


def timed_day_sums(days: ir.Table, times: EvaluationTimes) -> ir.Table:
    """Add up the contact days of every bucket at or before each time.

    Returns
    -------
    ibis.expr.types.Table
        One row per (code, time) with a contact day by then: ``contact_days``, ``last_day``
        and ``recent``, the days decayed toward ``last_day``.
    """
    days = days.join(times.pairs(), "bucket")
    days = days.mutate(last=days.top.max().over(group_by=[days.code, days.time]))
    days = days.mutate(recent=days.recent * times.decay(days.last - days.top))
    return days.group_by(["code", "time"]).aggregate(
        contact_days=ibis._.days.sum(), last_day=ibis._.last.max(), recent=ibis._.recent.sum()
    )


def _code(table: ir.Table, keys: Sequence[str]) -> ir.IntegerValue:
    """Give each group of ``table`` its place in the order of the keys, from 0."""
    return ibis.dense_rank().over(order_by=[table[key] for key in keys])


@dataclass(frozen=True)
class _Cells:
    """Rows of (code, time, values...) from the engine, laid out as groups x times arrays."""

    rows: pd.DataFrame
    start: int
    n_groups: int
    n_times: int

    def dense(self, name: str, empty: float) -> np.ndarray:
        """Lay out column ``name``, ``empty`` where a group has no row at a time."""
        out = np.full(self.n_groups * self.n_times, empty, dtype=np.float64)
        code = self.rows["code"].to_numpy(dtype=np.int64) - self.start
        cell = code * self.n_times + self.rows["time"].to_numpy(dtype=np.int64)
        out[cell] = self.rows[name].to_numpy(dtype=np.float64)
        return out.reshape(self.n_groups, self.n_times)


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
        The events (see :class:`LevelSums`).
    keys : sequence of str
        The columns that name a group.
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

    >>> from graphdyn.engine.backend import connect
    >>> import pyarrow as pa
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
    level = LevelSums(backend, events, keys, offsets, half_life_days)
    return level.groups, level.sums()
