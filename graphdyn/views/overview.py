"""The staff overview: a large audit as a page a person can read, and every neighbourhood in it.

:func:`overview_page` draws :func:`~graphdyn.audits.overview.portfolio_overview` as one
self-contained page (the network page's shell, ``views/assets/overview.js``):

- one node per staff member, in one disc per team, sized by the value they carry (customers,
  in data without values) and coloured by the share of it at risk; a purple border when they
  carry single-threaded accounts (the thicker, the more), a dashed one when they have left;
- the accounts to look at first (the ``top`` at risk and single-threaded) beside the person
  who carries them, and listed in the side panel with the teams' totals;
- between staff members, each one's ``links_per_staff`` strongest shared portfolios;
- a click on a staff member or a customer (on the canvas, in a list, or found by the search)
  draws that node's neighbourhood: a staff member's customers, or a customer's staff, and with
  two hops who else is tied to those. The ties and customers are in the page for this, in
  compact columns, so nothing is fetched: every one up to :data:`MAX_TIES` ties (at 1M
  interactions, 10,000 customers, 500 staff and 104,940 ties, the page is 3.1 MB and draws 539
  nodes and 1,507 edges; the busiest staff member's neighbourhood, 611 nodes, in a tenth of a
  second, and a key person's two hops, 779 nodes and 4,165 ties, in about one); above it each
  staff member's :data:`TIES_PER_STAFF` strongest and every tie of the accounts picked out and
  of the focus, which the counts (``"ties"``) and the note say.

Names and ids go into the page as JSON (:func:`~graphdyn.views.page.json_for_script`) and into
the DOM as text; the canvas draws them as text. The page's CSP allows its two scripts by hash.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphdyn.audits.overview import (
    PORTFOLIO_COLUMNS,
    OverviewTables,
    PortfolioOverview,
    portfolio_overview,
)
from graphdyn.errors import UsageError
from graphdyn.model.decay import STATUSES
from graphdyn.views.layout import grouped_layout
from graphdyn.views.page import Count, Page, vis_network_page
from graphdyn.views.payload import KIND_STYLES, STATUS_COLOURS
from graphdyn.views.values import plain_scalar

__all__ = [
    "MAX_TIES",
    "RISK_COLOURS",
    "RISK_STEPS",
    "TIES_PER_STAFF",
    "overview_page",
    "overview_title",
]

logger = logging.getLogger(__name__)

#: Shares of a portfolio's value (or customers) at risk where a staff node's colour changes.
RISK_STEPS: tuple[float, ...] = (0.05, 0.15, 0.30)

#: Ties up to which the page holds every tie and customer for the neighbourhoods (at 1M
#: interactions, 104,940 ties: 3.1 MB); above it, each staff member's strongest
#: :data:`TIES_PER_STAFF` and every tie of the accounts picked out (at 10M, 100,000 of 1.17M
#: ties and 45,000 of 100,000 customers: about 6 MB, against 28 MB with every tie).
MAX_TIES = 150_000

#: Each staff member's strongest ties in the page above :data:`MAX_TIES` ties.
TIES_PER_STAFF = 20

#: A staff node's fill below, between and above :data:`RISK_STEPS`; the last: carries nobody.
RISK_COLOURS: tuple[str, ...] = ("#fde8c8", "#f9b26b", "#e8590c", "#a61e14", "#d0d7de")

_NOTEBOOK_HEIGHT_PX = 640
_STYLES = ("network.css", "overview.css")  # the network page's layout, and the lists
_SPACING = 60.0  # room between team discs
_STAFF_SIZE = (8.0, 28.0)  # a staff node's radius: the base, and what the largest portfolio adds
_STAFF_GAP = 30.0  # room between staff nodes in a disc, beyond their sizes
_NO_TEAM = "(no team)"


def overview_page(
    tables: OverviewTables,
    *,
    top: int = 20,
    links_per_staff: int = 3,
    focus: str | None = None,
    depth: int = 1,
    max_ties: int = MAX_TIES,
    ties_per_staff: int = TIES_PER_STAFF,
    title: str | None = None,
) -> Page:
    """Return an audit's staff overview as one self-contained interactive HTML page.

    Parameters
    ----------
    tables : Audit or AuditFolder
        The audit (its ``customers``, ``staff`` and ``ties``; ``as_of`` for the title).
    top : int
        How many at-risk and how many single-threaded accounts to pick out.
    links_per_staff : int
        Draw each staff member's this many strongest links to others (by shared value, or
        shared customers without values); 0 draws none.
    focus : str, optional
        A staff or customer id: the page opens on its neighbourhood.
    depth : int
        Hops around ``focus``: 1 or 2.
    max_ties : int
        The page holds every tie (and every customer) for the neighbourhoods when the audit
        has at most this many; above it, each staff member's ``ties_per_staff`` strongest ties
        and every tie of the accounts picked out and of ``focus``, with the customers they
        reach, and the page says how many of how many (``counts["ties"]``, the note).
    ties_per_staff : int
        See ``max_ties``.
    title : str, optional
        The page title; default: the audit's as-of date, and the focus if there is one.

    Returns
    -------
    Page
        The page; its counts are the staff, the accounts picked out, the staff links drawn
        and the ties in the neighbourhoods (``.write(path)`` writes it, Jupyter displays it
        inline).

    Raises
    ------
    UsageError
        When ``focus`` is no staff member's or customer's id, ``depth`` is not 1 or 2, ``top``
        or ``links_per_staff`` is negative, or ``max_ties`` or ``ties_per_staff`` below 1.

    Examples
    --------
    >>> import pandas as pd
    >>> from graphdyn import audit
    >>> events = pd.DataFrame({"interaction_id": ["i1", "i2", "i3"],
    ...     "timestamp": ["2024-01-01"] * 3, "customer_id": ["c1", "c1", "c2"],
    ...     "staff_id": ["s1", "s2", "s2"], "channel": ["phone"] * 3})
    >>> page = overview_page(audit(events, as_of="2024-02-01"), focus="s2")
    >>> page.title
    'graphdyn staff overview as of 2024-02-01, around s2'
    >>> [str(count) for count in page.counts.values()]
    ['2 of 2 staff', '0 of 0 accounts picked out', '1 of 1 staff links drawn', \
'3 of 3 ties in the neighbourhoods']
    """
    if links_per_staff < 0:
        raise UsageError(f"links_per_staff must be 0 or more, not {links_per_staff}")
    if depth not in (1, 2):
        raise UsageError(f"depth must be 1 or 2 in the overview, not {depth}")
    for name, value in (("max_ties", max_ties), ("ties_per_staff", ties_per_staff)):
        if value < 1:
            raise UsageError(f"{name} must be 1 or more, not {value}")
    overview = portfolio_overview(tables, top=top, links_per_staff=links_per_staff)
    payload = _OverviewPayload(tables, overview)
    chosen_focus = payload.focus(focus, depth)
    payload.keep(chosen_focus, max_ties, ties_per_staff)
    page_title = title or overview_title(tables.as_of, focus)
    data = payload.data(page_title, chosen_focus)
    teams = len(overview.teams)
    counts = {
        "staff": Count("staff", len(overview.staff), len(overview.staff)),
        **({"teams": Count("teams", teams, teams)} if teams else {}),
        "accounts": Count(
            "accounts picked out", len(data["accounts"]["customer"]), overview.candidates
        ),
        "links": Count("staff links drawn", len(data["links"]["a"]), overview.pairs),
        "ties": Count("ties in the neighbourhoods", len(payload.ties), payload.all_ties),
    }
    page = vis_network_page(
        page_title,
        data,
        counts=counts,
        note=payload.note(focus),
        script="overview.js",
        style_sheets=("network.css", "overview.css"),
    )
    logger.debug("rendered %r", page)
    return page


def overview_title(as_of: datetime, focus: str | None = None) -> str:
    """Return the overview's title: its as-of date, and the focus if there is one.

    Examples
    --------
    >>> overview_title(pd.Timestamp("2026-03-31", tz="UTC"), "C000042")
    'graphdyn staff overview as of 2026-03-31, around C000042'
    """
    title = f"graphdyn staff overview as of {as_of.date().isoformat()}"
    return title if focus is None else f"{title}, around {focus}"


def _compact(value: object, digits: int = 4) -> float | int | None:
    """Return a number rounded to ``digits`` significant digits (an int if whole), or None."""
    number = plain_scalar(value)
    if number is None:
        return None
    rounded = float(f"{float(number):.{digits}g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded


def _positions(index: pd.Index, keys: pd.Series | list[str]) -> npt.NDArray[np.intp]:
    """Return where each key is in ``index`` (-1 where it is not).

    Text is looked up by Arrow's hash table (a sixth of the time of ``Index.get_indexer``,
    which first turns Arrow's text into Python strings).
    """
    try:
        found = pc.index_in(
            pa.array(keys, type=pa.string(), from_pandas=True),
            value_set=pa.array(index, type=pa.string(), from_pandas=True),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return index.get_indexer(pd.Index(keys))
    positions: npt.NDArray[np.intp] = found.fill_null(-1).to_numpy().astype(np.intp)
    return positions


def _column(values: pd.Series, digits: int = 4) -> list[float | int | None]:
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iuf":  # :func:`_compact`
        out: list[float | int | None] = []
        for number in values.tolist():
            if number != number:  # NaN
                out.append(None)
                continue
            rounded = float(f"{float(number):.{digits}g}")
            out.append(int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded)
        return out
    return [_compact(v, digits) for v in values.tolist()]


def _text_column(values: pd.Series) -> list[str | None]:
    if isinstance(values.dtype, pd.StringDtype):  # text or missing: as plain_scalar gives it
        return values.astype(object).where(values.notna(), None).tolist()
    plain = (plain_scalar(v) for v in values.tolist())
    return [None if v is None else str(v) for v in plain]


class _OverviewPayload:
    """The page's data: staff, teams, links, accounts, and every customer and tie, in columns."""

    def __init__(self, tables: OverviewTables, overview: PortfolioOverview) -> None:
        self.overview = overview
        customers = tables.customers.copy()
        customers["customer_id"] = customers["customer_id"].astype(str)
        self.customers = customers.reset_index(drop=True)
        self.customer_index = pd.Index(self.customers["customer_id"])
        staff = overview.staff.copy()
        staff["team"] = staff["team"] if "team" in staff.columns else None
        self.staff = self._in_layout_order(staff)
        self.staff_index = pd.Index(self.staff["staff_id"].astype(str))
        self.ties = self._ties(tables.ties)
        self.all_ties = len(self.ties)
        # each staff member's strongest links, chosen by portfolio_overview(links_per_staff=)
        self.links = overview.links

    def _in_layout_order(self, staff: pd.DataFrame) -> pd.DataFrame:
        """Staff by team (most at stake first), then by the value (or customers) they carry."""
        team_order = {team: i for i, team in enumerate(pd.unique(staff["team"]))}
        basis = "carried_value" if self._has_values else "carried"
        return (
            staff.assign(_team=staff["team"].map(team_order).fillna(len(team_order)))
            .sort_values(["_team", basis, "staff_id"], ascending=[True, False, True])
            .drop(columns="_team")
            .reset_index(drop=True)
        )

    @property
    def _has_values(self) -> bool:
        return bool(self.customers["value_raw"].notna().any())

    def _ties(self, ties: pd.DataFrame) -> pd.DataFrame:
        """Return the ties as (staff, customer) positions in the page, by staff then strength."""
        frame = pd.DataFrame(
            {
                "staff": _positions(self.staff_index, ties["staff_id"].astype(str)),
                "customer": _positions(self.customer_index, ties["customer_id"].astype(str)),
                "strength": ties["strength"].to_numpy(dtype=float),
                "status": _positions(pd.Index(STATUSES), ties["status"]),
            }
        )
        known = (frame["staff"] >= 0) & (frame["customer"] >= 0)
        return frame.loc[known].sort_values(
            ["staff", "strength", "customer"], ascending=[True, False, True]
        )

    def focus(self, focus: str | None, depth: int) -> dict[str, Any] | None:
        """Return the node the page opens on, or None (staff ids are looked up first)."""
        if focus is None:
            return None
        for kind, index in (("staff", self.staff_index), ("customer", self.customer_index)):
            position = _positions(index, [focus])[0]
            if position >= 0:
                return {"kind": kind, "index": int(position), "depth": depth}
        raise UsageError(f"focus {focus!r} is no staff member's or customer's id in the audit")

    def keep(self, focus: dict[str, Any] | None, max_ties: int, per_staff: int) -> None:
        """Choose the ties and customers the page holds (all, up to ``max_ties`` ties).

        Above it, each staff member's ``per_staff`` strongest, and every tie of the accounts
        picked out and of the focus, with the customers they reach and the accounts picked
        out; ``focus`` is moved to the kept customers' positions.
        """
        ties = self.ties
        customer = ties["customer"].to_numpy()
        self.customer_ties = np.bincount(customer, minlength=len(self.customers))
        self.all_customers = len(self.customers)
        self.per_staff: int | None = None
        if len(ties) <= max_ties:
            return
        self.per_staff = per_staff
        staff = ties["staff"].to_numpy()
        rank = np.arange(len(staff)) - np.searchsorted(staff, staff)  # strongest first
        whole = _positions(self.customer_index, self.overview.accounts["customer_id"])
        if focus is not None and focus["kind"] == "customer":
            whole = np.append(whole, focus["index"]).astype(np.intp)
        kept = (rank < per_staff) | np.isin(customer, whole)
        if focus is not None and focus["kind"] == "staff":
            kept |= staff == focus["index"]
        reached = np.union1d(customer[kept], whole)
        moved = np.full(len(self.customers), -1, dtype=np.int64)
        moved[reached] = np.arange(len(reached))
        self.ties = ties.loc[kept].assign(customer=moved[customer[kept]])
        self.customers = self.customers.iloc[reached].reset_index(drop=True)
        self.customer_index = pd.Index(self.customers["customer_id"])
        self.customer_ties = self.customer_ties[reached]
        if focus is not None and focus["kind"] == "customer":
            focus["index"] = int(moved[focus["index"]])

    def note(self, focus: str | None) -> str:
        """Say what the neighbourhoods in the page hold."""
        ties, customers = len(self.ties), len(self.customers)
        if self.per_staff is None:
            return f"neighbourhoods of {customers:,} customers and {ties:,} ties one click away"
        strongest = "strongest tie" if self.per_staff == 1 else f"{self.per_staff} strongest ties"
        return (
            f"neighbourhoods one click away: each staff member's {strongest} and every tie of "
            f"the accounts picked out{' and of ' + focus if focus else ''} ({ties:,} of "
            f"{self.all_ties:,} ties, {customers:,} of {self.all_customers:,} customers)"
        )

    def data(self, title: str, focus: dict[str, Any] | None) -> dict[str, Any]:
        """Return the JSON the page's script reads."""
        staff, teams = self.staff, self.overview.teams
        team_names = [_NO_TEAM if t is None else t for t in _text_column(staff["team"])]
        basis = staff["carried_value" if self._has_values else "carried"].fillna(0.0)
        most = float(basis.max()) if len(basis) and basis.max() > 0 else 1.0
        size = _STAFF_SIZE[0] + _STAFF_SIZE[1] * np.sqrt(basis.to_numpy(dtype=float) / most)
        positions, discs = grouped_layout(
            team_names, (2 * size + _STAFF_GAP).tolist(), spacing=_SPACING
        )
        x, y = (list(axis) for axis in zip(*positions, strict=True)) if positions else ([], [])
        team_of = {d.group: i for i, d in enumerate(discs)}
        return {
            "title": title,
            "focus": focus,
            "basis": "value" if self._has_values else "customers",
            "priority": self.overview.priority,
            "top": self.overview.top,
            "statuses": list(STATUSES),
            "style": {
                "kinds": KIND_STYLES,
                "status_colours": STATUS_COLOURS,
                "risk_steps": list(RISK_STEPS),
                "risk_colours": list(RISK_COLOURS),
            },
            "staff": {
                "id": _text_column(staff["staff_id"]),
                "name": _text_column(staff.get("name", pd.Series([None] * len(staff)))),
                "role": _text_column(staff.get("role", pd.Series([None] * len(staff)))),
                "left": _text_column(staff.get("left_at", pd.Series([None] * len(staff)))),
                "team": [team_of[name] for name in team_names],
                "x": [round(v, 1) for v in x],
                "y": [round(v, 1) for v in y],
                "size": [round(float(v), 1) for v in size],
                **{column: _column(staff[column]) for column in PORTFOLIO_COLUMNS},
            },
            "teams": self._teams(discs, teams) if len(self.overview.teams) else None,
            "links": {
                "a": _positions(self.staff_index, self.links["staff_a"]).tolist(),
                "b": _positions(self.staff_index, self.links["staff_b"]).tolist(),
                "shared_customers": self.links["shared_customers"].astype(int).tolist(),
                "shared_value": _column(self.links["shared_value"]),
            },
            "accounts": self._accounts(),
            "customers": self._customers(),
            "ties": self._tie_columns(),
            "ties_per_staff": self.per_staff,
        }

    def _teams(self, discs: Sequence[Any], teams: pd.DataFrame) -> dict[str, Any]:
        by_name = teams.assign(
            _name=[_NO_TEAM if t is None else t for t in _text_column(teams["team"])]
        ).set_index("_name")
        names: list[Hashable] = [d.group for d in discs]
        ordered = by_name.loc[names]
        return {
            "name": [str(n) for n in names],
            "x": [round(d.x, 1) for d in discs],
            "y": [round(d.y, 1) for d in discs],
            "r": [round(d.radius, 1) for d in discs],
            "staff": ordered["staff"].astype(int).tolist(),
            **{column: _column(ordered[column]) for column in PORTFOLIO_COLUMNS},
        }

    def _accounts(self) -> dict[str, Any]:
        accounts = self.overview.accounts
        return {
            "customer": _positions(self.customer_index, accounts["customer_id"]).tolist(),
            "top_at_risk": accounts["top_at_risk"].astype(bool).tolist(),
            "top_single_threaded": accounts["top_single_threaded"].astype(bool).tolist(),
        }

    def _customers(self) -> dict[str, Any]:
        customers = self.customers
        none = pd.Series([None] * len(customers))
        carrier = _positions(self.staff_index, customers["top_staff_id"].astype(str))
        return {
            "id": customers["customer_id"].tolist(),
            "name": _text_column(customers.get("name", none)),
            "segment": _text_column(customers.get("segment", none)),
            "status": [
                None if code < 0 else int(code)
                for code in _positions(pd.Index(STATUSES), customers["status"]).tolist()
            ],
            "strength": _column(customers["strength"], 3),
            "value": _column(customers["value_raw"]),
            "value_at_risk": _column(customers["value_at_risk"]),
            "strength_at_risk": _column(customers["strength_at_risk"], 3),
            "single_threaded": customers["single_threaded"].astype(bool).astype(int).tolist(),
            "carrier": np.where(customers["top_staff_id"].isna(), -1, carrier).tolist(),
            "ties": self.customer_ties.astype(int).tolist(),
        }

    def _tie_columns(self) -> dict[str, Any]:
        ties = self.ties
        counts = np.bincount(ties["staff"].to_numpy(), minlength=len(self.staff_index))
        return {
            "offsets": np.r_[0, np.cumsum(counts)].astype(int).tolist(),
            "customer": ties["customer"].astype(int).tolist(),
            "strength": np.rint(ties["strength"].to_numpy() * 1000).astype(int).tolist(),
            "status": ties["status"].astype(int).tolist(),
        }
