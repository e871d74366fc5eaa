"""Brandes' betweenness dependencies with igraph, on one core or several.

igraph's ``Graph.betweenness`` from a set of sources (Brandes 2001: one shortest-path search
per source, dependencies accumulated backwards) is the whole cost of exact betweenness. Above
:data:`PARALLEL_WORK` the sources are split into a fixed number of chunks, run here and in
worker processes, and the chunks' sums added in chunk order, so that the result is the same
bits whatever the number of workers. :mod:`graphdyn.model.centrality` normalises the sums.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from typing import IO, cast

import igraph as ig
import numpy as np

from graphdyn.errors import GraphdynError

__all__ = ["PARALLEL_WORK", "dependencies", "usable_cpus"]


#: Sources x edges above which betweenness runs in chunks of sources, in worker processes:
#: about 2.5 s of Dijkstra on one core, against about 1 s to start a worker.
PARALLEL_WORK = 50_000_000

#: The number of chunks the sources are split into above :data:`PARALLEL_WORK`, whatever the
#: number of workers, so that the sum (and its rounding) does not depend on the machine.
_CHUNKS = 32


def usable_cpus() -> int:
    """Return the number of CPUs this process may run on (the default number of workers).

    Examples
    --------
    >>> usable_cpus() >= 1
    True
    """
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def dependencies(
    graph: ig.Graph,
    u: np.ndarray,
    v: np.ndarray,
    weight: np.ndarray,
    sources: list[int] | None,
    workers: int,
) -> np.ndarray:
    """Return igraph's betweenness from ``sources`` (every node if None), on one or more cores.

    Small jobs make one igraph call. Larger ones split the sources into :data:`_CHUNKS`
    chunks, dealt round-robin to this process and up to ``workers - 1`` worker processes, and
    add the chunks' sums in chunk order.

    Parameters
    ----------
    graph : igraph.Graph
        Undirected, nodes ``0 .. n - 1``, edges ``(u[e], v[e])`` in this order.
    u, v : numpy.ndarray
        The edges' ends (sent to the worker processes, which rebuild the graph).
    weight : numpy.ndarray
        Positive edge weights; the path length of an edge is ``1 / weight``.
    sources : list of int or None
        The nodes the shortest-path searches start from; None for every node.
    workers : int
        Processes to use at most, this one included.

    Returns
    -------
    numpy.ndarray
        Per node, the sum over sources s and targets t of the share of shortest s-t paths
        through it, each unordered pair once when ``sources`` is None (igraph's convention).

    Examples
    --------
    >>> import igraph as ig, numpy as np
    >>> u, v = np.array([0, 1]), np.array([1, 2])
    >>> dependencies(ig.Graph(n=3, edges=[(0, 1), (1, 2)]), u, v, np.ones(2), None, 1)
    array([0., 1., 0.])
    """
    distance = 1.0 / weight
    # Equal lengths: the same shortest paths as hop counts, which igraph finds by breadth-first
    # search rather than Dijkstra.
    hops = len(distance) == 0 or bool(np.all(distance == distance[0]))
    weights = None if hops else distance.tolist()
    count = graph.vcount() if sources is None else len(sources)
    if count * len(weight) < PARALLEL_WORK:
        if sources is None:
            return np.asarray(graph.betweenness(directed=False, weights=weights))
        return _chunk_dependencies(graph, weights, sources)
    every = np.arange(graph.vcount()) if sources is None else np.asarray(sources)
    chunks = [chunk.tolist() for chunk in np.array_split(every, _CHUNKS) if len(chunk)]
    hands = min(workers if sys.executable else 1, len(chunks))
    job = (graph.vcount(), u, v, None if hops else distance)
    children = [_start_worker(job, chunks[hand::hands]) for hand in range(1, hands)]
    try:
        parts = [[_chunk_dependencies(graph, weights, chunk) for chunk in chunks[::hands]]]
        parts.extend(_finish_worker(child) for child in children)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    raw = np.zeros(graph.vcount())
    for index in range(len(chunks)):
        raw += parts[index % hands][index // hands]
    return raw


def _chunk_dependencies(
    graph: ig.Graph, distance: list[float] | None, sources: list[int]
) -> np.ndarray:
    return np.asarray(
        graph.betweenness(directed=False, weights=distance, sources=sources, targets=None)
    )


#: A worker process: a fresh interpreter (not a fork, and without re-running the caller's
#: script as multiprocessing's spawn would) that takes this process's sys.path and the job
#: from standard input before importing graphdyn, so that the parent's writes never wait.
_WORKER = (
    "import pickle, sys; path = pickle.load(sys.stdin.buffer); job = sys.stdin.buffer.read(); "
    "sys.path[:] = path; from graphdyn.model.brandes import _worker_main; _worker_main(job)"
)

_Job = tuple[int, np.ndarray, np.ndarray, np.ndarray | None]


def _start_worker(job: _Job, chunks: list[list[int]]) -> subprocess.Popen[bytes]:
    child = subprocess.Popen(  # noqa: S603 - this interpreter, a fixed command
        [sys.executable, "-c", _WORKER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        with cast("IO[bytes]", child.stdin) as stdin:
            pickle.dump(sys.path, stdin)
            pickle.dump((*job, chunks), stdin, protocol=pickle.HIGHEST_PROTOCOL)
    except BrokenPipeError:
        pass  # the child ended early: _finish_worker reports its exit status
    return child


def _finish_worker(child: subprocess.Popen[bytes]) -> list[np.ndarray]:
    with cast("IO[bytes]", child.stdout) as stdout:
        out = stdout.read()
    if child.wait() != 0:
        raise GraphdynError(
            f"betweenness: a worker process failed (exit status {child.returncode}; "
            "its message, if any, is on standard error)"
        )
    parts: list[np.ndarray] = pickle.loads(out)  # noqa: S301 - our own child's answer
    return parts


def _worker_main(job: bytes) -> None:
    """Run a worker's chunks (see :data:`_WORKER`) and write their sums to standard output."""
    n, u, v, distance, chunks = pickle.loads(job)  # noqa: S301 - from our own parent
    graph = ig.Graph(n=n, edges=list(zip(u.tolist(), v.tolist(), strict=True)))
    weights = None if distance is None else distance.tolist()
    parts = [_chunk_dependencies(graph, weights, chunk) for chunk in chunks]
    pickle.dump(parts, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()
