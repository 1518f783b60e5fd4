"""Check every params file of a run and its data before anything runs (no heavy imports: the command line
calls this before it loads the notebook machinery, so bad input is refused at once)."""

from __future__ import annotations

from pathlib import Path

from ..compliance import read_companies
from ..data import load_data
from ..data.assessment import read_form
from ..data.dataset import Dataset
from ..data.oversight import read_oversight
from ..errors import EvalkitError, ParamsError, Problem
from ..params import load_params
from ..params.schema import Params
from ..recipients.io import read_recipients


def check_inputs(params: Params):
    """Every data file the params name, checked before anything runs: the panel (loaded and validated), the
    recipient list (readable, required columns), the company records (columns and values) and the oversight
    files. Returns the dataset."""
    dataset = load_data(params)
    d, root = params.data, params.project_root
    if d.recipients:
        read_recipients(root / d.recipients, d.max_file_mb, params.verification.mapping)
    if d.companies:
        read_companies(root / d.companies, d.companies, d.max_file_mb)
    read_oversight(params)  # the oversight files (notebook 05): every row, and across files, before anything runs
    read_form(params)  # the kab/kota self-assessment forms (notebook 04)
    return dataset


def validate_all(paths: list[str | Path]) -> list[tuple[Path, Params, Dataset]]:
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
        raise ParamsError(
            [
                Problem(
                    str(path),
                    "key `scenario.name`",
                    repr(p.scenario.name),
                    "two params files in one run share this scenario name; give each its own",
                )
                for path, p in loaded
                if p.scenario.name in dup
            ]
        )
    out = []
    for path, params in loaded:
        try:
            out.append((path, params, check_inputs(params)))
        except EvalkitError as exc:
            errors.append(exc)
    if errors:
        first = errors[0]
        raise type(first)([p for e in errors for p in e.problems] or str(first))
    return out
