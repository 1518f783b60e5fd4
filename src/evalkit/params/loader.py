"""Load a scenario params file: safe YAML, ``extends`` chains, line numbers, friendly errors.

Only YAML's safe subset is read (no tags that construct Python objects, nothing is executed).
Errors are collected and raised together as one :class:`~evalkit.errors.ParamsError`, each
naming the file, the line, the dotted key, the value and what is allowed.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ValidationError

from ..core.paths import project_root
from ..errors import ParamsError, Problem, short_repr
from .schema import INPUT_FILES, Params

MAX_PARAMS_BYTES = 1_000_000
MAX_EXTENDS_DEPTH = 10
MAX_PROBLEMS = 50  # problems listed for one params file before "and N more"
PATH_KEYS = tuple(("data", name) for name in INPUT_FILES) + (("verification", "mapping"),)

Path_t = tuple[str | int, ...]


def dotted(path: Path_t) -> str:
    """``("policy", "cofunding", 1, "code")`` → ``policy.cofunding[1].code``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


# --------------------------------------------------------------------------- YAML reading
#: Nodes a params file may hold once every YAML alias is expanded (default.yaml has about 600): an
#: "alias bomb" of a few hundred bytes that expands to billions of nodes is refused in microseconds.
MAX_EXPANDED_NODES = 200_000
#: Mappings and lists inside one another (default.yaml needs 5).
MAX_DEPTH = 30


def _too_deep(shown: str, line: int | None = None) -> ParamsError:
    """The refusal of a document nested deeper than :data:`MAX_DEPTH` (at ``line`` when known)."""
    message = f"mappings and lists are nested more than {MAX_DEPTH} levels deep; params files need a few"
    return ParamsError([Problem(shown, "file", "", message, line)])


def _expanded_size(root: yaml.Node, shown: str) -> int:
    """Nodes of the document with every alias expanded, counted on the node graph (linear time); refuses
    nesting deeper than :data:`MAX_DEPTH` and more than :data:`MAX_EXPANDED_NODES` expanded nodes."""
    size: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:  # iterative post-order: deep documents never hit Python's recursion limit
        node, depth, done = stack.pop()
        if id(node) in size:
            continue
        if depth > MAX_DEPTH:
            raise _too_deep(shown, node.start_mark.line + 1)
        children = (
            [n for pair in node.value for n in pair]
            if isinstance(node, yaml.MappingNode)
            else list(node.value)
            if isinstance(node, yaml.SequenceNode)
            else []
        )
        if done:
            size[id(node)] = total = 1 + sum(size[id(c)] for c in children)
            if total > MAX_EXPANDED_NODES:
                raise ParamsError(
                    [
                        Problem(
                            shown,
                            "file",
                            "",
                            f"the file expands to more than {MAX_EXPANDED_NODES:,} "
                            "values (YAML aliases `*name` repeating anchors `&name`); write the "
                            "values out instead",
                            node.start_mark.line + 1,
                        )
                    ]
                )
            continue
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children if id(c) not in size)
    return size[id(root)]


class _Lines:
    """Line number (1-based) of every key and list item of one YAML document (aliases already bounded)."""

    def __init__(self, file: str):
        self.file = file
        self.lines: dict[Path_t, int] = {}
        self.problems: list[Problem] = []

    def walk(self, root: yaml.Node) -> None:
        stack: list[tuple[yaml.Node, Path_t]] = [(root, ())]
        while stack:
            node, path = stack.pop()
            if isinstance(node, yaml.MappingNode):
                seen: dict[str, int] = {}
                for key_node, value_node in node.value:
                    key = str(key_node.value)
                    line = key_node.start_mark.line + 1
                    if key in seen:
                        self.problems.append(
                            Problem(
                                self.file,
                                f"key `{dotted(path + (key,))}`",
                                "",
                                f"the key is written twice (first on line {seen[key]}); keep one",
                                line,
                            )
                        )
                    seen[key] = line
                    self.lines[path + (key,)] = line
                    stack.append((value_node, path + (key,)))
            elif isinstance(node, yaml.SequenceNode):
                for i, item in enumerate(node.value):
                    self.lines[path + (i,)] = item.start_mark.line + 1
                    stack.append((item, path + (i,)))


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # libyaml's parser when installed: 20x faster
    """YAML's safe loader that also reads ``1e308`` and ``2E-5`` as numbers (YAML 1.2), not as text."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789")
)


#: Keys and list items one params file may hold (default.yaml has about 300).
MAX_ENTRIES = 20_000
_QUOTED_OR_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\n]|\'\')*\'|#[^\n]*')


def _prescan(text: str, shown: str) -> bool:
    """Refuse, before parsing, files no params file looks like: more than :data:`MAX_ENTRIES` keys and list
    items, or brackets nested deeper than :data:`MAX_DEPTH` (which would exhaust the parser's stack).
    Returns whether the file uses aliases (``*name``), whose expansion is then counted after parsing."""
    bare = _QUOTED_OR_COMMENT.sub("", text)
    entries = bare.count(":") + bare.count(",") + bare.count("- ")
    if entries > MAX_ENTRIES:
        raise ParamsError(
            [
                Problem(
                    shown,
                    "file",
                    "",
                    f"the file holds more than {MAX_ENTRIES:,} keys and list items; a params file needs a few hundred",
                )
            ]
        )
    codes = np.frombuffer(bare.encode("utf-8"), dtype=np.uint8)
    step = np.isin(codes, (ord("["), ord("{"))).astype(np.int32) - np.isin(codes, (ord("]"), ord("}")))
    if len(step) and int(np.cumsum(step).max()) > MAX_DEPTH:
        raise ParamsError(
            [
                Problem(
                    shown,
                    "file",
                    "",
                    f"lists and mappings are nested more than {MAX_DEPTH} levels deep; params files need a few",
                )
            ]
        )
    return "*" in bare


def _check_file(path: Path, shown: str) -> None:
    """A clear message for everything a params path can be other than a readable regular file."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ParamsError([Problem(shown, "file", "", "the params file does not exist")]) from None
    except OSError as exc:
        raise ParamsError([Problem(shown, "file", "", f"the params file cannot be reached ({exc.strerror})")]) from None
    if stat.S_ISDIR(st.st_mode):
        raise ParamsError(
            [Problem(shown, "file", "", "this is a folder; give a params file inside it, e.g. params/default.yaml")]
        )
    if not stat.S_ISREG(st.st_mode):
        kind = "a pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else "a device or socket"
        raise ParamsError([Problem(shown, "file", "", f"this is {kind}, not a file; give a .yaml params file")])
    if st.st_size > MAX_PARAMS_BYTES:
        raise ParamsError(
            [
                Problem(
                    shown, "file", f"of {st.st_size:,} bytes", f"params files must be under {MAX_PARAMS_BYTES:,} bytes"
                )
            ]
        )
    if not os.access(path, os.R_OK):
        raise ParamsError(
            [Problem(shown, "file", "", "the params file cannot be read (permission denied); check its permissions")]
        )


def _read_yaml(path: Path, shown: str) -> tuple[dict[str, Any], dict[Path_t, int]]:
    """Parse one file with the safe loader; return its mapping and the line of every key."""
    _check_file(path, shown)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ParamsError([Problem(shown, "file", "", f"the params file cannot be read ({exc.strerror})")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParamsError(
            [Problem(shown, f"byte {exc.start}", "", "the file is not UTF-8 text; save it as UTF-8")]
        ) from None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise ParamsError(
            [
                Problem(
                    shown,
                    "file",
                    "",
                    "the file is empty; it must hold at least `scenario:` "
                    "with `name` and `title`, or `extends: default.yaml`",
                )
            ]
        )
    aliases = _prescan(text, shown)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None and aliases:
            _expanded_size(node, shown)
        data = loader.construct_document(node) if node is not None else None
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        tag = (exc.problem or "").split("'")[1] if "'" in (exc.problem or "") else "a custom tag"
        raise ParamsError(
            [
                Problem(
                    shown,
                    f"YAML tag {short_repr(tag, 30)}",
                    "",
                    "custom YAML tags are not allowed in params (only plain values, lists "
                    "and mappings; nothing in params is ever executed)",
                    line,
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        what = getattr(exc, "problem", None) or "unreadable"
        raise ParamsError(
            [
                Problem(
                    shown,
                    "YAML syntax",
                    "",
                    f"the file is not valid YAML ({what}); check indentation, colons and quotes",
                    line,
                )
            ]
        ) from None
    except RecursionError:  # the parser itself recurses: far deeper than MAX_DEPTH
        raise _too_deep(shown) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ParamsError(
            [
                Problem(
                    shown,
                    "top level",
                    short_repr(data),
                    "the file must be a mapping of keys (scenario:, target:, …)",
                    1,
                )
            ]
        )
    lines = _Lines(shown)
    lines.walk(node)
    if lines.problems:
        raise ParamsError(lines.problems)
    return data, lines.lines


# --------------------------------------------------------------------------- extends + merge
def _merge(base: dict, over: dict) -> None:
    """Deep-merge ``over`` into ``base`` in place; mappings merge, everything else replaces. An empty mapping
    (``parameters: {}``) written in the extending file replaces the inherited one: it clears it, as written,
    instead of silently keeping every inherited entry."""
    for key, value in over.items():
        if isinstance(value, dict) and value and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value


def _sources(merged: dict, layers: list[dict[Path_t, tuple[str, int]]]) -> dict[Path_t, tuple[str, int]]:
    """``(file, line)`` of every key of ``merged``: the last file of the chain (``layers``, base first)
    that writes it. One pass over the merged keys, whatever the number of keys (no quadratic rescans)."""
    out: dict[Path_t, tuple[str, int]] = {}
    stack: list[tuple[Any, Path_t]] = [(merged, ())]
    while stack:
        node, path = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            p = path + (key,)
            for src in reversed(layers):
                if p in src:
                    out[p] = src[p]
                    break
            stack.append((value, p))
    return out


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
            raise ParamsError(
                [
                    Problem(
                        _display(chain[-1]),
                        "key `extends`",
                        repr(current.name),
                        f"`extends` goes round in a circle ({names}); a file may not extend itself",
                    )
                ]
            )
        if len(chain) >= MAX_EXTENDS_DEPTH:
            raise ParamsError(
                [Problem(shown, "key `extends`", "", f"more than {MAX_EXTENDS_DEPTH} files extend each other")]
            )
        data, lines = _read_yaml(current, shown)
        chain.append(resolved)
        src = {k: (shown, ln) for k, ln in lines.items()}
        parent = data.pop("extends", None)
        stack.append((data, src))
        if parent is None:
            break
        if not isinstance(parent, str) or not parent.strip():
            raise ParamsError(
                [
                    Problem(
                        shown,
                        "key `extends`",
                        short_repr(parent),
                        "must be the file name of another params file, e.g. default.yaml",
                        lines.get(("extends",)),
                    )
                ]
            )
        current = _extends_target(current, parent, shown, lines.get(("extends",)))
    merged: dict[str, Any] = {}
    for data, _ in reversed(stack):
        _merge(merged, data)
    return merged, _sources(merged, [src for _, src in reversed(stack)]), chain


def _extends_target(current: Path, parent: str, shown: str, line: int | None) -> Path:
    """The params file ``extends: parent`` names in ``current``: a ``.yaml`` file in the same folder as
    ``current`` or in the project's ``params/`` folder — never anything else on the machine."""
    nxt = current.parent / parent
    if Path(parent).suffix.lower() not in (".yaml", ".yml"):
        raise ParamsError(
            [
                Problem(
                    shown,
                    "key `extends`",
                    short_repr(parent, 40),
                    "must name a params file ending in .yaml in the same folder, e.g. default.yaml",
                    line,
                )
            ]
        )
    allowed = {current.resolve().parent, project_root(current.resolve().parent) / "params"}
    target = nxt.resolve()
    if target.parent not in allowed:
        raise ParamsError(
            [
                Problem(
                    shown,
                    "key `extends`",
                    short_repr(parent, 40),
                    "must name a params file in the same folder as this file (or in the project's "
                    "params/ folder), e.g. default.yaml",
                    line,
                )
            ]
        )
    if not target.is_file():
        raise ParamsError(
            [
                Problem(
                    shown,
                    "key `extends`",
                    short_repr(parent, 40),
                    f"the file it names does not exist (looked for {_display(nxt)}); "
                    "give a file in the same folder, e.g. default.yaml",
                    line,
                )
            ]
        )
    return nxt


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
    value = err.get("input")
    if etype in ("float_type", "int_type", "bool_type", "finite_number", "int_from_float"):
        desc = _field_description(path)
        if etype == "finite_number":
            what = "must be a finite number (.nan, .inf and -.inf are not allowed)"
        elif etype == "bool_type":
            what = "must be true or false"
        elif isinstance(value, bool):
            what = "must be a number, not true/false"
        elif isinstance(value, str):
            what = "must be a number written without quotes, not text"
        elif etype in ("int_type", "int_from_float"):
            what = "must be a whole number"
        else:
            what = "must be a number"
        return f"{what} ({desc})" if desc else what
    if msg.startswith("Value error, "):
        return msg[len("Value error, ") :]
    if msg.startswith("Input should be "):
        msg = "must be " + msg[len("Input should be ") :]
    desc = _field_description(path)
    return f"{msg} ({desc})" if desc and desc not in msg else msg


def _resolve_paths(merged: dict, sources: dict, root: Path, base: Path | None = None) -> list[Problem]:
    """Make path fields relative to the project root; reject paths outside it or into outputs/.

    A relative path is read from the folder of the file that wrote it, or from ``base`` when given."""
    problems = []
    for keypath in PATH_KEYS:
        node: Any = merged
        for part in keypath[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict) or not isinstance(node.get(keypath[-1]), str):
            continue
        value = node[keypath[-1]]
        file, line = sources.get(keypath, ("?", None))
        # each path from the folder of the file that wrote it (never the previous key's folder)
        folder = base if base is not None else Path(file).resolve().parent
        target = (folder / value).resolve() if not Path(value).is_absolute() else Path(value).resolve()
        rel_ok = target == root or root in target.parents
        if not rel_ok:
            problems.append(
                Problem(
                    file,
                    f"key `{dotted(keypath)}`",
                    repr(value),
                    f"the path leads outside the project ({root}); put the file under data/",
                    line,
                )
            )
        elif (root / "outputs") == target or (root / "outputs") in target.parents:
            problems.append(
                Problem(
                    file,
                    f"key `{dotted(keypath)}`",
                    repr(value),
                    "the path points into outputs/ (generated reports); input data belongs under data/",
                    line,
                )
            )
        elif target.exists() and not target.is_file():  # stat only: a pipe is never opened (it would wait forever)
            kind = "a folder" if target.is_dir() else "not a regular file (a pipe, socket or device)"
            problems.append(
                Problem(
                    file,
                    f"key `{dotted(keypath)}`",
                    repr(value),
                    f"the path is {kind}; name a data file (CSV or XLSX)",
                    line,
                )
            )
        else:
            node[keypath[-1]] = target.relative_to(root).as_posix()
    return problems


def _inline_mapping_file(merged: dict, sources: dict, root: Path) -> list[Problem]:
    """``verification.mapping`` and each ``data.mappings.<file>`` may name a mapping YAML (inside the project, e.g. a
    shipped profile in ``data/reference/mappings/``): read it with the same limits as a params file and put its
    content in place, so the run manifest holds the mapping itself."""
    places = []
    v = merged.get("verification")
    if isinstance(v, dict) and isinstance(v.get("mapping"), str):
        places.append((v, "mapping", ("verification", "mapping")))
    d = merged.get("data")
    if isinstance(d, dict) and isinstance(d.get("mappings"), dict):
        places += [(d["mappings"], k, ("data", "mappings", k)) for k, m in d["mappings"].items() if isinstance(m, str)]  # type: ignore[misc]
    problems = []
    for node, key, keypath in places:
        file, line = sources.get(keypath, ("?", None))
        shown = ".".join(map(str, keypath))
        # verification.mapping is already root-relative (_resolve_paths); data.mappings.* is read from its file's folder
        folder = root if keypath[0] == "verification" or file == "?" else Path(file).resolve().parent
        target = (folder / node[key]).resolve()
        if target.suffix.lower() not in (".yaml", ".yml") or not target.is_relative_to(root.resolve()):
            problems.append(
                Problem(
                    file,
                    f"key `{shown}`",
                    short_repr(node[key]),
                    "a mapping file must be a .yaml file inside the project",
                    line,
                )
            )
            continue
        try:
            data, _ = _read_yaml(target, node[key])
        except ParamsError as exc:
            problems += exc.problems or [Problem(file, f"key `{shown}`", short_repr(node[key]), str(exc), line)]
            continue
        node[key] = data
    return problems


def load_params(path: str | os.PathLike) -> Params:
    """Read, resolve (``extends``) and validate a params file.

    Raises :class:`~evalkit.errors.ParamsError` listing every problem found. The returned object
    remembers its file (``params.source_file``), the ``extends`` chain and the project root.
    """
    merged, sources, chain = resolve_raw(path)
    root = project_root(chain[0].parent)
    params = validate_mapping(merged, sources, root, _display(Path(path)))
    params._files = tuple(chain)
    return params


def validate_mapping(merged: dict, sources: dict, root: Path, shown: str, base: Path | None = None) -> Params:
    """Validate a resolved params mapping (from files, or a run manifest) with the schema and the path rules.

    ``sources`` gives the ``(file, line)`` of keys for messages (may be empty); relative data paths are read
    from ``base`` when given (else from the file that wrote them). Raises :class:`ParamsError`."""
    problems = _resolve_paths(merged, sources, root, base)
    if not problems:
        problems += _inline_mapping_file(merged, sources, root)
    try:
        params = Params.model_validate(merged)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        for err in errors[:MAX_PROBLEMS]:
            loc: Path_t = tuple(err["loc"])
            # model_validator errors carry the model's location; attribute them to the closest key we know
            probe = loc
            while probe and probe not in sources:
                probe = probe[:-1]
            file, line = sources.get(probe, (shown, None))
            value = (
                ""
                if err["type"] in ("missing",) or err["type"].startswith("value_error") and not loc
                else short_repr(err.get("input"))
            )
            if err["type"] == "value_error" and isinstance(err.get("input"), dict):
                value = ""
            where = f"key `{dotted(loc)}`" if loc else "params"
            problems.append(Problem(file, where, value, _allowed(dict(err), loc), line))
        if len(errors) > MAX_PROBLEMS:
            problems.append(
                Problem(shown, f"and {len(errors) - MAX_PROBLEMS:,} more problems", "", "fix the ones above first")
            )
    if problems:
        raise ParamsError(problems)
    params._root = root
    return params
