"""Running the model as of a date: the :class:`Audit` object and :func:`audit`."""

from __future__ import annotations

import platform
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphdyn._version import __version__
from graphdyn.config import Config
from graphdyn.engine.backend import connect
from graphdyn.engine.products import product_links, product_totals
from graphdyn.ingest.dataset import DataLike, Dataset, OnError, as_dataset, to_timestamp
from graphdyn.model.centrality import Centrality, node_centrality
from graphdyn.model.decay import STATUSES, TRENDS
from graphdyn.model.departure import WhatIf, departure_impact, what_if
from graphdyn.model.explain import Explanation, explain_from_tables
from graphdyn.model.graph import GraphFrames, build_graph, node_key
from graphdyn.model.priority import priority_column
from graphdyn.model.relationships import Relationships, relationships
from graphdyn.model.staff import add_exposure, staff_table
from graphdyn.progress import Progress, progress_or_silence

__all__ = ["Audit", "audit"]

_STEPS = 6  # the steps audit() times and reports


def audit(
    data: DataLike,
    as_of: object = None,
    config: Config | None = None,
    *,
    on_error: OnError = "raise",
    on_progress: Progress | None = None,
) -> Audit:
    """Audit every relationship in ``data`` as of a date.

    Parameters
    ----------
    data : Dataset, path or pandas.DataFrame
        A validated :class:`~graphdyn.Dataset`, a data folder, or an interactions frame.
    as_of : date, datetime, str or None
        The audit date T; a date means midnight UTC. Default: the latest timestamp in the data.
        Events after T are excluded (counted in the summary).
    config : Config, optional
        Model parameters (defaults documented in ``docs/model.md``).
    on_error : {"raise", "quarantine"}
        When ``data`` is read or validated here: stop at bad interaction rows (a
        :class:`~graphdyn.DataError` listing them), or set them aside (``Audit.data.rejects``,
        rejects.csv in the audit folder) and go on.
    on_progress : callable, optional
        Called as ``on_progress(step, k, n)`` as the k-th of n steps starts
        (:mod:`graphdyn.progress`).

    Returns
    -------
    Audit

    Examples
    --------
    >>> import pandas as pd
    >>> events = pd.DataFrame({
    ...     "interaction_id": ["i1", "i2"], "timestamp": ["2024-01-01", "2024-03-01"],
    ...     "customer_id": ["c1", "c1"], "staff_id": ["s1", "s1"], "channel": ["meeting", "phone"]})
    >>> result = audit(events, as_of="2024-03-31")
    >>> result.ties[["customer_id", "staff_id", "n_interactions"]].values.tolist()
    [['c1', 's1', 2]]
    """
    config = config or Config()
    report = progress_or_silence(on_progress)
    timings: dict[str, float] = {}

    @contextmanager
    def step(name: str) -> Iterator[None]:
        report(name, len(timings), _STEPS)
        started = time.perf_counter()
        yield
        timings[name] = round(time.perf_counter() - started, 4)

    with step("reading data"):
        dataset = as_dataset(data, config, on_error=on_error)
    latest = dataset.latest()
    stamp = latest if as_of is None else to_timestamp(as_of)
    with step("excluding events after as-of"):
        known = dataset.until(stamp)
    # One engine for every event-level step; the interactions are a table over it.
    with connect(config.engine) as backend:
        interactions = known.interactions_table(backend)
        with step("tie strength and decay"):
            result = relationships(backend, interactions, stamp, config)
        with step("staff"):
            staff = staff_table(result.ties, known.staff, config)
        customers = _with_attributes(result.customers, known.customers, "customer_id")
        with step("centrality"):
            links = product_links(backend, interactions, stamp, config)
            products = product_totals(known.products, links)
            # From the tables Audit.graph is built from: the same numbers, without the graph.
            centrality = node_centrality(
                _graph_frames(customers, staff, products, result.ties, links), config
            )
        with step("departure impact"):
            departure = departure_impact(
                backend,
                interactions,
                result.customers,
                result.ties,
                stamp,
                config,
                medians=result.medians,
            )
    staff_keys = [node_key("staff", staff_id) for staff_id in staff["staff_id"]]
    staff = add_exposure(
        staff, centrality.table.loc[staff_keys].set_axis(staff["staff_id"]), departure
    )
    summary = _summary(known, stamp, config, result, staff, centrality, timings)
    return Audit(
        as_of=stamp,
        config=config,
        data=known,
        ties=result.ties,
        customers=customers,
        channels=result.channels,
        staff=staff,
        tie_trajectories=result.tie_trajectories,
        customer_trajectories=result.customer_trajectories,
        products=products,
        product_links=links,
        summary=summary,
    )


@dataclass(frozen=True, repr=False)
class Audit:
    """The relationships of a data set as of a date: tables, graph and parameters.

    Parameters
    ----------
    as_of : pandas.Timestamp
        The audit date (UTC).
    config : Config
        The parameters used.
    data : Dataset
        The data the audit saw (events after ``as_of`` excluded).
    ties, customers, channels, staff : pandas.DataFrame
        The audit tables (columns as in ``docs/data-contract.md``).
    tie_trajectories, customer_trajectories : pandas.DataFrame
        Monthly strength snapshots, newest first.
    products : pandas.DataFrame
        The products table with each product's ``n_interactions`` and summed order ``value``
        (every product named in the data, interactions or not).
    product_links : pandas.DataFrame
        One row per customer–product pair: ``customer_id``, ``product_id``,
        ``n_interactions``, ``value`` (summed order values) and ``weight`` (the decayed
        interaction count, the edge's weight in the graph).
    summary : dict
        What ``summary.json`` holds.
    """

    as_of: pd.Timestamp
    config: Config
    data: Dataset
    ties: pd.DataFrame
    customers: pd.DataFrame
    channels: pd.DataFrame
    staff: pd.DataFrame
    tie_trajectories: pd.DataFrame
    customer_trajectories: pd.DataFrame
    products: pd.DataFrame
    product_links: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        counts = self.summary["customer_status"]
        statuses = ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts.get(s))
        return (
            f"<Audit as of {self.as_of.date().isoformat()}: {len(self.customers):,} customers "
            f"({statuses}), {len(self.ties):,} ties, {len(self.staff):,} staff; "
            f"{self.summary['single_threaded']} single-threaded; "
            f"half-life {self.config.half_life_days:g} d>"
        )

    @property
    def graph_frames(self) -> GraphFrames:
        """The tables :attr:`graph` is built from: nodes (customers, staff, products) and edges.

        What the network view picks its nodes from without building the graph
        (:func:`graphdyn.network_view`), and what centrality is computed on; the ties have
        ``weight`` = strength.
        """
        return _graph_frames(
            self.customers, self.staff, self.products, self.ties, self.product_links
        )

    @cached_property
    def graph(self) -> nx.Graph[str]:
        """The customer–staff–product graph with the audit's metrics on nodes and edges.

        Tie edges carry strength, status, trend and the components, with ``weight`` =
        strength; customer–product edges carry ``weight`` = decayed volume (the decayed
        interaction count). Staff nodes carry the centrality and departure columns of
        ``staff``, computed on this graph (distance = 1 / weight). Built when first asked for
        (at 10M interactions, 2.2M edges: about 25 s and 2.5 GB); the views and centrality
        read :attr:`graph_frames` instead.
        """
        return build_graph(self.graph_frames)

    def what_if(self, remove_staff: str | Iterable[str]) -> WhatIf:
        """Re-audit the customers of some staff members as if those people had left.

        Their interactions are removed and their customers re-audited against this audit's
        medians (see :func:`graphdyn.model.departure.what_if`).

        Parameters
        ----------
        remove_staff : str or iterable of str
            The staff ids.

        Returns
        -------
        WhatIf
            Every affected customer before and after, who becomes at risk or loses every strong
            tie, and the value at stake.

        Raises
        ------
        UsageError
            If no id is given or an id is not one of the audit's staff.

        Examples
        --------
        >>> import pandas as pd
        >>> events = pd.DataFrame({
        ...     "interaction_id": ["i1", "i2", "i3"],
        ...     "timestamp": ["2024-01-01", "2024-03-01", "2024-03-01"],
        ...     "customer_id": ["c1", "c1", "c2"], "staff_id": ["s1", "s1", "s2"],
        ...     "channel": ["meeting", "phone", "email"]})
        >>> change = audit(events, as_of="2024-03-31").what_if("s1")
        >>> change.customers[["customer_id", "status_after", "strength_after"]].values.tolist()
        [['c1', 'dormant', 0.0]]
        """
        return what_if(
            self.data.interactions,
            self.customers,
            self.ties,
            self.as_of,
            self.config,
            remove_staff,
            staff_ids=self.staff["staff_id"],
        )

    def weakest_important(self, n: int = 20) -> pd.DataFrame:
        """Return the weakest relationships among the most valuable half of customers.

        Important = customers whose decayed value (or, with no values, intensity) is at or above
        the median; sorted by strength, weakest first.
        """
        customers = self.customers
        basis = customers["value_raw"].fillna(0.0)
        if not (basis > 0).any():
            basis = customers["intensity_raw"]
        important = customers.loc[basis >= basis.median()]
        return important.sort_values(["strength", "customer_id"]).head(n).reset_index(drop=True)

    def explain(self, customer_id: str, staff_id: str | None = None, top: int = 10) -> Explanation:
        """Explain a tie (customer and staff) or a customer's relationship with the vendor.

        Parameters
        ----------
        customer_id : str
            The customer.
        staff_id : str, optional
            The staff member; without it, the customer–vendor relationship is explained.
        top : int
            How many of the most contributing interactions to list.

        Raises
        ------
        UsageError
            If there is no such customer or tie in the audit.
        """
        return explain_from_tables(
            self.ties,
            self.customers,
            self.data.interactions_of(customer_id),
            customer_id,
            staff_id,
            as_of=self.as_of,
            config=self.config,
            top=top,
        )


def _graph_frames(
    customers: pd.DataFrame,
    staff: pd.DataFrame,
    products: pd.DataFrame,
    ties: pd.DataFrame,
    product_links: pd.DataFrame,
) -> GraphFrames:
    """Gather the tables the audit graph is made of (weight = strength, or decayed volume)."""
    return GraphFrames(
        customers=customers,
        staff=staff,
        products=products,
        ties=ties.assign(weight=ties["strength"]),
        product_links=product_links,
    )


def _with_attributes(table: pd.DataFrame, attributes: pd.DataFrame, key: str) -> pd.DataFrame:
    extra = [c for c in attributes.columns if c != key and c not in table.columns]
    if not extra:
        return table
    merged = table.merge(attributes[[key, *extra]], on=key, how="left")
    return merged[[key, *extra, *[c for c in table.columns if c != key]]]


def _folder_path(source: str) -> str | None:
    """Return the absolute path of the data folder read (None for frames or Neo4j)."""
    path = Path(source)
    return str(path.resolve()) if path.is_dir() else None


def _summary(
    data: Dataset,
    as_of: pd.Timestamp,
    config: Config,
    result: Relationships,
    staff: pd.DataFrame,
    centrality: Centrality,
    timings: dict[str, float],
) -> dict[str, Any]:
    customers, ties = result.customers, result.ties

    def counts(column: pd.Series, labels: tuple[str, ...]) -> dict[str, int]:
        found = column.value_counts()
        return {label: int(found.get(label, 0)) for label in labels}

    n_customers = max(len(customers), 1)
    status = counts(customers["status"], STATUSES)
    data_summary = data.summary()
    return {
        "as_of": as_of.isoformat().replace("+00:00", "Z"),
        "graphdyn_version": __version__,
        "parameters": config.to_dict(),
        "source": data.source,
        "source_folder": _folder_path(data.source),
        "counts": {
            "interactions": data_summary["interactions"],
            "customers": len(customers),
            "customers_without_interactions": len(data.customer_ids()) - len(customers),
            "staff": len(staff),
            "products": int(data_summary["products"]),
            "ties": len(ties),
            "self_service_interactions": int(data_summary["self_service_interactions"]),
        },
        "customer_status": status,
        "tie_status": counts(ties["status"], STATUSES),
        "customer_trend": counts(customers["trend"], TRENDS),
        "at_risk_share": status["at_risk"] / n_customers,
        "dormant_share": status["dormant"] / n_customers,
        "single_threaded": int(customers["single_threaded"].sum()),
        "priority": priority_column(customers),
        "mean_customer_liveness": float(customers["liveness"].mean()),
        "strong_ties": int((ties["strength"] >= config.strong_threshold).sum()),
        "mean_customer_strength": float(customers["strength"].mean()),
        "value_reference": None if np.isnan(result.value_reference) else result.value_reference,
        "centrality": centrality.summary(),
        "data_quality": {
            "rejected_rows": int(data_summary["rejected_rows"]),
            "excluded_after_as_of": data.excluded_after_as_of,
        },
        "versions": {
            "graphdyn": __version__,
            "python": platform.python_version(),
            "pandas": pd.__version__,
            "numpy": np.__version__,
            "networkx": nx.__version__,
        },
        "timings_seconds": timings,
    }
