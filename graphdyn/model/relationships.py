"""The audit's tables: ties, customers, channels and staff as of a date, from interactions.

The event-level work runs in the engine (:mod:`graphdyn.engine`): one set of queries gives the
sums of every customer and every customer–staff tie at the as-of date, the trend date and the
monthly snapshots at once (:class:`~graphdyn.engine.sums.LevelSums`), and the channels' sums.
This module turns them into frames, :data:`GROUP_CHUNK` groups at a time.

The caller opens the engine (:func:`graphdyn.engine.backend.connect`) and gives the
interactions as an Ibis table over it (:func:`graphdyn.engine.events.interactions_table`), so
that one connection serves every step of an audit.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis.expr.types as ir
import numpy as np
import pandas as pd
from ibis.backends import BaseBackend

from graphdyn.config import Config
from graphdyn.engine.backend import hold
from graphdyn.engine.channels import channel_sums
from graphdyn.engine.events import event_table
from graphdyn.engine.sums import EvaluationTimes, LevelSums, bucket_sums, day_sums, rollup
from graphdyn.model.standing import level_frame
from graphdyn.model.threads import sole_carriers
from graphdyn.model.tie_strength import value_reference

__all__ = [
    "CUSTOMER_KEYS",
    "GROUP_CHUNK",
    "TIE_KEYS",
    "PopulationMedians",
    "Relationships",
    "evaluation_offsets",
    "population_medians",
    "relationships",
    "snapshot_dates",
]

#: The columns that name a customer and a tie (interactions without a staff member are in no
#: tie).
CUSTOMER_KEYS = ("customer_id",)
TIE_KEYS = ("customer_id", "staff_id")


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
    medians : PopulationMedians
        V_ref at every evaluation time the audit scored against: what a re-audit of some
        customers (:func:`~graphdyn.model.departure.departure_impact`) scores against too.
    """

    ties: pd.DataFrame
    customers: pd.DataFrame
    channels: pd.DataFrame
    tie_trajectories: pd.DataFrame
    customer_trajectories: pd.DataFrame
    value_reference: float
    medians: PopulationMedians


#: Groups (ties or customers) whose sums are fetched from the engine at once: about 1.3 kB each
#: at the 14 evaluation times of the default configuration, so about 300 MB whatever their
#: number.
GROUP_CHUNK = 250_000


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

    def first(self, count: int) -> PopulationMedians:
        """Keep the medians at the first ``count`` evaluation times only.

        Examples
        --------
        >>> medians = PopulationMedians(np.array([0.0, 90.0, 31.0]), np.array([5.0, 4.0, 3.0]))
        >>> medians.first(2).value_reference.tolist()
        [5.0, 4.0]
        """
        return PopulationMedians(self.offsets[:count], self.value_reference[:count])


def population_medians(
    backend: BaseBackend, interactions: ir.Table, as_of: pd.Timestamp, config: Config
) -> PopulationMedians:
    """Compute V_ref at each evaluation time of some interactions.

    :func:`relationships` computes these from its own interactions unless it is given them: a
    what-if re-audits some customers with some interactions removed against the full audit's
    medians, so that re-auditing a subset does not move them.

    Parameters
    ----------
    backend : ibis.backends.BaseBackend
        The engine (:func:`graphdyn.engine.backend.connect`).
    interactions : ibis.expr.types.Table
        The interactions (:func:`graphdyn.engine.events.interactions_table`), none after
        ``as_of``.
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
    >>> from graphdyn.ingest.dataset import Dataset
    >>> from graphdyn.engine.backend import connect
    >>> from graphdyn.engine.events import interactions_table
    >>> data = Dataset.from_frames(pd.DataFrame({
    ...     "interaction_id": ["i1", "i2", "i3"],
    ...     "timestamp": ["2024-01-01", "2024-01-11", "2024-01-31"],
    ...     "customer_id": ["c1", "c1", "c1"], "staff_id": ["s1", "s1", "s1"],
    ...     "channel": ["phone", "phone", "order"], "value": [None, None, 100.0]}))
    >>> as_of, config = pd.Timestamp("2024-01-31", tz="UTC"), Config(snapshots=1)
    >>> with connect() as backend:
    ...     interactions = interactions_table(data.interactions)
    ...     medians = population_medians(backend, interactions, as_of, config)
    >>> medians.offsets.tolist(), medians.value_reference.tolist()
    ([0.0, 90.0], [100.0, nan])
    """
    offsets = evaluation_offsets(as_of, config)
    events = event_table(interactions, as_of, config)
    customer_level = LevelSums.of_events(
        backend, events, CUSTOMER_KEYS, offsets, config.half_life_days
    )
    value, count = customer_level.value_sums()
    return PopulationMedians(offsets=offsets, value_reference=value_reference(value, count))


def evaluation_offsets(as_of: pd.Timestamp, config: Config) -> np.ndarray:
    """Return the evaluation times in days before T: T, the trend date, the snapshots.

    Examples
    --------
    >>> evaluation_offsets(pd.Timestamp("2024-03-31", tz="UTC"), Config(snapshots=2)).tolist()
    [0.0, 90.0, 31.0]
    """
    snapshots = snapshot_dates(as_of, config.snapshots)
    return np.array(
        [0.0, config.trend_window_days]
        + [(as_of - d) / pd.Timedelta(days=1) for d in snapshots[1:]]
    )


def relationships(
    backend: BaseBackend,
    interactions: ir.Table,
    as_of: pd.Timestamp,
    config: Config,
    *,
    medians: PopulationMedians | None = None,
) -> Relationships:
    """Compute ties, customers and channels as of a date.

    Parameters
    ----------
    backend : ibis.backends.BaseBackend
        The engine (:func:`graphdyn.engine.backend.connect`).
    interactions : ibis.expr.types.Table
        The interactions (:func:`graphdyn.engine.events.interactions_table`), none after
        ``as_of`` (see :meth:`graphdyn.Dataset.until`).
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
    snapshots = snapshot_dates(as_of, config.snapshots)
    # Column 0: T; column 1: T - trend window; then the monthly snapshots after T itself.
    offsets = evaluation_offsets(as_of, config)
    if medians is not None and not np.array_equal(medians.offsets, offsets):
        raise ValueError("the medians were computed for other evaluation times")
    half_life = config.half_life_days
    events = event_table(interactions, as_of, config)
    times = EvaluationTimes.of(offsets, half_life)
    # One pass over the events for both levels: per (customer, staff member or none),
    # which the ties are and the customers add up.
    by_pair = hold(backend, bucket_sums(events, TIE_KEYS, times))
    customer_level = LevelSums(
        backend,
        rollup(by_pair, CUSTOMER_KEYS),
        day_sums(events, CUSTOMER_KEYS, times),
        CUSTOMER_KEYS,
        times,
    )
    if medians is None:
        value_ref = value_reference(*customer_level.value_sums())
    else:
        value_ref = medians.value_reference
    customers, customer_strength = _level_frames(customer_level, value_ref, as_of, config)
    customer_ids = pd.Index(customer_level.groups["customer_id"], name="customer_id")
    del customer_level
    channels = _channels(
        backend.to_pyarrow(channel_sums(events, half_life)).to_pandas(),
        pd.Index(config.channels),
        config,
    )
    staffed = events.filter(events.staff_id.notnull())
    tie_level = LevelSums(backend, by_pair, day_sums(staffed, TIE_KEYS, times), TIE_KEYS, times)
    del by_pair
    ties, tie_strength = _level_frames(tie_level, value_ref, as_of, config)
    tie_index = pd.MultiIndex.from_frame(tie_level.groups)
    del tie_level
    customers.index = customer_ids
    ties.index = tie_index
    tie_customer = customer_ids.get_indexer(tie_index.get_level_values("customer_id"))
    tie_staff, staff_ids = pd.factorize(tie_index.get_level_values("staff_id"), sort=True)
    customers = _add_tie_counts(
        customers,
        ties["strength"].to_numpy(),
        ties["contact_days"].to_numpy(),
        tie_customer,
        tie_staff,
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
        medians=PopulationMedians(offsets=offsets, value_reference=value_ref),
    )


def _level_frames(
    level: LevelSums, value_ref: np.ndarray, as_of: pd.Timestamp, config: Config
) -> tuple[pd.DataFrame, np.ndarray]:
    """Build a level's table and strengths over time, :data:`GROUP_CHUNK` groups at a time."""
    frames, strengths = [], []
    for first in range(0, max(len(level), 1), GROUP_CHUNK):
        frame, strength = level_frame(
            level.sums(first, first + GROUP_CHUNK), value_ref, as_of, config
        )
        frames.append(frame)
        strengths.append(strength)
    return pd.concat(frames, ignore_index=True), np.concatenate(strengths)


def _add_tie_counts(
    customers: pd.DataFrame,
    strength: np.ndarray,
    contact_days: np.ndarray,
    customer: np.ndarray,
    staff: np.ndarray,
    staff_ids: pd.Index,
    config: Config,
) -> pd.DataFrame:
    """Add staff_contacts, strong_ties, single_threaded and top_staff_id to the customers.

    The ties are sorted by customer, then staff; ``customer`` and ``staff`` are their codes
    (rows of ``customers``, positions in ``staff_ids``). The top staff member is the one with
    the strongest tie, the first staff id among equals.
    """
    n_customers = len(customers)
    out = customers.copy()
    out["staff_contacts"] = np.bincount(customer, minlength=n_customers).astype(np.int64)
    strong = np.bincount(
        customer, weights=strength >= config.strong_threshold, minlength=n_customers
    )
    out["strong_ties"] = strong.astype(np.int64)
    carried = sole_carriers(customer, strength, contact_days, config)
    out["single_threaded"] = np.bincount(customer[carried], minlength=n_customers) > 0
    top = pd.Series(pd.NA, index=out.index, dtype=staff_ids.dtype)
    if len(strength):
        new_customer = np.r_[True, customer[1:] != customer[:-1]]
        run = np.cumsum(new_customer) - 1
        best = np.fmax.reduceat(strength, np.flatnonzero(new_customer))[run]
        candidate = np.flatnonzero((strength == best) | np.isnan(best))
        chosen = candidate[np.r_[True, run[candidate][1:] != run[candidate][:-1]]]
        top.iloc[customer[chosen]] = np.asarray(staff_ids)[staff[chosen]]
    out["top_staff_id"] = top
    return out


def _channels(sums: pd.DataFrame, channels: pd.Index, config: Config) -> pd.DataFrame:
    """Build the channels table: every configured channel, from the sums of those used."""
    by_channel = sums.set_index("channel").reindex(channels)
    intensity = by_channel["intensity"].fillna(0.0).to_numpy(dtype=np.float64)
    total = intensity.sum()
    return pd.DataFrame(
        {
            "channel": list(channels),
            "richness": [config.channel_richness[c] for c in channels],
            "interactions": by_channel["interactions"].fillna(0).to_numpy(dtype=np.int64),
            "share_of_intensity": intensity / total if total > 0 else 0.0,
            "customers_reached": by_channel["customers_reached"].fillna(0).to_numpy(np.int64),
            "dependent_customers": by_channel["dependent_customers"]
            .fillna(0)
            .to_numpy(dtype=np.int64),
        }
    )
