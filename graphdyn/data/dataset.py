"""A validated data set: typed interactions and attribute tables, read from a folder or frames."""

from __future__ import annotations

import logging
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from graphdyn.config import Config
from graphdyn.data.contract import ATTRIBUTE_TABLES, INTERACTIONS, TABLES, Table
from graphdyn.data.files import RawTable, find_table_file, load_raw_table
from graphdyn.data.validate import (
    PROBLEM_COLUMNS,
    ParsedTable,
    arrow_table,
    empty_table,
    parse_table,
    problems_to_error,
)
from graphdyn.errors import DataError, DataProblem, UsageError

__all__ = [
    "DataLike",
    "Dataset",
    "OnError",
    "as_dataset",
    "load_raw_tables",
    "read_data",
    "to_timestamp",
]

log = logging.getLogger(__name__)

OnError = Literal["raise", "quarantine"]


@dataclass(frozen=True)
class Dataset:
    """Interactions and attribute tables, parsed and checked against the data contract.

    Parameters
    ----------
    interactions : pandas.DataFrame
        One row per event; ``timestamp`` is UTC, ``channel`` and ``direction`` categorical,
        numbers float64 with NaN for blanks, ids text with NaN for blanks.
    customers, staff, products : pandas.DataFrame
        Attribute tables (possibly empty, always with the contract's columns).
    source : str
        Where the data came from (a folder, ``"frames"`` or ``"neo4j"``).
    rejects : pandas.DataFrame
        Rows rejected in quarantine mode (file, line, column, problem, value); empty otherwise.
    excluded_after_as_of : int
        Interactions dropped by :meth:`until` because they happened after the as-of date.

    Examples
    --------
    >>> import pandas as pd
    >>> data = Dataset.from_frames(pd.DataFrame({
    ...     "interaction_id": ["i1"], "timestamp": ["2024-05-01"], "customer_id": ["c1"],
    ...     "channel": ["phone"]}))
    >>> data.interactions["timestamp"].iloc[0]
    Timestamp('2024-05-01 00:00:00+0000', tz='UTC')
    """

    interactions: pd.DataFrame
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
            f"Dataset(source={self.source!r}, interactions={len(self.interactions)}, "
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

        Messages name the table (``interactions``) and the line the row would have in a CSV
        (row position + 2).
        """
        frames = {"interactions": interactions, "customers": customers, "staff": staff}
        frames["products"] = products
        raws = {
            name: RawTable(name, arrow_table(frame), np.arange(2, len(frame) + 2))
            for name, frame in frames.items()
            if frame is not None
        }
        return _build(raws, config or Config(), on_error, source)

    def customer_ids(self) -> pd.Index:
        """Every customer: in the attribute table or referenced by an interaction."""
        return _union(self.customers["customer_id"], self.interactions["customer_id"])

    def staff_ids(self) -> pd.Index:
        """Every staff member: in the attribute table or referenced by an interaction."""
        return _union(self.staff["staff_id"], self.interactions["staff_id"])

    def product_ids(self) -> pd.Index:
        """Every product: in the attribute table or referenced by an interaction."""
        return _union(self.products["product_id"], self.interactions["product_id"])

    def until(self, as_of: pd.Timestamp) -> Dataset:
        """Return the data as known at ``as_of``: later interactions are excluded and counted.

        Parameters
        ----------
        as_of : pandas.Timestamp
            Events with ``timestamp <= as_of`` are kept.

        Raises
        ------
        UsageError
            If every interaction is after ``as_of``: the message gives the first one's date.
        """
        stamps = self.interactions["timestamp"]
        later = (stamps > as_of).to_numpy()
        if not later.any():
            return self
        day = as_of.date().isoformat()
        if later.all():
            first = stamps.min().date().isoformat()
            raise UsageError(
                f"no interactions on or before the as-of date {day} (the first is on {first})"
            )
        log.warning("%d interaction(s) after the as-of date %s excluded", int(later.sum()), day)
        return replace(
            self,
            interactions=self.interactions.loc[~later].reset_index(drop=True),
            excluded_after_as_of=self.excluded_after_as_of + int(later.sum()),
        )

    def summary(self) -> dict[str, Any]:
        """Return counts per table, channel mix, date range and data-quality counts."""
        events = self.interactions
        stamps = events["timestamp"]
        channel_counts = events["channel"].value_counts(sort=False)
        return {
            "source": self.source,
            "interactions": len(events),
            "customers": len(self.customer_ids()),
            "staff": len(self.staff_ids()),
            "products": len(self.product_ids()),
            "self_service_interactions": int(events["staff_id"].isna().sum()),
            "channels": {str(k): int(v) for k, v in channel_counts.items() if v > 0},
            "first_timestamp": _iso(stamps.min()) if len(events) else None,
            "last_timestamp": _iso(stamps.max()) if len(events) else None,
            "rejected_rows": len(self.rejects[["file", "line"]].drop_duplicates()),
            "excluded_after_as_of": self.excluded_after_as_of,
        }


def read_data(
    path: str | Path, *, config: Config | None = None, on_error: OnError = "raise"
) -> Dataset:
    r"""Read and validate a data folder (CSV or Parquet) as the data contract describes.

    Parameters
    ----------
    path : str or Path
        A folder holding ``interactions.csv`` (or ``.parquet``, or a folder ``interactions/``
        of Parquet parts) and optionally ``customers``, ``staff`` and ``products`` tables.
    config : Config, optional
        Supplies the allowed channels; defaults to :class:`~graphdyn.config.Config`.
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
    return _build(load_raw_tables(folder), config or Config(), on_error, str(folder))


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


def load_raw_tables(folder: Path) -> dict[str, RawTable]:
    """Find and load the tables of a data folder, not yet parsed (see :func:`load_raw_table`).

    Raises
    ------
    DataError
        If the folder or its interactions file is missing, or a file is unreadable.
    """
    if not folder.is_dir():
        raise DataError([DataProblem(str(folder), None, None, "data folder not found")])
    raws: dict[str, RawTable] = {}
    for table in (INTERACTIONS, *ATTRIBUTE_TABLES):
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


def _build(
    raws: MutableMapping[str, RawTable], config: Config, on_error: OnError, source: str
) -> Dataset:
    """Parse every raw table; each is dropped from ``raws`` once parsed, to free its memory."""
    parsed: dict[str, ParsedTable] = {}
    events_file = raws["interactions"].file
    for name in list(raws):
        parsed[name] = parse_table(raws.pop(name), TABLES[name], config.channels)
    events = parsed["interactions"]
    if len(events.frame) == 0:
        raise DataError([DataProblem(events_file, None, None, "no interactions (header only)")])
    attribute_problems = [p.problems for n, p in parsed.items() if n != "interactions"]
    fatal = [p for p in attribute_problems if len(p)]
    if on_error == "raise" and len(events.problems):
        fatal.insert(0, events.problems)
    if fatal:
        raise problems_to_error(pd.concat(fatal, ignore_index=True))
    interactions = events.frame
    rejects = events.problems
    if len(rejects):
        interactions = interactions.loc[~events.bad_rows].reset_index(drop=True)
        log.warning(
            "%d interaction row(s) quarantined with %d problem(s)",
            int(events.bad_rows.sum()),
            len(rejects),
        )
    return Dataset(
        interactions=interactions,
        customers=_attributes(parsed, TABLES["customers"], config),
        staff=_attributes(parsed, TABLES["staff"], config),
        products=_attributes(parsed, TABLES["products"], config),
        source=source,
        rejects=rejects.reset_index(drop=True),
    )


def _attributes(parsed: Mapping[str, ParsedTable], table: Table, config: Config) -> pd.DataFrame:
    if table.name in parsed:
        return parsed[table.name].frame
    return empty_table(table, config.channels)


def _union(*columns: pd.Series) -> pd.Index:
    values = pd.concat([c.dropna() for c in columns], ignore_index=True)
    ids: pd.Index = pd.Index(values.unique(), name=columns[0].name).sort_values()
    return ids


def _iso(stamp: pd.Timestamp) -> str:
    return stamp.isoformat().replace("+00:00", "Z")
