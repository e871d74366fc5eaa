"""The audit's tables: ties, customers, channels and staff as of a date, from interactions.

One vectorised pass per level (customer–staff tie, customer–vendor relationship): events are
factorised to integer codes, reduced with :func:`~graphdyn.model.sums.group_sums` at
the as-of date, the trend date and the monthly snapshots at once, and turned into frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphdyn.config import Config
from graphdyn.model.events import Events, prepare_events
from graphdyn.model.standing import level_frame
from graphdyn.model.sums import group_sums, value_sums
from graphdyn.model.threads import sole_carriers
from graphdyn.model.tie_strength import value_reference

__all__ = [
    "TIE_CHUNK",
    "PairCodes",
    "PopulationMedians",
    "Relationships",
    "pair_codes",
    "population_medians",
    "relationships",
    "snapshot_dates",
]


@dataclass(frozen=True)
class Relationships:
    """Tie-level and customer-level results of an audit.

    Parameters
    ----------
    ties : pandas.DataFrame
        One row per customer–staff pair (columns as in ``docs/data-contract.md``).
    customers : pandas.DataFrame
        One row per customer with interactions.
    channels : pandas.DataFrame
        One row per configured channel.
    tie_trajectories, customer_trajectories : pandas.DataFrame
        Strength at each monthly snapshot (columns = snapshot dates, newest first), indexed like
        ``ties`` (customer_id, staff_id) and ``customers`` (customer_id).
    value_reference : float
        V_ref at the as-of date (NaN when no event has a value).
    """

    ties: pd.DataFrame
    customers: pd.DataFrame
    channels: pd.DataFrame
    tie_trajectories: pd.DataFrame
    customer_trajectories: pd.DataFrame
    value_reference: float


#: Ties whose sums are held at once: about 1.3 kB each at the 14 evaluation times of the
#: default configuration, so about 300 MB whatever the number of ties.
TIE_CHUNK = 250_000


def snapshot_dates(as_of: pd.Timestamp, count: int) -> list[pd.Timestamp]:
    """Monthly snapshot dates back from ``as_of``, newest first.

    Examples
    --------
    >>> [d.date().isoformat() for d in snapshot_dates(pd.Timestamp("2024-03-31", tz="UTC"), 3)]
    ['2024-03-31', '2024-02-29', '2024-01-31']
    """
    return [as_of - pd.DateOffset(months=k) for k in range(count)]


@dataclass(frozen=True)
class PopulationMedians:
    """The population figures customers and ties are scored against.

    Parameters
    ----------
    offsets : numpy.ndarray
        The evaluation times, in days before the as-of date: the as-of date, the trend date,
        then the monthly snapshots after the as-of date.
    value_reference : numpy.ndarray
        V_ref at each evaluation time (NaN where no customer has a value).
    """

    offsets: np.ndarray
    value_reference: np.ndarray

    @classmethod
    def of_events(
        cls,
        events: Events,
        customer_codes: np.ndarray,
        n_customers: int,
        as_of: pd.Timestamp,
        config: Config,
    ) -> PopulationMedians:
        """Compute the medians from prepared events and their customers' codes.

        What :func:`population_medians` does after preparing the events, for a caller that
        has them already.

        Examples
        --------
        Two customers with one order each on the as-of date, none 90 days before:

        >>> from graphdyn.model.events import Events
        >>> events = Events(np.zeros(2), np.ones(2), np.zeros(2, bool), np.zeros(2, bool),
        ...                 np.full(2, np.nan), np.array([100.0, 300.0]), np.array([100, 100]))
        >>> as_of = pd.Timestamp("2024-01-31", tz="UTC")
        >>> medians = PopulationMedians.of_events(
        ...     events, np.array([0, 1]), 2, as_of, Config(snapshots=1)
        ... )
        >>> medians.value_reference.round(6).tolist()
        [200.0, nan]
        """
        offsets = _offsets(as_of, config)
        value, count = value_sums(
            events, customer_codes, n_customers, offsets, config.half_life_days
        )
        return cls(offsets=offsets, value_reference=value_reference(value, count))


def population_medians(
    interactions: pd.DataFrame, as_of: pd.Timestamp, config: Config
) -> PopulationMedians:
    """Compute V_ref at each evaluation time of some interactions.

    :func:`relationships` computes these from its own interactions unless it is given them: a
    what-if re-audits some customers with some interactions removed against the full audit's
    medians, so that re-auditing a subset does not move them.

    Parameters
    ----------
    interactions : pandas.DataFrame
        Typed interactions with ``timestamp <= as_of``.
    as_of : pandas.Timestamp
        The audit date T (UTC).
    config : Config
        Model parameters; :func:`relationships` must be given the same evaluation times
        (``trend_window_days`` and ``snapshots``).

    Returns
    -------
    PopulationMedians

    Examples
    --------
    >>> from graphdyn.data.dataset import Dataset
    >>> data = Dataset.from_frames(pd.DataFrame({
    ...     "interaction_id": ["i1", "i2", "i3"],
    ...     "timestamp": ["2024-01-01", "2024-01-11", "2024-01-31"],
    ...     "customer_id": ["c1", "c1", "c1"], "staff_id": ["s1", "s1", "s1"],
    ...     "channel": ["phone", "phone", "order"], "value": [None, None, 100.0]}))
    >>> as_of, config = pd.Timestamp("2024-01-31", tz="UTC"), Config(snapshots=1)
    >>> medians = population_medians(data.interactions, as_of, config)
    >>> medians.offsets.tolist(), medians.value_reference.tolist()
    ([0.0, 90.0], [100.0, nan])
    """
    events = prepare_events(interactions, as_of, config)
    customer_codes, customer_ids = pd.factorize(interactions["customer_id"], sort=True)
    return PopulationMedians.of_events(events, customer_codes, len(customer_ids), as_of, config)


def _offsets(as_of: pd.Timestamp, config: Config) -> np.ndarray:
    """Return the evaluation times in days before T: T, the trend date, the snapshots."""
    snapshots = snapshot_dates(as_of, config.snapshots)
    return np.array(
        [0.0, config.trend_window_days]
        + [(as_of - d) / pd.Timedelta(days=1) for d in snapshots[1:]]
    )


def relationships(
    interactions: pd.DataFrame,
    as_of: pd.Timestamp,
    config: Config,
    *,
    medians: PopulationMedians | None = None,
) -> Relationships:
    """Compute ties, customers and channels as of a date.

    Parameters
    ----------
    interactions : pandas.DataFrame
        Typed interactions with ``timestamp <= as_of`` (see :meth:`graphdyn.Dataset.until`).
    as_of : pandas.Timestamp
        The audit date T (UTC).
    config : Config
        Model parameters.
    medians : PopulationMedians, optional
        V_ref to score against (see :func:`population_medians`); by
        default those of ``interactions`` themselves.

    Returns
    -------
    Relationships

    Raises
    ------
    ValueError
        If ``medians`` were computed for other evaluation times.
    """
    events = prepare_events(interactions, as_of, config)
    snapshots = snapshot_dates(as_of, config.snapshots)
    # Column 0: T; column 1: T - trend window; then the monthly snapshots after T itself.
    offsets = _offsets(as_of, config)
    if medians is not None and not np.array_equal(medians.offsets, offsets):
        raise ValueError("the medians were computed for other evaluation times")
    customer_codes, customer_ids = pd.factorize(interactions["customer_id"], sort=True)
    customer_sums = group_sums(
        events,
        customer_codes,
        len(customer_ids),
        offsets,
        config.half_life_days,
    )
    if medians is None:
        value_ref = value_reference(customer_sums.value, customer_sums.value_count)
    else:
        value_ref = medians.value_reference
    customers, customer_strength = level_frame(customer_sums, value_ref, as_of, config)
    del customer_sums
    customers.index = pd.Index(np.asarray(customer_ids), name="customer_id")
    channels = _channels(interactions, events, customer_codes, config)

    staffed = interactions["staff_id"].notna().to_numpy()
    staff_codes, staff_ids = pd.factorize(interactions["staff_id"][staffed], sort=True)
    pairs = pair_codes(customer_codes[staffed], staff_codes, len(staff_ids))
    del staff_codes
    ties, tie_strength = _tie_level(
        events, np.flatnonzero(staffed), pairs, offsets, value_ref, as_of, config
    )
    del events
    tie_index = pd.MultiIndex.from_arrays(
        [
            np.asarray(customer_ids)[pairs.first],
            np.asarray(staff_ids)[pairs.second],
        ],
        names=["customer_id", "staff_id"],
    )
    ties.index = tie_index
    customers = _add_tie_counts(
        customers,
        ties["strength"].to_numpy(),
        ties["contact_days"].to_numpy(),
        pairs,
        staff_ids,
        config,
    )

    snapshot_columns = [d.date().isoformat() for d in snapshots]
    trajectory_columns = [0, *range(2, 2 + len(snapshots) - 1)]
    return Relationships(
        ties=ties.reset_index(),
        customers=customers.reset_index(),
        channels=channels,
        tie_trajectories=pd.DataFrame(
            tie_strength[:, trajectory_columns], index=tie_index, columns=snapshot_columns
        ),
        customer_trajectories=pd.DataFrame(
            customer_strength[:, trajectory_columns],
            index=customers.index,
            columns=snapshot_columns,
        ),
        value_reference=float(value_ref[0]),
    )


def _tie_level(
    events: Events,
    rows: np.ndarray,
    pairs: PairCodes,
    offsets: np.ndarray,
    value_ref: np.ndarray,
    as_of: pd.Timestamp,
    config: Config,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Build the tie table and strengths over time, :data:`TIE_CHUNK` ties at a time.

    ``rows`` are the events with a staff member, ``pairs`` their ties. Each chunk's events keep
    their order, so its sums are those of one pass over all ties.
    """
    n_ties = len(pairs.keys)
    n_chunks = max(-(-n_ties // TIE_CHUNK), 1)
    chunk = (pairs.codes // TIE_CHUNK).astype(np.min_scalar_type(n_chunks))
    order = np.argsort(chunk, kind="stable")
    bounds = np.searchsorted(chunk[order], np.arange(n_chunks + 1))
    del chunk
    frames, strengths = [], []
    for k in range(n_chunks):
        mine = order[bounds[k] : bounds[k + 1]]
        first = k * TIE_CHUNK
        sums = group_sums(
            events.take(rows[mine]),
            pairs.codes[mine] - first,
            min(TIE_CHUNK, n_ties - first) if n_ties else 0,
            offsets,
            config.half_life_days,
        )
        frame, strength = level_frame(sums, value_ref, as_of, config)
        frames.append(frame)
        strengths.append(strength)
        del sums
    return pd.concat(frames, ignore_index=True), np.concatenate(strengths)


@dataclass(frozen=True)
class PairCodes:
    """Distinct (first, second) code pairs, sorted, and the pair of each row.

    Parameters
    ----------
    keys : numpy.ndarray
        The distinct pairs as ``first * n_second + second``, ascending.
    codes : numpy.ndarray
        Each row's pair (0 .. len(keys) - 1).
    first, second : numpy.ndarray
        The two codes of each distinct pair.
    """

    keys: np.ndarray
    codes: np.ndarray
    first: np.ndarray
    second: np.ndarray


def pair_codes(first: np.ndarray, second: np.ndarray, n_second: int) -> PairCodes:
    """Give the distinct (first, second) pairs of rows numbers, in sorted order.

    Sorted by first code, the pairs of one first code (a customer's ties) are consecutive:
    the runs :func:`~graphdyn.model.sums.group_sums_without_each` works on. pandas'
    integer factorisation, then a sort of the distinct pairs only.

    Parameters
    ----------
    first, second : numpy.ndarray
        Non-negative integer codes per row; ``second < n_second``.
    n_second : int
        The number of second codes.

    Returns
    -------
    PairCodes

    Examples
    --------
    >>> import numpy as np
    >>> pairs = pair_codes(np.array([1, 0, 1, 1]), np.array([2, 1, 0, 2]), 3)
    >>> pairs.codes.tolist(), pairs.first.tolist(), pairs.second.tolist()
    ([2, 0, 1, 2], [0, 1, 1], [1, 0, 2])
    """
    width = max(n_second, 1)
    key = first.astype(np.int64) * width + second
    codes, keys = pd.factorize(key, sort=True)
    return PairCodes(keys=keys, codes=codes, first=keys // width, second=keys % width)


def _add_tie_counts(
    customers: pd.DataFrame,
    strength: np.ndarray,
    contact_days: np.ndarray,
    pairs: PairCodes,
    staff_ids: pd.Index,
    config: Config,
) -> pd.DataFrame:
    """Add staff_contacts, strong_ties, single_threaded and top_staff_id to the customers.

    The ties are the pairs (sorted by customer, then staff); the top staff member is the one
    with the strongest tie, the first staff id among equals.
    """
    n_customers = len(customers)
    out = customers.copy()
    out["staff_contacts"] = np.bincount(pairs.first, minlength=n_customers).astype(np.int64)
    strong = np.bincount(
        pairs.first, weights=strength >= config.strong_threshold, minlength=n_customers
    )
    out["strong_ties"] = strong.astype(np.int64)
    carried = sole_carriers(pairs.first, strength, contact_days, config)
    out["single_threaded"] = np.bincount(pairs.first[carried], minlength=n_customers) > 0
    top = pd.Series(pd.NA, index=out.index, dtype=staff_ids.dtype)
    if len(strength):
        new_customer = np.r_[True, pairs.first[1:] != pairs.first[:-1]]
        run = np.cumsum(new_customer) - 1
        best = np.fmax.reduceat(strength, np.flatnonzero(new_customer))[run]
        candidate = np.flatnonzero((strength == best) | np.isnan(best))
        chosen = candidate[np.r_[True, run[candidate][1:] != run[candidate][:-1]]]
        top.iloc[pairs.first[chosen]] = np.asarray(staff_ids)[pairs.second[chosen]]
    out["top_staff_id"] = top
    return out


def _channels(
    interactions: pd.DataFrame, events: Events, customer_codes: np.ndarray, config: Config
) -> pd.DataFrame:
    channel = interactions["channel"]
    categories = list(channel.cat.categories)
    codes = channel.cat.codes.to_numpy().astype(np.int64)
    weight = events.richness * np.exp2(-events.age_days / config.half_life_days)
    n_channels = len(categories)
    intensity = np.bincount(codes, weights=weight, minlength=n_channels)
    counts = np.bincount(codes, minlength=n_channels)
    n_customers = int(customer_codes.max()) + 1 if len(customer_codes) else 0
    cell = customer_codes.astype(np.int64) * n_channels + codes
    per_customer = np.bincount(cell, weights=weight, minlength=n_customers * n_channels).reshape(
        n_customers, n_channels
    )
    reached = (np.bincount(cell, minlength=n_customers * n_channels) > 0).reshape(
        n_customers, n_channels
    )
    totals = per_customer.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = per_customer / totals
    return pd.DataFrame(
        {
            "channel": categories,
            "richness": [config.channel_richness[c] for c in categories],
            "interactions": counts,
            "share_of_intensity": intensity / intensity.sum() if intensity.sum() > 0 else 0.0,
            "customers_reached": reached.sum(axis=0),
            "dependent_customers": (share > 0.5).sum(axis=0),
        }
    )
