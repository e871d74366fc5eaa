"""Neo4j: the local server, connection, schema, loads, read-back, write-back and queries.

The graph model and the query catalogue are described in ``docs/neo4j.md``. Typical use::

    from graphdyn.neo4j import load_data, load_settings, open_runner, write_back

    with open_runner(load_settings()) as runner:
        load_data(runner, graphdyn.read_data("data/"))
        write_back(runner, audit)
"""

from graphdyn.neo4j.connection import Neo4jRunner, QueryRunner, connect, open_runner
from graphdyn.neo4j.load import LoadSummary, load_data
from graphdyn.neo4j.queries import CypherQuery, QueryResult, canned_queries, find_query, run_query
from graphdyn.neo4j.readback import read_back
from graphdyn.neo4j.schema import apply_schema
from graphdyn.neo4j.settings import Neo4jSettings, load_settings
from graphdyn.neo4j.writeback import WriteSummary, write_back

__all__ = [
    "CypherQuery",
    "LoadSummary",
    "Neo4jRunner",
    "Neo4jSettings",
    "QueryResult",
    "QueryRunner",
    "WriteSummary",
    "apply_schema",
    "canned_queries",
    "connect",
    "find_query",
    "load_data",
    "load_settings",
    "open_runner",
    "read_back",
    "run_query",
    "write_back",
]
