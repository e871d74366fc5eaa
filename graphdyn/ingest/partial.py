"""Reading part of a data folder: some columns of every interaction, every column of some rows.

Listing one customer's interactions (``graphdyn explain`` from an audit folder) needs that
customer's rows whole and one column of everyone else's; parsing and checking every value of a
large file is then most of the work. :class:`DataFolder` loads the files once (every whole-file
check of :func:`~graphdyn.ingest.read_data` applies: encoding, delimiter, field counts, required
columns), reads and checks the attribute tables whole, and parses the interactions on demand:
some columns of every row (:meth:`DataFolder.interaction_columns`) or every column of some rows
(:meth:`DataFolder.interactions`), each checked exactly as :func:`~graphdyn.ingest.read_data`
checks it. A bad value in a column of a row that is never asked for is not looked at; a
repeated ``interaction_id`` is found when that column is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from graphdyn.config import Config
from graphdyn.data.contract import ATTRIBUTE_TABLES, INTERACTIONS, Table
from graphdyn.data.files import RawTable
from graphdyn.data.validate import ParsedTable, empty_table, parse_table, problems_to_error
from graphdyn.errors import DataError, DataProblem
from graphdyn.ingest.dataset import OnError, load_raw_tables

__all__ = ["DataFolder"]


@dataclass(frozen=True)
class DataFolder:
    r"""A data folder opened: attribute tables read and checked, interactions parsed on demand.

    Parameters
    ----------
    path : Path
        The folder.
    customers, staff, products : pandas.DataFrame
        The attribute tables, parsed and checked (empty with the contract's columns when the
        folder has none), as :attr:`graphdyn.Dataset.customers` holds them.
    raw_interactions : RawTable
        The interactions as loaded, not yet parsed.
    channels : tuple of str
        The allowed channels.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "interactions.csv").write_text(
    ...     "interaction_id,timestamp,customer_id,channel\n"
    ...     "i1,2024-05-01,c1,phone\n"
    ...     "i2,2024-05-02,c2,fax\n")
    >>> data = DataFolder.open(folder)
    >>> data.interaction_columns(["customer_id"])["customer_id"].tolist()
    ['c1', 'c2']
    >>> data.interactions(np.array([0]))[["interaction_id", "channel"]].values.tolist()
    [['i1', 'phone']]
    >>> data.interactions(np.array([0, 1]))
    Traceback (most recent call last):
    ...
    graphdyn.errors.DataError: interactions.csv:3: channel: unknown channel; allowed: ...
    >>> data.interactions(np.array([0, 1]), on_error="quarantine").index.tolist()
    [0]
    """

    path: Path
    customers: pd.DataFrame
    staff: pd.DataFrame
    products: pd.DataFrame
    raw_interactions: RawTable
    channels: tuple[str, ...]

    @classmethod
    def open(cls, path: str | Path, *, config: Config | None = None) -> DataFolder:
        """Load a data folder's files and read its attribute tables.

        Parameters
        ----------
        path : str or Path
            The data folder.
        config : Config, optional
            Supplies the allowed channels.

        Raises
        ------
        DataError
            For what :func:`~graphdyn.ingest.read_data` rejects in the whole files and the
            attribute tables, and when the interactions file lacks a required column or has
            no rows.
        """
        folder = Path(path)
        channels = (config or Config()).channels
        raws = load_raw_tables(folder)
        events = raws.pop("interactions")
        # Zero rows: the header alone, checked for the required columns.
        parse_table(_rows(events, np.zeros(0, dtype=np.intp)), INTERACTIONS, channels)
        if events.table.num_rows == 0:
            raise DataError([DataProblem(events.file, None, None, "no interactions (header only)")])
        tables: dict[str, pd.DataFrame] = {}
        problems = []
        for table in ATTRIBUTE_TABLES:
            if table.name not in raws:
                tables[table.name] = empty_table(table, channels)
                continue
            parsed = parse_table(raws.pop(table.name), table, channels)
            tables[table.name] = parsed.frame
            if len(parsed.problems):
                problems.append(parsed.problems)
        if problems:
            raise problems_to_error(pd.concat(problems, ignore_index=True))
        return cls(path=folder, raw_interactions=events, channels=channels, **tables)

    @property
    def source(self) -> str:
        """What :attr:`graphdyn.Dataset.source` says of data read from this folder."""
        return str(self.path)

    def interaction_columns(
        self, names: Sequence[str], *, on_error: OnError = "raise"
    ) -> pd.DataFrame:
        """Parse and check some columns of every interaction.

        Parameters
        ----------
        names : sequence of str
            Contract columns of the interactions table. One the file does not have comes out
            blank, as :func:`~graphdyn.ingest.read_data` gives it.
        on_error : {"raise", "quarantine"}
            Reject the data on any bad value of those columns, or leave the rows with one out.

        Returns
        -------
        pandas.DataFrame
            Those columns, typed as in :attr:`graphdyn.Dataset.interactions`, indexed by the
            rows' positions in the file (0 = the first row). With the key
            (``interaction_id``), repeated keys are problems too.

        Raises
        ------
        DataError
            With ``on_error="raise"``, every rejected value of those columns.
        """
        wanted = [c for c in INTERACTIONS.columns if c.name in names]
        present = [c.name for c in wanted if c.name in self.raw_interactions.table.column_names]
        raw = replace(self.raw_interactions, table=self.raw_interactions.table.select(present))
        subset = Table(INTERACTIONS.name, INTERACTIONS.key, tuple(wanted))
        return _checked(parse_table(raw, subset, self.channels), None, on_error)

    def interactions(self, rows: np.ndarray, *, on_error: OnError = "raise") -> pd.DataFrame:
        """Parse and check every column of some interactions.

        Parameters
        ----------
        rows : numpy.ndarray
            Their positions in the file (as :meth:`interaction_columns` indexes them),
            ascending.
        on_error : {"raise", "quarantine"}
            Reject the data on any bad value of those rows, or leave the rows with one out.

        Returns
        -------
        pandas.DataFrame
            Those rows as :attr:`graphdyn.Dataset.interactions` holds them (contract columns,
            then the file's other columns as text), indexed by their positions.

        Raises
        ------
        DataError
            With ``on_error="raise"``, every rejected value of those rows.
        """
        positions = np.asarray(rows, dtype=np.intp)
        parsed = parse_table(_rows(self.raw_interactions, positions), INTERACTIONS, self.channels)
        return _checked(parsed, positions, on_error)


def _checked(parsed: ParsedTable, positions: np.ndarray | None, on_error: OnError) -> pd.DataFrame:
    """Index a parsed frame by file position; raise its problems, or leave its bad rows out."""
    frame = parsed.frame
    frame.index = pd.RangeIndex(len(frame)) if positions is None else pd.Index(positions)
    if not len(parsed.problems):
        return frame
    if on_error == "raise":
        raise problems_to_error(parsed.problems)
    return frame.loc[~parsed.bad_rows]


def _rows(raw: RawTable, rows: np.ndarray) -> RawTable:
    """Return the raw table's rows at some ascending positions.

    A mask, not ``take``: Arrow filters each chunk where it is, where ``take`` over a chunked
    table concatenates the chunks of every column first (a quarter of a second at 1M rows).
    """
    keep = np.zeros(raw.table.num_rows, dtype=bool)
    keep[rows] = True
    parts = None if raw.parts is None else raw.parts.take(rows)
    return RawTable(raw.file, raw.table.filter(pa.array(keep)), raw.lines[rows], parts)
