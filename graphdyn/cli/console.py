"""Where the command line writes: results on stdout, progress and messages on stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from graphdyn.progress import Progress as OnProgress

__all__ = ["progress", "progress_bar", "progress_bars", "stderr", "stdout"]

# Piped or captured output has no terminal width; rich would assume 80 columns and wrap
# tables, so such output gets a wide fixed width instead (COLUMNS still wins when set).
_PIPED_WIDTH = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 160

stdout = Console(soft_wrap=True, width=_PIPED_WIDTH)
stderr = Console(stderr=True, soft_wrap=True)


@contextmanager
def progress() -> Iterator[Progress]:
    """Show a rich progress display on stderr (none when stderr is not a terminal)."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
        # Not merely hidden: a progress display that is not interactive ends with an empty
        # line, which came before every message on a redirected stderr.
        disable=not stderr.is_interactive,
    ) as bar:
        yield bar


@contextmanager
def progress_bar(description: str) -> Iterator[OnProgress]:
    """Yield an ``on_progress(stage, done, total)`` that drives one bar named for the stage."""
    with progress() as bar:
        task = bar.add_task(description, total=None)

        def report(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        yield report


@contextmanager
def progress_bars() -> Iterator[OnProgress]:
    """Yield an ``on_progress(stage, done, total)`` that drives one bar per stage."""
    with progress() as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield report
