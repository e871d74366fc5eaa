"""Where the Neo4j server is and how to log in: environment first, then ``graphdyn.toml``.

Each setting is taken from the first place that has it:

1. the environment: ``GRAPHDYN_NEO4J_URI``, ``_USER``, ``_PASSWORD``, ``_DATABASE``
   (``eval "$(scripts/neo4j-local env)"`` exports them for the local server);
2. the ``[neo4j]`` table of ``graphdyn.toml`` (keys ``uri``, ``user``, ``password``,
   ``database``);
3. the defaults ``bolt://127.0.0.1:7687``, user ``neo4j``, database ``neo4j``.

There is no default password: without one, :func:`load_settings` raises a
:class:`~graphdyn.errors.ConfigError` that says where to set it. The password never appears in
a ``repr`` or a message.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphdyn.errors import ConfigError

__all__ = [
    "DEFAULT_DATABASE",
    "DEFAULT_URI",
    "DEFAULT_USER",
    "ENV_PREFIX",
    "Neo4jSettings",
    "load_settings",
]

#: The Bolt address used when neither the environment nor the config file names one.
DEFAULT_URI = "bolt://127.0.0.1:7687"
#: The user used when none is configured.
DEFAULT_USER = "neo4j"
#: The database used when none is configured.
DEFAULT_DATABASE = "neo4j"
#: Environment variables are this prefix plus the upper-case key: ``GRAPHDYN_NEO4J_URI``.
ENV_PREFIX = "GRAPHDYN_NEO4J_"

_KEYS = ("uri", "user", "password", "database")
_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


@dataclass(frozen=True)
class Neo4jSettings:
    """How to reach a Neo4j server.

    Parameters
    ----------
    password : str
        The password of ``user`` (never shown in ``repr``).
    uri : str
        The server's address, e.g. ``bolt://127.0.0.1:7687``.
    user : str
        The user to log in as.
    database : str
        The database every query runs against.

    Examples
    --------
    >>> Neo4jSettings(password="secret")
    Neo4jSettings(uri='bolt://127.0.0.1:7687', user='neo4j', database='neo4j')
    """

    password: str = field(repr=False)
    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    database: str = DEFAULT_DATABASE

    def __post_init__(self) -> None:
        scheme, sep, rest = self.uri.partition("://")
        if not sep or scheme not in _SCHEMES or not rest:
            raise ConfigError(
                f"Neo4j uri must look like bolt://HOST:PORT or neo4j://HOST:PORT ({self.uri!r})"
            )
        for name in ("user", "password", "database"):
            if not getattr(self, name):
                raise ConfigError(f"Neo4j {name} must not be empty")

    @property
    def auth(self) -> tuple[str, str]:
        """The ``(user, password)`` pair for :func:`neo4j.GraphDatabase.driver`."""
        return (self.user, self.password)


def load_settings(
    config_file: str | Path | None = None, *, environ: Mapping[str, str] | None = None
) -> Neo4jSettings:
    """Read the connection settings from the environment, then ``graphdyn.toml``.

    Parameters
    ----------
    config_file : str or Path, optional
        A ``graphdyn.toml`` whose ``[neo4j]`` table is read. Without it, ``./graphdyn.toml`` is
        read if it exists. An explicit path that does not exist is an error.
    environ : mapping of str to str, optional
        The environment to read (``os.environ`` if omitted); empty values count as unset.

    Returns
    -------
    Neo4jSettings

    Raises
    ------
    ConfigError
        If no password is configured, the ``[neo4j]`` table is malformed or has an unknown
        key, or the config file cannot be read.

    Examples
    --------
    >>> settings = load_settings(environ={"GRAPHDYN_NEO4J_PASSWORD": "pw",
    ...                                   "GRAPHDYN_NEO4J_DATABASE": "sales"})
    >>> settings.uri, settings.database
    ('bolt://127.0.0.1:7687', 'sales')
    """
    env = os.environ if environ is None else environ
    from_file = _file_settings(config_file)
    values: dict[str, str] = {}
    for key in _KEYS:
        configured = env.get(ENV_PREFIX + key.upper()) or from_file.get(key)
        if configured:
            values[key] = configured
    if "password" not in values:
        raise ConfigError(
            f"no Neo4j password: set {ENV_PREFIX}PASSWORD (for the local server: "
            'eval "$(scripts/neo4j-local env)") or password in the [neo4j] table of graphdyn.toml'
        )
    return Neo4jSettings(**values)


def _file_settings(config_file: str | Path | None) -> dict[str, str]:
    """Return the checked ``[neo4j]`` table of the config file; empty if there is none."""
    if config_file is None:
        candidate = Path("graphdyn.toml")
        if not candidate.is_file():
            return {}
        config_file = candidate
    path = Path(config_file)
    try:
        with path.open("rb") as handle:
            document: dict[str, Any] = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    table = document.get("neo4j", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: neo4j must be a table ([neo4j])")
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting neo4j.{unknown[0]}; known settings: {', '.join(_KEYS)}"
        )
    for key, value in table.items():
        if not isinstance(value, str):
            raise ConfigError(f"{path}: neo4j.{key} must be a string")
    return dict(table)
