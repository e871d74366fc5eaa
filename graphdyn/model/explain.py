"""Why a tie or relationship has its strength and liveness: the components, the rhythm, the events.

The component rows come from :data:`graphdyn.components.COMPONENTS` (value, weight,
contribution and what the component means); the liveness rows say how likely the relationship
is still going, and why (its silence against its rhythm).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphdyn.components import COMPONENTS
from graphdyn.config import Config
from graphdyn.errors import UsageError
from graphdyn.model.decay import DAY_SECONDS, decay_weight

__all__ = [
    "Explanation",
    "component_table",
    "contributions",
    "explain_from_tables",
    "liveness_table",
    "not_in_audit",
]


@dataclass(frozen=True)
class Explanation:
    """The explanation of one tie (customer and staff) or relationship (customer only).

    Parameters
    ----------
    customer_id : str
        The customer.
    staff_id : str or None
        The staff member, or None for the customer–vendor relationship.
    row : pandas.Series
        The tie's or customer's row of the audit.
    components : pandas.DataFrame
        One row per component: value, weight, contribution to the strength and meaning (see
        :func:`component_table`); the contributions add up to the strength.
    liveness : pandas.DataFrame
        Liveness, P(alive) and the silence and rhythm they come from (see
        :func:`liveness_table`).
    events : pandas.DataFrame
        The interactions that contribute most to intensity, largest first (see
        :func:`contributions`); empty when they could not be read (``notes`` says why).
    as_of : pandas.Timestamp
        The audit date.
    notes : tuple of str
        What the reader should know about where the explanation comes from: the
        interactions not shown, or read from a data folder that changed since the audit.
    """

    customer_id: str
    staff_id: str | None
    row: pd.Series
    components: pd.DataFrame
    liveness: pd.DataFrame
    events: pd.DataFrame
    as_of: pd.Timestamp
    notes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        who = self.customer_id if self.staff_id is None else f"{self.customer_id}–{self.staff_id}"
        return (
            f"<Explanation {who}: strength {self.row['strength']:.3f}, "
            f"liveness {self.row['liveness']:.3f}, status {self.row['status']}, "
            f"{len(self.events)} top events>"
        )


def component_table(row: pd.Series, config: Config) -> pd.DataFrame:
    """Tabulate each component's value, weight alpha and contribution to the strength.

    Strength is the weighted mean of the components that have data, so a component's
    contribution is ``weight * value`` with the weights normalised over those components, and
    the contributions add up to the strength. A component without data shows NaN and weight 0
    (it is left out, not counted as zero).

    Parameters
    ----------
    row : pandas.Series
        A tie's or customer's audit row (the component columns).
    config : Config
        The weights alpha.

    Returns
    -------
    pandas.DataFrame
        Columns ``component``, ``value``, ``weight`` (alpha over the sum of the alphas of the
        components with data), ``contribution`` and ``meaning``; one row per component, in
        :data:`~graphdyn.components.COMPONENTS` order.

    Examples
    --------
    >>> row = pd.Series({"intensity": 0.5, "tenure": 1.0, "reciprocity": np.nan,
    ...                  "affect": np.nan, "value": np.nan})
    >>> table = component_table(row, Config())
    >>> table["contribution"].round(4).tolist()
    [0.4091, 0.1818, 0.0, 0.0, 0.0]
    >>> round(float(table["contribution"].sum()), 4)  # the strength: (0.45 * 0.5 + 0.1) / 0.55
    0.5909
    """
    values = np.array([float(row[c.name]) for c in COMPONENTS])
    present = ~np.isnan(values)
    alpha = np.array([config.weights.get(c.name, 0.0) for c in COMPONENTS]) * present
    share = alpha / alpha.sum()
    return pd.DataFrame(
        {
            "component": [c.name for c in COMPONENTS],
            "value": values,
            "weight": share,
            "contribution": share * np.nan_to_num(values),
            "meaning": [c.meaning for c in COMPONENTS],
        }
    )


#: The liveness rows of an explanation: column, and what it says.
_LIVENESS_ROWS: tuple[tuple[str, str], ...] = (
    ("liveness", "probability it is still going and makes contact within {horizon:g} days"),
    ("p_alive", "probability it is still going at all, after this silence"),
    ("days_since_last", "days since the last contact"),
    ("typical_gap_days", "its typical gap between contact days (its own rhythm)"),
    ("overdue", "the silence in typical gaps"),
    ("contact_days", "distinct days with contact: the evidence for the rhythm"),
    ("days_to_at_risk", "days of further silence before it goes cold (0: cold already)"),
)


def liveness_table(row: pd.Series, config: Config) -> pd.DataFrame:
    """Tabulate liveness, P(alive) and the silence and rhythm behind them.

    Parameters
    ----------
    row : pandas.Series
        A tie's or customer's audit row.
    config : Config
        The liveness horizon (for the text).

    Returns
    -------
    pandas.DataFrame
        Columns ``measure``, ``value`` and ``meaning``.

    Examples
    --------
    >>> row = pd.Series({"liveness": 0.9, "p_alive": 0.98, "days_since_last": 12.0,
    ...                  "typical_gap_days": 14.0, "overdue": 12 / 14, "contact_days": 40,
    ...                  "days_to_at_risk": 60.0})
    >>> liveness_table(row, Config())["measure"].tolist()[:2]
    ['liveness', 'p_alive']
    """
    return pd.DataFrame(
        {
            "measure": [name for name, _ in _LIVENESS_ROWS],
            "value": [float(row[name]) for name, _ in _LIVENESS_ROWS],
            "meaning": [
                text.format(horizon=config.liveness_horizon_days) for _, text in _LIVENESS_ROWS
            ],
        }
    )


def contributions(
    interactions: pd.DataFrame,
    as_of: pd.Timestamp,
    config: Config,
    top: int = 10,
) -> pd.DataFrame:
    """Rank a tie's (or customer's) events by their part of its intensity.

    Parameters
    ----------
    interactions : pandas.DataFrame
        The tie's events, none after ``as_of``.
    as_of : pandas.Timestamp
        The audit date.
    config : Config
        Half-life and channel richness.
    top : int
        How many events to keep.

    Returns
    -------
    pandas.DataFrame
        The events with ``age_days``, ``weight`` (decay), ``intensity`` (r * w) and
        ``share_of_intensity``, largest contribution first.
    """
    age = (as_of - interactions["timestamp"]).dt.total_seconds().to_numpy() / DAY_SECONDS
    weight = decay_weight(age, config.half_life_days)
    richness = interactions["channel"].map(dict(config.channel_richness)).to_numpy(dtype=float)
    intensity = richness * weight
    total = intensity.sum()
    ranked = interactions.assign(
        age_days=age,
        weight=weight,
        intensity=intensity,
        share_of_intensity=intensity / total if total > 0 else 0.0,
    )
    return (
        ranked.sort_values(["intensity", "timestamp"], ascending=[False, False], kind="stable")
        .head(top)
        .reset_index(drop=True)
    )


def explain_from_tables(
    ties: pd.DataFrame,
    customers: pd.DataFrame,
    interactions: pd.DataFrame,
    customer_id: str,
    staff_id: str | None = None,
    *,
    as_of: pd.Timestamp,
    config: Config,
    top: int = 10,
    notes: Sequence[str] = (),
) -> Explanation:
    """Explain a tie or a customer's relationship from audit tables and interactions.

    Parameters
    ----------
    ties, customers : pandas.DataFrame
        Audit tables holding at least the row explained (``ties.csv`` and ``customers.csv``
        columns).
    interactions : pandas.DataFrame
        Interactions holding at least the customer's up to ``as_of`` (none after it); those of
        the tie, or of the customer, are ranked.
    customer_id : str
        The customer.
    staff_id : str, optional
        The staff member: explain that tie; without, the customer's whole relationship.
    as_of : pandas.Timestamp
        The audit date.
    config : Config
        The audit's parameters.
    top : int
        How many interactions to list.
    notes : sequence of str
        Passed on to :attr:`Explanation.notes`.

    Returns
    -------
    Explanation

    Raises
    ------
    UsageError
        If the tables have no such customer or tie.

    Examples
    --------
    >>> ties = pd.DataFrame({"customer_id": ["c1"], "staff_id": ["s1"]})
    >>> explain_from_tables(ties, ties, ties, "c1", "s2", as_of=pd.Timestamp("2024-03-31"),
    ...                     config=Config())
    Traceback (most recent call last):
    ...
    graphdyn.errors.UsageError: no tie between customer 'c1' and staff 's2' in the audit ...
    """
    mine = (interactions["customer_id"] == customer_id).to_numpy()
    if staff_id is None:
        rows = customers.loc[customers["customer_id"] == customer_id]
    else:
        rows = ties.loc[(ties["customer_id"] == customer_id) & (ties["staff_id"] == staff_id)]
        mine = mine & (interactions["staff_id"] == staff_id).to_numpy()
    if rows.empty:
        raise not_in_audit(customer_id, staff_id, as_of)
    row = rows.iloc[0]
    return Explanation(
        customer_id=customer_id,
        staff_id=staff_id,
        row=row,
        components=component_table(row, config),
        liveness=liveness_table(row, config),
        events=contributions(interactions.loc[mine], as_of, config, top),
        as_of=as_of,
        notes=tuple(notes),
    )


def not_in_audit(customer_id: str, staff_id: str | None, as_of: pd.Timestamp) -> UsageError:
    """Return the error for a customer or tie the audit does not have.

    Examples
    --------
    >>> str(not_in_audit("c1", None, pd.Timestamp("2024-03-31")))
    "no customer 'c1' in the audit as of 2024-03-31"
    """
    what = (
        f"customer {customer_id!r}"
        if staff_id is None
        else f"tie between customer {customer_id!r} and staff {staff_id!r}"
    )
    return UsageError(f"no {what} in the audit as of {as_of.date().isoformat()}")
