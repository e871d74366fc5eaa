"""The Cypher files are package data: a wheel built from the project carries them, and graphdyn
installed from it finds them from any working directory (not relative to the checkout)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

_REPO = Path(__file__).resolve().parents[2]
_CHECK = """
import graphdyn, sys
from pathlib import Path
from graphdyn.neo4j.queries import canned_queries
from graphdyn.neo4j.schema import statement, statements
assert Path(graphdyn.__file__).is_relative_to(Path(sys.argv[1])), graphdyn.__file__
print(len(canned_queries()), len(statements("schema")), "UNWIND $rows" in statement("load_staff"))
"""


@pytest.mark.slow
def test_an_installed_wheel_finds_the_cypher_files(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(_REPO / name, source / name)
    shutil.copytree(
        _REPO / "graphdyn", source / "graphdyn", ignore=shutil.ignore_patterns("__pycache__")
    )
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("graphdyn-*.whl")
    packaged = {
        name for name in zipfile.ZipFile(wheel).namelist() if name.startswith("graphdyn/cypher/")
    }
    expected = {
        f"graphdyn/{path.relative_to(_REPO / 'graphdyn').as_posix()}"
        for path in (_REPO / "graphdyn" / "cypher").rglob("*.cypher")
    }
    assert packaged == expected

    site = tmp_path / "site"
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # The project venv supplies the dependencies; the wheel's copy of graphdyn comes first.
    found = subprocess.run(
        [sys.executable, "-c", _CHECK, str(site)],
        cwd=elsewhere,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == ["6", "8", "True"]
