"""A customer's sums without one of its ties: departure impact's sums, for every tie at once.

For a tie (customer c, staff member s), the sums of "c without s" are those of c's events not
with s: its other ties' and its events without a staff member. The queries here give them for
every tie of a list at once, at the buckets of :class:`~graphdyn.engine.sums.EvaluationTimes`,
without copying an event, and :class:`WithoutEach` carries them to the evaluation times as
:class:`~graphdyn.engine.sums.LevelSums` does.

Nothing is subtracted, so nothing cancels (a customer nearly all of whose intensity is one tie
keeps the rest to the last place): the groups of a customer (its ties and its events without a
staff member) are ordered by staff member, and a group's "others" are the sum (minimum,
maximum) of the groups before it and that of the groups after it, two window frames
(``rows`` up to 1 preceding, and from 1 following). A tie without events in a bucket has the
customer's whole bucket there.

Contact days need the days only that staff member had. For each (customer, day), each group's
contact counts from the smallest bucket of its events that day; the day counts for c from the
smallest of them, ``earliest``. Without s the day is the same unless s alone had a contact in
``earliest``: then it counts from the next group's bucket (``following``), or never. So each
day has at most one tie it depends on (its ``owner``, null when none); per (customer, bucket,
owner) the days are counted and weighed (``2 ** (-(last - day) / H)`` toward the customer's last
day), "c without s" keeps the days of every other owner, by the same two window frames, and
regains those of its own at ``following``. A day's weights and counts are added, never
subtracted, too. Recent contact days are then moved from the customer's last day to the last
day of the others by each time (a factor ``2 ** ((last - last_by_then) / H)``, at most 2 to the
customer's span in half-lives).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from graphdyn.engine.backend import hold
from graphdyn.engine.sums import EvaluationTimes, GroupSums, bucket_sums

__all__ = ["WithoutEach"]

#: Sums over a customer's groups per bucket, added over the other groups.
_ADDED = (
    "n",
    "value_count",
    "intensity",
    "inbound",
    "outbound",
    "sentiment_weight",
    "sentiment_sum",
    "value",
)
#: Carried to later times by the bucket's decay factor (the others are counts).
_DECAYED = ("intensity", "inbound", "outbound", "sentiment_weight", "sentiment_sum", "value")

_CUSTOMER, _STAFF = "customer_id", "staff_id"


def _others(
    table: ir.Table,
    partition: Sequence[str],
    order: str,
    *,
    added: Sequence[str] = (),
    least: Sequence[str] = (),
    greatest: Sequence[str] = (),
) -> dict[str, ir.Value]:
    """Each row's sums, minima and maxima over the other rows of its partition (null: none).

    The rows before the row (in ``order``) and those after it, two window frames.
    """
    before = ibis.window(group_by=list(partition), order_by=order, rows=(None, -1))
    after = ibis.window(group_by=list(partition), order_by=order, rows=(1, None))
    out: dict[str, ir.Value] = {}
    for name in added:
        column = table[name]
        out[name] = column.sum().over(before).fill_null(0) + column.sum().over(after).fill_null(0)
    for name in least:
        column = table[name]
        out[name] = ibis.least(column.min().over(before), column.min().over(after))
    for name in greatest:
        column = table[name]
        out[name] = ibis.greatest(column.max().over(before), column.max().over(after))
    return out


def _bucket_grid(pairs: ir.Table, ties: ir.Table) -> tuple[ir.Table, ir.Table]:
    """Each tie at each bucket of its customer, and the customer's totals per bucket."""
    totals = pairs.group_by([_CUSTOMER, "bucket"]).aggregate(
        **{name: pairs[name].sum() for name in _ADDED},
        youngest=pairs.youngest.min(),
        last_day=pairs.last_day.max(),
    )
    return ties.join(totals, _CUSTOMER), totals


class WithoutEach:
    """For each tie, the sums of its customer's events with anyone but its staff member.

    The queries run once, as the object is made: one pass over the events for the sums per
    (customer, staff member or none, bucket), held, and one for the contact days; their
    results per (tie, bucket) are held too, and :meth:`sums` fetches a slice of ties at a time.

    Parameters
    ----------
    backend : ibis.backends.BaseBackend
        The engine (:func:`graphdyn.engine.backend.connect`).
    events : ibis.expr.types.Table
        :func:`~graphdyn.engine.events.event_table`'s columns, none after the as-of date.
    ties : pandas.DataFrame
        customer_id and staff_id of each tie (every one with events).
    times : EvaluationTimes
        The evaluation times.

    Raises
    ------
    ValueError
        If a tie has no events.

    Examples
    --------
    One customer and two staff members: the first had contact on days 10 and 100 (the latter
    the as-of date), the second on day 70:

    >>> from graphdyn.engine.backend import connect
    >>> events = ibis.memtable(pa.table({
    ...     "customer_id": ["c"] * 3, "staff_id": ["s1", "s1", "s2"], "age": [0.0, 90.0, 30.0],
    ...     "day": [100, 10, 70], "richness": [1.0] * 3, "inbound": [False] * 3,
    ...     "outbound": [False] * 3, "sentiment": pa.nulls(3, pa.float64()),
    ...     "value": pa.nulls(3, pa.float64())}))
    >>> ties = pd.DataFrame({"customer_id": ["c", "c"], "staff_id": ["s1", "s2"]})
    >>> with connect() as backend:
    ...     without = WithoutEach(backend, events, ties, EvaluationTimes.of([0.0], 90.0)).sums()
    >>> without.n[:, 0].tolist(), without.contact_days[:, 0].tolist()
    ([1, 2], [1.0, 2.0])
    >>> without.last_age[:, 0].tolist(), without.contact_span[:, 0].tolist()
    ([30.0, 0.0], [0.0, 90.0])
    """

    def __init__(
        self, backend: BaseBackend, events: ir.Table, ties: pd.DataFrame, times: EvaluationTimes
    ) -> None:
        n_ties = len(ties)
        codes = ibis.memtable(
            pa.table(
                {
                    _CUSTOMER: pa.array(ties[_CUSTOMER].to_numpy(dtype=object), pa.string()),
                    _STAFF: pa.array(ties[_STAFF].to_numpy(dtype=object), pa.string()),
                    "code": pa.array(np.arange(n_ties, dtype=np.int64)),
                }
            )
        )
        # The one pass over the events for the sums: every later query reads these.
        pairs = hold(backend, bucket_sums(events, [_CUSTOMER, _STAFF], times))
        grid, totals = _bucket_grid(pairs, codes)
        # The ties' others per bucket: rows of pairs with a staff member.
        others = pairs.select(
            _CUSTOMER,
            _STAFF,
            "bucket",
            **_others(
                pairs,
                [_CUSTOMER, "bucket"],
                _STAFF,
                added=_ADDED,
                least=["youngest"],
                greatest=["last_day"],
            ),
        )
        others = others.filter(others[_STAFF].notnull()).mutate(present=True)
        per_bucket = grid.left_join(others, [_CUSTOMER, _STAFF, "bucket"])
        mine = per_bucket.present.fill_null(False)
        per_bucket = per_bucket.select(
            "code",
            "bucket",
            **{
                name: ibis.ifelse(mine, per_bucket[f"{name}_right"], per_bucket[name])
                for name in (*_ADDED, "youngest", "last_day")
            },
        )
        self._per_bucket = hold(backend, per_bucket)
        self._days = hold(backend, _day_sums(backend, events, totals, codes, times))
        whole = backend.to_pyarrow(_group_level(pairs, codes)).to_pandas()
        self._first_age = np.full(n_ties, np.nan)
        self._first_day = np.full(n_ties, np.inf)
        known = np.zeros(n_ties, dtype=bool)
        place = whole["code"].to_numpy(dtype=np.int64)
        known[place] = True
        if not known.all():
            raise ValueError("ties without events")
        self._first_age[place] = whole["oldest"].to_numpy(dtype=np.float64, na_value=-np.inf)
        self._first_day[place] = whole["first_day_min"].to_numpy(dtype=np.float64, na_value=np.inf)
        self._backend, self._times = backend, times

    def __len__(self) -> int:
        return len(self._first_age)

    def _rows(self, table: ir.Table, start: int, stop: int) -> pd.DataFrame:
        part = table.filter(table.code >= start, table.code < stop)
        rows: pd.DataFrame = self._backend.to_pyarrow(part).to_pandas()
        return rows

    def sums(self, start: int = 0, stop: int | None = None) -> GroupSums:
        """Give the sums of the ties ``start`` to ``stop`` (rows of the ties given).

        Returns
        -------
        GroupSums
            One row per tie: what the customer's sums would be had the tie never been
            (n = 0 where the tie holds all of its customer's events).
        """
        stop = len(self) if stop is None else min(stop, len(self))
        start = min(start, stop)
        times, n_ties, n_buckets = self._times, stop - start, len(self._times)
        fetched = self._rows(self._per_bucket, start, stop)
        fetched_days = self._rows(self._days, start, stop)

        def dense(rows: pd.DataFrame, name: str, empty: float) -> np.ndarray:
            out = np.full(n_ties * n_buckets, empty, dtype=np.float64)
            code = rows["code"].to_numpy(dtype=np.int64) - start
            cell = code * n_buckets + rows["bucket"].to_numpy(dtype=np.int64)
            out[cell] = rows[name].to_numpy(dtype=np.float64, na_value=empty)
            return out.reshape(n_ties, n_buckets)

        column = times.column
        last_day = np.maximum.accumulate(dense(fetched, "last_day", -np.inf), axis=1)
        reference = np.full(n_ties, np.nan)
        reference[fetched_days["code"].to_numpy(dtype=np.int64) - start] = fetched_days[
            "reference"
        ].to_numpy(dtype=np.float64)
        weights = times.counted(dense(fetched_days, "day_weight", 0.0))
        with np.errstate(invalid="ignore", over="ignore"):
            moved = weights * np.exp2(
                (reference[:, None] - last_day[:, column]) / times.half_life_days
            )
        return GroupSums(
            offsets=times.offsets,
            n=times.counted(dense(fetched, "n", 0.0)).round().astype(np.int64),
            **{name: times.decayed(dense(fetched, name, 0.0)) for name in _DECAYED},
            value_count=times.counted(dense(fetched, "value_count", 0.0)),
            first_age=self._first_age[start:stop],
            last_age=(
                np.minimum.accumulate(dense(fetched, "youngest", np.inf), axis=1) - times.distinct
            )[:, column],
            contact_days=times.counted(dense(fetched_days, "days", 0.0)),
            recent_contact_days=np.where(np.isfinite(last_day[:, column]), moved, 0.0),
            first_day=self._first_day[start:stop],
            last_day=last_day[:, column],
        )


def _group_level(pairs: ir.Table, codes: ir.Table) -> ir.Table:
    """Each tie's oldest age and first contact day over its customer's other groups."""
    groups = pairs.group_by([_CUSTOMER, _STAFF]).aggregate(
        oldest=pairs.oldest.max(), first_day_min=pairs.first_day.min()
    )
    others = groups.select(
        _CUSTOMER,
        _STAFF,
        **_others(groups, [_CUSTOMER], _STAFF, least=["first_day_min"], greatest=["oldest"]),
    )
    return codes.join(others, [_CUSTOMER, _STAFF]).select("code", "oldest", "first_day_min")


def _day_sums(
    backend: BaseBackend,
    events: ir.Table,
    totals: ir.Table,
    codes: ir.Table,
    times: EvaluationTimes,
) -> ir.Table:
    """Each tie's contact days without it per bucket: counted, and weighed toward the last day.

    One row per (tie, bucket of its customer): ``code``, ``bucket``, ``days``, ``day_weight``
    (``sum 2 ** (-(reference - day) / H)``) and the customer's last day, ``reference``.
    """
    first = events.mutate(bucket=times.bucket(events.age))
    per_group = first.group_by([_CUSTOMER, _STAFF, "day"]).aggregate(bucket=ibis._.bucket.min())
    # Per (customer, day), each bucket's groups (how many, and the greatest staff member of
    # them): buckets are few, so a few sums per day where a window would sort every group-day.
    buckets = range(len(times))
    in_bucket = [per_group.bucket == b for b in buckets]
    per_day = per_group.group_by([_CUSTOMER, "day"]).aggregate(
        **{f"groups_{b}": per_group.day.count(where=in_bucket[b]) for b in buckets},
        **{f"staff_{b}": per_group[_STAFF].max(where=in_bucket[b]) for b in buckets},
    )
    present = [per_day[f"groups_{b}"] > 0 for b in buckets]
    earliest = ibis.cases(*((present[b], b) for b in buckets)).cast("int64")
    per_day = per_day.select(
        _CUSTOMER,
        "day",
        earliest=earliest,
        at_first=ibis.cases(*((earliest == b, per_day[f"groups_{b}"]) for b in buckets)),
        owner=ibis.cases(*((earliest == b, per_day[f"staff_{b}"]) for b in buckets)),
        following=ibis.cases(
            *((present[b] & (earliest < b), b) for b in buckets), else_=ibis.null("int64")
        ),
    )
    last = totals.group_by(_CUSTOMER).aggregate(reference=totals.last_day.max())
    per_day = per_day.join(last, _CUSTOMER)
    sole = per_day.at_first == 1
    per_day = per_day.mutate(
        owner=ibis.ifelse(sole, per_day.owner, ibis.null("string")),
        following=ibis.ifelse(sole, per_day.following, ibis.null("int64")),
        day_weight=times.decay(per_day.reference - per_day.day),
    )
    # The days' one pass, held as what both the kept and the regained days add up: the days
    # per (customer, earliest bucket, owner, following bucket), a few rows per tie.
    ways = hold(
        backend,
        per_day.group_by([_CUSTOMER, "earliest", "owner", "following"]).aggregate(
            days=ibis._.count(), day_weight=ibis._.day_weight.sum()
        ),
    )
    kept = ways.group_by([_CUSTOMER, "earliest", "owner"]).aggregate(
        days=ways.days.sum(), day_weight=ways.day_weight.sum()
    )
    kept_others = kept.select(
        _CUSTOMER,
        "owner",
        bucket=kept.earliest,
        **_others(kept, [_CUSTOMER, "earliest"], "owner", added=["days", "day_weight"]),
    )
    kept_totals = kept.group_by([_CUSTOMER, "earliest"]).aggregate(
        total_days=kept.days.sum(), total_weight=kept.day_weight.sum()
    )
    regained = (
        ways.filter(ways.owner.notnull(), ways.following.notnull())
        .group_by([_CUSTOMER, "owner", "following"])
        .aggregate(back_days=ibis._.days.sum(), back_weight=ibis._.day_weight.sum())
    )
    buckets = totals.select(_CUSTOMER, "bucket").join(last, _CUSTOMER)
    grid = codes.join(buckets, _CUSTOMER)
    grid = grid.left_join(
        kept_totals,
        [grid[_CUSTOMER] == kept_totals[_CUSTOMER], grid.bucket == kept_totals.earliest],
    )
    grid = grid.select(
        *(grid[name] for name in (_CUSTOMER, _STAFF, "code", "bucket", "reference")),
        total_days=grid.total_days.fill_null(0),
        total_weight=grid.total_weight.fill_null(0.0),
    )
    grid = grid.left_join(
        kept_others,
        [
            grid[_CUSTOMER] == kept_others[_CUSTOMER],
            grid[_STAFF] == kept_others.owner,
            grid.bucket == kept_others.bucket,
        ],
    )
    grid = grid.select(
        *(grid[name] for name in (_CUSTOMER, _STAFF, "code", "bucket", "reference")),
        days=ibis.ifelse(grid.owner.isnull(), grid.total_days, grid.days),
        day_weight=ibis.ifelse(grid.owner.isnull(), grid.total_weight, grid.day_weight),
    )
    grid = grid.left_join(
        regained,
        [
            grid[_CUSTOMER] == regained[_CUSTOMER],
            grid[_STAFF] == regained.owner,
            grid.bucket == regained.following,
        ],
    )
    return grid.select(
        "code",
        "bucket",
        "reference",
        days=grid.days + grid.back_days.fill_null(0),
        day_weight=grid.day_weight + grid.back_weight.fill_null(0.0),
    )
