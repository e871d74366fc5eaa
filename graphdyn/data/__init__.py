"""Reading, validating and generating graphdyn data folders."""

from graphdyn.data.dataset import Dataset, OnError, read_data, to_timestamp
from graphdyn.data.generate import GeneratedData, generate

__all__ = ["Dataset", "GeneratedData", "OnError", "generate", "read_data", "to_timestamp"]
