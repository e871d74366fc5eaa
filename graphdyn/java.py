"""The Java that graphdyn's Java programs run on: Neo4j's server and Apache Spark.

Both need Java 17 or 21, and both find it the same way: ``$JAVA_HOME/bin/java`` when that
file exists, else the first ``java`` on the ``PATH``; its version is read from
``java -version`` once per process and path.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

from graphdyn.errors import ConfigError

__all__ = ["JAVA_VERSIONS", "find_java", "java_feature_version"]

#: The Java feature releases Neo4j 5.26 and Spark 4.0 both run on.
JAVA_VERSIONS = (17, 21)

_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')


@functools.cache
def java_feature_version(java: Path) -> int:
    """Give the feature release of a ``java`` (8 for ``1.8.0_402``), 0 if it cannot be read.

    Examples
    --------
    >>> java_feature_version(Path("/nonexistent/java"))
    0
    """
    try:
        probe = subprocess.run(  # noqa: S603 - a java binary named by the caller, no shell
            [str(java), "-version"], capture_output=True, text=True, check=False, timeout=60
        )
    except OSError:
        return 0
    match = _VERSION.search(probe.stderr + probe.stdout)
    if match is None:
        return 0
    feature = int(match.group(1))
    if feature == 1 and match.group(2):  # "1.8.0_402": Java 8
        feature = int(match.group(2))
    return feature


def find_java(needed_by: str) -> Path:
    """Find the ``java`` to run ``needed_by`` on: ``$JAVA_HOME/bin/java``, else the ``PATH``'s.

    Parameters
    ----------
    needed_by : str
        What needs it, for the message (``"Neo4j 5.26"``, ``"engine 'spark'"``).

    Returns
    -------
    pathlib.Path
        A Java 17 or 21.

    Raises
    ------
    ConfigError
        If there is none, or it is another version.

    Examples
    --------
    >>> find_java("Spark").name  # doctest: +SKIP
    'java'
    """
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home) / "bin" / "java" if java_home else None
    if candidate is None or not candidate.is_file():
        found = shutil.which("java")
        if found is None:
            raise ConfigError(
                f"{needed_by} needs Java 17 or 21: java is not on PATH and JAVA_HOME is not "
                "set (install OpenJDK 17, or set JAVA_HOME to a Java 17 or 21)"
            )
        candidate = Path(found)
    feature = java_feature_version(candidate)
    if feature not in JAVA_VERSIONS:
        version = f"Java {feature}" if feature else "not a Java it could read the version of"
        raise ConfigError(
            f"{needed_by} needs Java 17 or 21, and {candidate} is {version} "
            "(set JAVA_HOME to a Java 17 or 21)"
        )
    return candidate
