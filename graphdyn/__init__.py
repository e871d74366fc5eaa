"""graphdyn: tie strength, relationship decay and contact-point centrality for a vendor's customers.

The public API: read a data folder with :func:`read_data`, audit it as of a date with
:func:`audit`, explore the :class:`Audit`'s frames and graph, and hand it to an output: the
audit folder (:func:`write_audit_folder`), the network view (:func:`network_view`), the staff
overview (:func:`portfolio_overview`'s figures, :func:`overview_page`'s page), Neo4j
(:mod:`graphdyn.neo4j`). :func:`explain` explains one relationship from an audit folder or
from data without auditing every other.

The package is layered, each layer importing only those below it (``tests/test_layers.py``)::

    errors, atomic, progress, java  what everything shares
    components/, config             the components of tie strength; the parameters
    data/                           the data contract, the files as read, checks, the generator
    engine/                         the interactions' scan and checks, the sums, as queries
    ingest/                         the data set: read, checked and held in the engine
    model/                          tie strength, liveness, decay, the graph, centrality
    audits/                         the model run as of a date; conditions; comparisons
    folder, views/, neo4j/          the outputs: audit folders, HTML pages, the graph database
    cli/                            the command line
"""

from graphdyn._version import __version__
from graphdyn.audits.compare import Comparison, compare_audits
from graphdyn.audits.explain import explain
from graphdyn.audits.overview import PortfolioOverview, portfolio_overview
from graphdyn.audits.run import Audit, audit
from graphdyn.config import Config, load_config
from graphdyn.errors import (
    ConfigError,
    DataError,
    DataProblem,
    EngineMemoryError,
    GraphdynError,
    Neo4jConnectionError,
    Neo4jError,
    Neo4jQueryError,
    UsageError,
)
from graphdyn.folder import read_audit_folder, write_audit_folder, write_comparison
from graphdyn.ingest import Dataset, read_data
from graphdyn.views.network import network_view
from graphdyn.views.overview import overview_page

__all__ = [
    "Audit",
    "Comparison",
    "Config",
    "ConfigError",
    "DataError",
    "DataProblem",
    "Dataset",
    "EngineMemoryError",
    "GraphdynError",
    "Neo4jConnectionError",
    "Neo4jError",
    "Neo4jQueryError",
    "PortfolioOverview",
    "UsageError",
    "__version__",
    "audit",
    "compare_audits",
    "explain",
    "load_config",
    "network_view",
    "overview_page",
    "portfolio_overview",
    "read_audit_folder",
    "read_data",
    "write_audit_folder",
    "write_comparison",
]
