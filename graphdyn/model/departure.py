"""Key-person risk: what happens to customers if staff members' interactions disappear.

For a staff member (or a set of them) leaving, the customers they have a tie with are
re-audited without their interactions, against the full audit's medians (V_ref, see
:func:`~graphdyn.model.relationships.population_medians`), so that only those customers move.
For each such customer:

- becomes_at_risk: status ``at_risk`` or ``dormant`` after, and neither before (a customer
  left with no interaction at all has no intensity, so it is dormant, strength 0);
- loses_all_strong_ties: at least one strong tie before, none after. A tie's strength depends
  on that tie's interactions only, so the remaining ties keep theirs: this is the customer
  whose only strong ties were with the people who left (for one person: a single-threaded
  account of that person);
- at stake: either of the two. The value at stake is the sum of the customers' ``value_raw``
  (customers.csv: decayed order value at the as-of date, half-life H; 0 without orders) over
  the customers at stake.

:func:`departure_impact` does this for every staff member at once without copying any
interaction: for each tie (customer c, staff s) the sums of "c without s" are c's sums over its
other ties and its interactions without a staff member
(:class:`~graphdyn.engine.without.WithoutEach`, in the engine), and strength and status follow
from them as for any customer. :func:`what_if` re-audits the interactions left for one set of
staff members; both give the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd
from ibis.backends import BaseBackend

from graphdyn.config import Config
from graphdyn.engine.backend import connect
from graphdyn.engine.events import event_table, interactions_table
from graphdyn.engine.sums import EvaluationTimes
from graphdyn.engine.without import WithoutEach
from graphdyn.errors import UsageError
from graphdyn.model.relationships import (
    GROUP_CHUNK,
    PopulationMedians,
    evaluation_offsets,
    population_medians,
    relationships,
)
from graphdyn.model.standing import standing

__all__ = ["AT_RISK_STATUSES", "WhatIf", "departure_impact", "what_if"]

#: Statuses that count as at risk for departure impact.
AT_RISK_STATUSES: tuple[str, ...] = ("at_risk", "dormant")

#: The interaction columns the relationship model reads, besides customer_id and staff_id.
_EVENT_COLUMNS = ["timestamp", "channel", "direction", "sentiment", "value"]


def departure_impact(
    backend: BaseBackend,
    interactions: ir.Table,
    customers: pd.DataFrame,
    ties: pd.DataFrame,
    as_of: pd.Timestamp,
    config: Config,
    *,
    medians: PopulationMedians | None = None,
) -> pd.DataFrame:
    """Departure impact of every staff member: who would become at risk, and the value at stake.

    Parameters
    ----------
    backend : ibis.backends.BaseBackend
        The engine (:func:`graphdyn.engine.backend.connect`).
    interactions : ibis.expr.types.Table
        The audit's interactions (:func:`graphdyn.engine.events.interactions_table`), none
        after ``as_of``.
    customers, ties : pandas.DataFrame
        The audit's customers (customer_id, status, strong_ties, value_raw) and ties
        (customer_id, staff_id, strength).
    as_of : pandas.Timestamp
        The audit date.
    config : Config
        Model parameters (the strong threshold among them).
    medians : PopulationMedians, optional
        The audit's V_ref (:attr:`Relationships.medians
        <graphdyn.model.relationships.Relationships.medians>`), which the customers are
        re-audited against at the as-of and the trend date; by default computed from
        ``interactions``, one more pass over them.

    Returns
    -------
    pandas.DataFrame
        Indexed by staff_id (every staff member with a tie): departure_at_risk (customers who
        would become at risk or dormant) and value_at_stake (their value plus that of the
        customers who would lose every strong tie).

    Raises
    ------
    ValueError
        If ``medians`` were computed for other evaluation times.

    Examples
    --------
    c1 talks to s1 every week and to s2 once; without s1 only an old email is left.

    >>> import pandas as pd
    >>> from graphdyn.ingest.dataset import Dataset
    >>> weekly = pd.date_range("2024-01-01", "2024-06-24", freq="7D").strftime("%Y-%m-%d")
    >>> events = pd.DataFrame({
    ...     "interaction_id": [f"i{k}" for k in range(len(weekly) + 1)],
    ...     "timestamp": [*weekly, "2024-01-03"], "customer_id": "c1",
    ...     "staff_id": ["s1"] * len(weekly) + ["s2"],
    ...     "channel": ["meeting"] * len(weekly) + ["email"]})
    >>> data = Dataset.from_frames(events)
    >>> from graphdyn.model.relationships import relationships
    >>> as_of = pd.Timestamp("2024-06-30", tz="UTC")
    >>> with connect() as backend:
    ...     interactions = interactions_table(data.interactions)
    ...     result = relationships(backend, interactions, as_of, Config())
    ...     impact = departure_impact(backend, interactions, result.customers, result.ties,
    ...                               as_of, Config())
    >>> result.customers[["status", "strong_ties"]].values.tolist()
    [['active', 1]]
    >>> impact["departure_at_risk"].to_dict()
    {'s1': 1, 's2': 0}
    """
    cases = _tie_cases(customers, ties, config)
    after = _without_each_tie(backend, interactions, cases, as_of, config, medians)
    impact = _compare(cases, after)
    grouped = impact.groupby(cases["staff_id"].to_numpy(), sort=True)
    table = pd.DataFrame(
        {
            "departure_at_risk": grouped["becomes_at_risk"].sum().astype(np.int64),
            "value_at_stake": grouped["value_at_stake"].sum(),
        }
    )
    table.index.name = "staff_id"
    return table


@dataclass(frozen=True, repr=False)
class WhatIf:
    """What happens to the customers of some staff members if those people leave.

    Parameters
    ----------
    removed_staff : tuple of str
        The staff members whose interactions were removed.
    as_of : pandas.Timestamp
        The audit date.
    customers : pandas.DataFrame
        One row per affected customer (a tie with someone removed): customer_id,
        removed_contacts, strength and status before and after, strong_ties before and after,
        becomes_at_risk, loses_all_strong_ties, at_stake, value_raw; customers at stake first,
        most valuable first.
    summary : dict
        The counts and the total value at stake.
    """

    removed_staff: tuple[str, ...]
    as_of: pd.Timestamp
    customers: pd.DataFrame
    summary: dict[str, Any]

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<WhatIf without {', '.join(self.removed_staff)} as of "
            f"{self.as_of.date().isoformat()}: {s['affected_customers']:,} customers affected, "
            f"{s['becomes_at_risk']:,} become at risk, {s['loses_all_strong_ties']:,} lose every "
            f"strong tie; value at stake {s['value_at_stake']:,.2f}>"
        )

    @property
    def at_stake(self) -> pd.DataFrame:
        """The customers who become at risk or lose every strong tie."""
        return self.customers.loc[self.customers["at_stake"]].reset_index(drop=True)


def what_if(
    interactions: pd.DataFrame,
    customers: pd.DataFrame,
    ties: pd.DataFrame,
    as_of: pd.Timestamp,
    config: Config,
    remove_staff: str | Iterable[str],
    *,
    staff_ids: Iterable[str] | None = None,
) -> WhatIf:
    """Re-audit the customers of some staff members as if those people had left.

    Parameters
    ----------
    interactions : pandas.DataFrame
        The audited interactions (up to ``as_of``).
    customers, ties : pandas.DataFrame
        The audit's customer and tie tables.
    as_of : pandas.Timestamp
        The audit date.
    config : Config
        The audit's parameters.
    remove_staff : str or iterable of str
        Staff ids whose interactions are removed.
    staff_ids : iterable of str, optional
        Every known staff id (an id outside it is an error); default: the ties' staff.

    Returns
    -------
    WhatIf

    Raises
    ------
    UsageError
        If no id is given or an id is not a known staff member.

    Examples
    --------
    >>> import pandas as pd
    >>> from graphdyn import audit
    >>> weekly = pd.date_range("2024-01-01", "2024-06-24", freq="7D").strftime("%Y-%m-%d")
    >>> events = pd.DataFrame({
    ...     "interaction_id": [f"i{k}" for k in range(len(weekly) + 1)],
    ...     "timestamp": [*weekly, "2024-01-03"], "customer_id": "c1",
    ...     "staff_id": ["s1"] * len(weekly) + ["s2"],
    ...     "channel": ["meeting"] * len(weekly) + ["email"]})
    >>> a = audit(events, as_of="2024-06-30")
    >>> change = what_if(a.data.interactions, a.customers, a.ties, a.as_of, a.config, ["s1"])
    >>> columns = ["customer_id", "status_before", "status_after", "at_stake"]
    >>> change.customers[columns].values.tolist()
    [['c1', 'active', 'dormant', True]]
    """
    known = ties["staff_id"] if staff_ids is None else pd.Series(list(staff_ids), dtype=object)
    removed = _staff_ids(remove_staff, known)
    removed_ties = ties.loc[ties["staff_id"].isin(removed)]
    affected = pd.Index(removed_ties["customer_id"].unique()).sort_values()
    strong = removed_ties.loc[removed_ties["strength"] >= config.strong_threshold]
    cases = pd.DataFrame({"customer_id": affected})
    cases = _with_before(cases, customers)
    cases["strong_removed"] = (
        strong.groupby("customer_id").size().reindex(affected, fill_value=0).to_numpy()
    )
    keep = interactions["customer_id"].isin(affected) & ~interactions["staff_id"].isin(removed)
    rows = np.flatnonzero(keep.to_numpy())
    settings = config.replace(snapshots=1)
    with connect(config.engine) as backend:
        after = _reaudit(
            backend,
            interactions,
            rows,
            interactions["customer_id"].to_numpy()[rows],
            as_of,
            settings,
            population_medians(backend, interactions_table(interactions), as_of, settings),
        )
    impact = _compare(cases, after.reindex(affected))
    contacts = removed_ties.groupby("customer_id")["staff_id"].agg(lambda s: ", ".join(sorted(s)))
    frame = pd.DataFrame(
        {
            "customer_id": affected,
            "removed_contacts": contacts.reindex(affected).to_numpy(),
            "strength_before": cases["strength"].to_numpy(),
            "strength_after": impact["strength_after"].to_numpy(),
            "status_before": cases["status"].to_numpy(),
            "status_after": impact["status_after"].to_numpy(),
            "strong_ties_before": cases["strong_ties"].to_numpy(),
            "strong_ties_after": impact["strong_ties_after"].to_numpy(),
            "becomes_at_risk": impact["becomes_at_risk"].to_numpy(),
            "loses_all_strong_ties": impact["loses_all_strong_ties"].to_numpy(),
            "at_stake": impact["at_stake"].to_numpy(),
            "value_raw": cases["value_raw"].to_numpy(),
        }
    )
    frame = frame.sort_values(
        ["at_stake", "value_raw", "customer_id"],
        ascending=[False, False, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)
    summary = {
        "removed_staff": list(removed),
        "affected_customers": len(frame),
        "becomes_at_risk": int(frame["becomes_at_risk"].sum()),
        "loses_all_strong_ties": int(frame["loses_all_strong_ties"].sum()),
        "at_stake": int(frame["at_stake"].sum()),
        "value_at_stake": float(impact["value_at_stake"].sum()),
    }
    return WhatIf(removed_staff=removed, as_of=as_of, customers=frame, summary=summary)


def _staff_ids(remove_staff: str | Iterable[str], known: pd.Series) -> tuple[str, ...]:
    ids = [remove_staff] if isinstance(remove_staff, str) else list(remove_staff)
    ids = list(dict.fromkeys(str(i).strip() for i in ids if str(i).strip()))
    if not ids:
        raise UsageError("what-if: name at least one staff id to remove")
    unknown = [i for i in ids if i not in set(known)]
    if unknown:
        raise UsageError(f"what-if: unknown staff id(s): {', '.join(unknown)}")
    return tuple(ids)


def _tie_cases(customers: pd.DataFrame, ties: pd.DataFrame, config: Config) -> pd.DataFrame:
    """One row per tie: the customer before, and whether the tie is strong."""
    cases = ties[["customer_id", "staff_id", "strength"]].rename(
        columns={"strength": "tie_strength"}
    )
    cases = cases.reset_index(drop=True)
    cases = _with_before(cases, customers)
    cases["strong_removed"] = (cases["tie_strength"] >= config.strong_threshold).astype(np.int64)
    return cases


def _without_each_tie(
    backend: BaseBackend,
    interactions: ir.Table,
    cases: pd.DataFrame,
    as_of: pd.Timestamp,
    config: Config,
    medians: PopulationMedians | None,
) -> pd.DataFrame:
    """Strength and status of each case's customer without the case's staff member.

    What :func:`what_if` gives for that one person and customer, for every tie at once: the
    customer is re-audited (as of ``as_of`` and the trend date only, against the medians of all
    ``interactions``) from the sums of its other ties and of its interactions without a staff
    member, :data:`GROUP_CHUNK` ties at a time. Returns a frame aligned with ``cases``;
    strength is NaN where nothing is left.
    """
    settings = config.replace(snapshots=1)
    if medians is None:
        medians = population_medians(backend, interactions, as_of, settings)
    else:
        medians = medians.first(2)
        if not np.array_equal(medians.offsets, evaluation_offsets(as_of, settings)):
            raise ValueError("the medians were computed for other evaluation times")
    times = EvaluationTimes.of(medians.offsets, settings.half_life_days)
    events = event_table(interactions, as_of, settings)
    try:
        without = WithoutEach(backend, events, cases[["customer_id", "staff_id"]], times)
    except ValueError as error:
        raise UsageError("departure impact: ties without interactions in the data") from error
    strength = np.empty(len(cases))
    status = np.empty(len(cases), dtype=object)
    for first in range(0, len(cases), GROUP_CHUNK):
        part = slice(first, first + GROUP_CHUNK)
        result = standing(
            without.sums(first, first + GROUP_CHUNK), medians.value_reference, settings
        )
        strength[part], status[part] = result.strength[:, 0], result.status
    return pd.DataFrame({"strength": strength, "status": status}, index=cases.index)


def _with_before(cases: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    before = customers.set_index("customer_id")[["strength", "status", "strong_ties", "value_raw"]]
    out = cases.join(before, on="customer_id")
    out["value_raw"] = out["value_raw"].fillna(0.0)
    return out


#: The re-audit of nobody.
_NOTHING = pd.DataFrame(
    {"strength": pd.Series(dtype=np.float64), "status": pd.Series(dtype=object)}
)


def _reaudit(
    backend: BaseBackend,
    interactions: pd.DataFrame,
    rows: np.ndarray,
    groups: np.ndarray,
    as_of: pd.Timestamp,
    config: Config,
    medians: PopulationMedians,
) -> pd.DataFrame:
    """Strength and status of each group of ``interactions`` rows, against the given medians.

    Returns a frame indexed by group; groups without rows are absent.
    """
    if len(rows) == 0:
        return _NOTHING
    # The customer level does not depend on whom each interaction was with; without staff ids
    # the tie level, which nothing here reads, is empty.
    subset = interactions[_EVENT_COLUMNS].take(rows).assign(customer_id=groups, staff_id=None)
    redone = relationships(backend, interactions_table(subset), as_of, config, medians=medians)
    return redone.customers.set_index("customer_id")[["strength", "status"]]


def _compare(cases: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Flag the cases that become at risk or lose every strong tie (``after`` aligned to cases).

    A case absent from ``after`` has no interaction left: strength 0, dormant.
    """
    status_after = after["status"].to_numpy(dtype=object)
    gone = pd.isna(after["strength"]).to_numpy()
    status_after = np.where(gone, "dormant", status_after)
    strong_after = cases["strong_ties"].to_numpy() - cases["strong_removed"].to_numpy()
    at_risk_before = np.isin(cases["status"].to_numpy(dtype=object), AT_RISK_STATUSES)
    becomes = ~at_risk_before & np.isin(status_after, AT_RISK_STATUSES)
    loses = (cases["strong_ties"].to_numpy() > 0) & (strong_after == 0)
    at_stake = becomes | loses
    return pd.DataFrame(
        {
            "strength_after": np.where(gone, 0.0, after["strength"].to_numpy(dtype=np.float64)),
            "status_after": status_after,
            "strong_ties_after": strong_after,
            "becomes_at_risk": becomes,
            "loses_all_strong_ties": loses,
            "at_stake": at_stake,
            "value_at_stake": np.where(at_stake, cases["value_raw"].to_numpy(), 0.0),
        },
        index=cases.index,
    )
