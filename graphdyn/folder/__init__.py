"""Audit folders on disk: written whole or not at all, read back, and their comparisons."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import pandas as pd

from graphdyn.atomic import staged_folder, write_text
from graphdyn.data.names import display_names
from graphdyn.errors import DataError, DataProblem, UsageError
from graphdyn.folder.csv_text import write_csv
from graphdyn.model.graph import GraphFrames, build_graph
from graphdyn.views.comparison import comparison_page
from graphdyn.views.network import network_view
from graphdyn.views.overview import overview_page
from graphdyn.views.report import report_page

if TYPE_CHECKING:
    from graphdyn.audits.compare import Comparison
    from graphdyn.audits.run import Audit

__all__ = [
    "AUDIT_TABLES",
    "AuditFolder",
    "read_audit_folder",
    "write_audit_folder",
    "write_comparison",
]

#: The tables of an audit folder, by file stem.
AUDIT_TABLES: tuple[str, ...] = ("ties", "customers", "staff", "channels")

_DATE_COLUMNS = ("first_contact", "last_contact", "account_created", "left_at")


def write_audit_folder(result: Audit, folder: str | Path, *, force: bool = False) -> Path:
    """Write the audit folder: whole or not at all.

    Writes ties.csv, customers.csv, staff.csv, channels.csv, trajectories.csv, summary.json,
    report.html, network.html and overview.html (and rejects.csv when rows were quarantined)
    into a temporary sibling folder, then renames it into place
    (:func:`graphdyn.atomic.staged_folder`).

    Parameters
    ----------
    result : Audit
        The audit to write.
    folder : str or Path
        The audit folder to create.
    force : bool
        Replace an existing folder. Without it, an existing folder is an error.

    Returns
    -------
    Path
        The folder written.

    Raises
    ------
    UsageError
        If ``folder`` exists and ``force`` is false.
    """
    tables = {f"{name}.csv": getattr(result, name) for name in AUDIT_TABLES}
    tables["trajectories.csv"] = result.customer_trajectories.reset_index()
    if len(result.data.rejects):
        tables["rejects.csv"] = result.data.rejects
    with staged_folder(folder, force=force) as staging:
        for name, table in tables.items():
            write_csv(table, staging / name)
        (staging / "summary.json").write_text(
            json.dumps(result.summary, indent=2, default=str) + "\n", encoding="utf-8"
        )
        report_page(result).write(staging / "report.html")
        network_view(result).write(staging / "network.html")
        overview_page(result).write(staging / "overview.html")
    return Path(folder).resolve()


@dataclass(frozen=True)
class AuditFolder:
    """An audit folder read back from disk: its tables, its summary, and its graph."""

    path: Path
    summary: dict[str, Any]
    ties: pd.DataFrame
    customers: pd.DataFrame
    staff: pd.DataFrame
    channels: pd.DataFrame

    @property
    def as_of(self) -> pd.Timestamp:
        """The audit's as-of date."""
        return pd.Timestamp(self.summary["as_of"])

    @property
    def graph_frames(self) -> GraphFrames:
        """The tables :attr:`graph` is built from (as :attr:`graphdyn.Audit.graph_frames`).

        The network view picks its nodes from them without building the graph.
        """
        no_products = pd.DataFrame({"product_id": pd.Series(dtype=str)})
        no_links = pd.DataFrame(
            {"customer_id": pd.Series(dtype=str), "product_id": pd.Series(dtype=str)}
        )
        return GraphFrames(
            customers=self.customers,
            staff=self.staff,
            products=no_products,
            ties=self.ties.assign(weight=self.ties["strength"]),
            product_links=no_links,
        )

    @cached_property
    def graph(self) -> nx.Graph[str]:
        """The customer–staff graph of the saved audit, with its figures on nodes and ties.

        As :attr:`graphdyn.Audit.graph`, without products (an audit folder holds no
        customer–product links): tie edges carry the tie's columns and ``weight`` = strength.
        Built when first asked for (an export); the network view reads :attr:`graph_frames`.

        Examples
        --------
        >>> import tempfile
        >>> from graphdyn import audit
        >>> events = pd.DataFrame({"interaction_id": ["i1"], "timestamp": ["2024-01-01"],
        ...     "customer_id": ["c1"], "staff_id": ["s1"], "channel": ["phone"]})
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     saved = read_audit_folder(
        ...         write_audit_folder(audit(events, as_of="2024-02-01"), f"{folder}/audit"))
        >>> sorted(saved.graph.nodes), saved.graph.edges["customer:c1", "staff:s1"]["status"]
        (['customer:c1', 'staff:s1'], 'new')
        """
        return build_graph(self.graph_frames)


def read_audit_folder(folder: str | Path) -> AuditFolder:
    """Read an audit folder written by :func:`write_audit_folder`.

    Raises
    ------
    DataError
        If the folder or one of its files is missing.
    """
    path = Path(folder)
    summary_file = path / "summary.json"
    if not summary_file.is_file():
        raise DataError(
            [DataProblem(str(path), None, None, "not an audit folder (no summary.json)")]
        )
    tables: dict[str, pd.DataFrame] = {}
    for name in AUDIT_TABLES:
        file = path / f"{name}.csv"
        if not file.is_file():
            raise DataError([DataProblem(str(file), None, None, "file not found")])
        frame = pd.read_csv(file, dtype={"customer_id": str, "staff_id": str, "top_staff_id": str})
        for column in _DATE_COLUMNS:
            if column in frame.columns:
                frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
        tables[name] = frame
    return AuditFolder(
        path=path,
        summary=json.loads(summary_file.read_text(encoding="utf-8")),
        **tables,
    )


def write_comparison(
    comparison: Comparison, folder: str | Path, *, names_from: AuditFolder | None = None
) -> Path:
    """Write a comparison of two audits as compare.csv and compare.html, each whole or not at all.

    Parameters
    ----------
    comparison : Comparison
        From :func:`graphdyn.compare_audits`.
    folder : str or Path
        Where to write (created if need be); ``graphdyn compare`` writes into the newer audit
        folder.
    names_from : AuditFolder, optional
        The audit whose customers' and staff's names the page shows beside their ids (usually
        the newer one); without it, the ids stand alone.

    Returns
    -------
    Path
        The folder written to.

    Raises
    ------
    UsageError
        If the folder or a file in it cannot be written.

    Examples
    --------
    >>> from graphdyn.audits.compare import compare_audits
    >>> old = read_audit_folder("audits/2025-12")  # doctest: +SKIP
    >>> new = read_audit_folder("audits/2026-03")  # doctest: +SKIP
    >>> write_comparison(compare_audits(old, new), new.path, names_from=new)  # doctest: +SKIP
    """
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from error
    if names_from is None:
        page = comparison_page(comparison)
    else:
        page = comparison_page(
            comparison,
            customer_names=display_names(names_from.customers, "customer_id"),
            staff_names=display_names(names_from.staff, "staff_id"),
        )
    write_text(path / "compare.csv", comparison.changes.to_csv(index=False))
    page.write(path / "compare.html")
    return path.resolve()
