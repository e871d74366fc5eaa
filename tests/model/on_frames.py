"""The model's engine steps run on an interactions frame, each in an engine of its own."""

from __future__ import annotations

import pandas as pd

from graphdyn.config import Config
from graphdyn.engine.backend import connect
from graphdyn.engine.events import interactions_table
from graphdyn.model import relationships as model

__all__ = ["medians_of", "relationships_of"]


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
