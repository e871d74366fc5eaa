"""Comparing two audits: status changes, new and lost ties, the largest strength drops."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from graphdyn.model.decay import STATUSES

__all__ = ["CHANGE_COLUMNS", "AuditTables", "Comparison", "compare_audits"]

#: Columns of compare.csv, one row per change.
CHANGE_COLUMNS: tuple[str, ...] = (
    "level",
    "change",
    "customer_id",
    "staff_id",
    "old_status",
    "new_status",
    "old_strength",
    "new_strength",
    "strength_change",
)


class AuditTables(Protocol):
    """What a comparison needs of an audit: an :class:`~graphdyn.Audit` or a folder read back."""

    @property
    def ties(self) -> pd.DataFrame:
        """The ties table."""

    @property
    def customers(self) -> pd.DataFrame:
        """The customers table."""

    @property
    def summary(self) -> dict[str, Any]:
        """The summary."""


@dataclass(frozen=True)
class Comparison:
    """What changed between an older and a newer audit.

    Parameters
    ----------
    old_as_of, new_as_of : str
        The two as-of dates.
    customers, ties : pandas.DataFrame
        Every customer / tie of either audit with ``old_`` and ``new_`` strength and status,
        ``strength_change`` and ``presence`` (both, new, lost).
    changes : pandas.DataFrame
        One row per change (compare.csv): status changes, new and lost ties, and strength
        drops larger than the trend threshold, largest drop first within each kind.
    transitions : pandas.DataFrame
        Customer counts by old status (rows) and new status (columns).
    """

    old_as_of: str
    new_as_of: str
    customers: pd.DataFrame
    ties: pd.DataFrame
    changes: pd.DataFrame
    transitions: pd.DataFrame

    def __repr__(self) -> str:
        labels = self.changes["level"] + " " + self.changes["change"]
        counts = labels.value_counts(sort=False)
        parts = ", ".join(f"{n} {label}" for label, n in counts.items())
        return f"<Comparison {self.old_as_of} -> {self.new_as_of}: {parts or 'no changes'}>"

    def biggest_drops(self, n: int = 10, level: str = "customer") -> pd.DataFrame:
        """Return the ``n`` customers (or ties) whose strength fell the most."""
        table = self.customers if level == "customer" else self.ties
        both = table.loc[table["presence"] == "both"]
        return both.nsmallest(n, "strength_change").reset_index(drop=True)


def compare_audits(old: AuditTables, new: AuditTables, *, drop: float = 0.05) -> Comparison:
    """Compare two audits of the same relationships at different dates.

    Parameters
    ----------
    old, new : Audit or AuditFolder
        The earlier and the later audit.
    drop : float
        A strength fall larger than this is listed as a ``strength_drop`` change.

    Returns
    -------
    Comparison

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> def audit_of(rows, as_of):
    ...     ties = pd.DataFrame(rows, columns=["customer_id", "staff_id", "strength", "status"])
    ...     customers = ties.groupby("customer_id", as_index=False).first()
    ...     return SimpleNamespace(ties=ties, customers=customers, summary={"as_of": as_of})
    >>> old = audit_of([("c1", "s1", 0.8, "active"), ("c2", "s1", 0.5, "active")], "2024-01")
    >>> new = audit_of([("c1", "s1", 0.3, "at_risk"), ("c3", "s2", 0.4, "new")], "2024-04")
    >>> compare_audits(old, new).changes[["level", "change", "customer_id"]].values.tolist()
    [['customer', 'status_changed', 'c1'], ['customer', 'strength_drop', 'c1'], \
['customer', 'new', 'c3'], ['customer', 'lost', 'c2'], ['tie', 'status_changed', 'c1'], \
['tie', 'strength_drop', 'c1'], ['tie', 'new', 'c3'], ['tie', 'lost', 'c2']]
    """
    customers = _join(old.customers, new.customers, ["customer_id"])
    ties = _join(old.ties, new.ties, ["customer_id", "staff_id"])
    changes = pd.concat(
        [_changes(customers, "customer", drop), _changes(ties, "tie", drop)], ignore_index=True
    )
    both = customers.loc[customers["presence"] == "both"]
    transitions = (
        pd.crosstab(both["old_status"], both["new_status"])
        .reindex(index=list(STATUSES), columns=list(STATUSES), fill_value=0)
        .rename_axis(index="old status", columns="new status")
    )
    return Comparison(
        old_as_of=str(old.summary["as_of"]),
        new_as_of=str(new.summary["as_of"]),
        customers=customers,
        ties=ties,
        changes=changes,
        transitions=transitions,
    )


def _join(old: pd.DataFrame, new: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    columns = ["strength", "status"]
    joined = old[keys + columns].merge(
        new[keys + columns], on=keys, how="outer", suffixes=("_old", "_new"), indicator=True
    )
    joined = joined.rename(
        columns={f"{c}_{age}": f"{age}_{c}" for c in columns for age in ("old", "new")}
    )
    joined["presence"] = joined.pop("_merge").map(
        {"both": "both", "left_only": "lost", "right_only": "new"}
    )
    joined["strength_change"] = joined["new_strength"] - joined["old_strength"]
    return joined.sort_values(keys, kind="stable").reset_index(drop=True)


def _changes(table: pd.DataFrame, level: str, drop: float) -> pd.DataFrame:
    both = table["presence"] == "both"
    kinds = {
        "status_changed": table.loc[both & (table["old_status"] != table["new_status"])],
        "strength_drop": table.loc[both & (table["strength_change"] < -drop)],
        "new": table.loc[table["presence"] == "new"],
        "lost": table.loc[table["presence"] == "lost"],
    }
    frames = []
    for change, rows in kinds.items():
        ordered = rows.sort_values(["strength_change", "customer_id"], na_position="last")
        frames.append(ordered.assign(level=level, change=change))
    out = pd.concat(frames, ignore_index=True)
    if "staff_id" not in out.columns:
        out["staff_id"] = pd.NA
    return out[list(CHANGE_COLUMNS)]
