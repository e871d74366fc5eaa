"""The Examples sections of the view modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "graphdyn.views.export",
    "graphdyn.views.layout",
    "graphdyn.views.network",
    "graphdyn.views.page",
    "graphdyn.views.payload",
    "graphdyn.views.scope",
    "graphdyn.views.values",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
