"""The package version, read from the installed distribution's metadata."""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("graphdyn")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
