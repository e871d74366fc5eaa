"""The data contract in code: the tables of a data folder, their columns and what each may hold.

This module is the single source of the column names in ``docs/data-contract.md``; the reader,
the generator, the Neo4j loader and the tests all take them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ATTRIBUTE_TABLES",
    "CUSTOMERS",
    "DIRECTIONS",
    "INTERACTIONS",
    "PRODUCTS",
    "STAFF",
    "TABLES",
    "Column",
    "Table",
]

ColumnKind = Literal["id", "text", "timestamp", "date", "number", "channel", "direction"]

#: Allowed values of ``interactions.direction``.
DIRECTIONS: tuple[str, ...] = ("inbound", "outbound")


@dataclass(frozen=True)
class Column:
    """One column of an input table.

    Parameters
    ----------
    name : str
        The column header.
    kind : str
        How values are parsed: ``id`` and ``text`` stay text, ``timestamp`` is ISO-8601 date or
        datetime (naive = UTC), ``date`` a calendar date, ``number`` a finite float, ``channel``
        and ``direction`` one of a fixed set.
    required : bool
        The column must be present in the file.
    nonblank : bool
        Every row must have a value.
    minimum, maximum : float or None
        Inclusive bounds for numbers.
    """

    name: str
    kind: ColumnKind
    required: bool = False
    nonblank: bool = False
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Table:
    """An input table: its file stem, key column and columns in contract order."""

    name: str
    key: str
    columns: tuple[Column, ...]
    required: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        """The contract's column names, in order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


INTERACTIONS = Table(
    name="interactions",
    key="interaction_id",
    required=True,
    columns=(
        Column("interaction_id", "id", required=True, nonblank=True),
        Column("timestamp", "timestamp", required=True, nonblank=True),
        Column("customer_id", "id", required=True, nonblank=True),
        Column("staff_id", "id"),
        Column("channel", "channel", required=True, nonblank=True),
        Column("direction", "direction"),
        Column("duration_minutes", "number", minimum=0.0),
        Column("sentiment", "number", minimum=-1.0, maximum=1.0),
        Column("value", "number", minimum=0.0),
        Column("product_id", "id"),
    ),
)

CUSTOMERS = Table(
    name="customers",
    key="customer_id",
    columns=(
        Column("customer_id", "id", required=True, nonblank=True),
        Column("name", "text"),
        Column("segment", "text"),
        Column("region", "text"),
        Column("account_created", "date"),
    ),
)

STAFF = Table(
    name="staff",
    key="staff_id",
    columns=(
        Column("staff_id", "id", required=True, nonblank=True),
        Column("name", "text"),
        Column("role", "text"),
        Column("team", "text"),
        Column("left_at", "date"),
    ),
)

PRODUCTS = Table(
    name="products",
    key="product_id",
    columns=(
        Column("product_id", "id", required=True, nonblank=True),
        Column("name", "text"),
        Column("category", "text"),
        Column("price", "number", minimum=0.0),
    ),
)

#: The optional attribute tables, in the order they are read.
ATTRIBUTE_TABLES: tuple[Table, ...] = (CUSTOMERS, STAFF, PRODUCTS)

#: Every table of a data folder by name.
TABLES: dict[str, Table] = {t.name: t for t in (INTERACTIONS, *ATTRIBUTE_TABLES)}
