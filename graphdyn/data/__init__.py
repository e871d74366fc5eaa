"""Reading, validating and generating graphdyn data folders.

The generator lives in :mod:`graphdyn.data.generate` (import ``generate`` from there; it is not
re-exported here, so the module stays reachable under its own name).
"""

from graphdyn.data.dataset import DataLike, Dataset, OnError, as_dataset, read_data, to_timestamp

__all__ = ["DataLike", "Dataset", "OnError", "as_dataset", "read_data", "to_timestamp"]
