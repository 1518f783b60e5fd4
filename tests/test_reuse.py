"""Notebook reuse: undeclared params fail loudly; declared ones key the reuse (evalkit.params.restrict, runner.reuse)."""

from __future__ import annotations

import json

import nbformat
import pytest

from evalkit.params.restrict import UndeclaredParams, restrict, used_values

from .conftest import ROOT, make_project, newest_run, run_cli


def test_restricted_params_raise_on_anything_undeclared(default_params):
    p = restrict(default_params, ["seed", "data", "policy.start_month"], "99-test")
    assert p.seed == default_params.seed and p.data == default_params.data
    assert p.policy.start_month == default_params.policy.start_month
    assert p.project_root == default_params.project_root  # not a params key: always there
    assert p.policy_start == default_params.policy_start  # a property reading only the declared field
    for read in (
        lambda: p.budget.start_year,
        lambda: list(p.policy.cofunding),
        lambda: len(p.policy.programmes),
        lambda: bool(p.scorecard),
        lambda: p.target.year + 1,
        lambda: p.model_dump(),
    ):
        with pytest.raises(Exception) as err:
            read()
        assert "UndeclaredParams" in repr(err.value) or "undeclared" in str(err.value).lower()
    with pytest.raises(
        UndeclaredParams,
        match=r"reads params key `budget.start_year`.*add 'budget' or "
        r"'budget.start_year' to evalkit.uses",
    ):
        p.budget.start_year
    with pytest.raises(UndeclaredParams, match="not a params key"):
        restrict(default_params, ["budgett"], "99-test")
    values = used_values(default_params, ["seed", "policy.start_month"])
    assert values == {"seed": default_params.seed, "policy.start_month": default_params.policy.start_month}


def _notebook(folder, name: str, uses, code: str) -> None:
    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "evalkit": {"uses": uses},
        }
    )
    nb.cells = [
        nbformat.v4.new_code_cell(
            "params_path = None\noutput_dir = None\nlang = None\nuses = None", metadata={"tags": ["parameters"]}
        ),
        nbformat.v4.new_code_cell(
            f"from evalkit.report.notebook import start\n"
            f"ctx = start(params_path, output_dir, lang, notebook='{name}', uses=uses)\n" + code
        ),
    ]
    nbformat.write(nb, folder / f"{name}.ipynb")


@pytest.mark.e2e
def test_undeclared_read_fails_the_notebook_and_declared_ones_are_reused(tmp_path):
    project = make_project(tmp_path, notebooks=False)
    nbs = project / "nbs"
    nbs.mkdir()
    _notebook(nbs, "01-sloppy", ["seed", "data"], "print(ctx.params.budget.start_year)")
    _notebook(nbs, "02-tidy", ["seed", "data", "target.year"], "print(ctx.params.target.year)\nctx.finish()")
    (project / "params" / "later.yaml").write_text(
        "extends: default.yaml\nscenario:\n  name: later\ntarget:\n  coverage_pct: 95.0\n", encoding="utf-8"
    )
    (project / "params" / "other-year.yaml").write_text(
        "extends: default.yaml\nscenario:\n  name: other-year\ntarget:\n  year: 2030\n", encoding="utf-8"
    )
    proc = run_cli(
        project,
        "params/default.yaml",
        "params/later.yaml",
        "params/other-year.yaml",
        "--notebooks",
        "nbs",
        "--jobs",
        "1",
    )
    assert proc.returncode == 1
    run_dirs = {name: newest_run(project / "outputs" / name) for name in ("default", "later", "other-year")}
    assert all(d.name.endswith("-failed") for d in run_dirs.values())  # kept and marked, never `latest`
    assert not any((project / "outputs" / name / "latest").exists() for name in run_dirs)
    runs = {name: json.loads((d / "manifest.json").read_text())["notebooks"] for name, d in run_dirs.items()}
    sloppy = runs["default"][0]
    assert sloppy["status"] == "failed" and "budget.start_year" in sloppy["error"] and "evalkit.uses" in sloppy["error"]
    tidy = {name: nbs_[1] for name, nbs_ in runs.items()}
    assert all(t["status"] == "ok" for t in tidy.values())
    # same declared values (target.coverage_pct is not declared): reused; another target.year: executed
    assert [tidy[n]["reused"] for n in ("default", "later", "other-year")] == [False, True, False]
    printed = {
        n: [
            o["text"].strip()
            for o in nbformat.read(run_dirs[n] / "notebooks" / "02-tidy.ipynb", as_version=4).cells[-1].outputs
            if o.get("name") == "stdout"
        ]
        for n in tidy
    }
    assert printed == {"default": ["2029"], "later": ["2029"], "other-year": ["2030"]}
    later = (run_dirs["later"] / "notebooks" / "02-tidy.ipynb").read_text()
    assert "outputs/later/" in later and "outputs/default/" not in later  # the copy names its own run


def test_reuse_is_off_with_no_cache_and_the_shipped_declarations_are_valid(default_params):
    from evalkit.params.restrict import check_uses
    from evalkit.runner.reuse import declared_uses

    declared = {p.stem: declared_uses(p) for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}
    assert declared["00-summary"] is None and declared["03-budget-allocation"] is None  # always executed
    for name in ("01-data-quality", "02-coverage-evaluation", "04-kabkota-scorecard"):
        assert check_uses(default_params, declared[name]), name
