"""Load a scenario params file: safe YAML, ``extends`` chains, line numbers, friendly errors.

Only YAML's safe subset is read (no tags that construct Python objects, nothing is executed).
Errors are collected and raised together as one :class:`~evalkit.errors.ParamsError`, each
naming the file, the line, the dotted key, the value and what is allowed.
"""
from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..core.paths import project_root
from ..errors import ParamsError, Problem, short_repr
from .schema import Params

MAX_PARAMS_BYTES = 1_000_000
MAX_EXTENDS_DEPTH = 10
PATH_KEYS = (("data", "panel"), ("data", "recipients"), ("data", "companies"))

Path_t = tuple[str | int, ...]


def dotted(path: Path_t) -> str:
    """``("policy", "cofunding", 1, "code")`` → ``policy.cofunding[1].code``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


# --------------------------------------------------------------------------- YAML reading
class _Lines:
    """Line number (1-based) of every key and list item of one YAML document."""

    def __init__(self, file: str):
        self.file = file
        self.lines: dict[Path_t, int] = {}
        self.problems: list[Problem] = []

    def walk(self, node: yaml.Node, path: Path_t = ()) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in seen:
                    self.problems.append(Problem(
                        self.file, f"key `{dotted(path + (key,))}`", "",
                        f"the key is written twice (first on line {seen[key]}); keep one", line))
                seen[key] = line
                self.lines[path + (key,)] = line
                self.walk(value_node, path + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.lines[path + (i,)] = item.start_mark.line + 1
                self.walk(item, path + (i,))


def _read_yaml(path: Path, shown: str) -> tuple[dict[str, Any], dict[Path_t, int]]:
    """Parse one file with the safe loader; return its mapping and the line of every key."""
    if not path.is_file():
        raise ParamsError([Problem(shown, "file", "", "the params file does not exist")])
    size = path.stat().st_size
    if size > MAX_PARAMS_BYTES:
        raise ParamsError([Problem(shown, "file", f"of {size:,} bytes",
                                   f"params files must be under {MAX_PARAMS_BYTES:,} bytes")])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParamsError([Problem(shown, f"byte {exc.start}", "", "the file is not UTF-8 text; save it as UTF-8")])
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise ParamsError([Problem(shown, "file", "", "the file is empty; it must hold at least `scenario:` "
                                   "with `name` and `title`, or `extends: default.yaml`")])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - SafeLoader, no object construction
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        tag = (exc.problem or "").split("'")[1] if "'" in (exc.problem or "") else "a custom tag"
        raise ParamsError([Problem(shown, f"YAML tag {tag}", "",
                                   "custom YAML tags are not allowed in params (only plain values, lists "
                                   "and mappings; nothing in params is ever executed)", line)])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParamsError([Problem(shown, "YAML syntax", "",
                                   f"the file is not valid YAML ({what}); check indentation, colons and quotes",
                                   line)])
    if not isinstance(data, dict):
        raise ParamsError([Problem(shown, "top level", short_repr(data),
                                   "the file must be a mapping of keys (scenario:, target:, …)", 1)])
    lines = _Lines(shown)
    lines.walk(node)
    if lines.problems:
        raise ParamsError(lines.problems)
    return data, lines.lines


# --------------------------------------------------------------------------- extends + merge
def _merge(base: dict, base_src: dict, over: dict, over_src: dict, path: Path_t = ()) -> None:
    """Deep-merge ``over`` into ``base`` in place; mappings merge, everything else replaces."""
    for key, value in over.items():
        p = path + (key,)
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base_src[p] = over_src[p]
            _merge(base[key], base_src, value, over_src, p)
        else:
            for stale in [k for k in base_src if k[: len(p)] == p]:
                del base_src[stale]
            base[key] = value
            for k, v in over_src.items():
                if k[: len(p)] == p:
                    base_src[k] = v


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


def resolve_raw(path: str | os.PathLike) -> tuple[dict[str, Any], dict[Path_t, tuple[str, int]], list[Path]]:
    """Read a params file and everything it ``extends``.

    Returns the merged mapping (without ``extends``), the source ``(file, line)`` of every key,
    and the chain of files read (the requested file first).
    """
    chain: list[Path] = []
    current = Path(path)
    stack: list[tuple[dict, dict]] = []
    while True:
        resolved = current.resolve()
        shown = _display(current)
        if resolved in chain:
            names = " → ".join(_display(p) for p in [*chain, resolved])
            raise ParamsError([Problem(_display(chain[-1]), "key `extends`", repr(current.name),
                                       f"`extends` goes round in a circle ({names}); a file may not extend itself")])
        if len(chain) >= MAX_EXTENDS_DEPTH:
            raise ParamsError([Problem(shown, "key `extends`", "", f"more than {MAX_EXTENDS_DEPTH} files extend each other")])
        data, lines = _read_yaml(current, shown)
        chain.append(resolved)
        src = {k: (shown, ln) for k, ln in lines.items()}
        parent = data.pop("extends", None)
        stack.append((data, src))
        if parent is None:
            break
        if not isinstance(parent, str) or not parent.strip():
            raise ParamsError([Problem(shown, "key `extends`", short_repr(parent),
                                       "must be the file name of another params file, e.g. default.yaml",
                                       lines.get(("extends",)))])
        nxt = (current.parent / parent)
        if not nxt.is_file():
            raise ParamsError([Problem(shown, "key `extends`", repr(parent),
                                       f"the file it names does not exist (looked for {_display(nxt)}); "
                                       "give a file in the same folder, e.g. default.yaml",
                                       lines.get(("extends",)))])
        current = nxt
    merged: dict[str, Any] = {}
    sources: dict[Path_t, tuple[str, int]] = {}
    for data, src in reversed(stack):
        _merge(merged, sources, data, src)
    return merged, sources, chain


# --------------------------------------------------------------------------- validation
def _model_at(path: Path_t) -> type[BaseModel] | None:
    """The pydantic model that holds the keys under ``path`` (for listing allowed keys)."""
    model: Any = Params
    for part in path:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return None
        ann = field.annotation
        args = getattr(ann, "__args__", ())
        candidates = [ann, *args]
        nested = [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)]
        model = nested[0] if nested else None
        if model is None:
            return None
    return model


def _field_description(path: Path_t) -> str:
    names = [p for p in path if not isinstance(p, int)]
    if not names:
        return ""
    parent = _model_at(tuple(p for p in path[:-1]))
    if parent is None:
        return ""
    field = parent.model_fields.get(str(names[-1]))
    if field is None:
        return ""
    if field.description:
        return field.description
    for meta in field.metadata:
        desc = getattr(meta, "description", None)
        if desc:
            return desc
    return ""


def _allowed(err: dict, path: Path_t) -> str:
    etype = err["type"]
    if etype == "extra_forbidden":
        parent = _model_at(path[:-1])
        names = sorted(parent.model_fields) if parent else []
        guess = difflib.get_close_matches(str(path[-1]), names, n=1, cutoff=0.6)
        hint = f"did you mean `{guess[0]}`? " if guess else ""
        where = f"under `{dotted(path[:-1])}`" if path[:-1] else "at the top level"
        return f"unknown key; {hint}allowed keys {where}: {', '.join(names)}"
    if etype == "missing":
        return "this key is required"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        return msg[len("Value error, "):]
    if msg.startswith("Input should be "):
        msg = "must be " + msg[len("Input should be "):]
    desc = _field_description(path)
    return f"{msg} ({desc})" if desc and desc not in msg else msg


def _resolve_paths(merged: dict, sources: dict, root: Path) -> list[Problem]:
    """Make path fields relative to the project root; reject paths outside it or into outputs/."""
    problems = []
    for keypath in PATH_KEYS:
        node: Any = merged
        for part in keypath[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict) or not isinstance(node.get(keypath[-1]), str):
            continue
        value = node[keypath[-1]]
        file, line = sources.get(keypath, ("?", None))
        base = Path(file).resolve().parent
        target = (base / value).resolve() if not Path(value).is_absolute() else Path(value).resolve()
        rel_ok = target == root or root in target.parents
        if not rel_ok:
            problems.append(Problem(file, f"key `{dotted(keypath)}`", repr(value),
                                    f"the path leads outside the project ({root}); put the file under data/", line))
        elif (root / "outputs") == target or (root / "outputs") in target.parents:
            problems.append(Problem(file, f"key `{dotted(keypath)}`", repr(value),
                                    "the path points into outputs/ (generated reports); input data belongs under data/",
                                    line))
        else:
            node[keypath[-1]] = target.relative_to(root).as_posix()
    return problems


def load_params(path: str | os.PathLike) -> Params:
    """Read, resolve (``extends``) and validate a params file.

    Raises :class:`~evalkit.errors.ParamsError` listing every problem found. The returned object
    remembers its file (``params.source_file``), the ``extends`` chain and the project root.
    """
    merged, sources, chain = resolve_raw(path)
    root = project_root(chain[0].parent)
    problems = _resolve_paths(merged, sources, root)
    try:
        params = Params.model_validate(merged)
    except ValidationError as exc:
        for err in exc.errors():
            loc: Path_t = tuple(err["loc"])
            # model_validator errors carry the model's location; attribute them to the closest key we know
            probe = loc
            while probe and probe not in sources:
                probe = probe[:-1]
            file, line = sources.get(probe, (_display(Path(path)), None))
            value = "" if err["type"] in ("missing",) or err["type"].startswith("value_error") and not loc else \
                short_repr(err.get("input"))
            if err["type"] == "value_error" and isinstance(err.get("input"), dict):
                value = ""
            where = f"key `{dotted(loc)}`" if loc else "params"
            problems.append(Problem(file, where, value, _allowed(err, loc), line))
    if problems:
        raise ParamsError(problems)
    params._files = tuple(chain)
    params._root = root
    return params
