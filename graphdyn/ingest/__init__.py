"""The data set: a data folder, frames or tables read, checked and held in the query engine.

:func:`read_data` (and :func:`as_dataset`, for whatever a caller already holds) gives a
:class:`Dataset`: its interactions scanned and checked against the contract in the engine
(:mod:`graphdyn.engine.scan`, :mod:`graphdyn.engine.checks`) and kept there as an engine
source, its attribute tables checked into pandas (:mod:`graphdyn.data.validate`).
:mod:`graphdyn.ingest.partial` reads part of a folder: some columns of every interaction, every
column of some rows.
"""

from graphdyn.ingest.dataset import DataLike, Dataset, OnError, as_dataset, read_data, to_timestamp

__all__ = ["DataLike", "Dataset", "OnError", "as_dataset", "read_data", "to_timestamp"]
