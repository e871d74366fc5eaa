"""The ``graphdyn`` command line: a thin layer over the library.

Every command turns a :class:`~graphdyn.errors.GraphdynError` into one clear message on stderr
and its exit status (2 bad input or usage, 3 Neo4j unreachable or refused); tracebacks are for
bugs only.
"""

from graphdyn.cli.main import cli, main

__all__ = ["cli", "main"]
