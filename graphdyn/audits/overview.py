"""An audit seen from its staff: each person's portfolio, who shares customers, what is at risk.

:func:`portfolio_overview` aggregates an audit's customers, staff and ties tables (of an
:class:`~graphdyn.Audit`, or of an audit folder read back with
:func:`graphdyn.read_audit_folder`) into what a person can take in at a glance, however many
interactions are behind it:

- per staff member, the customers they carry: the customers whose strongest tie is with them
  (``top_staff_id``), so that every customer is carried by one person at most and the totals of
  a team add up; their number, decayed value, value at risk, how many are at risk and how many
  are single-threaded on them;
- per team (when staff.csv has a ``team`` column), the same summed over its members;
- per pair of staff members who share customers (both have a tie with them), how many and
  their decayed value;
- the accounts to look at first: the ``top`` at-risk customers by priority (value at risk, or
  strength at risk in data without values) and the ``top`` single-threaded ones by value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from graphdyn.errors import UsageError
from graphdyn.model.priority import needs_attention, priority_column

__all__ = [
    "ACCOUNT_COLUMNS",
    "LINK_COLUMNS",
    "PORTFOLIO_COLUMNS",
    "TEAM_COLUMNS",
    "OverviewTables",
    "PortfolioOverview",
    "portfolio_overview",
]

#: The figures of a portfolio: a staff member's (``staff``) or a team's (``teams``).
PORTFOLIO_COLUMNS: tuple[str, ...] = (
    "customers",
    "carried",
    "carried_value",
    "carried_value_at_risk",
    "carried_at_risk",
    "carried_single_threaded",
)

#: Columns of ``teams``, one row per team.
TEAM_COLUMNS: tuple[str, ...] = ("team", "staff", *PORTFOLIO_COLUMNS)

#: Columns of ``links``, one row per pair of staff members sharing customers.
LINK_COLUMNS: tuple[str, ...] = ("staff_a", "staff_b", "shared_customers", "shared_value")

#: Columns of ``accounts``, one row per account picked out (attributes present are added).
ACCOUNT_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "top_staff_id",
    "status",
    "strength",
    "value_raw",
    "value_at_risk",
    "strength_at_risk",
    "single_threaded",
    "staff_contacts",
    "top_at_risk",
    "top_single_threaded",
)

_STAFF_ATTRIBUTES = ("name", "role", "team", "left_at")
_CUSTOMER_ATTRIBUTES = ("name", "segment")
_COUNTS = ("customers", "carried", "carried_at_risk", "carried_single_threaded")

IntArray = npt.NDArray[np.int64]

_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default text type
_PAIR_BLOCK = 2_000_000  # pair entries counted at a time by _pairs_sharing_customers
_PAIR_BINS = 4_000_000  # and bins (members x staff) at most


class OverviewTables(Protocol):
    """What an overview needs of an audit: an :class:`~graphdyn.Audit` or a folder read back."""

    @property
    def customers(self) -> pd.DataFrame:
        """The customers table."""

    @property
    def staff(self) -> pd.DataFrame:
        """The staff table."""

    @property
    def ties(self) -> pd.DataFrame:
        """The ties table."""

    @property
    def as_of(self) -> pd.Timestamp:
        """The audit date."""


@dataclass(frozen=True, repr=False)
class PortfolioOverview:
    """An audit aggregated per staff member and team, and the accounts to look at first.

    Parameters
    ----------
    staff : pandas.DataFrame
        One row per staff member: ``staff_id``, the attributes staff.csv has (``name``,
        ``role``, ``team``, ``left_at``), and :data:`PORTFOLIO_COLUMNS`: ``customers`` (with a
        tie to them), ``carried`` (whose strongest tie is them), and of those carried
        ``carried_value`` (summed ``value_raw``), ``carried_value_at_risk``, ``carried_at_risk``
        (status at risk) and ``carried_single_threaded``. Most value at risk first.
    teams : pandas.DataFrame
        One row per team (:data:`TEAM_COLUMNS`; a missing team is a row of its own), its
        ``staff`` and its members' figures summed; empty when the staff have no ``team``.
    links : pandas.DataFrame
        One row per pair of staff members with a customer in common (:data:`LINK_COLUMNS`,
        ``staff_a`` < ``staff_b``): ``shared_customers`` and their summed ``value_raw``
        (``shared_value``). Most shared value (or, without values, customers) first, then in
        the order of the two ids. With ``links_per_staff``, only the links among the first
        ``links_per_staff`` of either of their two staff members.
    pairs : int
        How many pairs of staff members have a customer in common (the rows of ``links``
        when every link is kept).
    accounts : pandas.DataFrame
        The picked-out customers (:data:`ACCOUNT_COLUMNS`, with ``name`` and ``segment`` when
        present): ``top_at_risk`` marks the ``top`` at-risk ones by ``priority``,
        ``top_single_threaded`` the ``top`` single-threaded ones by value (an account can be
        both). Most at stake first.
    priority : str
        The column the at-risk accounts are ranked by: ``value_at_risk``, or
        ``strength_at_risk`` when no customer has a value.
    top : int
        How many accounts of each kind were picked.
    candidates : int
        The accounts they were picked from: the customers that need attention or are
        single-threaded.
    """

    staff: pd.DataFrame
    teams: pd.DataFrame
    links: pd.DataFrame
    pairs: int
    accounts: pd.DataFrame
    priority: str
    top: int
    candidates: int

    def __repr__(self) -> str:
        teams = f" in {len(self.teams):,} teams" if len(self.teams) else ""
        return (
            f"<PortfolioOverview: {len(self.staff):,} staff{teams}, "
            f"{int(self.staff['carried'].sum()):,} customers carried, "
            f"{self.pairs:,} pairs sharing customers; "
            f"{int(self.accounts['top_at_risk'].sum())} at-risk and "
            f"{int(self.accounts['top_single_threaded'].sum())} single-threaded accounts picked>"
        )


def portfolio_overview(
    tables: OverviewTables, *, top: int = 20, links_per_staff: int | None = None
) -> PortfolioOverview:
    """Aggregate an audit per staff member and team, and pick out the accounts at risk.

    Parameters
    ----------
    tables : Audit or AuditFolder
        Anything with the audit's ``customers``, ``staff`` and ``ties`` tables (columns as in
        ``docs/data-contract.md``).
    top : int
        How many at-risk and how many single-threaded accounts to pick out (each).
    links_per_staff : int, optional
        Keep only each staff member's this many strongest links (a link is kept when it is
        among the first of either of its members), chosen as the pairs are counted, a block of
        staff members at a time: what the staff overview page draws, without ever holding
        every pair (134 million at 100M interactions, 50,000 staff). Default: every link.

    Returns
    -------
    PortfolioOverview

    Raises
    ------
    UsageError
        When ``top`` or ``links_per_staff`` is negative.

    Examples
    --------
    >>> import pandas as pd
    >>> customers = pd.DataFrame({
    ...     "customer_id": ["c1", "c2", "c3"], "top_staff_id": ["s1", "s1", "s2"],
    ...     "status": ["at_risk", "active", "at_risk"], "strength": [0.3, 0.8, 0.4],
    ...     "value_raw": [100.0, 50.0, 10.0], "value_at_risk": [60.0, 5.0, 8.0],
    ...     "strength_at_risk": [0.2, 0.1, 0.3], "single_threaded": [True, False, False],
    ...     "staff_contacts": [1, 2, 1]})
    >>> ties = pd.DataFrame({"customer_id": ["c1", "c2", "c2", "c3"],
    ...                      "staff_id": ["s1", "s1", "s2", "s2"]})
    >>> class Tables:
    ...     staff = pd.DataFrame({"staff_id": ["s1", "s2"], "team": ["North", "South"]})
    >>> Tables.customers, Tables.ties = customers, ties
    >>> overview = portfolio_overview(Tables, top=1)
    >>> overview
    <PortfolioOverview: 2 staff in 2 teams, 3 customers carried, 1 pairs sharing customers; \
1 at-risk and 1 single-threaded accounts picked>
    >>> overview.staff[["staff_id", "carried", "carried_value", "carried_at_risk"]]
      staff_id  carried  carried_value  carried_at_risk
    0       s1        2          150.0                1
    1       s2        1           10.0                1
    >>> overview.links.values.tolist()
    [['s1', 's2', 1, 50.0]]
    >>> portfolio_overview(Tables, links_per_staff=0).links.empty
    True
    >>> overview.accounts["customer_id"].tolist()
    ['c1']
    """
    if top < 0:
        raise UsageError(f"top must be 0 or more, not {top}")
    if links_per_staff is not None and links_per_staff < 0:
        raise UsageError(f"links_per_staff must be 0 or more, not {links_per_staff}")
    customers, staff, ties = tables.customers, tables.staff, tables.ties
    has_values = bool(customers["value_raw"].notna().any())
    portfolios = _staff_portfolios(customers, staff, ties, has_values)
    links, pairs = _staff_links(customers, ties, has_values, links_per_staff)
    return PortfolioOverview(
        staff=portfolios,
        teams=_team_portfolios(portfolios, has_values),
        links=links,
        pairs=pairs,
        accounts=_picked_accounts(customers, top),
        priority=priority_column(customers),
        top=top,
        candidates=_candidates(customers),
    )


def _most_at_stake(table: pd.DataFrame, key: str) -> pd.DataFrame:
    """Sort by value at risk, then at-risk count, then ``key``; renumber the rows."""
    return table.sort_values(
        ["carried_value_at_risk", "carried_at_risk", key],
        ascending=[False, False, True],
        na_position="last",
    ).reset_index(drop=True)


def _staff_portfolios(
    customers: pd.DataFrame, staff: pd.DataFrame, ties: pd.DataFrame, has_values: bool
) -> pd.DataFrame:
    """Return one row per staff member: attributes, then :data:`PORTFOLIO_COLUMNS`."""
    carried = customers.loc[customers["top_staff_id"].notna()]
    figures = (
        pd.DataFrame(
            {
                "staff_id": carried["top_staff_id"].astype(str),
                "value_raw": carried["value_raw"],
                "value_at_risk": carried["value_at_risk"],
                "at_risk": carried["status"] == "at_risk",
                "single_threaded": carried["single_threaded"].astype(bool),
            }
        )
        .groupby("staff_id")
        .agg(
            carried=("at_risk", "size"),
            carried_value=("value_raw", "sum"),
            carried_value_at_risk=("value_at_risk", "sum"),
            carried_at_risk=("at_risk", "sum"),
            carried_single_threaded=("single_threaded", "sum"),
        )
    )
    tied = ties.groupby(ties["staff_id"].astype(str))["customer_id"].nunique()
    figures = pd.concat([tied.rename("customers"), figures], axis=1)
    ids = staff["staff_id"].astype(str)
    figures = figures.reindex(ids)
    for column in _COUNTS:
        figures[column] = figures[column].fillna(0).astype(np.int64)
    for column in ("carried_value", "carried_value_at_risk"):
        figures[column] = figures[column].fillna(0.0) if has_values else np.nan
    attributes = [c for c in _STAFF_ATTRIBUTES if c in staff.columns]
    frame = pd.concat(
        [staff[attributes].set_axis(ids).rename_axis("staff_id"), figures], axis=1
    ).reset_index(names="staff_id")
    return _most_at_stake(frame, "staff_id")


def _team_portfolios(portfolios: pd.DataFrame, has_values: bool) -> pd.DataFrame:
    """Return one row per team (:data:`TEAM_COLUMNS`), empty when staff have no team."""
    if "team" not in portfolios.columns or portfolios["team"].isna().all():
        return pd.DataFrame({column: pd.Series(dtype=object) for column in TEAM_COLUMNS})
    by_team = portfolios.groupby("team", dropna=False, sort=False)
    teams = by_team[list(PORTFOLIO_COLUMNS)].sum(min_count=1)
    teams.insert(0, "staff", by_team.size())
    for column in ("carried_value", "carried_value_at_risk"):
        if not has_values:
            teams[column] = np.nan
    return _most_at_stake(teams.reset_index(), "team")[list(TEAM_COLUMNS)]


def _staff_links(
    customers: pd.DataFrame, ties: pd.DataFrame, has_values: bool, per_staff: int | None
) -> tuple[pd.DataFrame, int]:
    """Return the links of pairs of staff members with a customer in common, and their number."""
    staff_codes, staff_ids = pd.factorize(ties["staff_id"].astype(str), sort=True)
    customer_codes, customer_ids = pd.factorize(ties["customer_id"].astype(str))
    value = (
        customers.set_index(customers["customer_id"].astype(str))["value_raw"]
        .reindex(customer_ids)
        .fillna(0.0)
        .to_numpy(dtype=float)
    )
    links, pairs = _pairs_sharing_customers(
        customer_codes.astype(np.int64),
        staff_codes.astype(np.int64),
        len(staff_ids),
        value,
        _Strongest(per_staff, has_values),
    )
    a, b, shared, shared_value = links
    if not has_values:
        shared_value = np.full(len(a), np.nan)
    ids = pa.array(staff_ids.to_numpy(dtype=object).tolist(), pa.string())

    def named(codes: IntArray) -> pd.Series:
        """Return the ids of codes, made by Arrow (a tenth of the time of an object array)."""
        text = pa.DictionaryArray.from_arrays(pa.array(codes, pa.int64()), ids)
        return pd.Series(pd.array(text.cast(pa.large_string()), dtype=_TEXT))

    frame = pd.DataFrame(
        {
            "staff_a": named(a),
            "staff_b": named(b),
            "shared_customers": shared,
            "shared_value": shared_value,
        },
        columns=list(LINK_COLUMNS),
    )
    return frame, pairs


_Links = tuple[IntArray, IntArray, IntArray, npt.NDArray[np.float64]]


@dataclass(frozen=True)
class _Strongest:
    """Ranks links and keeps each staff member's ``per_staff`` first (None: every link).

    The order: most shared value (with values), then most shared customers, then the two
    members' codes (which sort as their ids do).
    """

    per_staff: int | None
    has_values: bool

    def ranked(self, links: _Links) -> _Links:
        a, b, shared, value = links
        keys = [b, a, -shared] + ([-value] if self.has_values else [])
        order = np.lexsort(keys)
        return a[order], b[order], shared[order], value[order]

    def kept(self, links: _Links) -> _Links:
        """Rank ``links`` and keep those among the first ``per_staff`` of either member.

        All of them when ``per_staff`` is None. Kept links only fall in rank as more are
        counted, so a link dropped here is never among the first of either member later:
        keeping block by block keeps what keeping once at the end would.
        """
        a, b, shared, value = self.ranked(links)
        if self.per_staff is None:
            return a, b, shared, value
        ends = np.column_stack([a, b]).ravel()  # two entries per link, in rank order
        by_member = np.argsort(ends, kind="stable")
        members = ends[by_member]
        place = np.empty(len(ends), dtype=np.int64)
        place[by_member] = np.arange(len(ends)) - np.searchsorted(members, members)
        keep = (place.reshape(-1, 2) < self.per_staff).any(axis=1)
        return a[keep], b[keep], shared[keep], value[keep]


def _pairs_sharing_customers(
    customer: IntArray,
    staff: IntArray,
    n_staff: int,
    value: npt.NDArray[np.float64],
    strongest: _Strongest,
) -> tuple[_Links, int]:
    """Return the ranked pairs of staff members ``a < b`` with customers in common, and how many.

    The pairs ``strongest`` keeps; with, per pair, how many customers they share and those
    customers' summed ``value`` (added in the order of the customers' codes). A group of staff
    members at a time: each one's customers' other staff members are counted with
    ``np.bincount`` into a row per member, so that the work (the squared number of ties per
    customer, 6.8M at 10M interactions) is done in pieces of bounded size, without a sort of all
    the pairs (or a merge of the ties with themselves).
    """
    by_customer = np.lexsort((staff, customer))
    staff_of = staff[by_customer]
    first_tie = np.searchsorted(customer[by_customer], np.arange(len(value) + 1))
    degree = np.diff(first_tie)
    by_staff = np.lexsort((customer, staff))
    customer_of, member_of = customer[by_staff], staff[by_staff]
    own = np.searchsorted(member_of, np.arange(n_staff + 1))
    work = np.cumsum(degree[customer_of])  # pair entries up to each tie, staff by staff
    parts: list[_Links] = []
    pairs = 0
    member = 0
    while member < n_staff:
        # members whose entries fit _PAIR_BLOCK (at least one member), bins _PAIR_BINS
        done = work[own[member] - 1] if own[member] else 0
        last = int(np.searchsorted(work, done + _PAIR_BLOCK, side="right"))
        end = int(np.searchsorted(own, last, side="right")) - 1
        end = min(max(end, member + 1), member + max(_PAIR_BINS // max(n_staff, 1), 1), n_staff)
        ties = slice(own[member], own[end])
        mine, owner = customer_of[ties], member_of[ties]
        sizes = degree[mine]
        offsets = np.cumsum(sizes) - sizes
        at = np.repeat(first_tie[mine] - offsets, sizes) + np.arange(int(sizes.sum()))
        others = staff_of[at]
        owners = np.repeat(owner, sizes)
        later = others > owners
        key = (owners[later] - member) * n_staff + others[later]
        bins = (end - member) * n_staff
        count = np.bincount(key, minlength=bins)
        total = np.bincount(key, weights=np.repeat(value[mine], sizes)[later], minlength=bins)
        found = np.flatnonzero(count)
        pairs += len(found)
        parts.append(
            (
                (member + found // n_staff).astype(np.int64),
                (found % n_staff).astype(np.int64),
                count[found].astype(np.int64),
                total[found].astype(np.float64),
            )
        )
        if strongest.per_staff is not None:
            parts = [strongest.kept(_joined(parts))]  # what is kept so far, and no more
        member = end
    return strongest.kept(_joined(parts)), pairs


def _joined(parts: list[_Links]) -> _Links:
    """Concatenate blocks of links (none: no links)."""
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty, np.empty(0)
    a, b, shared = (np.concatenate([part[k] for part in parts]) for k in range(3))
    return a, b, shared, np.concatenate([part[3] for part in parts])


def _candidates(customers: pd.DataFrame) -> int:
    """Count the customers that need attention or are single-threaded."""
    attention = customers["customer_id"].isin(needs_attention(customers)["customer_id"])
    return int((attention | customers["single_threaded"].astype(bool)).sum())


def _picked_accounts(customers: pd.DataFrame, top: int) -> pd.DataFrame:
    """Return the ``top`` at-risk and ``top`` single-threaded customers, most at stake first."""
    at_risk = needs_attention(customers).head(top)
    single = customers.loc[customers["single_threaded"].astype(bool)]
    single = single.sort_values(
        ["value_raw", "strength", "customer_id"], ascending=[False, True, True], na_position="last"
    ).head(top)
    picked_ids = list(dict.fromkeys([*at_risk["customer_id"], *single["customer_id"]]))
    attributes = [c for c in _CUSTOMER_ATTRIBUTES if c in customers.columns]
    picked = (
        customers.set_index("customer_id")
        .loc[picked_ids, [*attributes, *ACCOUNT_COLUMNS[1:9]]]
        .reset_index()
    )
    picked["single_threaded"] = picked["single_threaded"].astype(bool)
    picked["top_at_risk"] = picked["customer_id"].isin(at_risk["customer_id"])
    picked["top_single_threaded"] = picked["customer_id"].isin(single["customer_id"])
    column = priority_column(customers)
    return picked.sort_values(
        [column, "customer_id"], ascending=[False, True], na_position="last"
    ).reset_index(drop=True)[["customer_id", *attributes, *ACCOUNT_COLUMNS[1:]]]
