"""Attribute values as the views and exports need them: missing or not, plain Python scalars.

Graph attributes come from pandas frames, so a missing metric may be ``None``, ``float('nan')``,
``pd.NA`` or ``pd.NaT``, and numbers may be NumPy scalars. Both the page and the GEXF/GraphML
writers go through :func:`is_missing` and :func:`plain_scalar`.
"""

from __future__ import annotations

import json
import math
import numbers
from datetime import date, datetime, time

import numpy as np
import pandas as pd

__all__ = ["PlainScalar", "is_missing", "plain_scalar"]

PlainScalar = bool | int | float | str
"""A value every writer accepts: JSON, GEXF and GraphML."""


def is_missing(value: object) -> bool:
    """Return whether ``value`` stands for "no data": None, NaN, NA, NaT or a blank string.

    Parameters
    ----------
    value : object
        An attribute value.

    Returns
    -------
    bool

    Examples
    --------
    >>> [is_missing(v) for v in (None, float("nan"), pd.NaT, pd.NA, "", " ")]
    [True, True, True, True, True, True]
    >>> [is_missing(v) for v in (np.float32("nan"), np.datetime64("NaT"), np.datetime64("2024"))]
    [True, True, False]
    >>> [is_missing(v) for v in (0, False, "x", 0.0, [], {})]
    [False, False, False, False, False, False]
    """
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, bool | int | np.bool_):
        return False
    if value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, np.floating | np.datetime64 | np.timedelta64):
        return bool(np.isnan(value))
    return False


def plain_scalar(value: object) -> PlainScalar | None:
    """Return ``value`` as a bool, int, float or str, or None when it is missing.

    NumPy scalars become their Python equivalents, dates and times ISO-8601 strings,
    lists, tuples and dicts JSON text, and anything else its ``str``.

    Parameters
    ----------
    value : object
        An attribute value.

    Returns
    -------
    bool, int, float, str or None

    Examples
    --------
    >>> plain_scalar(np.int64(3)), plain_scalar(np.float32(0.5)), plain_scalar(np.bool_(True))
    (3, 0.5, True)
    >>> plain_scalar(pd.Timestamp("2024-05-01")), plain_scalar(date(2024, 5, 1))
    ('2024-05-01T00:00:00', '2024-05-01')
    >>> plain_scalar(float("nan")) is None, plain_scalar({"a": 1})
    (True, '{"a": 1}')
    """
    if is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return str(pd.Timestamp(value).isoformat())
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)
