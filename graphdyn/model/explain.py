"""Why a tie or relationship has its strength and liveness: the components, the rhythm, the events.

The component rows come from :data:`graphdyn.components.COMPONENTS` (value, weight,
contribution and what the component means); the liveness rows say how likely the relationship
is still going, and why (its silence against its rhythm).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphdyn.components import COMPONENTS
from graphdyn.config import Config
from graphdyn.model.events import DAY_SECONDS, decay_weight

__all__ = ["Explanation", "component_table", "contributions", "liveness_table"]


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
        The interactions that contribute most to intensity, largest first.
    """

    customer_id: str
    staff_id: str | None
    row: pd.Series
    components: pd.DataFrame
    liveness: pd.DataFrame
    events: pd.DataFrame

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
