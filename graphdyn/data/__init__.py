"""Reading, validating and generating graphdyn data folders.

The generator lives in :mod:`graphdyn.data.generate` (import ``generate`` from there; it is not
re-exported here, so the module stays reachable under its own name).
"""

from graphdyn.data.dataset import Dataset, OnError, read_data, to_timestamp

__all__ = ["Dataset", "OnError", "read_data", "to_timestamp"]
