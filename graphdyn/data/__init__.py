"""Reading, validating and generating graphdyn data folders."""

from graphdyn.data.dataset import Dataset, OnError, read_data, to_timestamp

__all__ = ["Dataset", "OnError", "read_data", "to_timestamp"]
