"""graphdyn: tie strength, relationship decay and contact-point centrality for a vendor's customers.

The public API: read a data folder with :func:`read_data`, audit it as of a date with
:func:`audit`, and explore the :class:`Audit`'s frames, graph and views.
"""

from graphdyn._version import __version__
from graphdyn.audit import Audit, audit
from graphdyn.compare import Comparison, compare_audits
from graphdyn.config import Config, load_config
from graphdyn.data import Dataset, read_data
from graphdyn.errors import (
    ConfigError,
    DataError,
    DataProblem,
    GraphdynError,
    Neo4jConnectionError,
    Neo4jError,
    Neo4jQueryError,
    UsageError,
)

__all__ = [
    "Audit",
    "Comparison",
    "Config",
    "ConfigError",
    "DataError",
    "DataProblem",
    "Dataset",
    "GraphdynError",
    "Neo4jConnectionError",
    "Neo4jError",
    "Neo4jQueryError",
    "UsageError",
    "__version__",
    "audit",
    "compare_audits",
    "load_config",
    "read_data",
]
