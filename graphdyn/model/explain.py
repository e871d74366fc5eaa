"""Why a tie or relationship has its strength: its components and the events behind them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphdyn.config import COMPONENTS, Config
from graphdyn.model.tie_strength import DAY_SECONDS, decay_weight

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
        One row per component: value, weight, share of the strength it contributes.
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

    A component without data shows NaN and weight 0 (it is left out, not counted as zero).

    Examples
    --------
    >>> row = pd.Series({"intensity": 0.5, "tenure": 1.0, "reciprocity": np.nan,
    ...                  "affect": np.nan, "value": np.nan})
    >>> component_table(row, Config())["contribution"].round(4).tolist()
    [0.4091, 0.1818, 0.0, 0.0, 0.0]
    """
    values = np.array([float(row[name]) for name in COMPONENTS])
    present = ~np.isnan(values)
    alpha = np.array([config.weights.get(name, 0.0) for name in COMPONENTS]) * present
    share = alpha / alpha.sum()
    return pd.DataFrame(
        {
            "component": COMPONENTS,
            "value": values,
            "weight": share,
            "contribution": share * np.nan_to_num(values),
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
