"""Single-threaded accounts: customers whose relationship with the vendor one person carries.

A customer is single-threaded when one staff member carries at least ``single_thread_share`` of
the summed strength of the customer's staff ties, on at least ``single_thread_min_days`` contact
days (a relationship, not a one-off). The rule reads how the customer's ties compare, not where
a fixed strength threshold falls: an account with one substantial tie and a few faint ones
hangs on one person whatever the strength of that tie. How well it finds the generator's
planted single-threaded accounts is in ``docs/validation.md``.
"""

from __future__ import annotations

import numpy as np

from graphdyn.config import Config

__all__ = ["sole_carriers"]


def sole_carriers(
    customer: np.ndarray, strength: np.ndarray, contact_days: np.ndarray, config: Config
) -> np.ndarray:
    """For each tie, whether its staff member carries its customer alone.

    Parameters
    ----------
    customer : numpy.ndarray
        Integer customer code of each tie (0 .. n_customers - 1).
    strength, contact_days : numpy.ndarray
        Each tie's strength and distinct contact days.
    config : Config
        ``single_thread_share`` and ``single_thread_min_days``.

    Returns
    -------
    numpy.ndarray
        One bool per tie; a customer has at most one such tie (the share is above one half).

    Examples
    --------
    c0 has one tie; c1 one substantial tie and a faint one; c2 two alike; c3 a one-off:

    >>> sole_carriers(np.array([0, 1, 1, 2, 2, 3]),
    ...               np.array([0.6, 0.7, 0.02, 0.5, 0.4, 0.3]),
    ...               np.array([12, 30, 1, 9, 8, 1]), Config()).tolist()
    [True, True, False, False, False, False]
    """
    codes = np.asarray(customer, dtype=np.int64)
    values = np.nan_to_num(np.asarray(strength, dtype=np.float64))
    total = np.bincount(codes, weights=values, minlength=int(codes.max()) + 1 if len(codes) else 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = values / total[codes]
    return np.asarray(
        (share >= config.single_thread_share)
        & (np.asarray(contact_days) >= config.single_thread_min_days),
        dtype=bool,
    )
