"""The one exception hierarchy of graphdyn.

Every error a user can cause derives from :class:`GraphdynError`; the CLI turns each into one
clear message and an exit status (2 for bad input or usage, 3 for Neo4j unreachable or refused),
never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ConfigError",
    "DataError",
    "DataProblem",
    "EngineMemoryError",
    "GraphdynError",
    "Neo4jConnectionError",
    "Neo4jError",
    "Neo4jQueryError",
    "UsageError",
]


class GraphdynError(Exception):
    """Base class of every error graphdyn raises on purpose.

    Attributes
    ----------
    exit_code : int
        The process exit status the CLI uses for this error.
    """

    exit_code: int = 2


class UsageError(GraphdynError):
    """A command was asked for something it cannot do (bad option value, folder exists, ...)."""


class ConfigError(GraphdynError):
    """A configuration file or parameter is invalid."""


@dataclass(frozen=True)
class DataProblem:
    """One rejected value in an input file.

    Parameters
    ----------
    file : str
        The file name, e.g. ``interactions.csv``.
    line : int or None
        The 1-based line; the header is line 1. ``None`` for whole-file problems.
    column : str or None
        The column concerned, ``None`` for whole-file or whole-row problems.
    problem : str
        What is wrong, in words.
    value : str or None
        The offending value as read, if there is one.

    Examples
    --------
    >>> str(DataProblem("interactions.csv", 7, "sentiment", "outside [-1, 1]", "1.5"))
    'interactions.csv:7: sentiment: outside [-1, 1] (1.5)'
    """

    file: str
    line: int | None
    column: str | None
    problem: str
    value: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.column is not None:
            parts.append(self.column)
        text = ": ".join(parts) + f": {self.problem}"
        if self.value is not None:
            text += f" ({self.value})"
        return text


class DataError(GraphdynError):
    """Input data was rejected; carries every problem found, in file and line order.

    Parameters
    ----------
    problems : sequence of DataProblem
        What was wrong, at least one.
    total : int, optional
        How many problems there are in all, when ``problems`` holds only the first ones.
    max_shown : int
        How many problems the message lists before summarising the rest.
    """

    def __init__(
        self, problems: Sequence[DataProblem], *, total: int | None = None, max_shown: int = 20
    ) -> None:
        if not problems:
            raise ValueError("DataError needs at least one problem")
        self.problems: tuple[DataProblem, ...] = tuple(problems)
        self.total: int = max(total or 0, len(self.problems))
        lines = [str(p) for p in self.problems[:max_shown]]
        hidden = self.total - min(max_shown, len(self.problems))
        if hidden > 0:
            lines.append(f"... and {hidden} more problem{'s' if hidden > 1 else ''}")
        super().__init__("\n".join(lines))


class EngineMemoryError(GraphdynError):
    """The query engine ran out of memory under its limit, even spilling to disk.

    The message names the limit and the threads, and what to change: a higher memory limit
    (``--memory-limit``, ``engine.memory_limit``), or fewer engine threads (``engine.threads``;
    each thread holds its own share of a query's state).
    """


class Neo4jError(GraphdynError):
    """Base class for errors talking to Neo4j."""

    exit_code = 3


class Neo4jConnectionError(Neo4jError):
    """The server is down, unreachable, refused the credentials or lacks the database."""


class Neo4jQueryError(Neo4jError):
    """A user's Cypher query was rejected by the server (syntax, unknown parameter, ...)."""

    exit_code = 2
