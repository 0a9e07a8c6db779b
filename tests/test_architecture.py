"""The package's layers: no import circle, and no import from a lower layer to a higher one.

The imports are read with :mod:`ast` from the source files, including imports
inside functions (a deferred import is still a dependency); only imports under
``if TYPE_CHECKING:`` are left out, since they never run.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

import cadredev
from cadredev import io

ROOT = Path(cadredev.__file__).parent

# Each module belongs to the layer of its top-level name under cadredev.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"errors", "_frozendict", "_version", "_strategy_hook"}),
    frozenset({"_validate", "_arrays", "_display"}),
    frozenset({"_vocab", "model", "calendar", "events", "roster"}),
    frozenset(
        {"matching", "teams", "rotation", "scoring", "service", "contests", "selection", "training"}
    ),
    frozenset({"io"}),
    frozenset({"ledger"}),
    frozenset({"datasets"}),
    frozenset({"testing", "plot", "scenarios"}),
    frozenset({"_pipeline", "report", "cli", "__main__", "_hypothesis_plugin", "__init__"}),
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Return the cadredev modules that ``name`` imports at run time."""
    tree = ast.parse(path.read_text("utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def resolve(module: str) -> None:
        while module and module not in known:
            module = module.rpartition(".")[0]
        if module and module != name:
            found.add(module)

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for statement in node.orelse:
                visit(statement)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("cadredev"):
                    resolve(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            if base.startswith("cadredev"):
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    resolve(full if full in known else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _layer(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    for index, names in enumerate(LAYERS):
        if top in names:
            return index
    pytest.fail(f"module {module} has no layer: add its top-level name to LAYERS")


def _graph() -> nx.DiGraph[str]:
    modules = _modules()
    known = set(modules)
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(known)
    for name, path in modules.items():
        graph.add_edges_from((name, target) for target in _imports(name, path, known))
    return graph


def test_every_module_has_a_layer() -> None:
    for module in _modules():
        _layer(module)


def test_no_import_circle() -> None:
    graph = _graph()
    # The package face imports its modules lazily (module __getattr__) and so
    # does every parent on the way down; only the modules' own imports count.
    graph.remove_node("cadredev")
    cycles = sorted(sorted(c) for c in nx.simple_cycles(graph))
    assert cycles == []


def test_no_import_from_a_lower_layer_to_a_higher_one() -> None:
    graph = _graph()
    upward = sorted(
        f"{source} (layer {_layer(source)}) imports {target} (layer {_layer(target)})"
        for source, target in graph.edges
        if _layer(target) > _layer(source)
    )
    assert upward == []


def test_the_walk_sees_imports() -> None:
    # The checks above are only worth something if the walk finds the edges.
    graph = _graph()
    assert graph.has_edge("cadredev.datasets._zone", "cadredev.model")
    assert graph.has_edge("cadredev.rotation._validate_problem", "cadredev.rotation._check")
    assert graph.has_edge("cadredev.io._convert", "cadredev.scoring")  # a deferred import counts


@pytest.mark.parametrize("kind", ["Zone", "Records", "RotationProblem", "Criteria", "Cadre"])
def test_every_kind_resolves_in_a_fresh_interpreter(kind: str) -> None:
    code = f"import cadredev.io as io; print(io.kind({kind!r}).__name__)"
    out = subprocess.run(  # noqa: S603  (our own interpreter and code)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == kind


def test_every_listed_kind_resolves() -> None:
    assert [io.kind(name).__name__ for name in io.kinds()] == list(io.kinds())
