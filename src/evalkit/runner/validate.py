"""Check every params file of a run and its data before anything runs (no heavy imports: the command line
calls this before it loads the notebook machinery, so bad input is refused at once)."""
from __future__ import annotations

from pathlib import Path

from ..data import load_data
from ..errors import EvalkitError, ParamsError, Problem
from ..params import load_params


def validate_all(paths: list[str | Path]) -> list[tuple[Path, object, object]]:
    """Load every params file and its data; raise one error listing every problem found."""
    loaded, problems, errors = [], [], []
    for path in paths:
        try:
            params = load_params(path)
            loaded.append((Path(path), params))
        except ParamsError as exc:
            problems.extend(exc.problems or [Problem(str(path), "file", "", str(exc))])
    if problems:
        raise ParamsError(problems)
    names = [p.scenario.name for _, p in loaded]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ParamsError([Problem(str(path), "key `scenario.name`", repr(p.scenario.name),
                                   "two params files in one run share this scenario name; give each its own")
                           for path, p in loaded if p.scenario.name in dup])
    out = []
    for path, params in loaded:
        try:
            out.append((path, params, load_data(params)))
        except EvalkitError as exc:
            errors.append(exc)
    if errors:
        first = errors[0]
        raise type(first)([p for e in errors for p in e.problems] or str(first))
    return out
