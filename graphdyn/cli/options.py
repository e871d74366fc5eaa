"""Options shared by several commands."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from graphdyn.components import NAMES
from graphdyn.config import ENGINES, load_config
from graphdyn.errors import UsageError
from graphdyn.ingest import to_timestamp

__all__ = [
    "CONFIG_FILE_KEY",
    "MODEL_OPTIONS_GIVEN_KEY",
    "as_of_option",
    "model_options",
    "on_error_option",
]

#: Where :func:`model_options` leaves the ``--config`` path in ``click.Context.meta``, for
#: commands that read other tables of the same file (``[neo4j]``).
CONFIG_FILE_KEY = "graphdyn.config_file"

#: Where :func:`model_options` records whether ``--config`` or a parameter flag was given (the
#: ``config`` is then not only the defaults or ``./graphdyn.toml``).
MODEL_OPTIONS_GIVEN_KEY = "graphdyn.model_options_given"

F = TypeVar("F", bound=Callable[..., Any])


def _pairs(values: tuple[str, ...], option: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in values:
        name, sep, number = item.partition("=")
        try:
            out[name.strip()] = float(number)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise UsageError(f"{option}: expected NAME=NUMBER ({item})")
    return out


def model_options(command: F) -> F:
    """Add ``--config`` and the model-parameter flags; the command receives one ``config``.

    Flags override the file, which overrides the defaults.
    """

    @click.option(
        "--config",
        "config_file",
        type=click.Path(path_type=Path, dir_okay=False),
        help="A graphdyn.toml with model parameters (default: ./graphdyn.toml if present).",
    )
    @click.option("--half-life", type=float, help="Half-life H of an event's weight, in days.")
    @click.option(
        "--weight",
        "weights",
        multiple=True,
        metavar="COMPONENT=ALPHA",
        help=f"Weight of a component ({', '.join(NAMES)}); repeatable.",
    )
    @click.option(
        "--richness",
        multiple=True,
        metavar="CHANNEL=R",
        help="Richness of a channel in (0, 1]; a new name adds a channel; repeatable.",
    )
    @click.option("--strong-threshold", type=float, help="Strength at which a tie is strong.")
    @click.option(
        "--liveness-at-risk",
        type=float,
        help="Liveness below which an overdue relationship has gone cold (at risk).",
    )
    @click.option(
        "--memory-limit",
        metavar="AMOUNT",
        help="Most memory the query engine holds (4GB, 512MiB, 80%); past it, it spills to disk.",
    )
    @click.option(
        "--engine",
        type=click.Choice(ENGINES),
        help="The query engine the event-level sums run in: duckdb (embedded) or spark.",
    )
    @click.option(
        "--spark-master",
        metavar="URL",
        help="Master of the Spark session the spark engine starts (local[*], spark://HOST:7077, "
        "yarn, k8s://...).",
    )
    @functools.wraps(command)
    def wrapper(
        *args: Any,
        config_file: Path | None,
        half_life: float | None,
        weights: tuple[str, ...],
        richness: tuple[str, ...],
        strong_threshold: float | None,
        liveness_at_risk: float | None,
        memory_limit: str | None,
        engine: str | None,
        spark_master: str | None,
        **kwargs: Any,
    ) -> Any:
        meta = click.get_current_context().meta
        meta[CONFIG_FILE_KEY] = config_file
        meta[MODEL_OPTIONS_GIVEN_KEY] = config_file is not None or any(
            value not in (None, ())
            for value in (half_life, weights, richness, strong_threshold, liveness_at_risk)
        )
        config = load_config(config_file)
        changes: dict[str, Any] = {}
        if half_life is not None:
            changes["half_life_days"] = half_life
        if weights:
            changes["weights"] = {**config.weights, **_pairs(weights, "--weight")}
        if richness:
            changes["channel_richness"] = {
                **config.channel_richness,
                **_pairs(richness, "--richness"),
            }
        if strong_threshold is not None:
            changes["strong_threshold"] = strong_threshold
        if liveness_at_risk is not None:
            changes["liveness_at_risk"] = liveness_at_risk
        engine_changes: dict[str, Any] = {
            name: value
            for name, value in (
                ("memory_limit", memory_limit),
                ("engine", engine),
                ("spark_master", spark_master),
            )
            if value is not None
        }
        if engine_changes:
            changes["engine"] = dataclasses.replace(config.engine, **engine_changes)
        return command(*args, config=config.replace(**changes) if changes else config, **kwargs)

    return wrapper  # type: ignore[return-value]


def as_of_option(command: F) -> F:
    """``--as-of DATE``: the audit date (default: the latest timestamp in the data).

    The date is checked as the command line is read, before any data, so that a mistake is
    reported at once and names the option: ``--as-of: not an ISO-8601 date or datetime (...)``.
    """
    return click.option(
        "--as-of",
        metavar="DATE",
        callback=_check_as_of,
        help="Audit date, ISO-8601 (a date means midnight UTC). Default: the latest event.",
    )(command)


def _check_as_of(
    context: click.Context, parameter: click.Parameter, value: str | None
) -> str | None:
    if value is not None:
        try:
            to_timestamp(value)
        except UsageError as error:
            raise UsageError(f"{parameter.opts[0]}: {error}") from None
    return value


def on_error_option(command: F) -> F:
    """``--on-error raise|quarantine``: stop on bad rows, or set them aside and go on."""
    return click.option(
        "--on-error",
        type=click.Choice(["raise", "quarantine"]),
        default="raise",
        show_default=True,
        help="raise: reject the data on any bad value; quarantine: set bad interaction rows "
        "aside (rejects.csv) and go on.",
    )(command)
