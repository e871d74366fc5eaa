"""Every command's --help: each option explained, and examples that the parser accepts.

The command tree is walked at run time (``graphdyn`` and its commands, the ``neo4j`` group and
its subcommands), so a new command or option without help fails here, and so does an example
that names a renamed or removed option, leaves out a required one or gives a bad value.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from graphdyn.cli import cli
from graphdyn.cli.main import command_tree
from graphdyn.errors import UsageError

COMMANDS = [
    pytest.param(path, command, id=" ".join(("graphdyn", *path)))
    for path, command in command_tree()
]


def help_text(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    return result.stdout


def examples(path: tuple[str, ...]) -> list[str]:
    """The lines of the ``Examples:`` block of a command's --help, as the user sees them."""
    lines = help_text(path).splitlines()
    assert "  Examples:" in lines, f"graphdyn {' '.join(path)} --help has no Examples block"
    block = lines[lines.index("  Examples:") + 1 :]
    return [line.strip() for line in block[: block.index("")]]


def graphdyn_words(example: str) -> list[str]:
    """The graphdyn command line an example runs: itself, or inside ``"$(...)"``."""
    words = shlex.split(example)
    if words[0] == "graphdyn":
        return words
    inner = [w for w in words if w.startswith("$(graphdyn ") and w.endswith(")")]
    assert len(inner) == 1, f"example runs no graphdyn command: {example}"
    return shlex.split(inner[0][2:-1])


def parse(words: list[str]) -> click.Context:
    """Parse a graphdyn command line as running it would, up to (not including) running it.

    Each group parses its own options and hands the rest to the subcommand named next; the
    command then checks its options and arguments: names, required ones, types and choices,
    and the callbacks that check values (``--as-of``).
    """
    assert words[0] == "graphdyn"
    command: click.Command = cli
    name, rest, parent = "graphdyn", words[1:], None
    while isinstance(command, click.Group):
        context = click.Context(command, info_name=name, parent=parent)
        rest = click.Command.parse_args(command, context, rest)  # the group's own options
        name, found, rest = command.resolve_command(context, rest)
        assert name is not None and found is not None
        command, parent = found, context
    return command.make_context(name, rest, parent=parent)


@pytest.mark.parametrize(("path", "command"), COMMANDS)
def test_every_option_has_help(path: tuple[str, ...], command: click.Command) -> None:
    missing = [
        "/".join(parameter.opts)
        for parameter in command.get_params(click.Context(command))
        if isinstance(parameter, click.Option) and not (parameter.help or "").strip()
    ]
    assert missing == [], f"graphdyn {' '.join(path)}: options without help: {missing}"


@pytest.mark.parametrize(("path", "command"), COMMANDS)
def test_every_command_shows_examples_of_itself(
    path: tuple[str, ...], command: click.Command
) -> None:
    name = " ".join(("graphdyn", *path))
    shown = examples(path)
    assert any(line == name or line.startswith(f"{name} ") for line in shown), (
        f"no example line starts with `{name}` in its --help: {shown}"
    )


@pytest.mark.parametrize(("path", "command"), COMMANDS)
def test_every_example_parses(
    path: tuple[str, ...], command: click.Command, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the examples' relative paths name nothing that exists
    for example in examples(path):
        words = graphdyn_words(example)
        try:
            parse(words)
        except (click.ClickException, click.exceptions.Exit) as error:
            pytest.fail(f"example `{example}` does not parse: {error}")
        assert sorted(tmp_path.iterdir()) == [], f"parsing `{example}` wrote files"


def test_the_parser_rejects_a_broken_example() -> None:
    """The check above catches what it is for: renamed options, missing or bad values."""
    assert parse(["graphdyn", "neo4j", "-v", "stop", "--timeout", "5"]).params["timeout"] == 5.0
    for broken, error in [
        (["graphdyn", "audit", "data/", "--output", "a"], click.NoSuchOption),
        (["graphdyn", "explain", "data/"], click.MissingParameter),
        (["graphdyn", "compare", "a", "b", "--top", "0"], click.BadParameter),
        (["graphdyn", "neo4j", "begin"], click.UsageError),
    ]:
        with pytest.raises(error):
            parse(broken)
    with pytest.raises(UsageError, match=r"^--as-of: not an ISO-8601 date or datetime \(2026-13"):
        parse(["graphdyn", "audit", "data/", "--out", "a", "--as-of", "2026-13-01"])
