"""Where the command line writes: results on stdout, progress and messages on stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

__all__ = ["progress", "stderr", "stdout"]

# Piped or captured output has no terminal width; rich would assume 80 columns and wrap
# tables, so such output gets a wide fixed width instead (COLUMNS still wins when set).
_PIPED_WIDTH = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 160

stdout = Console(soft_wrap=True, width=_PIPED_WIDTH)
stderr = Console(stderr=True, soft_wrap=True)


@contextmanager
def progress() -> Iterator[Progress]:
    """Show a rich progress display on stderr (hidden when stderr is not a terminal)."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
    ) as bar:
        yield bar
