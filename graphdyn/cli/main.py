"""The command group, error handling and the commands' registration."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import click
from rich.logging import RichHandler

from graphdyn._version import __version__
from graphdyn.cli.audit import audit_command, explain_command
from graphdyn.cli.compare import compare
from graphdyn.cli.console import stderr
from graphdyn.cli.data import demo, generate, validate
from graphdyn.cli.neo4j import load_command, query_command
from graphdyn.cli.server import cli as neo4j_command
from graphdyn.cli.view import view
from graphdyn.cli.whatif import whatif
from graphdyn.errors import DataError, GraphdynError

__all__ = ["cli", "command_tree", "main"]


class _Group(click.Group):
    """A click group that reports graphdyn's errors as messages with their exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DataError as exc:
            count = exc.total
            stderr.print(
                f"[bold red]error:[/] the data was rejected ({count} problem"
                f"{'s' if count != 1 else ''}):",
                highlight=False,
            )
            stderr.print(str(exc), markup=False, highlight=False)
            ctx.exit(exc.exit_code)
        except GraphdynError as exc:
            stderr.print("[bold red]error:[/] ", end="", highlight=False)
            stderr.print(str(exc), markup=False, highlight=False)
            ctx.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphdyn")
@click.option("-v", "--verbose", is_flag=True, help="Show debug logging on stderr.")
def cli(verbose: bool) -> None:
    """Graphdyn: tie strength, relationship decay and contact-point centrality.

    Reads a data folder (interactions plus optional customers, staff and products tables, CSV
    or Parquet), audits the relationships in it and explores them as a network.

    \b
    Examples:
      graphdyn demo
      graphdyn validate data/
      graphdyn audit data/ --as-of 2026-03-31 --out audits/2026-03
      graphdyn -v audit data/ --out audits/latest --force
      graphdyn whatif data/ --remove-staff S0007
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=stderr, show_time=False, show_path=False)],
        force=True,
    )


for _command in (
    validate,
    generate,
    demo,
    audit_command,
    explain_command,
    compare,
    view,
    whatif,
    load_command,
    query_command,
    neo4j_command,
):
    cli.add_command(_command)


def command_tree(
    command: click.Command | None = None, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Yield every command and subcommand with its path (``()`` for the group itself).

    Examples
    --------
    >>> [" ".join(path) for path, _ in command_tree() if path[:1] == ("neo4j",)][:2]
    ['neo4j', 'neo4j env']
    """
    command = cli if command is None else command
    yield path, command
    if isinstance(command, click.Group):
        for name, child in sorted(command.commands.items()):
            yield from command_tree(child, (*path, name))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="graphdyn")
