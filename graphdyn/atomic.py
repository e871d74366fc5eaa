r"""Writing files and folders whole or not at all.

Everything graphdyn writes for a person (an audit folder, a page, compare.csv, a generated data
folder, a server's settings) is written beside its destination under a hidden temporary name
and renamed into place: a reader never sees half a file, and a failure or an interrupt leaves
what was there before (or nothing) and no temporary behind. A rename within one folder is
atomic on POSIX file systems.

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> write_text(folder / "a.txt", "hello\\n").read_text()
'hello\\n'
>>> with staged_folder(folder / "out") as staging:
...     _ = write_text(staging / "b.txt", "b")
>>> sorted(p.name for p in (folder / "out").iterdir())
['b.txt']
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graphdyn.errors import UsageError

__all__ = ["staged_folder", "write_bytes", "write_text"]


def write_bytes(path: str | Path, content: bytes, *, mode: int = 0o644) -> Path:
    """Write ``content`` to ``path`` atomically and return the path.

    Parameters
    ----------
    path : str or Path
        The file to write (replaced if it exists); its folder must exist.
    content : bytes
        What the file holds.
    mode : int
        Its permission bits (0o644: readable by everyone, as an audit is meant to be shared;
        0o600 for a secret).

    Returns
    -------
    Path

    Raises
    ------
    UsageError
        When the file cannot be written (the message names it and the reason).
    """
    target = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from error
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def write_text(path: str | Path, text: str, *, mode: int = 0o644) -> Path:
    """Write ``text`` as UTF-8 to ``path`` atomically (see :func:`write_bytes`)."""
    return write_bytes(path, text.encode("utf-8"), mode=mode)


@contextmanager
def staged_folder(folder: str | Path, *, force: bool = False) -> Iterator[Path]:
    """Fill a hidden sibling of ``folder``, then rename it into place; on failure remove it.

    Parameters
    ----------
    folder : str or Path
        The folder to create. Its parent is created when missing.
    force : bool
        Replace an existing ``folder``. Without it, an existing folder is an error, raised
        before anything is written.

    Yields
    ------
    Path
        The staging folder to write into.

    Raises
    ------
    UsageError
        If ``folder`` exists and ``force`` is false, or it cannot be created.
    """
    target = Path(folder).resolve()
    if target.exists() and not force:
        raise UsageError(f"{target} already exists; pass force=True to replace it")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as error:
        raise UsageError(f"cannot create {target}: {error.strerror or error}") from error
    staging.chmod(0o755)  # mkdtemp makes it private; what graphdyn writes is meant to be shared
    try:
        yield staging
        _replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _replace(staging: Path, target: Path) -> None:
    if not target.exists():
        os.rename(staging, target)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
    os.rename(target, retired / target.name)
    os.rename(staging, target)
    shutil.rmtree(retired, ignore_errors=True)
