"""How far betweenness from a sample of pivots is from exact betweenness, on a rung's audit graph.

``python -m benchmarks.betweenness_sampling [--rung 1M] [--pivots 25,50,100,200,500,1000]
[--seeds 5]`` audits the rung (``benchmarks/data``, generated as ``benchmarks/run`` generates
it), computes exact weighted betweenness on its graph (every node a source: at 1M interactions,
10,800 Dijkstra runs over 202,008 edges), then the estimate from each number of pivots with
several seeds, and prints per number of pivots the mean over the seeds of:

- Spearman's rank correlation with exact betweenness, over the staff (the nodes whose
  betweenness ``staff.csv`` reports) and over all nodes;
- the share of the exact top 10 and top 50 staff found in the estimate's top 10 and top 50;
- the largest absolute error over all nodes, against Hoeffding's bound for that many pivots
  (each pivot's contribution to a node's normalised betweenness lies in [0, n/(n-1)]; with
  probability 1 - delta every node is within ``eps = n/(n-1) sqrt(ln(2n/delta) / (2k))``,
  Eppstein & Wang 2004, Brandes & Pich 2007), here at delta = 0.1.

The table is what ``docs/model.md`` reports under "Betweenness within a budget".
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import pandas as pd

from benchmarks.harness import RUNGS, prepare
from graphdyn.audits.run import audit
from graphdyn.model.centrality import _betweenness, _indexed_frames
from graphdyn.model.graph import node_key

__all__ = ["main"]


def _ranks(values: np.ndarray) -> np.ndarray:
    return pd.Series(values).rank(method="average").to_numpy()


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation (ties get their average rank)."""
    return float(np.corrcoef(_ranks(a), _ranks(b))[0, 1])


def overlap(exact: np.ndarray, estimate: np.ndarray, top: int) -> float:
    """The share of the exact top ``top`` found in the estimate's top ``top``."""
    first = set(np.argsort(-exact, kind="stable")[:top].tolist())
    second = set(np.argsort(-estimate, kind="stable")[:top].tolist())
    return len(first & second) / top


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rung", default="1M", choices=sorted(RUNGS))
    parser.add_argument("--pivots", default="25,50,100,200,500,1000")
    parser.add_argument("--seeds", type=int, default=5)
    options = parser.parse_args(argv)
    folder, _ = prepare(RUNGS[options.rung])
    result = audit(folder)
    indexed = _indexed_frames(result.graph_frames, "weight")
    n, m = indexed.n, len(indexed.u)
    staff = np.array([indexed.nodes.index(node_key("staff", s)) for s in result.staff["staff_id"]])
    started = time.perf_counter()
    exact = _betweenness(indexed, None, None, None)
    seconds = time.perf_counter() - started
    print(f"{options.rung}: {n:,} nodes, {m:,} edges; exact betweenness in {seconds:.1f} s")
    print()
    print(
        "| pivots | pivots x edges | Spearman, staff | Spearman, all nodes | top 10 staff "
        "| top 50 staff | largest error | Hoeffding bound (delta 0.1) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k in (int(value) for value in options.pivots.split(",")):
        rows = []
        for seed in range(options.seeds):
            estimate = _betweenness(indexed, k, seed, None)
            rows.append(
                (
                    spearman(exact[staff], estimate[staff]),
                    spearman(exact, estimate),
                    overlap(exact[staff], estimate[staff], 10),
                    overlap(exact[staff], estimate[staff], 50),
                    float(np.max(np.abs(estimate - exact))),
                )
            )
        mean = np.mean(rows, axis=0)
        bound = n / (n - 1) * math.sqrt(math.log(2 * n / 0.1) / (2 * k))
        print(
            f"| {k:,} | {k * m:.2g} | {mean[0]:.3f} | {mean[1]:.3f} | {mean[2]:.2f} "
            f"| {mean[3]:.2f} | {mean[4]:.2g} | {bound:.2g} |"
        )
    print()
    print(
        f"Means over {options.seeds} seeds; exact staff betweenness: max {exact[staff].max():.3g}"
    )


if __name__ == "__main__":
    main()
