"""Layering rules, checked on the source with ``ast`` (nothing is imported).

``core`` is the bottom layer: it imports nothing from the packages built on it. Triage modules do not import each
other in a cycle (not even through other first-party packages, nor through imports inside functions).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UPPER_LAYERS = ("tools", "agents", "graphs", "server", "retrieval", "evals", "qingshou")
"""Top-level packages that ``core`` must not import."""
GRAPH_PACKAGES = ("core", "tools", "agents", "graphs", "retrieval", "server")
"""Packages whose modules make up the import graph checked for cycles."""
NO_CYCLES_UNDER = "tools.triage"


def module_name(path: Path) -> str:
    """Dotted module name of a source file under ``ROOT`` (a package's ``__init__`` is the package)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(package: str) -> list[Path]:
    """Every ``.py`` file under the package directory, sorted."""
    return sorted((ROOT / package).rglob("*.py"))


def _resolve_relative(current: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute module named by ``from <dots><target> import ...`` inside module ``current``."""
    parts = current.split(".")
    base = parts if is_package else parts[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """``(line, module)`` for every import in the file, top-level or nested, relative ones resolved.

    ``from a.b import c`` yields ``a.b`` and ``a.b.c`` (``c`` may be a submodule); callers keep the names that
    exist. String arguments of ``importlib.import_module`` and ``__import__`` count as imports too.
    """
    current = module_name(path)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_relative(current, is_package, node.level, node.module) if node.level else node.module or ""
            yield node.lineno, base
            for alias in node.names:
                if alias.name != "*":
                    yield node.lineno, f"{base}.{alias.name}"
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            first = node.args[0]
            if name in ("import_module", "__import__") and isinstance(first, ast.Constant):
                if isinstance(first.value, str) and not first.value.startswith("."):
                    yield node.lineno, first.value


def test_core_imports_no_upper_layer() -> None:
    violations: dict[tuple[str, int], str] = {}
    for path in source_files("core"):
        for line, module in imported_modules(path):
            if module.split(".")[0] in UPPER_LAYERS:
                key = (str(path.relative_to(ROOT)), line)
                violations[key] = min(violations.get(key, module), module, key=len)
    report = [f"{file}:{line} imports {module}" for (file, line), module in sorted(violations.items())]
    assert not report, "core/ must not import from upper layers:\n" + "\n".join(report)


def import_graph(packages: tuple[str, ...]) -> dict[str, set[str]]:
    """First-party module -> first-party modules it imports (the most specific existing module of each import)."""
    files = {module_name(path): path for package in packages for path in source_files(package)}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        for _, module in imported_modules(path):
            target = module
            while target and target not in files:
                target = target.rpartition(".")[0]
            if target and target != name:
                graph[name].add(target)
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def cycle_through(graph: dict[str, set[str]], component: list[str], start: str) -> list[str]:
    """One import cycle from ``start`` back to itself, within ``component`` (shortest, by breadth-first search)."""
    members = set(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"{start} is in no cycle of {component}")


def test_no_import_cycles_in_triage() -> None:
    graph = import_graph(GRAPH_PACKAGES)
    assert any(name.startswith(NO_CYCLES_UNDER + ".") for name in graph), "triage modules not found"
    cycles = []
    for component in strongly_connected(graph):
        triage = [m for m in component if m == NO_CYCLES_UNDER or m.startswith(NO_CYCLES_UNDER + ".")]
        if len(triage) >= 2:
            cycles.append(" -> ".join(cycle_through(graph, component, triage[0])))
    assert not cycles, "import cycles between modules of tools/triage:\n" + "\n".join(cycles)


def test_graph_finds_a_cycle() -> None:
    """The checker itself: a known two-module cycle is found and reported in order."""
    graph = {"a": {"b"}, "b": {"a", "c"}, "c": set()}
    assert strongly_connected(graph) == [["a", "b"]]
    assert cycle_through(graph, ["a", "b"], "a") == ["a", "b", "a"]
