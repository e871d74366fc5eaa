"""The NumPy reference of the engine's sums: one pass over prepared events, with ``bincount``.

What graphdyn computed before its event-level work moved to the engine, kept for the parity
tests only (:mod:`graphdyn.engine.sums`, :mod:`graphdyn.engine.without`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from graphdyn.config import Config
from graphdyn.engine.sums import GroupSums
from graphdyn.model.decay import DAY_SECONDS, decay_weight

__all__ = [
    "Events",
    "group_sums",
    "group_sums_without_each",
    "prepare_events",
]


@dataclass(frozen=True)
class Events:
    """Per-event arrays, relative to an as-of date T.

    Parameters
    ----------
    age_days : numpy.ndarray
        ``(T - t)`` in days, >= 0.
    richness : numpy.ndarray
        Channel richness r of each event.
    inbound, outbound : numpy.ndarray
        Direction masks (both False where direction is unknown).
    sentiment, value : numpy.ndarray
        NaN where the event has none.
    day : numpy.ndarray
        The UTC calendar day of each event (days since 1970-01-01), for contact rhythms.
    """

    age_days: np.ndarray
    richness: np.ndarray
    inbound: np.ndarray
    outbound: np.ndarray
    sentiment: np.ndarray
    value: np.ndarray
    day: np.ndarray

    def __len__(self) -> int:
        return len(self.age_days)

    def take(self, mask: np.ndarray) -> Events:
        """Return the events selected by a boolean mask or index array."""
        return Events(*(getattr(self, name)[mask] for name in self.__dataclass_fields__))


def prepare_events(interactions: pd.DataFrame, as_of: pd.Timestamp, config: Config) -> Events:
    """Turn an interactions frame into the arrays the model reduces.

    Parameters
    ----------
    interactions : pandas.DataFrame
        Typed interactions (see :func:`graphdyn.read_data`), none after ``as_of``.
    as_of : pandas.Timestamp
        The audit date T (UTC).
    config : Config
        Supplies channel richness.

    Raises
    ------
    ValueError
        If an event lies after ``as_of`` (callers exclude those first).
    """
    stamps = interactions["timestamp"].to_numpy(dtype="datetime64[us]")
    micros = stamps.astype(np.int64)
    as_of_micros = np.datetime64(as_of.tz_convert("UTC").tz_localize(None), "us").astype(np.int64)
    age = (as_of_micros - micros) / (DAY_SECONDS * 1e6)
    if len(age) and age.min() < 0:
        raise ValueError("events after the as-of date must be excluded before the model runs")
    channel = interactions["channel"]
    richness_by_code = np.array(
        [config.channel_richness[c] for c in channel.cat.categories], dtype=np.float64
    )
    codes = channel.cat.codes.to_numpy()
    inbound, outbound = _direction_masks(interactions["direction"])
    return Events(
        age_days=age,
        richness=richness_by_code[codes],
        inbound=inbound,
        outbound=outbound,
        sentiment=interactions["sentiment"].to_numpy(dtype=np.float64),
        value=interactions["value"].to_numpy(dtype=np.float64),
        day=np.floor_divide(micros, int(DAY_SECONDS * 1e6)),
    )


def _direction_masks(direction: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return the inbound and outbound masks of a direction column (from categorical codes)."""
    if isinstance(direction.dtype, pd.CategoricalDtype):
        codes = direction.cat.codes.to_numpy()
        known = direction.cat.categories.get_indexer(pd.Index(["inbound", "outbound"]))
        return (
            (codes == known[0]) & (known[0] >= 0),
            (codes == known[1]) & (known[1] >= 0),
        )
    values = direction.to_numpy(dtype=object)
    return values == "inbound", values == "outbound"


@dataclass(frozen=True)
class _TimeBuckets:
    """Evaluation times oldest first, and for each event the first of them it counts at."""

    offsets: np.ndarray
    sorted_offsets: np.ndarray
    unsort: np.ndarray
    bucket: np.ndarray

    @classmethod
    def of(cls, age_days: np.ndarray, offsets: Sequence[float] | np.ndarray) -> _TimeBuckets:
        times = np.asarray(offsets, dtype=np.float64)
        order = np.argsort(-times, kind="stable")
        sorted_offsets = times[order]
        # Event e counts at time j (in oldest-first order) iff age_e >= offset_j; the first such
        # j is the number of offsets larger than age_e.
        bucket = np.searchsorted(-sorted_offsets, -age_days, side="left")
        return cls(times, sorted_offsets, np.argsort(order, kind="stable"), bucket)

    def at_times(self, values: np.ndarray) -> np.ndarray:
        """``(n_groups, n_times)`` in the callers' order of times, from ``(n_times, n_groups)``.

        The result is a transposed view: each time's column is contiguous.
        """
        out: np.ndarray = values[self.unsort].T
        return out


def _counted(
    events: Events, groups: np.ndarray, offsets: Sequence[float] | np.ndarray
) -> tuple[Events, np.ndarray, _TimeBuckets]:
    """Return the events that count at any evaluation time, their groups and time buckets."""
    times = _TimeBuckets.of(events.age_days, offsets)
    keep = times.bucket < len(times.offsets)
    if keep.all():
        return events, groups, times
    return events.take(keep), groups[keep], replace(times, bucket=times.bucket[keep])


@dataclass(frozen=True)
class _Totals:
    """Sums of event values per (time, group) cell, cumulated over time and decayed to it.

    Cells are time-major, so that each time's sums are contiguous.
    """

    cell: np.ndarray
    n_groups: int
    times: _TimeBuckets
    rescale: np.ndarray

    @classmethod
    def of(
        cls, groups: np.ndarray, n_groups: int, times: _TimeBuckets, half_life_days: float
    ) -> _Totals:
        cell = times.bucket * n_groups + groups.astype(np.int64, copy=False)
        # Sums decayed to T; at time T - offset they are larger by 2 ** (offset / H).
        rescale = np.exp2(times.sorted_offsets / half_life_days)[:, None]
        return cls(cell, n_groups, times, rescale)

    def __call__(self, values: np.ndarray | None, scaled: bool = True) -> np.ndarray:
        n_times = len(self.times.offsets)
        counted = np.bincount(self.cell, weights=values, minlength=n_times * self.n_groups)
        sums = counted.astype(np.float64, copy=False).reshape(n_times, self.n_groups)
        np.cumsum(sums, axis=0, out=sums)
        if scaled:
            sums *= self.rescale
        return self.times.at_times(sums)


def group_sums(
    events: Events,
    groups: np.ndarray,
    n_groups: int,
    offsets: Sequence[float] | np.ndarray,
    half_life_days: float,
) -> GroupSums:
    """Reduce events to decayed sums per group, at several evaluation times in one pass.

    Parameters
    ----------
    events : Events
        The events, relative to the as-of date T.
    groups : numpy.ndarray
        Group code (0 .. n_groups - 1) of each event.
    n_groups : int
        Number of groups.
    offsets : sequence of float
        Evaluation times, in days before T (>= 0).
    half_life_days : float
        H.

    Returns
    -------
    GroupSums

    Examples
    --------
    One group, two events 0 and 90 days old, evaluated at T and 90 days before:

    >>> import numpy as np
    >>> events = Events(np.array([0.0, 90.0]), np.array([1.0, 1.0]), np.zeros(2, bool),
    ...                 np.zeros(2, bool), np.full(2, np.nan), np.full(2, np.nan), np.zeros(2))
    >>> sums = group_sums(events, np.zeros(2, int), 1, [0.0, 90.0], 90.0)
    >>> sums.intensity.tolist()
    [[1.5, 1.0]]

    The same events on calendar days 100 and 10: two contact days at T, the second of them
    decayed by one half-life toward the last one:

    >>> events = Events(np.array([0.0, 90.0]), np.ones(2), np.zeros(2, bool), np.zeros(2, bool),
    ...                 np.full(2, np.nan), np.full(2, np.nan), np.array([100, 10]))
    >>> sums = group_sums(events, np.zeros(2, int), 1, [0.0, 90.0], 90.0)
    >>> sums.contact_days.tolist(), sums.recent_contact_days.tolist()
    ([[2.0, 1.0]], [[1.5, 1.0]])
    """
    events, groups, times = _counted(events, groups, offsets)
    contacts = _FirstContacts.of(events.day, groups, times.bucket, len(times.offsets))
    return _group_sums(events, groups, n_groups, times, contacts, half_life_days)


def _group_sums(
    events: Events,
    groups: np.ndarray,
    n_groups: int,
    times: _TimeBuckets,
    contacts: _FirstContacts,
    half_life_days: float,
) -> GroupSums:
    n_times = len(times.offsets)
    total = _Totals.of(groups, n_groups, times, half_life_days)
    weight = decay_weight(events.age_days, half_life_days)
    has_sentiment = ~np.isnan(events.sentiment)
    sentiment_w = np.where(has_sentiment, weight, 0.0)
    del has_sentiment
    last = np.full(n_times * n_groups, np.inf)
    np.minimum.at(last, total.cell, events.age_days)
    last_age = np.minimum.accumulate(last.reshape(n_times, n_groups), axis=0)
    del last
    first_age = np.full(n_groups, -np.inf)
    np.maximum.at(first_age, groups, events.age_days)
    contact_days, recent, first_day, last_day = _contact_days(
        contacts, n_groups, n_times, half_life_days
    )
    return GroupSums(
        offsets=times.offsets,
        n=total(None, scaled=False).round().astype(np.int64),
        intensity=total(events.richness * weight),
        inbound=total(np.where(events.inbound, weight, 0.0)),
        outbound=total(np.where(events.outbound, weight, 0.0)),
        sentiment_weight=total(sentiment_w),
        sentiment_sum=total(sentiment_w * np.nan_to_num(events.sentiment)),
        value=total(_decayed_value(events, weight)),
        value_count=total((~np.isnan(events.value)).astype(np.float64), scaled=False),
        first_age=first_age,
        last_age=times.at_times(last_age) - times.offsets,
        contact_days=times.at_times(contact_days),
        recent_contact_days=times.at_times(recent),
        first_day=first_day,
        last_day=times.at_times(last_day),
    )


def _decayed_value(events: Events, weight: np.ndarray) -> np.ndarray:
    """Return value * w of each event, 0 where it has no value."""
    return np.where(~np.isnan(events.value), weight * np.nan_to_num(events.value), 0.0)


@dataclass(frozen=True)
class _FirstContacts:
    """Each distinct (group, day) with its smallest time bucket, sorted by group and day.

    A day counts from the first time at which any of its events does (its smallest bucket).
    One sort of (group, day, bucket) codes does it: each (group, day) pair comes first with its
    smallest bucket, and within a group later days never have smaller buckets.
    """

    group: np.ndarray
    day: np.ndarray
    bucket: np.ndarray

    @classmethod
    def of(
        cls, day: np.ndarray, groups: np.ndarray, bucket: np.ndarray, n_times: int
    ) -> _FirstContacts:
        if len(day) == 0:
            return cls(np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64))
        first_calendar_day = int(day.min())
        shifted = day.astype(np.int64) - first_calendar_day
        day_range = int(shifted.max()) + 1
        code = groups.astype(np.int64) * day_range
        code += shifted
        del shifted
        code *= n_times
        code += bucket
        code.sort()
        pair = code // n_times
        first = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
        pair, first_bucket = pair[first], code[first] % n_times
        del code, first  # one entry per event: the largest arrays here
        calendar_day = (pair % day_range + first_calendar_day).astype(np.float64)
        return cls(pair // day_range, calendar_day, first_bucket)


def _day_weights(day: np.ndarray, half_life_days: float) -> tuple[np.ndarray, float]:
    """Weights ``2 ** (-(reference - day) / half-life)`` of calendar days, and the reference.

    The reference is the latest day, so every weight is in (0, 1]; a sum of them is moved to
    any later day by one multiplication (:func:`_toward_last_day`).
    """
    reference = float(day.max()) if len(day) else 0.0
    return np.exp2(-(reference - day) / half_life_days), reference


def _toward_last_day(
    sums: np.ndarray, last_day: np.ndarray, reference: float, half_life_days: float
) -> np.ndarray:
    """Day-weight sums (relative to ``reference``) decayed toward each cell's last day instead.

    0 where a cell has no contact day yet.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        moved = sums * np.exp2((reference - last_day) / half_life_days)
    return np.where(np.isfinite(last_day), moved, 0.0)


def _contact_days(
    contacts: _FirstContacts, n_groups: int, n_times: int, half_life_days: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Count distinct contact days, decayed and not, per time; the last and first days.

    The per-time arrays are time-major, oldest first.
    """
    owner, calendar_day, first_bucket = contacts.group, contacts.day, contacts.bucket
    size = n_groups * n_times
    cell = first_bucket * n_groups + owner
    counts = np.bincount(cell, minlength=size)
    weights, reference = _day_weights(calendar_day, half_life_days)
    decayed = np.bincount(cell, weights=weights, minlength=size).astype(np.float64)
    del cell, weights
    last = np.full(size, -np.inf)
    first_day = np.full(n_groups, np.inf)
    if len(owner):
        by_group = owner * n_times + first_bucket  # ascending: sorted by group and day
        run_end = np.r_[by_group[1:] != by_group[:-1], True]
        last[first_bucket[run_end] * n_groups + owner[run_end]] = calendar_day[run_end]
        owner_start = np.r_[True, owner[1:] != owner[:-1]]
        first_day[owner[owner_start]] = calendar_day[owner_start]
    last_day = np.maximum.accumulate(last.reshape(n_times, n_groups), axis=0)
    contact_days = np.cumsum(counts.reshape(n_times, n_groups), axis=0).astype(np.float64)
    recent = _toward_last_day(
        np.cumsum(decayed.reshape(n_times, n_groups), axis=0),
        last_day,
        reference,
        half_life_days,
    )
    return contact_days, recent, first_day, last_day


def group_sums_without_each(
    events: Events,
    groups: np.ndarray,
    owners: np.ndarray,
    offsets: Sequence[float] | np.ndarray,
    half_life_days: float,
) -> GroupSums:
    """For each group, the sums of its owner's events outside the group, as one group.

    The groups split their owners' events (a customer's ties, say, and one group for the
    events without a staff member). Row g holds what :func:`group_sums` would give for the
    events of owner ``owners[g]`` that are not in group g: the customer as if the tie had never
    been. Sums are taken over the owner's other groups, from both ends of its run so that
    nothing cancels; first and last contacts are minima and maxima over the other groups; a
    contact day is lost with group g only where g alone had a contact that day (by then).

    Parameters
    ----------
    events : Events
        The events, relative to the as-of date T.
    groups : numpy.ndarray
        Group code (0 .. len(owners) - 1) of each event.
    owners : numpy.ndarray
        Owner code (0 .. n_owners - 1) of each group, non-decreasing: an owner's groups are
        consecutive.
    offsets : sequence of float
        Evaluation times, in days before T (>= 0).
    half_life_days : float
        H.

    Returns
    -------
    GroupSums
        One row per group; n = 0 where the group holds all of its owner's events.

    Examples
    --------
    One customer and two staff members: the first had contact on days 10 and 100 (the latter
    the as-of date), the second on day 70:

    >>> import numpy as np
    >>> events = Events(np.array([0.0, 90.0, 30.0]), np.ones(3), np.zeros(3, bool),
    ...                 np.zeros(3, bool), np.full(3, np.nan), np.full(3, np.nan),
    ...                 np.array([100, 10, 70]))
    >>> without = group_sums_without_each(events, np.array([0, 0, 1]), np.array([0, 0]),
    ...                                   [0.0], 90.0)
    >>> without.n[:, 0].tolist(), without.contact_days[:, 0].tolist()
    ([1, 2], [1.0, 2.0])
    >>> without.last_age[:, 0].tolist(), without.contact_span[:, 0].tolist()
    ([30.0, 0.0], [0.0, 90.0])
    """
    owners = np.asarray(owners, dtype=np.int64)
    events, groups, times = _counted(events, groups, offsets)
    n_times = len(times.offsets)
    contacts = _FirstContacts.of(events.day, groups, times.bucket, n_times)
    sums = _group_sums(events, groups, len(owners), times, contacts, half_life_days)
    del events, groups
    contact_days, decayed, reference = _contact_days_without_each(
        contacts, owners, n_times, half_life_days
    )
    del contacts
    others = _OtherGroups.of(owners)
    last_day = others.reduce(sums.last_day, np.maximum, -np.inf)
    return GroupSums(
        offsets=sums.offsets,
        n=others.reduce(sums.n, np.add, 0),
        intensity=others.reduce(sums.intensity, np.add, 0.0),
        inbound=others.reduce(sums.inbound, np.add, 0.0),
        outbound=others.reduce(sums.outbound, np.add, 0.0),
        sentiment_weight=others.reduce(sums.sentiment_weight, np.add, 0.0),
        sentiment_sum=others.reduce(sums.sentiment_sum, np.add, 0.0),
        value=others.reduce(sums.value, np.add, 0.0),
        value_count=others.reduce(sums.value_count, np.add, 0.0),
        first_age=others.reduce(sums.first_age, np.maximum, -np.inf),
        last_age=others.reduce(sums.last_age, np.minimum, np.inf),
        contact_days=times.at_times(contact_days),
        recent_contact_days=_toward_last_day(
            times.at_times(decayed), last_day, reference, half_life_days
        ),
        first_day=others.reduce(sums.first_day, np.minimum, np.inf),
        last_day=last_day,
    )


@dataclass(frozen=True)
class _OtherGroups:
    """Runs of groups by owner, to reduce each group's row over the other rows of its run."""

    starts: np.ndarray
    sizes: np.ndarray

    @classmethod
    def of(cls, owners: np.ndarray) -> _OtherGroups:
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]]) if len(owners) else owners
        return cls(starts, np.diff(np.append(starts, len(owners))))

    def reduce(self, values: np.ndarray, ufunc: np.ufunc, identity: float) -> np.ndarray:
        """``ufunc`` over the other rows of each row's run (``identity`` for a run of one).

        Runs of the same length are done together as a (..., runs, length) block: the
        reduction of the rows before each row (a running reduction from the left) with that
        of the rows after it (from the right).
        """
        flat = values.T  # groups last: (n_groups,) or (n_times, n_groups)
        out = np.empty_like(flat)
        for length in np.flatnonzero(np.bincount(self.sizes)).tolist():
            rows = self.starts[self.sizes == length][:, None] + np.arange(length)
            block = flat[..., rows]
            before = np.full_like(block, identity)
            after = np.full_like(block, identity)
            if length > 1:
                ufunc.accumulate(block[..., :-1], axis=-1, out=before[..., 1:])
                after[..., :-1] = ufunc.accumulate(block[..., :0:-1], axis=-1)[..., ::-1]
            out[..., rows] = ufunc(before, after)
        return out.T


def _contact_days_without_each(
    contacts: _FirstContacts, owners: np.ndarray, n_times: int, half_life_days: float
) -> tuple[np.ndarray, np.ndarray, float]:
    """Distinct contact days of each group's owner outside the group (time-major, oldest first).

    For each (owner, day) the groups with a contact that day are ordered by the first time
    (bucket) their contact counts. Without group g the owner keeps the day as it was unless g
    alone came first: then the day counts from the next group's bucket on, or never. Returns
    the counts, the same days weighted as :func:`_day_weights` weighs them, and its reference.
    """
    n_groups = len(owners)
    if len(contacts.group) == 0:
        return np.zeros((n_times, n_groups)), np.zeros((n_times, n_groups)), 0.0
    n_owners = int(owners[-1]) + 1
    shifted = (contacts.day - contacts.day.min()).astype(np.int64)
    day_range = int(shifted.max()) + 1
    key = (owners[contacts.group] * day_range + shifted) * n_times + contacts.bucket
    del shifted
    order = np.argsort(key)
    key, group = key[order], contacts.group[order]
    del order
    owner_day = key // n_times
    key %= n_times  # now each entry's bucket
    start = np.flatnonzero(np.r_[True, owner_day[1:] != owner_day[:-1]])
    owner_of_day = owner_day[start] // day_range
    weights, reference = _day_weights(
        (owner_day[start] % day_range).astype(np.float64) + contacts.day.min(),
        half_life_days,
    )
    del owner_day
    shared = np.r_[start[1:] - start[:-1] > 1, len(key) - start[-1] > 1]
    earliest = key[start]
    following = key[np.where(shared, start + 1, start)]
    sole = ~shared | (following > earliest)
    owner_cell = earliest * n_owners + owner_of_day
    size = n_times * n_groups
    lost_cell = earliest[sole] * n_groups + group[start[sole]]
    later = sole & shared
    regained_cell = following[later] * n_groups + group[start[later]]

    def per_group(day_weight: np.ndarray | None) -> np.ndarray:
        owned = np.bincount(owner_cell, weights=day_weight, minlength=n_times * n_owners)
        out = owned.reshape(n_times, n_owners)[:, owners].astype(np.float64)
        lost = np.bincount(
            lost_cell, weights=None if day_weight is None else day_weight[sole], minlength=size
        )
        regained = np.bincount(
            regained_cell,
            weights=None if day_weight is None else day_weight[later],
            minlength=size,
        )
        out -= (lost - regained).reshape(n_times, n_groups)
        return np.cumsum(out, axis=0)

    return per_group(None), per_group(weights), reference
