"""The one shape of a progress callback: ``on_progress(stage, done, total)``.

Every long step of graphdyn (reading and auditing, generating data, loading Neo4j, writing an
audit back) takes an optional ``on_progress`` and calls it as work advances, with the name of
the stage, how much of it is done and how much there is in all, in the stage's own units (rows,
batches, steps, percent). ``graphdyn``'s command line draws rich progress bars from these calls;
a notebook can pass ``print``.

Examples
--------
>>> seen = []
>>> def record(stage: str, done: int, total: int) -> None:
...     seen.append((stage, done, total))
>>> report = progress_or_silence(record)
>>> report("customers", 10, 20)
>>> seen
[('customers', 10, 20)]
>>> progress_or_silence(None)("anything", 1, 1)
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "progress_or_silence"]

#: ``on_progress(stage, done, total)``.
Progress = Callable[[str, int, int], None]


def _silence(stage: str, done: int, total: int) -> None:
    """Ignore a progress report."""


def progress_or_silence(on_progress: Progress | None) -> Progress:
    """Return ``on_progress``, or a callback that ignores every report when it is None."""
    return _silence if on_progress is None else on_progress
