"""Events prepared for departure impact: days before the audit date, decay weights, in NumPy.

An event at t weighs ``w = 2 ** (-(T - t) / H)`` in an audit as of T (half-life H). The audit's
own sums are the engine's (:mod:`graphdyn.engine`); departure impact reduces these arrays
(:mod:`graphdyn.model.sums`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphdyn.config import Config

__all__ = ["DAY_SECONDS", "Events", "decay_weight", "prepare_events"]

DAY_SECONDS = 86_400.0


def decay_weight(age_days: np.ndarray | float, half_life_days: float) -> np.ndarray:
    """Weight of an event ``age_days`` before the as-of date: ``2 ** (-age / H)``.

    Examples
    --------
    >>> float(decay_weight(90.0, 90.0))
    0.5
    """
    return np.exp2(-np.asarray(age_days, dtype=np.float64) / half_life_days)


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
