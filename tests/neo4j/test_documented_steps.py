"""Every command and snippet of README.md and docs/getting-started.md, run in order, for real.

Each document is followed as a new user would: from an empty folder, block after block, on the
data its own ``graphdyn generate`` line writes, with ``graphdyn`` on the PATH and the test
session's Neo4j server in the environment (where the document starts ``scripts/neo4j-local``).
A shell line passes when it exits 0; a Python snippet runs statement by statement, and an
expression followed by a ``# <...>`` comment must have that repr (``...`` matches anything).

Lines that set up the machine itself (install, the test suite, Jupyter, Docker, the local
server's own start and stop) are not run here: :data:`SET_UP` names each with where it is
checked instead, and a line that is neither run nor listed fails the test.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import neo4j
import pytest

if TYPE_CHECKING:
    from conftest import Neo4jSettings

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = ("README.md", "docs/getting-started.md")

#: Lines of the documents that set up the machine, and where each is checked instead.
SET_UP: dict[str, str] = {
    "./scripts/demo": "run from a fresh clone before every landing (closing notes)",
    "./scripts/test": "what CI runs (.ci/run)",
    "scripts/setup": "run by scripts/test, which CI runs from nothing",
    "scripts/setup --dev": "run by scripts/test",
    "source .venv/bin/activate": "here graphdyn is on the PATH from the test's own venv",
    ".venv/bin/pip install jupyterlab": "the notebooks run in tests/test_notebooks.py",
    ".venv/bin/jupyter lab notebooks/": "the notebooks run in tests/test_notebooks.py",
    "scripts/neo4j-local fetch": "run by scripts/test",
    "scripts/neo4j-local start": "the test session's server (tests/neo4j/conftest.py)",
    'eval "$(scripts/neo4j-local env)"': "the session server's settings are exported here",
    'scripts/neo4j-local start && eval "$(scripts/neo4j-local env)"': "as the two above",
}

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    """One fenced code block: its language, its text and the line it starts on."""

    language: str
    text: str
    line: int


def blocks(document: str) -> list[Block]:
    """The ``sh`` and ``python`` blocks of a document, in order."""
    text = (REPO / document).read_text(encoding="utf-8")
    return [
        Block(match[1], match[2], text.count("\n", 0, match.start()) + 2)
        for match in _FENCE.finditer(text)
        if match[1] in ("sh", "python")
    ]


def shell_steps(block: Block) -> list[str]:
    """The commands of a shell block; a line that reads ``$?`` runs with the one before it."""
    steps: list[str] = []
    for line in block.text.splitlines():
        command = _without_comment(line).strip()
        if not command:
            continue
        if "$?" in command and steps:
            steps[-1] += "\n" + command
        else:
            steps.append(command)
    return steps


def _without_comment(line: str) -> str:
    """The line without a trailing ``# comment`` (a ``#`` inside quotes is kept)."""
    quote = ""
    for k, char in enumerate(line):
        if char in "'\"" and not quote:
            quote = char
        elif char == quote:
            quote = ""
        elif char == "#" and not quote and (k == 0 or line[k - 1].isspace()):
            return line[:k]
    return line


def _environment(settings: Neo4jSettings) -> dict[str, str]:
    bin_folder = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": bin_folder + os.pathsep + os.environ.get("PATH", ""),
        "GRAPHDYN_NEO4J_URI": settings.uri,
        "GRAPHDYN_NEO4J_USER": settings.user,
        "GRAPHDYN_NEO4J_PASSWORD": settings.password,
        "GRAPHDYN_NEO4J_DATABASE": settings.database,
        "COLUMNS": "160",
    }


def _run_shell(step: str, cwd: Path, env: dict[str, str], where: str) -> None:
    done = subprocess.run(  # noqa: S603 - the documents' own commands, in a scratch folder
        ["bash", "-c", step],  # noqa: S607
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"{where}: `{step}` exited {done.returncode}:\n{done.stderr}"


def _matches(shown: str, expected: str) -> bool:
    pattern = ".*".join(re.escape(part) for part in expected.split("..."))
    return re.fullmatch(pattern, shown, re.DOTALL) is not None


def _run_python(block: Block, cwd: Path, namespace: dict[str, object], where: str) -> None:
    tree = ast.parse(block.text)
    lines = block.text.splitlines()
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        for statement in tree.body:
            source = ast.get_source_segment(block.text, statement) or ""
            if isinstance(statement, ast.Expr):
                shown = eval(compile(ast.Expression(statement.value), where, "eval"), namespace)  # noqa: S307
                comment = lines[statement.lineno - 1].partition("#")[2].strip()
                if comment.startswith("<"):
                    assert _matches(repr(shown), comment), f"{where}: {source} is {shown!r}"
            else:
                exec(compile(ast.Module([statement], []), where, "exec"), namespace)  # noqa: S102
    finally:
        os.chdir(previous)


def test_every_block_line_is_run_or_named_as_set_up() -> None:
    documented = {
        step
        for document in DOCUMENTS
        for block in blocks(document)
        if block.language == "sh"
        for step in shell_steps(block)
    }
    assert set(SET_UP) <= documented, "SET_UP names lines the documents no longer have"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_document_runs_in_order(
    document: str,
    tmp_path: Path,
    clean_db: neo4j.Driver,
    neo4j_settings: Neo4jSettings,
) -> None:
    env = _environment(neo4j_settings)
    namespace: dict[str, object] = {}
    run: list[str] = []
    steps: list[Callable[[], None]] = []
    for block in blocks(document):
        where = f"{document}:{block.line}"
        if block.language == "python":
            steps.append(lambda b=block, w=where: _run_python(b, tmp_path, namespace, w))
            continue
        for step in shell_steps(block):
            if step in SET_UP:
                continue
            run.append(step)
            steps.append(lambda s=step, w=where: _run_shell(s, tmp_path, env, w))
    assert any(step.startswith("graphdyn generate") for step in run)
    for step in steps:
        step()
    assert (tmp_path / "data" / "interactions.csv").is_file()
