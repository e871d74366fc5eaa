"""Why a tie or relationship has its strength: its components and the events behind them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphdyn.config import COMPONENTS, Config
from graphdyn.model.events import DAY_SECONDS, decay_weight

__all__ = ["Explanation", "component_table", "contributions"]


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
        One row per component: value, weight, share of the strength it contributes; then a
        ``p_alive`` row with P(alive) as its value (see :func:`component_table`).
    events : pandas.DataFrame
        The interactions that contribute most to intensity, largest first.
    """

    customer_id: str
    staff_id: str | None
    row: pd.Series
    components: pd.DataFrame
    events: pd.DataFrame

    def __repr__(self) -> str:
        who = self.customer_id if self.staff_id is None else f"{self.customer_id}–{self.staff_id}"
        return (
            f"<Explanation {who}: strength {self.row['strength']:.3f}, "
            f"status {self.row['status']}, {len(self.events)} top events>"
        )


def component_table(row: pd.Series, config: Config) -> pd.DataFrame:
    """Tabulate each component's value, weight alpha and contribution to the strength.

    Strength is P(alive) times the weighted mean of the components that have data, so a
    component's contribution is ``p_alive * weight * value`` and the contributions add up to
    the strength. A component without data shows NaN and weight 0 (it is left out, not counted
    as zero). When the row has a ``p_alive``, a last row ``p_alive`` shows it as its value, with
    NaN weight and contribution: it is the factor the contributions already include, not a
    term of the sum. A row without ``p_alive`` is explained as the weighted mean alone.

    Parameters
    ----------
    row : pandas.Series
        A tie's or customer's audit row: the components and, optionally, ``p_alive``.
    config : Config
        The weights alpha.

    Returns
    -------
    pandas.DataFrame
        Columns ``component``, ``value``, ``weight`` (alpha over the sum of the alphas of the
        components with data) and ``contribution``; one row per component, in
        :data:`~graphdyn.config.COMPONENTS` order, then the ``p_alive`` row.

    Examples
    --------
    >>> row = pd.Series({"intensity": 0.5, "tenure": 1.0, "reciprocity": np.nan,
    ...                  "affect": np.nan, "value": np.nan})
    >>> component_table(row, Config())["contribution"].round(4).tolist()
    [0.4091, 0.1818, 0.0, 0.0, 0.0]

    The same components with P(alive) = 0.5: every contribution halves, and the contributions
    still add up to the strength, 0.5 * 0.5909:

    >>> table = component_table(pd.concat([row, pd.Series({"p_alive": 0.5})]), Config())
    >>> table["component"].tolist()[-1], table["value"].tolist()[-1]
    ('p_alive', 0.5)
    >>> table["contribution"].round(4).tolist()
    [0.2045, 0.0909, 0.0, 0.0, 0.0, nan]
    >>> round(float(table["contribution"].sum()), 4)
    0.2955
    """
    values = np.array([float(row[name]) for name in COMPONENTS])
    present = ~np.isnan(values)
    alpha = np.array([config.weights.get(name, 0.0) for name in COMPONENTS]) * present
    share = alpha / alpha.sum()
    alive = float(row["p_alive"]) if "p_alive" in row.index else None
    table = pd.DataFrame(
        {
            "component": COMPONENTS,
            "value": values,
            "weight": share,
            "contribution": share * np.nan_to_num(values) * (1.0 if alive is None else alive),
        }
    )
    if alive is None:
        return table
    factor = pd.DataFrame(
        {"component": ["p_alive"], "value": [alive], "weight": [np.nan], "contribution": [np.nan]}
    )
    return pd.concat([table, factor], ignore_index=True)


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
