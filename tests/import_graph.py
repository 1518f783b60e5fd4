"""The package's import graph read from the source (AST), for the import contract tests.

import-linter checks the layers (``[tool.importlinter]`` in pyproject.toml); this module checks what it
does not: import cycles between any two modules, imports of evalkit modules hidden inside functions
(allowed only with a ``# lazy: <why>`` comment), and imports of the package facade from inside.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

LAZY_MARK = "# lazy:"


@dataclass(frozen=True)
class Import:
    source: str  # importing module, e.g. "evalkit.data.loaders"
    target: str  # imported evalkit module, e.g. "evalkit.core.hashing"
    line: int
    nested: bool  # inside a function (or class body)
    justified: bool  # a "# lazy:" comment on the line, or the line above
    facade: bool  # a name taken from the package root that is not a submodule (e.g. `from .. import load_data`)


def modules(package_dir: Path) -> dict[str, Path]:
    """Module name → file of every module below ``package_dir`` (the folder of the root package)."""
    root = package_dir.name
    out = {}
    for path in sorted(package_dir.rglob("*.py")):
        rel = path.relative_to(package_dir).with_suffix("")
        parts = [root, *rel.parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    base = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def imports(package_dir: Path) -> list[Import]:
    """Every import of a module of the package, with where it stands."""
    known = modules(package_dir)
    root = package_dir.name
    found: list[Import] = []
    for module, path in known.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text, filename=str(path))
        is_package = path.name == "__init__.py"

        def visit(node: ast.AST, nested: bool) -> None:
            for child in ast.iter_child_nodes(node):
                inner = nested or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    record(child, nested)
                visit(child, inner)

        def record(node: ast.Import | ast.ImportFrom, nested: bool) -> None:
            here = lines[node.lineno - 1]
            above = lines[node.lineno - 2] if node.lineno > 1 else ""
            justified = LAZY_MARK in here or above.strip().startswith(LAZY_MARK)
            targets: list[tuple[str, bool]] = []
            if isinstance(node, ast.Import):
                targets = [(a.name, False) for a in node.names if a.name.split(".")[0] == root]
            else:
                base = _resolve(module, is_package, node.level, node.module) if node.level else (node.module or "")
                if base.split(".")[0] != root:
                    return
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    if sub in known:
                        targets.append((sub, False))
                    else:  # a name defined in (or re-exported by) module `base`
                        targets.append((base, base == root))
            for target, facade in targets:
                if target != module:
                    found.append(Import(module, target, node.lineno, nested, justified, facade))

        visit(tree, False)
    return found


def cycles(found: list[Import]) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (Tarjan's algorithm).

    A package's ``__init__`` importing its own submodules is not a loop by itself (Python imports the
    package first); the package is left out of its own members' edges.
    """
    graph: dict[str, set[str]] = {}
    for imp in found:
        if imp.source.startswith(imp.target + "."):  # a submodule importing its parent package's facade
            continue
        graph.setdefault(imp.source, set()).add(imp.target)
        graph.setdefault(imp.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return groups


def violations(package_dir: Path) -> list[str]:
    """Everything the contract forbids that import-linter does not check, in words."""
    found = imports(package_dir)
    out = [f"import cycle: {' -> '.join(group)}" for group in cycles(found)]
    out += [
        f"{i.source} line {i.line}: imports {i.target} inside a function without a '{LAZY_MARK} <why>' comment"
        for i in found
        if i.nested and not i.justified
    ]
    out += [
        f"{i.source} line {i.line}: imports the package facade ({i.target}); import the module that defines the name"
        for i in found
        if i.facade
    ]
    return out
