"""The package's layers: every import (type-only and inside functions too) runs downwards.

data (the contract, the files as read, the checks of values, the generator) -> engine -> ingest
(the data set) -> model -> audits -> outputs (folder, views, neo4j) -> cli, over what everything
shares (errors, config, atomic writing, progress). A module may import its own layer and the
layers below it, never one above; and no two files import each other, directly or round a
circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "graphdyn"

#: Module prefixes by layer, lowest first; a module belongs to the longest prefix it matches.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "graphdyn._version",
        "graphdyn.errors",
        "graphdyn.atomic",
        "graphdyn.progress",
        "graphdyn.java",
    ),
    ("graphdyn.components",),  # the components' declarations, which config reads
    ("graphdyn.config",),
    # The data contract, the files read as they are, the attribute tables' checks, the generator.
    ("graphdyn.data",),
    ("graphdyn.engine",),  # the event-level work as queries: scan, checks, sums
    ("graphdyn.ingest",),  # the data set: its interactions checked and held in the engine
    ("graphdyn.model",),
    ("graphdyn.audits",),
    ("graphdyn.views", "graphdyn.neo4j"),
    ("graphdyn.folder",),
    ("graphdyn.cli",),
    ("graphdyn",),  # the public facade
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    best: tuple[int, int] | None = None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[1]:
                    best = (index, len(prefix))
    if best is None:
        raise AssertionError(f"{module} is in no layer of tests/test_layers.py")
    return best[0]


def _imports(path: Path) -> set[str]:
    """Every graphdyn module ``path`` imports, wherever the import statement stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("graphdyn"))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.startswith("graphdyn"):
                found.add(node.module)
    return found


def _modules() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _known(name: str, modules: dict[str, set[str]]) -> str:
    """The module an import names (``from graphdyn.ingest import x`` names graphdyn.ingest)."""
    while name not in modules and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def test_every_module_has_a_layer() -> None:
    for module in _modules():
        _layer(module)


def test_no_module_imports_a_higher_layer() -> None:
    modules = _modules()
    upward = [
        f"{module} (layer {_layer(module)}) imports {target} (layer {_layer(target)})"
        for module, imported in modules.items()
        for target in sorted(_known(name, modules) for name in imported)
        if _layer(target) > _layer(module)
    ]
    assert upward == []


def test_no_import_circles() -> None:
    modules = _modules()
    graph: nx.DiGraph[str] = nx.DiGraph()
    for module, imported in modules.items():
        for name in imported:
            target = _known(name, modules)
            # A package's __init__ that hands on its modules' names is not a circle with them.
            if target != module and not module.startswith(target + "."):
                graph.add_edge(module, target)
    assert list(nx.simple_cycles(graph)) == []


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("graphdyn.data.contract", 3),
        ("graphdyn.engine.sums", 4),
        ("graphdyn.ingest.dataset", 5),
        ("graphdyn.model.graph", 6),
        ("graphdyn.audits.conditions", 7),
        ("graphdyn.folder", 9),
    ],
)
def test_the_map_places_modules_where_their_folders_say(module: str, layer: int) -> None:
    assert _layer(module) == layer


def test_only_the_command_line_imports_click_and_rich() -> None:
    """The library returns values and logs; printing, progress bars and options are the CLI's."""
    outside: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        if module.startswith("graphdyn.cli"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            outside += [f"{module}: {n}" for n in names if n.split(".")[0] in ("click", "rich")]
    assert outside == []
