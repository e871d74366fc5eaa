"""The events as the engine reads them: the typed interactions, then each event's age and weight.

A data set's interactions enter the engine as the checked scan of their files
(:meth:`graphdyn.Dataset.interactions_table`, over :mod:`graphdyn.engine.scan` and
:mod:`graphdyn.engine.checks`); :func:`interactions_table` gives the same columns for a typed
pandas frame (a model step called on frames), handed over through Arrow without a copy.
Everything after reads only the :data:`INTERACTION_COLUMNS` of an Ibis table.

:func:`event_table` adds what the sums need, as in an audit as of T with half-life H:

- ``age``: ``(T - t)`` in days, from the microseconds between the two instants (the same
  number as ``(T - t) / 1 day`` in pandas; :func:`~graphdyn.engine.backend.epoch_microseconds`
  is the one function here that is not the same in every engine);
- ``day``: the UTC calendar day of the event, as days since 1970-01-01;
- ``richness``, ``inbound``, ``outbound``: the channel's richness and the direction;
- ``sentiment``, ``value``: null where the event has none (a NaN counts as none).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from graphdyn.config import Config
from graphdyn.engine.backend import epoch_microseconds

__all__ = [
    "DAY_MICROSECONDS",
    "EVENT_COLUMNS",
    "INTERACTION_COLUMNS",
    "LINK_COLUMNS",
    "event_table",
    "interactions_table",
]

#: The interaction columns the engine reads.
INTERACTION_COLUMNS = (
    "timestamp",
    "customer_id",
    "staff_id",
    "channel",
    "direction",
    "sentiment",
    "value",
)

#: The columns that link an interaction to more than its customer and staff member: the audit's
#: interactions table carries them besides the :data:`INTERACTION_COLUMNS`.
LINK_COLUMNS = ("product_id", "interaction_id")

#: The columns of :func:`event_table`.
EVENT_COLUMNS = (
    "customer_id",
    "staff_id",
    "channel",
    "age",
    "day",
    "richness",
    "inbound",
    "outbound",
    "sentiment",
    "value",
)

DAY_MICROSECONDS = 86_400_000_000

_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")

#: The type of an interaction column that holds nothing but nulls.
_TYPE_OF_EMPTY = {
    "customer_id": pa.string(),
    "staff_id": pa.string(),
    "channel": pa.string(),
    "direction": pa.string(),
    "sentiment": pa.float64(),
    "value": pa.float64(),
    "product_id": pa.string(),
    "interaction_id": pa.string(),
}


def interactions_table(interactions: pd.DataFrame) -> ir.Table:
    """Give the engine the interaction columns, as an Ibis table over the frame's memory.

    Parameters
    ----------
    interactions : pandas.DataFrame
        Typed interactions (:func:`graphdyn.read_data`): UTC timestamps, categorical channel
        and direction.

    Returns
    -------
    ibis.expr.types.Table
        An in-memory table over the frame's Arrow form, which the engine scans in place: the
        :data:`INTERACTION_COLUMNS`, then those of the :data:`LINK_COLUMNS` the frame has.

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "timestamp": pd.to_datetime(["2024-01-01"], utc=True), "customer_id": ["c1"],
    ...     "staff_id": ["s1"], "channel": pd.Categorical(["phone"]),
    ...     "direction": pd.Categorical([None], categories=["inbound", "outbound"]),
    ...     "sentiment": [0.5], "value": [float("nan")]})
    >>> interactions_table(frame).columns
    ('timestamp', 'customer_id', 'staff_id', 'channel', 'direction', 'sentiment', 'value')
    """
    links = [column for column in LINK_COLUMNS if column in interactions.columns]
    arrow = pa.Table.from_pandas(interactions[[*INTERACTION_COLUMNS, *links]], preserve_index=False)
    for place, column in enumerate(arrow.schema):
        if pa.types.is_null(column.type):  # a column of None only, such as no staff at all
            arrow = arrow.set_column(
                place, column.name, pa.nulls(len(arrow), _TYPE_OF_EMPTY[column.name])
            )
    return ibis.memtable(arrow)


def event_table(
    interactions: ir.Table, as_of: pd.Timestamp, config: Config, *, keep: Sequence[str] = ()
) -> ir.Table:
    """Each interaction's age before the as-of date, calendar day, richness and direction.

    Parameters
    ----------
    interactions : ibis.expr.types.Table
        With the :data:`INTERACTION_COLUMNS` (see :func:`interactions_table`), none after
        ``as_of``.
    as_of : pandas.Timestamp
        The audit date T (UTC).
    config : Config
        Supplies channel richness.
    keep : sequence of str
        Interaction columns to keep as they are, after the others (say, ``product_id``).

    Returns
    -------
    ibis.expr.types.Table
        The :data:`EVENT_COLUMNS`, then ``keep``.

    Examples
    --------
    >>> from graphdyn.engine.backend import connect
    >>> frame = pd.DataFrame({
    ...     "timestamp": pd.to_datetime(["2024-01-01T12:00", "2024-03-31T00:00"], utc=True),
    ...     "customer_id": ["c1", "c1"], "staff_id": ["s1", None],
    ...     "channel": pd.Categorical(["meeting", "order"]),
    ...     "direction": pd.Categorical(["inbound", None]),
    ...     "sentiment": [float("nan"), 0.5], "value": [None, 100.0]})
    >>> events = event_table(interactions_table(frame), pd.Timestamp("2024-03-31", tz="UTC"),
    ...                      Config())
    >>> with connect() as backend:
    ...     backend.to_pyarrow(events.select("age", "day", "richness", "inbound",
    ...                                      "sentiment")).to_pylist()[0]
    {'age': 89.5, 'day': 19723, 'richness': 1.0, 'inbound': True, 'sentiment': None}
    """
    micros = epoch_microseconds(interactions.timestamp)
    as_of_micros = (as_of.tz_convert("UTC") - _EPOCH) // pd.Timedelta(microseconds=1)
    channel = interactions.channel.cast("string")
    richness = channel.cases(
        *((name, float(r)) for name, r in config.channel_richness.items()),
        else_=ibis.null("float64"),
    )
    direction = interactions.direction.cast("string")
    return interactions.select(
        customer_id=interactions.customer_id,
        staff_id=interactions.staff_id,
        channel=channel,
        age=(ibis.literal(as_of_micros) - micros).cast("float64") / float(DAY_MICROSECONDS),
        day=micros // DAY_MICROSECONDS,
        richness=richness,
        inbound=(direction == "inbound").fill_null(False),
        outbound=(direction == "outbound").fill_null(False),
        sentiment=_number(interactions.sentiment),
        value=_number(interactions.value),
        **{column: interactions[column] for column in keep},
    )


def _number(column: ir.FloatingColumn) -> ir.FloatingValue:
    """Read NaN as null: no sentiment, no value."""
    return ibis.ifelse(column.isnan(), ibis.null("float64"), column)
