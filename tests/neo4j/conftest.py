"""Fixtures for tests against a real Neo4j server; every test under tests/neo4j/ is marked neo4j.

The server comes from ``GRAPHDYN_NEO4J_URI``/``_USER``/``_PASSWORD``/``_DATABASE`` when all four
are set; otherwise the session starts the local server of :mod:`graphdyn.neo4j.server` in
``<repo>/.neo4j/test`` (kept between runs) and stops it at the end only if it started it.

``GRAPHDYN_SKIP_NEO4J=1`` skips these tests on a developer's machine, with the reason shown; it
is ignored when ``CI`` is set, where a server that cannot start is a test error with its log.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import neo4j
import pytest

from graphdyn.errors import GraphdynError
from graphdyn.neo4j import server

_HERE = Path(__file__).resolve().parent
_REPO = _HERE.parents[1]
_SETTINGS = (
    "GRAPHDYN_NEO4J_URI",
    "GRAPHDYN_NEO4J_USER",
    "GRAPHDYN_NEO4J_PASSWORD",
    "GRAPHDYN_NEO4J_DATABASE",
)


@dataclass(frozen=True)
class Neo4jSettings:
    """How to reach the test server; ``home`` is set when this session's module runs it."""

    uri: str
    user: str
    password: str = field(repr=False)
    database: str
    home: Path | None = None

    @property
    def auth(self) -> tuple[str, str]:
        """The (user, password) pair for ``neo4j.GraphDatabase.driver``."""
        return (self.user, self.password)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test collected under tests/neo4j/ with ``neo4j``."""
    for item in items:
        if item.path.is_relative_to(_HERE):
            item.add_marker(pytest.mark.neo4j)


def _skip_requested() -> bool:
    return os.environ.get("GRAPHDYN_SKIP_NEO4J") == "1" and not os.environ.get("CI")


@pytest.fixture(scope="session")
def neo4j_settings() -> Iterator[Neo4jSettings]:
    """Connection settings of a running Neo4j 5.26 server, started here if need be."""
    if _skip_requested():
        pytest.skip("GRAPHDYN_SKIP_NEO4J=1: tests needing a Neo4j server are skipped")
    from_env = {name: os.environ.get(name, "") for name in _SETTINGS}
    if all(from_env.values()):
        uri, user, password, database = (from_env[name] for name in _SETTINGS)
        yield Neo4jSettings(uri=uri, user=user, password=password, database=database)
        return
    home = _REPO / ".neo4j" / "test"
    try:
        info = server.start(home)
    except GraphdynError as error:
        pytest.fail(f"could not start the local Neo4j server in {home}:\n{error}", pytrace=False)
    stored = server.read_connection_env(home)
    try:
        yield Neo4jSettings(
            uri=info.uri,
            user=info.user,
            password=stored["GRAPHDYN_NEO4J_PASSWORD"],
            database=info.database,
            home=home,
        )
    finally:
        if info.started:
            server.stop(home)


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_settings: Neo4jSettings) -> Iterator[neo4j.Driver]:
    """One driver for the session, connected to the test server."""
    with neo4j.GraphDatabase.driver(neo4j_settings.uri, auth=neo4j_settings.auth) as driver:
        driver.verify_connectivity()
        yield driver


def _quoted(name: str) -> str:
    """Quote a schema name for Cypher, which takes no parameters in DROP statements."""
    return "`" + name.replace("`", "``") + "`"


@pytest.fixture(scope="session")
def delete_all_data(
    neo4j_driver: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> Callable[[], None]:
    """Return a function that deletes every node and relationship (the schema stays)."""

    def delete() -> None:
        with neo4j_driver.session(database=neo4j_settings.database) as session:
            # CALL ... IN TRANSACTIONS needs an auto-commit transaction, hence session.run.
            # Relationships first, then nodes: detaching dense nodes in one go overflows the
            # small test server's transaction memory pool.
            session.run(
                "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS"
            ).consume()
            session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()

    return delete


@pytest.fixture
def clean_db(
    neo4j_driver: neo4j.Driver,
    neo4j_settings: Neo4jSettings,
    delete_all_data: Callable[[], None],
) -> neo4j.Driver:
    """Empty the test database before a test: nodes, relationships, constraints, indexes."""
    database = neo4j_settings.database
    delete_all_data()
    constraints, _, _ = neo4j_driver.execute_query(
        "SHOW CONSTRAINTS YIELD name", database_=database, routing_=neo4j.RoutingControl.READ
    )
    for record in constraints:
        neo4j_driver.execute_query(f"DROP CONSTRAINT {_quoted(record['name'])}", database_=database)
    indexes, _, _ = neo4j_driver.execute_query(
        "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name",
        database_=database,
        routing_=neo4j.RoutingControl.READ,
    )
    for record in indexes:
        neo4j_driver.execute_query(f"DROP INDEX {_quoted(record['name'])}", database_=database)
    return neo4j_driver
