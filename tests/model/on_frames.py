"""The model's engine steps run on an interactions frame, each in an engine of its own."""

from __future__ import annotations

import pandas as pd

from graphdyn.config import Config
from graphdyn.engine.backend import connect
from graphdyn.engine.events import interactions_table
from graphdyn.ingest.dataset import Dataset, to_timestamp
from graphdyn.model import relationships as model

__all__ = ["medians_of", "relationships_of", "ties_of_data"]


def relationships_of(
    interactions: pd.DataFrame,
    as_of: pd.Timestamp,
    config: Config,
    *,
    medians: model.PopulationMedians | None = None,
) -> model.Relationships:
    """:func:`graphdyn.model.relationships.relationships` of a frame."""
    with connect(config.engine) as backend:
        return model.relationships(
            backend, interactions_table(interactions), as_of, config, medians=medians
        )


def medians_of(
    interactions: pd.DataFrame, as_of: pd.Timestamp, config: Config
) -> model.PopulationMedians:
    """:func:`graphdyn.model.relationships.population_medians` of a frame."""
    with connect(config.engine) as backend:
        return model.population_medians(backend, interactions_table(interactions), as_of, config)


def ties_of_data(
    data: pd.DataFrame, as_of: object, config: Config | None = None
) -> model.Relationships:
    """The ties and customers :func:`graphdyn.audit` gives for an interactions frame as read.

    ``data`` as a user passes it (text timestamps, blanks), checked and cut at ``as_of`` as
    :func:`graphdyn.audit` does; without the audit's graph, centrality and departure steps,
    which the model's properties do not read (half an audit's time on a small frame).
    """
    config, as_of = config or Config(), to_timestamp(as_of)
    known = Dataset.from_frames(data, config=config).until(as_of)
    with connect(config.engine) as backend:
        return model.relationships(backend, known.interactions_table(backend), as_of, config)
