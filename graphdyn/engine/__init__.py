"""The event-level work as relational queries: one definition, in Ibis, run by a query engine.

The model reads sums per (group, evaluation time), not events. Here they are Ibis
expressions (:mod:`graphdyn.engine.sums`, :mod:`graphdyn.engine.channels`) over the events of
:mod:`graphdyn.engine.events`, which any Ibis backend compiles; :mod:`graphdyn.engine.backend`
opens the one that runs them, an embedded DuckDB. The results come back as Arrow, at most a
few values per group and time, for the NumPy model (:mod:`graphdyn.model`).
"""
