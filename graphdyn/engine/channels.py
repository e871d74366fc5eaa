"""Channel sums: how much of the intensity each channel carries, and for how many customers."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

__all__ = ["channel_sums"]


def channel_sums(events: ir.Table, half_life_days: float) -> ir.Table:
    """Per channel: interactions, intensity at T, customers reached and dependent customers.

    A customer depends on a channel when more than half of its intensity at T comes through
    it; a customer is reached by a channel it has an interaction on.

    Parameters
    ----------
    events : ibis.expr.types.Table
        :func:`~graphdyn.engine.events.event_table`'s customer_id, channel, age and
        richness.
    half_life_days : float
        H.

    Returns
    -------
    ibis.expr.types.Table
        channel, interactions, intensity, customers_reached, dependent_customers: one row per
        channel with interactions.

    Examples
    --------
    >>> import pyarrow as pa
    >>> from graphdyn.engine.backend import connect
    >>> events = ibis.memtable(pa.table({
    ...     "customer_id": ["c1", "c1", "c2"], "channel": ["meeting", "email", "email"],
    ...     "age": [0.0, 90.0, 0.0], "richness": [1.0, 0.3, 0.3]}))
    >>> with connect() as backend:
    ...     table = backend.to_pyarrow(channel_sums(events, 90.0).order_by("channel"))
    >>> table.select(["channel", "interactions", "dependent_customers"]).to_pylist()
    [{'channel': 'email', 'interactions': 2, 'dependent_customers': 1}, \
{'channel': 'meeting', 'interactions': 1, 'dependent_customers': 1}]
    """
    weight = events.richness * ibis.literal(2.0) ** (-events.age / half_life_days)
    per_customer = events.mutate(weight=weight).group_by(["customer_id", "channel"])
    per_customer = per_customer.aggregate(n=ibis._.count(), intensity=ibis._.weight.sum())
    share = per_customer.intensity / per_customer.intensity.sum().over(
        group_by=per_customer.customer_id
    )
    return (
        per_customer.mutate(share=share)
        .group_by("channel")
        .aggregate(
            interactions=ibis._.n.sum(),
            intensity=ibis._.intensity.sum(),
            customers_reached=ibis._.count(),
            dependent_customers=(ibis._.share > 0.5).sum(),
        )
    )
