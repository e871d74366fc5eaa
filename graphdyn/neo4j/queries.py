"""Parameterised Cypher queries: the packaged catalogue, users' files, and running them.

A query file holds one Cypher statement after a header of ``//`` comment lines. The header's
first line says what the query is; the lines after it say what it answers; parameter lines
declare each ``$parameter``::

    // @param NAME TYPE [= DEFAULT] [-- what it is]

TYPE is one of ``string``, ``integer``, ``float``, ``boolean``, ``date``, ``datetime``,
``map``, ``list`` or ``any``; a parameter without a default is required, ``= null`` makes it
optional with no value. Values given on the command line (``--param NAME=VALUE``) are
converted to the declared type. For a parameter the file does not declare (a user's file
without ``@param`` lines), the value's type is inferred: ``true``/``false``, ``null``,
integers, decimal numbers, ISO dates (``2024-05-01``) and datetimes (``2024-05-01T09:30``,
naive = UTC), JSON lists and maps (``[1, 2]``, ``{"a": 1}``), a JSON string to force text
(``'"00123"'``), and text otherwise.

Every value travels as a query parameter; nothing given by a user is pasted into Cypher. Queries
run in read transactions unless writing is asked for, and the server refuses a write in a read
transaction.
"""

from __future__ import annotations

import csv
import importlib.resources
import io
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import neo4j.graph
import neo4j.time

from graphdyn.components import COMPONENTS, DEFAULT_WEIGHTS
from graphdyn.errors import UsageError
from graphdyn.model.rhythm import QUADRATURE
from graphdyn.neo4j.connection import QueryRunner, Record

__all__ = [
    "PARAMETER_TYPES",
    "CypherQuery",
    "Parameter",
    "QueryResult",
    "canned_queries",
    "find_query",
    "parse_parameters",
    "parse_query",
    "parse_value",
    "run_query",
    "to_plain",
    "to_text",
    "with_model",
]

#: The types a ``@param`` line may declare.
PARAMETER_TYPES: tuple[str, ...] = (
    "string",
    "integer",
    "float",
    "boolean",
    "date",
    "datetime",
    "map",
    "list",
    "any",
)

_PARAM_LINE = re.compile(
    r"^@param\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[a-z]+)"
    r"(?:\s*=\s*(?P<default>.*?))?(?:\s+--\s+(?P<help>.*))?\s*$"
)
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_FLOAT = re.compile(r"^[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][+-]?[0-9]+)?$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DATETIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}")
_TRUE = ("true", "yes", "1")
_FALSE = ("false", "no", "0")


@dataclass(frozen=True)
class Parameter:
    """A ``$parameter`` a query declares.

    Parameters
    ----------
    name : str
        Without the ``$``.
    type : str
        One of :data:`PARAMETER_TYPES`.
    required : bool
        Whether a value must be given.
    default : object
        The value used when none is given (None if there is none).
    help : str
        What the parameter is.
    """

    name: str
    type: str
    required: bool
    default: Any = None
    help: str = ""


@dataclass(frozen=True)
class CypherQuery:
    """One Cypher statement with its header.

    Parameters
    ----------
    name : str
        The file's stem (``at_risk_customers``).
    source : str
        Where it came from, for messages (``at_risk_customers.cypher`` or a path).
    text : str
        The statement as sent, header comments included.
    summary : str
        The header's first line.
    description : str
        The rest of the header: what the query answers.
    parameters : tuple of Parameter
        The declared parameters, in order.
    """

    name: str
    source: str
    text: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]

    def parameter(self, name: str) -> Parameter | None:
        """Return the declared parameter called ``name``, or None."""
        return next((p for p in self.parameters if p.name == name), None)


@dataclass(frozen=True)
class QueryResult:
    """The rows a query returned.

    Parameters
    ----------
    columns : list of str
        Column names in the order the query returns them (empty when there are no rows).
    rows : list of dict
        One mapping per row, values as the driver gives them (see :func:`to_plain`).
    """

    columns: list[str]
    rows: list[Record]

    def to_json(self) -> str:
        """Return the rows as a JSON array of objects (temporal values as ISO-8601 text).

        Examples
        --------
        >>> import neo4j.time
        >>> rows = [{"id": "C1", "day": neo4j.time.Date(2024, 5, 1)}]
        >>> print(QueryResult(["id", "day"], rows).to_json())
        [
          {
            "id": "C1",
            "day": "2024-05-01"
          }
        ]
        """
        rows = [{column: to_plain(row[column]) for column in self.columns} for row in self.rows]
        return json.dumps(rows, indent=2, ensure_ascii=False)

    def to_csv(self) -> str:
        """Return the rows as CSV with a header; lists and maps as JSON text, null as blank.

        Examples
        --------
        >>> rows = [{"id": "C1", "tags": ["a"], "x": None}]
        >>> print(QueryResult(["id", "tags", "x"], rows).to_csv())
        id,tags,x
        C1,"[""a""]",
        <BLANKLINE>
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([to_text(to_plain(row[column])) for column in self.columns])
        return buffer.getvalue()


def parse_query(text: str, *, name: str, source: str) -> CypherQuery:
    r"""Parse a query file's header and statement.

    Parameters
    ----------
    text : str
        The file's content.
    name, source : str
        The query's name and where it came from.

    Returns
    -------
    CypherQuery

    Raises
    ------
    UsageError
        If the file has no statement, or a ``@param`` line is malformed.

    Examples
    --------
    >>> query = parse_query(
    ...     "// Big customers.\n// @param limit integer = 5 -- how many\n"
    ...     "MATCH (c:Customer) RETURN c LIMIT $limit;\n", name="big", source="big.cypher")
    >>> query.summary, query.parameters[0].default, query.text.endswith("$limit")
    ('Big customers.', 5, True)
    """
    header: list[str] = []
    parameters: list[Parameter] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("//"):
            break
        comment = stripped[2:].strip()
        if comment.startswith("@param"):
            parameters.append(_parse_parameter(comment, source))
        else:
            header.append(comment)
    body = text.strip().removesuffix(";").rstrip()
    if not body or all(
        not line.strip() or line.strip().startswith("//") for line in body.splitlines()
    ):
        raise UsageError(f"{source}: no Cypher statement in the file")
    return CypherQuery(
        name=name,
        source=source,
        text=body,
        summary=header[0] if header else "",
        description="\n".join(header[1:]),
        parameters=tuple(parameters),
    )


#: ``// @components: PART`` lines of a packaged query, and what each becomes per component.
_COMPONENT_LINES: dict[str, str] = {
    "values": "{cypher} AS {name},",
    "carried": "{name},",
    "weighted": "[coalesce($weights.{name}, 0.0), {name}],",
    "columns": "{name},",
}
_COMPONENT_MARK = re.compile(
    r"^(?P<indent>[ \t]*)// @components: (?P<part>[a-z]+)[ \t]*$", re.MULTILINE
)


def with_model(text: str) -> str:
    r"""Write graphdyn's model into a packaged query: its components and quadrature rule.

    A line ``// @components: PART`` becomes one line per component of
    :data:`~graphdyn.components.COMPONENTS`: its Cypher expression (``values``), its
    name carried through a ``WITH`` (``carried``), its weighted pair (``weighted``) or its
    returned column (``columns``). In ``@param`` lines, ``= @components`` becomes the default
    weights and ``= @quadrature`` the Gauss-Legendre rule the Python model integrates with.
    Only code is written in; every value still travels as a parameter.

    Examples
    --------
    >>> print(with_model("WITH i\n  // @components: columns\n  x"))
    WITH i
      intensity,
      tenure,
      reciprocity,
      affect,
      value,
      x
    """

    def expand(match: re.Match[str]) -> str:
        pattern = _COMPONENT_LINES.get(match["part"])
        if pattern is None:
            raise ValueError(f"unknown @components part {match['part']!r}")
        return "\n".join(
            match["indent"] + pattern.format(name=c.name, cypher=c.cypher) for c in COMPONENTS
        )

    nodes, weights = QUADRATURE
    rule = json.dumps([[float(x), float(w)] for x, w in zip(nodes, weights, strict=True)])
    text = _COMPONENT_MARK.sub(expand, text)
    text = text.replace("= @components --", f"= {json.dumps(dict(DEFAULT_WEIGHTS))} --")
    return text.replace("= @quadrature --", f"= {rule} --")


def canned_queries() -> dict[str, CypherQuery]:
    """Return the packaged queries (``graphdyn/cypher/queries/*.cypher``) by name.

    The model's parts are written into them as they load (:func:`with_model`).

    Examples
    --------
    >>> sorted(canned_queries())[:2]
    ['at_risk_customers', 'departure_stranded']
    """
    folder = importlib.resources.files("graphdyn").joinpath("cypher", "queries")
    queries = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".cypher"):
            name = entry.name.removesuffix(".cypher")
            queries[name] = parse_query(
                with_model(entry.read_text(encoding="utf-8")), name=name, source=entry.name
            )
    return queries


def find_query(name_or_file: str) -> CypherQuery:
    """Find a packaged query by name, or read a user's ``.cypher`` file.

    Parameters
    ----------
    name_or_file : str
        A packaged query's name (``at_risk_customers``) or the path of a file.

    Returns
    -------
    CypherQuery

    Raises
    ------
    UsageError
        If there is no such query or file (the message lists the packaged queries).

    Examples
    --------
    >>> find_query("staff_portfolio").parameter("staff_id").required
    True
    """
    path = Path(name_or_file)
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"{path}: cannot read the query file ({error})") from error
        return parse_query(text, name=path.stem, source=str(path))
    queries = canned_queries()
    if name_or_file in queries:
        return queries[name_or_file]
    what = "no such file" if path.suffix == ".cypher" or "/" in name_or_file else "no query"
    raise UsageError(
        f"{what} {name_or_file!r}; packaged queries: {', '.join(queries)} (or give a .cypher file)"
    )


def parse_value(text: str, type_: str = "any", *, name: str = "value") -> Any:
    """Convert a command-line value to a Cypher parameter value.

    Parameters
    ----------
    text : str
        The value as typed.
    type_ : str
        One of :data:`PARAMETER_TYPES`; ``any`` infers the type (see the module's docstring).
    name : str
        The parameter's name, for messages.

    Returns
    -------
    object
        None, bool, int, float, str, :class:`datetime.date`, a UTC :class:`datetime.datetime`,
        a list or a dict.

    Raises
    ------
    UsageError
        If the value is not of the declared type, or not valid JSON where JSON is expected.

    Examples
    --------
    >>> parse_value("20"), parse_value("0.5"), parse_value("2024-05-01"), parse_value("C001")
    (20, 0.5, datetime.date(2024, 5, 1), 'C001')
    >>> parse_value("00123", "string"), parse_value('"00123"')
    ('00123', '00123')
    """
    if type_ not in PARAMETER_TYPES:
        raise UsageError(f"parameter {name}: unknown type {type_!r}")
    if text.strip().lower() == "null":
        return None
    try:
        return _CONVERT[type_](text)
    except (ValueError, TypeError) as error:
        if type_ == "any":
            raise UsageError(f"parameter {name}: not valid JSON ({text})") from error
        article = "an" if type_[0] in "aeiou" else "a"
        raise UsageError(f"parameter {name}: expected {article} {type_} ({text})") from error


def parse_parameters(pairs: Sequence[str], query: CypherQuery) -> dict[str, Any]:
    """Turn ``NAME=VALUE`` pairs into the query's parameters, defaults filled in.

    Parameters
    ----------
    pairs : sequence of str
        As given with ``--param``.
    query : CypherQuery
        Declares the parameters' types and defaults (if it declares any).

    Returns
    -------
    dict
        Every declared parameter (given or default) and every undeclared one given.

    Raises
    ------
    UsageError
        For a malformed pair, a repeated or unknown name (when the query declares its
        parameters), a value of the wrong type, or a required parameter left out.

    Examples
    --------
    >>> parse_parameters(["limit=5"], find_query("at_risk_customers"))
    {'limit': 5}
    """
    given: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--param: expected NAME=VALUE ({pair})")
        if name in given:
            raise UsageError(f"--param: {name} given twice")
        declared = query.parameter(name)
        if declared is None and query.parameters:
            known = ", ".join(p.name for p in query.parameters)
            raise UsageError(f"{query.source}: no parameter {name!r}; its parameters: {known}")
        given[name] = parse_value(text, declared.type if declared else "any", name=name)
    for parameter in query.parameters:
        if parameter.name not in given:
            if parameter.required:
                raise UsageError(
                    f"{query.source}: parameter {parameter.name} is required "
                    f"(--param {parameter.name}=VALUE: {parameter.help or parameter.type})"
                )
            given[parameter.name] = parameter.default
    return given


def run_query(
    runner: QueryRunner,
    query: CypherQuery,
    parameters: Mapping[str, Any] | None = None,
    *,
    write: bool = False,
) -> QueryResult:
    """Run a query, read-only unless ``write``.

    Parameters
    ----------
    runner : QueryRunner
        The database.
    query : CypherQuery
        From :func:`find_query` or :func:`parse_query`.
    parameters : mapping, optional
        From :func:`parse_parameters` (or any mapping of values).
    write : bool
        Run in a write transaction. Without it the query runs in a read transaction, and a
        query that writes fails with a :class:`~graphdyn.errors.Neo4jQueryError`.

    Returns
    -------
    QueryResult

    Raises
    ------
    Neo4jQueryError
        If the server rejects the query (syntax, missing parameter, a write when reading).

    Examples
    --------
    >>> query = find_query("at_risk_customers")
    >>> run_query(runner, query, {"limit": 3}).columns[:2]  # doctest: +SKIP
    ['customer_id', 'name']
    """
    execute = runner.write if write else runner.read
    rows = execute(query.text, dict(parameters or {}), name=query.source)
    return QueryResult(columns=list(rows[0]) if rows else [], rows=rows)


def to_plain(value: Any) -> Any:
    """Convert a value the driver returned into plain JSON-ready Python values.

    Temporal values become ISO-8601 text (UTC as ``Z``), nodes ``{"labels", "properties"}``,
    relationships ``{"type", "properties"}``, paths ``{"nodes", "relationships"}``, NaN and
    infinities None.

    Examples
    --------
    >>> import neo4j.time
    >>> to_plain({"when": neo4j.time.Date(2024, 5, 1), "scores": [0.5, float("nan")]})
    {'when': '2024-05-01', 'scores': [0.5, None]}
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, neo4j.time.DateTime):
        return to_plain(value.to_native())
    if isinstance(value, neo4j.time.Date | neo4j.time.Time | neo4j.time.Duration):
        return value.iso_format()
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, neo4j.graph.Node):
        return {"labels": sorted(value.labels), "properties": to_plain(dict(value))}
    if isinstance(value, neo4j.graph.Relationship):
        return {"type": value.type, "properties": to_plain(dict(value))}
    if isinstance(value, neo4j.graph.Path):
        return {
            "nodes": [to_plain(node) for node in value.nodes],
            "relationships": [to_plain(rel) for rel in value.relationships],
        }
    if isinstance(value, Mapping):
        return {str(key): to_plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    return value


def to_text(value: Any) -> str:
    """Write one plain value (:func:`to_plain`) as text, exactly, as a CSV field holds it.

    Examples
    --------
    >>> [to_text(v) for v in (None, True, 1.98864e-20, ["a", 1], {"k": None}, "x")]
    ['', 'true', '1.98864e-20', '["a", 1]', '{"k": null}', 'x']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _parse_parameter(comment: str, source: str) -> Parameter:
    found = _PARAM_LINE.match(comment)
    if not found or found["type"] not in PARAMETER_TYPES:
        raise UsageError(
            f"{source}: malformed parameter line (expected '// @param NAME TYPE [= DEFAULT] "
            f"[-- help]' with TYPE one of {', '.join(PARAMETER_TYPES)}): {comment}"
        )
    default_text = found["default"]
    name, type_ = found["name"], found["type"]
    default = None if default_text is None else parse_value(default_text, type_, name=name)
    return Parameter(
        name=name,
        type=type_,
        required=default_text is None,
        default=default,
        help=(found["help"] or "").strip(),
    )


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(text)


def _integer(text: str) -> int:
    if not _INTEGER.match(text.strip()):
        raise ValueError(text)
    return int(text)


def _float(text: str) -> float:
    if not _FLOAT.match(text.strip()):
        raise ValueError(text)
    return float(text)


def _datetime(text: str) -> datetime:
    stamp = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def _json(kind: type) -> Any:
    def convert(text: str) -> Any:
        value = json.loads(text)
        if not isinstance(value, kind):
            raise ValueError(text)
        return value

    return convert


def _infer(text: str) -> Any:
    stripped = text.strip()
    lowered = stripped.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if _INTEGER.match(stripped):
        return int(stripped)
    if _FLOAT.match(stripped):
        return float(stripped)
    if _DATE.match(stripped):
        return date.fromisoformat(stripped)
    if _DATETIME.match(stripped):
        return _datetime(stripped)
    if stripped[:1] in ("[", "{", '"'):
        return json.loads(stripped)
    return text


_CONVERT: dict[str, Any] = {
    "string": str,
    "integer": _integer,
    "float": _float,
    "boolean": _boolean,
    "date": lambda text: date.fromisoformat(text.strip()),
    "datetime": _datetime,
    "map": _json(dict),
    "list": _json(list),
    "any": _infer,
}
