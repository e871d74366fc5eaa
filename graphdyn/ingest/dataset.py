"""A validated data set: the interactions as an engine source, the attribute tables as frames.

The interactions are scanned and checked in the query engine (:mod:`graphdyn.engine.scan`,
:mod:`graphdyn.engine.checks`) and stay there: a :class:`Dataset` holds where they are (Parquet
files the engine reads again for each audit, or a table in memory for a CSV file or a frame)
and which rows were set aside, and gives the engine its table
(:meth:`Dataset.interactions_table`). A pandas frame of every interaction
(:attr:`Dataset.interactions`) is made only when a caller asks for one. The attribute tables
(customers, staff, products: one row per thing, not per event) are read and checked into
pandas by :mod:`graphdyn.data.validate`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from graphdyn.config import Config, EngineSettings
from graphdyn.data.contract import ATTRIBUTE_TABLES, DIRECTIONS, INTERACTIONS, TABLES, Table
from graphdyn.data.files import (
    ParquetFiles,
    RawTable,
    find_table_file,
    list_parquet,
    load_raw_table,
)
from graphdyn.data.validate import (
    PROBLEM_COLUMNS,
    ParsedTable,
    arrow_table,
    empty_table,
    parse_table,
    problems_to_error,
)
from graphdyn.engine.backend import connect, hold
from graphdyn.engine.checks import check_interactions, missing_columns, typed_interactions
from graphdyn.engine.scan import FILE, ROW, scan_arrow, scan_parquet
from graphdyn.errors import DataError, DataProblem, UsageError

__all__ = [
    "DataLike",
    "Dataset",
    "InteractionSource",
    "OnError",
    "as_dataset",
    "load_raw_tables",
    "read_data",
    "to_timestamp",
]

log = logging.getLogger(__name__)

OnError = Literal["raise", "quarantine"]

_UTC_MICROS = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class InteractionSource:
    """Where a data set's checked interactions are, for any engine connection to read them.

    Parameters
    ----------
    channels : tuple of str
        The allowed channels they were checked against.
    engine : EngineSettings
        The engine's resources, for the queries a :class:`Dataset` runs by itself.
    parquet : tuple of str
        Parquet files the engine scans (and checks again as it reads them), or none.
    memory : pyarrow.Table or None
        Otherwise the checked rows in memory (a CSV file's, a frame's), typed.
    rejected : pyarrow.Table or None
        The places (file, row) of rows set aside, left out of every scan.
    as_of : pandas.Timestamp or None
        Only interactions up to this instant (:meth:`Dataset.until`).
    """

    channels: tuple[str, ...]
    engine: EngineSettings
    parquet: tuple[str, ...] = ()
    memory: pa.Table | None = None
    rejected: pa.Table | None = None
    as_of: pd.Timestamp | None = None

    def table(self, backend: BaseBackend) -> ir.Table:
        """Return the checked interactions as an Ibis table of ``backend``.

        The contract columns typed (see :func:`~graphdyn.engine.checks.typed_interactions`),
        the file's other columns as text, then each row's file and row
        (:data:`~graphdyn.engine.scan.FILE`, :data:`~graphdyn.engine.scan.ROW`).
        """
        if self.memory is not None:
            table = ibis.memtable(self.memory)
        else:
            table = typed_interactions(scan_parquet(backend, self.parquet), self.channels)
            if self.rejected is not None and self.rejected.num_rows:
                table = table.anti_join(ibis.memtable(self.rejected), [FILE, ROW])
        if self.as_of is not None:
            table = table.filter(table.timestamp <= self.as_of.to_pydatetime())
        return table


@dataclass(frozen=True)
class Dataset:
    """Interactions and attribute tables, parsed and checked against the data contract.

    Parameters
    ----------
    events : InteractionSource
        The checked interactions, in the engine (:meth:`interactions_table`); as a pandas
        frame, :attr:`interactions`.
    customers, staff, products : pandas.DataFrame
        Attribute tables (possibly empty, always with the contract's columns).
    source : str
        Where the data came from (a folder, ``"frames"`` or ``"neo4j"``).
    rejects : pandas.DataFrame
        Rows rejected in quarantine mode (file, line, column, problem, value); empty otherwise.
    excluded_after_as_of : int
        Interactions left out by :meth:`until` because they happened after the as-of date.

    Examples
    --------
    >>> import pandas as pd
    >>> data = Dataset.from_frames(pd.DataFrame({
    ...     "interaction_id": ["i1"], "timestamp": ["2024-05-01"], "customer_id": ["c1"],
    ...     "channel": ["phone"]}))
    >>> data.interactions["timestamp"].iloc[0]
    Timestamp('2024-05-01 00:00:00+0000', tz='UTC')
    """

    events: InteractionSource
    customers: pd.DataFrame
    staff: pd.DataFrame
    products: pd.DataFrame
    source: str = "frames"
    rejects: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(PROBLEM_COLUMNS))
    )
    excluded_after_as_of: int = 0

    def __repr__(self) -> str:
        return (
            f"Dataset(source={self.source!r}, interactions={self._counts['interactions']}, "
            f"customers={len(self.customer_ids())}, staff={len(self.staff_ids())}, "
            f"products={len(self.product_ids())})"
        )

    @classmethod
    def from_frames(
        cls,
        interactions: pd.DataFrame,
        customers: pd.DataFrame | None = None,
        staff: pd.DataFrame | None = None,
        products: pd.DataFrame | None = None,
        *,
        config: Config | None = None,
        on_error: OnError = "raise",
        source: str = "frames",
    ) -> Dataset:
        """Validate in-memory frames exactly as files are validated.

        The interactions go to the engine through Arrow (numeric and timestamp columns without
        a copy). Messages name the table (``interactions``) and the line the row would have in
        a CSV (row position + 2).
        """
        config = config or Config()
        frames = {"customers": customers, "staff": staff, "products": products}
        raws = {
            name: RawTable(name, arrow_table(frame), np.arange(2, len(frame) + 2))
            for name, frame in frames.items()
            if frame is not None
        }
        events = _Events("interactions", None, memory=arrow_table(interactions))
        return _build(events, raws, config, on_error, source)

    def interactions_table(self, backend: BaseBackend) -> ir.Table:
        """Return the interactions as an Ibis table of ``backend``: what the queries read.

        The contract columns of the checked interactions. Parquet files are scanned and
        parsed once, into a temporary table of the engine (in its memory, spilled to disk past
        its limit), which the queries of an audit read, not the files again; a table in memory
        is read in place.

        Examples
        --------
        >>> from graphdyn.engine.backend import connect
        >>> data = Dataset.from_frames(pd.DataFrame({
        ...     "interaction_id": ["i1", "i2"], "timestamp": ["2024-05-01", "2024-05-03"],
        ...     "customer_id": ["c1", "c2"], "channel": ["phone", "email"]}))
        >>> with connect() as backend:
        ...     table = data.until(to_timestamp("2024-05-02")).interactions_table(backend)
        ...     backend.to_pyarrow(table.customer_id).to_pylist()
        ['c1']
        """
        table = self.events.table(backend).select(*INTERACTIONS.column_names)
        if self.events.memory is not None:
            return table
        return hold(backend, table)

    @cached_property
    def interactions(self) -> pd.DataFrame:
        """Every interaction as a pandas frame, in file order (made on first use).

        ``timestamp`` is UTC, ``channel`` and ``direction`` categorical, numbers float64 with
        NaN for blanks, ids text with NaN for blanks, then the file's other columns as text.
        """
        with connect(self.events.engine) as backend:
            table = self.events.table(backend)
            arrow = backend.to_pyarrow(table.order_by(FILE, ROW).drop(FILE, ROW))
        return _frame(arrow, self.events.channels)

    def interactions_of(self, customer_id: str) -> pd.DataFrame:
        """Return one customer's interactions as :attr:`interactions` holds them.

        Filtered in the engine: only that customer's rows become a pandas frame.

        Examples
        --------
        >>> data = Dataset.from_frames(pd.DataFrame({
        ...     "interaction_id": ["i1", "i2"], "timestamp": ["2024-05-01", "2024-05-03"],
        ...     "customer_id": ["c1", "c2"], "channel": ["phone", "email"]}))
        >>> data.interactions_of("c2")["interaction_id"].tolist()
        ['i2']
        """
        with connect(self.events.engine) as backend:
            table = self.events.table(backend)
            own = table.filter(table.customer_id == customer_id).order_by(FILE, ROW)
            arrow = backend.to_pyarrow(own.drop(FILE, ROW))
        return _frame(arrow, self.events.channels)

    @cached_property
    def _counts(self) -> dict[str, Any]:
        """Counts and date range of the interactions, and their distinct ids, from the engine."""
        with connect(self.events.engine) as backend:
            table = self.events.table(backend)
            per_channel = {
                f"channel_{n}": (table.channel == name).sum()
                for n, name in enumerate(self.events.channels)
            }
            totals = backend.to_pyarrow(
                table.aggregate(
                    interactions=ibis._.count(),
                    self_service=table.staff_id.isnull().sum(),
                    first=table.timestamp.min(),
                    last=table.timestamp.max(),
                    **per_channel,
                )
            ).to_pylist()[0]
            ids = {
                name: backend.to_pyarrow(
                    table.filter(table[name].notnull()).select(name).distinct()
                )[name].to_pandas()
                for name in ("customer_id", "staff_id", "product_id")
            }
        channels = {
            name: int(totals.pop(f"channel_{n}") or 0)
            for n, name in enumerate(self.events.channels)
        }
        return {
            **totals,
            "self_service": int(totals["self_service"] or 0),
            "channels": channels,
            "ids": ids,
        }

    def customer_ids(self) -> pd.Index:
        """Every customer: in the attribute table or referenced by an interaction."""
        return _union(self.customers["customer_id"], self._counts["ids"]["customer_id"])

    def staff_ids(self) -> pd.Index:
        """Every staff member: in the attribute table or referenced by an interaction."""
        return _union(self.staff["staff_id"], self._counts["ids"]["staff_id"])

    def product_ids(self) -> pd.Index:
        """Every product: in the attribute table or referenced by an interaction."""
        return _union(self.products["product_id"], self._counts["ids"]["product_id"])

    def latest(self) -> pd.Timestamp:
        """Return the latest interaction's timestamp (UTC).

        Examples
        --------
        >>> Dataset.from_frames(pd.DataFrame({
        ...     "interaction_id": ["i1", "i2"], "timestamp": ["2024-05-01", "2024-05-03"],
        ...     "customer_id": ["c1", "c2"], "channel": ["phone", "email"]})).latest()
        Timestamp('2024-05-03 00:00:00+0000', tz='UTC')
        """
        return pd.Timestamp(self._counts["last"]).tz_convert("UTC")

    def until(self, as_of: pd.Timestamp) -> Dataset:
        """Return the data as known at ``as_of``: later interactions are excluded and counted.

        A filter on the engine's table; the count comes from the engine.

        Parameters
        ----------
        as_of : pandas.Timestamp
            Events with ``timestamp <= as_of`` are kept.

        Raises
        ------
        UsageError
            If every interaction is after ``as_of``: the message gives the first one's date.
        """
        counts = self._counts
        if counts["last"] is None or pd.Timestamp(counts["last"]) <= as_of:
            return self
        day = as_of.date().isoformat()
        if pd.Timestamp(counts["first"]) > as_of:
            first = pd.Timestamp(counts["first"]).date().isoformat()
            raise UsageError(
                f"no interactions on or before the as-of date {day} (the first is on {first})"
            )
        cut = as_of if self.events.as_of is None else min(as_of, self.events.as_of)
        known = replace(self, events=replace(self.events, as_of=cut))
        later = counts["interactions"] - known._counts["interactions"]
        log.warning("%d interaction(s) after the as-of date %s excluded", later, day)
        return replace(known, excluded_after_as_of=self.excluded_after_as_of + later)

    def summary(self) -> dict[str, Any]:
        """Return counts per table, channel mix, date range and data-quality counts."""
        counts = self._counts
        return {
            "source": self.source,
            "interactions": counts["interactions"],
            "customers": len(self.customer_ids()),
            "staff": len(self.staff_ids()),
            "products": len(self.product_ids()),
            "self_service_interactions": counts["self_service"],
            "channels": {
                name: counts["channels"][name]
                for name in sorted(self.events.channels)
                if counts["channels"].get(name)
            },
            "first_timestamp": _iso(counts["first"]),
            "last_timestamp": _iso(counts["last"]),
            "rejected_rows": len(self.rejects[["file", "line"]].drop_duplicates()),
            "excluded_after_as_of": self.excluded_after_as_of,
        }


def read_data(
    path: str | Path, *, config: Config | None = None, on_error: OnError = "raise"
) -> Dataset:
    r"""Read and validate a data folder (CSV or Parquet) as the data contract describes.

    The interactions are scanned and checked by the engine (``config.engine``); a Parquet
    table stays in its files, read again by each query.

    Parameters
    ----------
    path : str or Path
        A folder holding ``interactions.csv`` (or ``.parquet``, or a folder ``interactions/``
        of Parquet parts) and optionally ``customers``, ``staff`` and ``products`` tables.
    config : Config, optional
        Supplies the allowed channels and the engine's resources; defaults to
        :class:`~graphdyn.config.Config`.
    on_error : {"raise", "quarantine"}
        ``"raise"`` (default) rejects the data on the first bad value, listing all of them;
        ``"quarantine"`` drops bad interaction rows into :attr:`Dataset.rejects` and goes on.
        Whole-file problems (missing file or column, encoding, delimiter) always raise.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        With every problem as ``file:line: column: problem (value)``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "interactions.csv").write_text(
    ...     "interaction_id,timestamp,customer_id,channel,sentiment\n"
    ...     "i1,2024-05-01,c1,phone,1.5\n")
    >>> read_data(folder)
    Traceback (most recent call last):
    ...
    graphdyn.errors.DataError: interactions.csv:2: sentiment: outside [-1, 1] (1.5)
    """
    if on_error not in ("raise", "quarantine"):
        raise UsageError(f"on_error must be 'raise' or 'quarantine' ({on_error!r})")
    folder = Path(path)
    if not folder.is_dir():
        raise DataError([DataProblem(str(folder), None, None, "data folder not found")])
    file = find_table_file(folder, INTERACTIONS)
    if file is None:
        raise DataError(
            [
                DataProblem(
                    "interactions.csv",
                    None,
                    None,
                    "file not found (looked for interactions.csv, interactions.parquet or a "
                    f"folder interactions/ in {folder})",
                )
            ]
        )
    if file.suffix == ".csv":
        raw = load_raw_table(file)
        events = _Events(raw.file, 1, memory=raw.table, rows=raw.lines - 2)
    else:
        events = _Events.of_parquet(list_parquet(file))
    raws = load_raw_tables(folder, ATTRIBUTE_TABLES)
    return _build(events, raws, config or Config(), on_error, str(folder))


#: What :func:`as_dataset` accepts: a read data set, a data folder, or an interactions frame.
DataLike = Dataset | str | Path | pd.DataFrame


def as_dataset(
    data: DataLike, config: Config | None = None, *, on_error: OnError = "raise"
) -> Dataset:
    """Return ``data`` as a validated :class:`Dataset`.

    Parameters
    ----------
    data : Dataset, str, Path or pandas.DataFrame
        A data set (returned as it is), a data folder (read with :func:`read_data`) or an
        interactions frame (validated with :meth:`Dataset.from_frames`).
    config : Config, optional
        Supplies the allowed channels.
    on_error : {"raise", "quarantine"}
        What bad interaction rows do when the data is read or validated here (see
        :func:`read_data`); a data set given as it is was read already.

    Examples
    --------
    >>> events = pd.DataFrame({"interaction_id": ["i1"], "timestamp": ["2024-01-01"],
    ...                        "customer_id": ["c1"], "channel": ["phone"]})
    >>> len(as_dataset(events).interactions)
    1
    """
    if isinstance(data, Dataset):
        return data
    if isinstance(data, pd.DataFrame):
        return Dataset.from_frames(data, config=config, on_error=on_error)
    return read_data(data, config=config, on_error=on_error)


def to_timestamp(value: object) -> pd.Timestamp:
    """Parse a date or datetime (naive = UTC) into a UTC timestamp.

    Raises
    ------
    UsageError
        If the value is not an ISO-8601 date or datetime.

    Examples
    --------
    >>> to_timestamp("2024-03-01")
    Timestamp('2024-03-01 00:00:00+0000', tz='UTC')
    """
    try:
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        raise UsageError(f"not an ISO-8601 date or datetime ({value})") from None
    if pd.isna(stamp):
        raise UsageError(f"not an ISO-8601 date or datetime ({value})")
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def load_raw_tables(
    folder: Path, tables: tuple[Table, ...] = (INTERACTIONS, *ATTRIBUTE_TABLES)
) -> dict[str, RawTable]:
    """Find and load tables of a data folder, not yet parsed (see :func:`load_raw_table`).

    Raises
    ------
    DataError
        If the folder or its interactions file is missing, or a file is unreadable.
    """
    if not folder.is_dir():
        raise DataError([DataProblem(str(folder), None, None, "data folder not found")])
    raws: dict[str, RawTable] = {}
    for table in tables:
        file = find_table_file(folder, table)
        if file is None:
            if table.required:
                raise DataError(
                    [
                        DataProblem(
                            f"{table.name}.csv",
                            None,
                            None,
                            f"file not found (looked for {table.name}.csv, "
                            f"{table.name}.parquet or a folder {table.name}/ in {folder})",
                        )
                    ]
                )
            continue
        # Few distinct values in many rows: checked once per distinct value.
        repetitive = [
            c.name
            for c in table.columns
            if c.kind in ("channel", "direction") or (c.kind == "id" and c.name != table.key)
        ]
        raws[table.name] = load_raw_table(file, repetitive)
    return raws


@dataclass(frozen=True)
class _Events:
    """The interactions before checking: a table in memory, or Parquet files to scan.

    ``rows`` are the rows' positions for messages (a CSV row's line minus 2).
    """

    label: str
    header_line: int | None
    memory: pa.Table = field(default_factory=lambda: pa.table({}))
    rows: np.ndarray | None = None
    parquet: ParquetFiles | None = None

    @classmethod
    def of_parquet(cls, files: ParquetFiles) -> _Events:
        return cls(files.label, files.header_line, parquet=files)

    def scan(self, backend: BaseBackend) -> ir.Table:
        if self.parquet is not None:
            return scan_parquet(backend, self.parquet.paths)
        return scan_arrow(self.memory, self.label, self.rows)

    def name(self) -> Callable[[str], str]:
        """Return how messages name a scanned file."""
        names = {} if self.parquet is None else self.parquet.names
        return lambda file: names.get(file, file)


def _build(
    events: _Events,
    raws: MutableMapping[str, RawTable],
    config: Config,
    on_error: OnError,
    source: str,
) -> Dataset:
    """Check the interactions in the engine and parse the attribute tables.

    Each raw table is dropped from ``raws`` once parsed, to free its memory.
    """
    parsed: dict[str, ParsedTable] = {}
    for name in list(raws):
        parsed[name] = parse_table(raws.pop(name), TABLES[name], config.channels)
    with connect(config.engine) as backend:
        scan = events.scan(backend)
        missing = missing_columns(scan)
        if missing:
            found = ", ".join(c for c in scan.columns if c not in (FILE, ROW)) or "none"
            problem = f"required column missing (found: {found})"
            raise DataError(
                [DataProblem(events.label, events.header_line, name, problem) for name in missing]
            )
        checks = check_interactions(
            backend, scan, config.channels, events.name(), every=on_error == "quarantine"
        )
        if checks.rows == 0:
            header_only = "no interactions (header only)"
            raise DataError([DataProblem(events.label, None, None, header_only)])
        attribute_problems = [p.problems for p in parsed.values() if len(p.problems)]
        if on_error == "raise" and checks.total:
            raise problems_to_error(
                pd.concat([checks.problems, *attribute_problems], ignore_index=True),
                total=checks.total + sum(len(p) for p in attribute_problems),
            )
        if attribute_problems:
            raise problems_to_error(pd.concat(attribute_problems, ignore_index=True))
        rejected = checks.rejected if checks.rejected.num_rows else None
        if checks.total:
            log.warning(
                "%d interaction row(s) quarantined with %d problem(s)",
                checks.rejected.num_rows,
                checks.total,
            )
        held = InteractionSource(
            tuple(config.channels),
            config.engine,
            parquet=() if events.parquet is None else events.parquet.paths,
            rejected=rejected,
        )
        if events.parquet is None:
            # Typed once, the raw text let go: every query reads the checked rows in place.
            checked = typed_interactions(scan, config.channels)
            if rejected is not None:
                checked = checked.anti_join(ibis.memtable(rejected), [FILE, ROW])
            held = replace(held, memory=backend.to_pyarrow(checked), rejected=None)
    return Dataset(
        events=held,
        customers=_attributes(parsed, TABLES["customers"], config),
        staff=_attributes(parsed, TABLES["staff"], config),
        products=_attributes(parsed, TABLES["products"], config),
        source=source,
        rejects=checks.problems,
    )


def _frame(arrow: pa.Table, channels: tuple[str, ...]) -> pd.DataFrame:
    """Turn the checked interactions to pandas: categorical channel and direction."""
    frame: pd.DataFrame = arrow.to_pandas()
    frame["timestamp"] = frame["timestamp"].astype("datetime64[us, UTC]")
    for name, allowed in (("channel", sorted(channels)), ("direction", list(DIRECTIONS))):
        frame[name] = pd.Categorical(frame[name], categories=allowed)
    return frame


def _attributes(parsed: Mapping[str, ParsedTable], table: Table, config: Config) -> pd.DataFrame:
    if table.name in parsed:
        return parsed[table.name].frame
    return empty_table(table, config.channels)


def _union(*columns: pd.Series) -> pd.Index:
    values = pd.concat([c.dropna() for c in columns], ignore_index=True)
    ids: pd.Index = pd.Index(values.unique(), name=columns[0].name).sort_values()
    return ids


def _iso(stamp: datetime | None) -> str | None:
    if stamp is None:
        return None
    return pd.Timestamp(stamp).tz_convert("UTC").isoformat().replace("+00:00", "Z")
