"""The names that the attribute tables' optional ``name`` column gives their ids."""

from __future__ import annotations

import pandas as pd

__all__ = ["display_names"]


def display_names(table: pd.DataFrame, key: str) -> dict[str, str]:
    """Return ``{id: name}`` for the rows of ``table`` that have a name.

    Missing and blank names are left out, so whoever shows them falls back to the id; names are
    stripped of surrounding spaces. A table without a ``name`` column gives ``{}``.

    Parameters
    ----------
    table : pandas.DataFrame
        An attribute table (customers, staff, products) or an audit table built from one.
    key : str
        Its id column, e.g. ``"customer_id"``.

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> staff = pd.DataFrame({"staff_id": ["S1", "S2", "S3"], "name": ["Ana ", None, " "]})
    >>> display_names(staff, "staff_id")
    {'S1': 'Ana'}
    """
    if "name" not in table.columns:
        return {}
    names = table["name"].astype("string").str.strip()
    named = names.notna() & (names != "")
    return dict(
        zip(
            table.loc[named, key].astype(str),
            names[named].astype(str),
            strict=True,
        )
    )
