"""Every test that calls `evalkit run` / `evalkit rerun` or executes a notebook carries the ``e2e`` marker, so
``make test-fast`` (``-m "not e2e"``) really leaves the renders out. Checked from the test tree's source."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
RENDER_WORDS = {"run", "rerun"}  # evalkit sub-commands that render a report
NOTEBOOK_CALLS = {"execute_notebook"}


def _strings(node: ast.AST) -> list[str]:
    """String constants of a call's arguments, lists and starred arguments flattened."""
    out = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            out.append(sub.value)
    return out


def _name(func: ast.AST) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _renders_directly(fn: ast.AST) -> bool:
    assigned = {
        t.id: n.value for n in ast.walk(fn) if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)
    }  # `args = ["run", ...]; main(args)`
    for node in ast.walk(fn):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name in NOTEBOOK_CALLS:
            return True
        args = [assigned.get(a.id, a) if isinstance(a, ast.Name) else a for a in node.args] + [
            k.value for k in node.keywords
        ]
        words = [s for a in args for s in _strings(a)]
        # `main(["run", ...])`, `cli(project, capsys, "run", ...)`, `subprocess.run([python, "-m", "evalkit", "run"])`
        if RENDER_WORDS & set(words) and (name in {"main", "cli"} or "evalkit" in words):
            return True
    return False


def _marked(fn: ast.FunctionDef) -> bool:
    return any("e2e" in ast.unparse(d) for d in fn.decorator_list)


def _resolver(module: str, tree: ast.Module, defined: dict[str, set[str]]):
    """A name used in ``module`` → the ``(module, name)`` it means: defined there, imported from a sibling test
    module, or a fixture of conftest.py."""
    imported = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            for alias in node.names:
                imported[alias.asname or alias.name] = (f"{node.module}.py", alias.name)

    def resolve(name: str):
        if name in defined.get(module, set()):
            return (module, name)
        if name in imported:
            return imported[name]
        if name in defined.get("conftest.py", set()):
            return ("conftest.py", name)
        return None

    return resolve


def unmarked_renderers(sources: dict[str, str]) -> list[str]:
    """``{module file name: source}`` → the tests (``module::name``) that render without the ``e2e`` marker."""
    trees = {m: ast.parse(src) for m, src in sources.items()}
    functions = {(m, n.name): n for m, tree in trees.items() for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    defined: dict[str, set[str]] = {}
    for m, name in functions:
        defined.setdefault(m, set()).add(name)
    resolvers = {m: _resolver(m, tree, defined) for m, tree in trees.items()}

    def resolve(module: str, name: str, depth: int = 0):
        key = resolvers[module](name) if module in resolvers else None
        if key is None or key in functions or depth > 5:
            return key
        return resolve(key[0], key[1], depth + 1)  # re-exported: `from .conftest import run_cli` in another module

    def uses(key) -> set:
        fn = functions[key]
        names = {_name(n.func) for n in ast.walk(fn) if isinstance(n, ast.Call)} | {a.arg for a in fn.args.args}
        return {resolve(key[0], n) for n in names} - {None, key}

    rendering = {key for key, fn in functions.items() if _renders_directly(fn)}
    changed = True
    while changed:  # a function renders when it calls, or takes as a fixture, a function that renders
        changed = False
        for key in functions:
            if key not in rendering and uses(key) & rendering:
                rendering.add(key)
                changed = True
    out = []
    for module, tree in trees.items():
        module_marked = any(
            isinstance(n, ast.Assign)
            and any(getattr(t, "id", "") == "pytestmark" for t in n.targets)
            and "e2e" in ast.unparse(n.value)
            for n in tree.body
        )
        for node in tree.body:
            if (
                isinstance(node, ast.FunctionDef)
                and node.name.startswith("test_")
                and (module, node.name) in rendering
                and not (module_marked or _marked(node))
            ):
                out.append(f"{module}::{node.name}")
    return out


def test_every_test_that_renders_is_marked_e2e():
    sources = {p.name: p.read_text(encoding="utf-8") for p in sorted(TESTS.glob("*.py"))}
    missing = unmarked_renderers(sources)
    assert not missing, "mark these @pytest.mark.e2e (they render a report or run a notebook):\n" + "\n".join(missing)


def test_the_marker_check_finds_an_unmarked_render():
    helper = (
        "import subprocess, sys\n"
        "def start(project):\n"
        "    return subprocess.run([sys.executable, '-m', 'evalkit', 'run', 'params/default.yaml'])\n"
    )
    cases = {
        "a.py": helper + "def test_direct(tmp_path):\n    start(tmp_path)\n",
        "b.py": (
            "import pytest\nfrom evalkit.cli import main\n"
            "@pytest.fixture\ndef report(tmp_path):\n    return main(['run', 'x.yaml'])\n"
            "def test_through_a_fixture(report):\n    assert report == 0\n"
            "@pytest.mark.e2e\ndef test_marked(report):\n    assert report == 0\n"
            "def test_validate_only():\n    assert main(['validate', 'x.yaml']) == 2\n"
            "def test_args_in_a_variable():\n    args = ['run', 'x.yaml']\n    assert main(args) == 0\n"
        ),
        "c.py": "import papermill as pm\npytestmark = pytest.mark.e2e\ndef test_nb():\n    pm.execute_notebook('a', 'b')\n",
        "d.py": "from .a import start\ndef test_reexported(tmp_path):\n    start(tmp_path)\n",
        "e.py": "from .d import start\ndef test_twice_reexported(tmp_path):\n    start(tmp_path)\n",
    }
    assert unmarked_renderers(cases) == [
        "a.py::test_direct",
        "b.py::test_through_a_fixture",
        "b.py::test_args_in_a_variable",
        "d.py::test_reexported",
        "e.py::test_twice_reexported",
    ]
