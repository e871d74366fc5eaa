"""The components of tie strength: one declaration each, from which everything else derives.

Each module in this package declares one :class:`Component`: its name (the column of the
audit tables, the key of ``weights`` in ``graphdyn.toml`` and ``--weight``), its default weight,
what data it needs, how it is computed from a group's sums, its Cypher expression in the
packaged ``tie_strength`` query, and the sentence that explains it in the report, the views and
``graphdyn explain``. Tie strength, the explanation, the Neo4j properties, the view tooltips, the
CLI help and the report's method text all read :data:`COMPONENTS`; adding a component is adding
a module here (docs/model.md, "How to add a component").

The package imports nothing of graphdyn, not even for types: a component reads the sums and
settings :class:`Sums` and :class:`Settings` describe, so the config can take its defaults from
here without a circle (``tests/test_layers.py``).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

import numpy as np

__all__ = ["COMPONENTS", "DEFAULT_WEIGHTS", "NAMES", "Component", "Settings", "Sums", "component"]


class Sums(Protocol):
    """What a component reads of a group's decayed sums (:class:`graphdyn.engine.sums.GroupSums`).

    Arrays are groups x evaluation times, except ``first_age`` (per group) and ``offsets``
    (per evaluation time).
    """

    @property
    def n(self) -> np.ndarray: ...  # noqa: D102
    @property
    def intensity(self) -> np.ndarray: ...  # noqa: D102
    @property
    def inbound(self) -> np.ndarray: ...  # noqa: D102
    @property
    def outbound(self) -> np.ndarray: ...  # noqa: D102
    @property
    def sentiment_weight(self) -> np.ndarray: ...  # noqa: D102
    @property
    def sentiment_sum(self) -> np.ndarray: ...  # noqa: D102
    @property
    def value(self) -> np.ndarray: ...  # noqa: D102
    @property
    def value_count(self) -> np.ndarray: ...  # noqa: D102
    @property
    def first_age(self) -> np.ndarray: ...  # noqa: D102
    @property
    def offsets(self) -> np.ndarray: ...  # noqa: D102


class Settings(Protocol):
    """The model parameters a component reads (:class:`graphdyn.config.Config`)."""

    @property
    def intensity_reference(self) -> float: ...  # noqa: D102
    @property
    def tenure_scale_days(self) -> float: ...  # noqa: D102


#: ``compute(sums, settings, value_reference)``: the component per group and evaluation time,
#: in [0, 1], NaN where the group has no data for it (or no event yet).
Compute = Callable[[Sums, Settings, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Component:
    """One component f_j of tie strength.

    Parameters
    ----------
    name : str
        Its column in ``ties.csv`` and ``customers.csv`` and its key in ``weights``.
    label : str
        Its name for people ("Intensity").
    order : int
        Where it comes in the tables (components are listed by ascending order).
    weight : float
        Its default weight alpha_j.
    needs : str or None
        The interactions column it needs (``direction``, ``sentiment``, ``value``), or None if
        every tie has it. A group without such data has NaN: the component is left out.
    formula : str
        The formula in plain text, as docs/model.md gives it.
    meaning : str
        One sentence: what a high value says about a relationship.
    source : str
        Where the idea comes from (a citation, or "graphdyn").
    cypher : str
        The same formula as a Cypher expression over the ``tie_strength`` query's per-tie
        aggregates (``intensity_sum``, ``first_age``, ``inbound``, ``outbound``,
        ``sentiment_weight``, ``sentiment_sum``, ``value_count``, ``value_sum``) and scales
        (``i_ref``, ``v_ref``, ``$tenure_scale``); null where there is no data.
    compute : callable
        ``compute(sums, config, value_reference)``.
    """

    name: str
    label: str
    order: int
    weight: float
    needs: str | None
    formula: str
    meaning: str
    source: str
    cypher: str
    compute: Compute


def _discover() -> tuple[Component, ...]:
    """Import every module of this package and collect its ``COMPONENT``, by order."""
    found: list[Component] = []
    for module in pkgutil.iter_modules(__path__):
        declared = importlib.import_module(f"{__name__}.{module.name}").COMPONENT
        if not isinstance(declared, Component) or declared.name != module.name:
            raise TypeError(f"{__name__}.{module.name}: COMPONENT must be the {module.name!r} one")
        found.append(declared)
    return tuple(sorted(found, key=lambda c: (c.order, c.name)))


#: Every component, in the order the tables list them.
COMPONENTS: tuple[Component, ...] = _discover()

#: Their names, in the same order.
NAMES: tuple[str, ...] = tuple(c.name for c in COMPONENTS)

#: Their default weights alpha_j.
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType({c.name: c.weight for c in COMPONENTS})


def component(name: str) -> Component:
    """Return the component called ``name``.

    Examples
    --------
    >>> component("intensity").label
    'Intensity'
    """
    for declared in COMPONENTS:
        if declared.name == name:
            return declared
    raise KeyError(name)
