"""The package's layers import one way, and no module takes part in an import circle.

Layers, bottom up: `errors`; `kb` and `encoders`; `index` (the vector index both sides
use); `ingest` and `retrieval` side by side; `eval`; `ui`; `cli`. A module may import its
own subpackage and anything in a lower layer, never a higher layer or a sibling of the
same layer. Imports under `if TYPE_CHECKING:` count for neither rule (they never run);
imports inside functions count for both (they run, only later).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[1] / "qagraph"
LAYERS = {
    "errors": 0,
    "runtime": 0,
    "kb": 1,
    "encoders": 1,
    "index": 2,
    "ingest": 3,
    "retrieval": 3,
    "eval": 4,
    "ui": 5,
    "cli": 6,
}


def _module(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, package: str) -> list[str]:
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            found.extend([f"{base}.{a.name}" for a in node.names] + [base])
        elif isinstance(node, ast.Import):
            found.extend(a.name for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return [m for m in found if m == "qagraph" or m.startswith("qagraph.")]


def _graph(root: Path = PACKAGE) -> nx.DiGraph:
    modules = {_module(p, root): p for p in root.rglob("*.py")}
    graph = nx.DiGraph()
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        graph.add_node(name)
        for target in _imports(ast.parse(path.read_text(encoding="utf-8")), package):
            # "from pkg import mod" names the module; "from mod import func" the module.
            if target in modules and target != name:
                graph.add_edge(name, target)
    return graph


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_every_subpackage_has_a_layer() -> None:
    subpackages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    subpackages |= {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert subpackages - {"data", "__main__"} <= set(LAYERS), "add the new subpackage to LAYERS"


def layer_violations(root: Path = PACKAGE) -> list[str]:
    wrong = []
    for source, target in _graph(root).edges:
        mine, theirs = _layer(source), _layer(target)
        if mine is None or theirs is None or mine == theirs:
            continue
        if LAYERS[theirs] >= LAYERS[mine]:
            wrong.append(f"{source} imports {target}")
    return sorted(wrong)


def import_circles(root: Path = PACKAGE) -> list[list[str]]:
    graph = _graph(root)
    # A package's __init__ re-exporting its modules is not a circle with them.
    for name in list(graph.nodes):
        for target in list(graph.successors(name)):
            if target.startswith(name + "."):
                graph.remove_edge(name, target)
    return [c for c in nx.simple_cycles(graph) if len(c) > 1]


def test_no_lower_layer_imports_a_higher_one() -> None:
    wrong = layer_violations()
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_no_import_circles() -> None:
    circles = import_circles()
    assert not circles, "import circles:\n" + "\n".join(" -> ".join(c) for c in circles[:10])


def test_the_checks_find_a_wrong_import_and_a_circle(tmp_path: Path) -> None:
    root = tmp_path / "qagraph"
    for pkg in ("kb", "ui"):
        (root / pkg).mkdir(parents=True)
        (root / pkg / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "kb" / "a.py").write_text("def f():\n    from qagraph.ui import b\n")
    (root / "ui" / "b.py").write_text("from qagraph.kb.a import f\n")
    (root / "ui" / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from qagraph.ui import b\n"
    )
    assert "qagraph.kb.a imports qagraph.ui.b" in layer_violations(root)
    assert not any(v.startswith("qagraph.ui") for v in layer_violations(root))
    assert sorted(map(sorted, import_circles(root))) == [["qagraph.kb.a", "qagraph.ui.b"]]
