"""Every Examples section in the package runs and gives what it shows."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import graphdyn


def _modules_with_examples() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(graphdyn.__path__, "graphdyn."):
        module = importlib.import_module(info.name)
        if doctest.DocTestFinder().find(module) and any(
            test.examples for test in doctest.DocTestFinder().find(module)
        ):
            names.append(info.name)
    return names


MODULES = _modules_with_examples()


def test_the_package_has_examples() -> None:
    assert len(MODULES) >= 40


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(
        importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    assert result.failed == 0
