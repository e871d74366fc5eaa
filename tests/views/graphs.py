"""Graphs shaped like the ones ``graphdyn.model.graph`` builds, for the view tests.

The schema (node keys ``"<kind>:<id>"``, the attributes an audit adds) is the one the views are
built against; customers carry what ``Audit.graph`` puts on them: strength, the components
(``value`` is the value component, 0..1) and ``value_raw`` (decayed money).
:func:`random_graph` makes seeded graphs of any size, :func:`hand_graph` a small one whose
answers are worked out by hand, and :func:`xss_graph` one full of hostile strings.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

__all__ = ["XSS_CUSTOMER_NAMES", "XSS_ID", "XSS_TEAM", "hand_graph", "random_graph", "xss_graph"]

STATUSES = ("new", "active", "cooling", "at_risk", "dormant")
TRENDS = ("strengthening", "stable", "weakening")
SEGMENTS = ("enterprise", "mid-market", "smb")

XSS_CUSTOMER_NAMES = (
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
)
XSS_TEAM = '"><svg onload=alert(1)>'
XSS_ID = "c`1'\"<b>&amp;\u2028é"


def _customer(graph: nx.Graph, cid: str, name: str | None, segment: str, **metrics: object) -> str:
    key = f"customer:{cid}"
    graph.add_node(key, kind="customer", id=cid, name=name, segment=segment, region="eu", **metrics)
    return key


def _staff(graph: nx.Graph, sid: str, name: str | None, team: str, **metrics: object) -> str:
    key = f"staff:{sid}"
    graph.add_node(
        key,
        kind="staff",
        id=sid,
        name=name,
        role="account_manager",
        team=team,
        left_at=None,
        **metrics,
    )
    return key


def _product(graph: nx.Graph, pid: str, name: str | None, **metrics: object) -> str:
    key = f"product:{pid}"
    graph.add_node(key, kind="product", id=pid, name=name, category="saas", price=100.0, **metrics)
    return key


def _tie(graph: nx.Graph, a: str, b: str, strength: float, status: str, trend: str) -> None:
    graph.add_edge(
        a,
        b,
        kind="tie",
        n_interactions=5,
        strength=strength,
        status=status,
        trend=trend,
        intensity=strength,
        tenure=0.5,
        reciprocity=float("nan"),
        affect=0.6,
        value=0.2,
        weight=strength,
    )


def hand_graph() -> nx.Graph:
    """Return a small audited graph: 4 customers, 2 staff, 1 product, 6 edges.

    Layout (edge weights in brackets)::

        c1 -[0.9]- s1 -[0.1]- c2 -[0.5]- s2 -[0.3]- c3
        c1 -[0.7]- p1 (product)
        c4 (isolated customer, no metrics)

    Ego of ``c1`` at depth 1: {c1, s1, p1}; depth 2 adds c2; depth 3 adds s2; depth 4 adds c3.
    """
    g = nx.Graph()
    c1 = _customer(
        g,
        "c1",
        "Acme",
        "enterprise",
        strength=0.9,
        status="active",
        trend="stable",
        days_since_last=3,
        n_interactions=40,
        strong_ties=1,
        single_threaded=True,
        intensity=0.85,
        tenure=0.7,
        reciprocity=0.6,
        affect=0.75,
        value=0.8,
        liveness=0.95,
        p_alive=0.99,
        value_at_risk=60.0,
        value_raw=1200.0,
        typical_gap_days=7.5,
        top_staff_id="s1",
    )
    c2 = _customer(
        g,
        "c2",
        "Bolt",
        "smb",
        strength=0.4,
        status="cooling",
        trend="weakening",
        days_since_last=50,
        n_interactions=9,
        strong_ties=0,
        single_threaded=False,
        value=0.0,
        value_raw=0.0,
    )
    c3 = _customer(
        g,
        "c3",
        None,
        "smb",
        strength=float("nan"),
        status="at_risk",
        trend="weakening",
        days_since_last=200,
        n_interactions=2,
        strong_ties=0,
        single_threaded=False,
        value=float("nan"),
        value_raw=float("nan"),
    )
    _customer(g, "c4", "Lone", "mid-market")
    s1 = _staff(
        g,
        "s1",
        "Sam",
        "north",
        customers=2,
        portfolio_strength=1.0,
        strong_ties=1,
        betweenness=0.5,
        pagerank=0.3,
        constraint=0.6,
        effective_size=1.5,
        sole_strong_tie_customers=1,
        departure_at_risk=1,
    )
    s2 = _staff(
        g,
        "s2",
        "Kim",
        "south",
        customers=2,
        portfolio_strength=0.8,
        strong_ties=0,
        betweenness=0.4,
        pagerank=0.2,
        constraint=float("nan"),
        effective_size=None,
        sole_strong_tie_customers=0,
        departure_at_risk=0,
    )
    p1 = _product(g, "p1", "Widget", value=1200.0, n_interactions=4)
    _tie(g, c1, s1, 0.9, "active", "stable")
    _tie(g, s1, c2, 0.1, "dormant", "weakening")
    _tie(g, c2, s2, 0.5, "cooling", "weakening")
    _tie(g, s2, c3, 0.3, "at_risk", "stable")
    g.add_edge(c1, p1, kind="product", n_interactions=4, value=1200.0, weight=0.7)
    return g


def random_graph(n_nodes: int, *, seed: int = 0, audited: bool = True) -> nx.Graph:
    """Return a seeded random graph of exactly ``n_nodes`` nodes with the audit's schema.

    About 80 % customers, 5 % staff and 15 % products. Staff form teams of about ten; each
    customer belongs to one team, has one to three staff ties (90 % inside its team) and zero
    to two product edges (80 % among its team's products), so the graph has communities like
    real portfolios, and about 2.3 edges per node.
    """
    rng = np.random.default_rng(seed)
    n_staff = max(1, n_nodes // 20)
    n_products = max(1, (n_nodes * 3) // 20)
    n_customers = max(1, n_nodes - n_staff - n_products)
    n_teams = max(1, n_staff // 10)
    g = nx.Graph()
    staff_by_team: list[list[str]] = [[] for _ in range(n_teams)]
    for i in range(n_staff):
        metrics: dict[str, object] = {}
        if audited:
            metrics = {
                "customers": 0,
                "portfolio_strength": float(rng.uniform(0, 20)),
                "strong_ties": int(rng.integers(0, 10)),
                "betweenness": float(rng.uniform()),
                "pagerank": float(rng.uniform(0, 0.01)),
                "constraint": float(rng.uniform()),
                "effective_size": float(rng.uniform(1, 30)),
                "sole_strong_tie_customers": int(rng.integers(0, 5)),
                "departure_at_risk": int(rng.integers(0, 5)),
            }
        team = i % n_teams
        staff_by_team[team].append(_staff(g, f"s{i}", f"Staff {i}", f"team {team}", **metrics))
    all_staff = [s for team in staff_by_team for s in team]
    products_by_team: list[list[str]] = [[] for _ in range(n_teams)]
    for i in range(n_products):
        metrics = {"value": float(rng.uniform(0, 1e4)), "n_interactions": 3} if audited else {}
        products_by_team[i % n_teams].append(_product(g, f"p{i}", f"Product {i}", **metrics))
    all_products = [p for team in products_by_team for p in team]
    for i in range(n_customers):
        team = i % n_teams
        metrics = {}
        if audited:
            metrics = {
                "strength": float(rng.uniform()),
                "status": STATUSES[int(rng.integers(5))],
                "trend": TRENDS[int(rng.integers(3))],
                "days_since_last": int(rng.integers(400)),
                "n_interactions": int(rng.integers(1, 80)),
                "strong_ties": int(rng.integers(3)),
                "single_threaded": bool(rng.integers(2)),
                "value": float(rng.uniform()),
                "value_raw": float(rng.uniform(0, 5e4)),
            }
        c = _customer(g, f"c{i}", f"Customer {i}", SEGMENTS[i % len(SEGMENTS)], **metrics)
        for _ in range(int(rng.integers(1, 4))):
            pool = staff_by_team[team] if rng.uniform() < 0.9 else all_staff
            staff = pool[int(rng.integers(len(pool)))]
            if audited:
                _tie(
                    g,
                    c,
                    staff,
                    float(rng.uniform()),
                    STATUSES[int(rng.integers(5))],
                    TRENDS[int(rng.integers(3))],
                )
            else:
                g.add_edge(c, staff, kind="tie", n_interactions=int(rng.integers(1, 30)))
        for _ in range(int(rng.integers(0, 3))):
            pool = products_by_team[team] if rng.uniform() < 0.8 else all_products
            product = pool[int(rng.integers(len(pool)))]
            weight = float(rng.uniform(0, 5))
            attrs: dict[str, object] = {"kind": "product", "n_interactions": 2}
            if audited:
                attrs |= {"value": weight * 100, "weight": weight}
            g.add_edge(c, product, **attrs)
    return g


def xss_graph() -> nx.Graph:
    """Return a small audited graph whose names, team and one id are hostile strings."""
    g = hand_graph()
    nx.set_node_attributes(g, {"customer:c1": XSS_CUSTOMER_NAMES[0]}, "name")
    nx.set_node_attributes(g, {"customer:c2": XSS_CUSTOMER_NAMES[1]}, "name")
    nx.set_node_attributes(g, {"staff:s1": XSS_TEAM}, "team")
    key = _customer(
        g,
        XSS_ID,
        "</script><!--<script>",
        "<b>seg</b>",
        strength=0.5,
        status="active",
        trend="stable",
    )
    _tie(g, key, "staff:s1", 0.6, "active", "stable")
    return g
