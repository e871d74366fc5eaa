"""The graph model in code: node kinds, allow-listed properties, and the Cypher statements.

The model itself lives in ``graphdyn/cypher/schema.cypher`` and ``docs/neo4j.md``::

    (:Customer)-[:HAD]->(:Interaction)<-[:HANDLED]-(:Staff)
    (:Interaction)-[:ABOUT]->(:Product)
    (:Customer)-[:TIE]->(:Staff)                      the audit write-back
    (:Audit {audit_id: 'current'})                    the written audit's date and parameters
    (:SourceTable {name})                             extra columns of each input table

Labels, relationship types and property names never come from users' data into Cypher text:
labels and types are fixed in the ``.cypher`` files, the properties the write-back sets are
allow-listed here, and attribute columns travel as keys of a parameter map (``SET n +=
row.properties``). The ``.cypher`` files are package data, read with :mod:`importlib.resources`
so an installed wheel finds them wherever it runs.
"""

from __future__ import annotations

import functools
import importlib.resources
import logging
import re
from dataclasses import dataclass

from graphdyn.components import NAMES
from graphdyn.data import contract
from graphdyn.data.contract import Table
from graphdyn.errors import Neo4jError
from graphdyn.neo4j.connection import QueryRunner

__all__ = [
    "AUDIT_ID",
    "AUDIT_RUN",
    "CUSTOMER",
    "INTERACTION",
    "INTERNAL_PROPERTIES",
    "LISTED",
    "ATTRIBUTE_LABELS",
    "PRODUCT",
    "STAFF",
    "TIE_PROPERTIES",
    "NodeLabel",
    "apply_schema",
    "cypher_path",
    "statement",
    "statements",
]

logger = logging.getLogger(__name__)

#: Marks a node that has a row in its attribute table (not only a mention in interactions).
LISTED = "listed"
#: The write-back run that last set a node's or a TIE's audit properties.
AUDIT_RUN = "audit_run"
#: Properties graphdyn keeps on nodes for itself; attribute columns may not use these names.
INTERNAL_PROPERTIES: tuple[str, ...] = (LISTED, AUDIT_RUN)
#: The key of the one Audit node: the graph holds the latest written audit.
AUDIT_ID = "current"

#: Properties of a TIE: the audit's ties table columns that are written back (the components
#: from their declarations, :mod:`graphdyn.components`).
TIE_PROPERTIES: tuple[str, ...] = (
    "strength",
    *NAMES,
    "liveness",
    "p_alive",
    "value_at_risk",
    "strength_at_risk",
    "n_interactions",
    "contact_days",
    "first_contact",
    "last_contact",
    "days_since_last",
    "typical_gap_days",
    "overdue",
    "trend",
    "trend_delta",
    "status",
    "days_to_at_risk",
)

_CUSTOMER_AUDIT = (
    *TIE_PROPERTIES,
    "intensity_raw",
    "value_raw",
    "staff_contacts",
    "strong_ties",
    "single_threaded",
    "top_staff_id",
    "betweenness",
    "pagerank",
)

_STAFF_AUDIT = (
    "customers",
    "portfolio_strength",
    "strong_ties",
    "single_threaded_customers",
    "sole_strong_tie_customers",
    "betweenness",
    "pagerank",
    "constraint",
    "effective_size",
    "departure_at_risk",
    "value_at_stake",
)

_STATEMENT_END = re.compile(r";[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class NodeLabel:
    """A node label, the input table it comes from, its statements, and what the write-back sets.

    Parameters
    ----------
    label : str
        The Neo4j label.
    table : Table
        The data-contract table; its key column is the node's key property.
    audit_properties : tuple of str
        Audit columns written onto these nodes (allow-list).
    load, readback, writeback : str or None
        The packaged statements (``cypher/<name>.cypher``) that load these nodes from their
        table, read them back, and write the audit onto them; None where there is none.
    """

    label: str
    table: Table
    audit_properties: tuple[str, ...] = ()
    load: str | None = None
    readback: str | None = None
    writeback: str | None = None

    @property
    def key(self) -> str:
        """The key property, e.g. ``customer_id``."""
        return self.table.key

    @property
    def attribute_columns(self) -> tuple[str, ...]:
        """The contract's columns other than the key."""
        return tuple(c for c in self.table.column_names if c != self.key)

    @property
    def reserved(self) -> frozenset[str]:
        """Property names that an extra attribute column may not take."""
        return frozenset((*self.audit_properties, *INTERNAL_PROPERTIES))


CUSTOMER = NodeLabel(
    "Customer",
    contract.CUSTOMERS,
    _CUSTOMER_AUDIT,
    load="load_customers",
    readback="readback_customers",
    writeback="writeback_customers",
)
STAFF = NodeLabel(
    "Staff",
    contract.STAFF,
    _STAFF_AUDIT,
    load="load_staff",
    readback="readback_staff",
    writeback="writeback_staff",
)
PRODUCT = NodeLabel(
    "Product", contract.PRODUCTS, load="load_products", readback="readback_products"
)
INTERACTION = NodeLabel("Interaction", contract.INTERACTIONS, readback="readback_interactions")

#: The labels loaded from attribute tables, by table name.
ATTRIBUTE_LABELS: dict[str, NodeLabel] = {
    label.table.name: label for label in (CUSTOMER, STAFF, PRODUCT)
}


def cypher_path(name: str) -> importlib.resources.abc.Traversable:
    """Return the packaged ``.cypher`` file ``name`` (``"schema"``, ``"queries/tie_strength"``).

    Examples
    --------
    >>> cypher_path("schema").name
    'schema.cypher'
    """
    return importlib.resources.files("graphdyn").joinpath("cypher", f"{name}.cypher")


@functools.cache
def statement(name: str) -> str:
    """Return the text of a packaged ``.cypher`` file holding one statement.

    Parameters
    ----------
    name : str
        The file's path under ``graphdyn/cypher`` without ``.cypher``.

    Returns
    -------
    str
        The statement, comments included (the server ignores them).

    Raises
    ------
    Neo4jError
        If the file is missing from the installation.

    Examples
    --------
    >>> "MERGE (n:Customer" in statement("load_customers")
    True
    """
    path = cypher_path(name)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise Neo4jError(f"graphdyn's Cypher file {name}.cypher is missing") from error


def statements(name: str) -> list[str]:
    """Split a packaged ``.cypher`` file into its statements (each ending in ``;``).

    Statements are separated by a semicolon at the end of a line; ``//`` comment lines are
    dropped.

    Examples
    --------
    >>> len(statements("schema"))
    8
    """
    code = "\n".join(
        line for line in statement(name).splitlines() if not line.lstrip().startswith("//")
    )
    return [part.strip() for part in _STATEMENT_END.split(code) if part.strip()]


def apply_schema(runner: QueryRunner, *, timeout: float = 120.0) -> int:
    """Create the constraints and indexes of ``schema.cypher`` and wait until they are online.

    Idempotent: existing constraints and indexes are left as they are.

    Parameters
    ----------
    runner : QueryRunner
        Where to create them.
    timeout : float
        Seconds to wait for the indexes to come online.

    Returns
    -------
    int
        How many schema statements ran.

    Examples
    --------
    >>> apply_schema(runner)  # doctest: +SKIP
    8
    """
    schema = statements("schema")
    for text in schema:
        runner.write(text, name="schema.cypher")
    runner.write("CALL db.awaitIndexes($timeout)", {"timeout": int(timeout)}, name="schema")
    logger.info("schema: %d constraints and indexes in place", len(schema))
    return len(schema)
