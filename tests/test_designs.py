"""The designs as plug-ins (#31): one contract every registered design keeps, the params schema's list equal to the
registry, and a design added as one new module (plus catalogue entries) rendered by notebook 02 without editing any
other module."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import typing

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from evalkit.evaluation import comparison_table, designs, run_designs  # noqa: E402
from evalkit.params.schema import Evaluation  # noqa: E402
from evalkit.report import i18n, outputs  # noqa: E402

from .conftest import ROOT, make_project, newest_run  # noqa: E402


@pytest.fixture(scope="module")
def default_results(default_data, default_params):
    return {r.design: r for r in run_designs(default_data, default_params)}


def test_the_params_schema_lists_exactly_the_registered_designs():
    """The schema's ``Literal`` is the user-facing list (and its error message); companions are never named there."""
    listed = typing.get_args(typing.get_args(Evaluation.model_fields["methods"].annotation)[0])
    assert set(listed) == set(designs.METHODS)
    assert set(designs.DESIGNS) - set(designs.METHODS) == {"staggered_twfe"}
    assert all(designs.REGISTRY[c].companion_of in designs.METHODS for c in set(designs.DESIGNS) - set(listed))


def test_every_list_of_designs_is_derived_from_the_registry():
    assert designs.HEADLINE_DESIGNS == ("did", "sdid", "synth", "its")
    assert designs.WORKER_WEIGHTED_DESIGNS == ("sdid", "synth", "its")
    assert designs.NEEDS_COMPARISON == ("did", "event_study", "synth", "sdid")
    declared = [tb.name for tb in outputs.TABLE_LIST if tb.name.startswith("design_")]
    further = [f"design_{n}_{s}" for n, d in designs.REGISTRY.items() for s in d.tables]
    assert declared == [f"design_{d}" for d in designs.CHARTED_DESIGNS] + further
    assert further == ["design_event_study_sensitivity"]
    from evalkit.report.html import GLOSSARY

    assert {d for d in designs.DESIGNS if d in GLOSSARY} == {"did", "synth", "sdid", "its"}


@pytest.mark.parametrize("name", list(designs.REGISTRY))
def test_design_contract(name, default_results):
    """Catalogue keys exist; the chart's data has exactly the declared table's columns; ``plot`` draws on a given
    axis; the result records its inference, estimand and level; the estimate recovers the simulator's truth within
    its interval on the default panel (the staggered TWFE is shown for its bias and only needs to run)."""
    d = designs.REGISTRY[name]
    for key in (f"design_{name}", *d.plot_labels.values()):
        assert key in i18n.TEXT, key
    if d.companion_of is None:
        assert f"assume_{name}" in i18n.TEXT
    if d.in_glossary:
        assert f"gloss_{name}_term" in i18n.TEXT and f"gloss_{name}" in i18n.TEXT
    r = default_results[name]
    assert r.not_run is None and r.estimate is not None
    assert r.inference and r.estimand == d.estimand and 0.5 < r.level < 1
    data = d.figure_data(r)
    if d.chart_columns:
        assert f"cap_{name}" in i18n.TEXT
        declared = outputs.table(outputs.COV, f"design_{name}").columns
        assert list(data.columns) == list(declared) == list(d.chart_columns)
        fig, ax = plt.subplots()
        labels = {role: i18n.t(key, "en") for role, key in d.plot_labels.items()}
        drawn = d.plot(r, labels, ax=ax)
        assert drawn is fig and (ax.lines or ax.collections or ax.containers)
        plt.close("all")
    else:
        assert data is None and d.plot(r, {}) is None
    for suffix, columns in d.tables.items():  # its further tables: declared, captioned, with exactly those columns
        assert f"cap_{name}_{suffix}" in i18n.TEXT
        assert list(outputs.table(outputs.COV, f"design_{name}_{suffix}").columns) == list(columns)
        assert list(d.table_data(r, suffix).columns) == list(columns)
    e = r.estimate
    assert r.truth is not None
    if name == "staggered_twfe":
        return
    assert np.isfinite(e.ci_low) and np.isfinite(e.ci_high), name  # every design has an interval (#33)
    assert e.ci_low <= r.truth <= e.ci_high, (name, e.estimate, e.ci_low, e.ci_high, r.truth)


def test_the_comparison_table_carries_each_designs_level(default_results):
    table = comparison_table(list(default_results.values()))
    for row in table.itertuples():
        assert row.ci_level == pytest.approx(default_results[row.design].estimate.level)


TOY = '''
"""A toy design for the plug-in test: the mean change of Kaltim's coverage after the start, with a normal interval."""

from __future__ import annotations

import numpy as np

from ..panels import kaltim_series
from .base import Design, month_labels


class Toy(Design):
    name = "toy"
    position = 15
    estimand = "before-after difference of Kaltim's mean coverage"
    companion_of = "its"
    chart_columns = {"period": "month", "observed": "pct"}
    plot_labels = {"ylabel": "axis_coverage_pct"}

    def run(self, inputs, earlier):
        from ...methods.result import Estimate  # lazy: see base.py

        s = kaltim_series(inputs.data, inputs.params)
        post = (s["period"] >= inputs.start).to_numpy()
        y = s[inputs.outcome].to_numpy(float)
        diff = float(y[post].mean() - y[~post].mean())
        se = float(np.sqrt(y[post].var(ddof=1) / post.sum() + y[~post].var(ddof=1) / (~post).sum()))
        e = Estimate(diff, se, diff - 1.96 * se, diff + 1.96 * se, 0.5, len(s), "toy", {}, 0.95)
        return self.result(inputs, e, s)

    def figure_data(self, result):
        return month_labels(result.result[["period", "vulnerable_coverage_pct"]].rename(
            columns={"vulnerable_coverage_pct": "observed"}), "period")

    def plot(self, result, labels, ax=None):
        import matplotlib.pyplot as plt

        fig, ax = (ax.figure, ax) if ax is not None else plt.subplots()
        ax.plot(result.result["period"], result.result["vulnerable_coverage_pct"])
        ax.set_ylabel(labels["ylabel"])
        return fig

    def sentences(self, result, fmt):
        return [("toy_line", {"n": fmt.num(len(result.result))})]


DESIGN = Toy()
'''

TOY_TEXT = """
design_toy:
  id: Desain mainan TOYMARK
  en: Toy design TOYMARK
assume_toy:
  id: 'Asumsi mainan: tidak ada.'
  en: 'Toy assumption: none.'
cap_toy:
  id: Cakupan Kaltim (desain mainan)
  en: Kaltim coverage (toy design)
toy_line:
  id: 'Kalimat mainan TOYSENTENCE atas {n} bulan.'
  en: 'Toy sentence TOYSENTENCE over {n} months.'
"""


@pytest.mark.e2e
def test_a_new_design_is_one_module_plus_catalogue_entries(tmp_path):
    """Register a toy design in a temporary copy of the package (a new module and catalogue entries, nothing else)
    and render notebook 02 with it: its section, sentence, chart and chart table appear."""
    package = tmp_path / "src" / "evalkit"
    shutil.copytree(ROOT / "src" / "evalkit", package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "evaluation" / "designs" / "toy.py").write_text(textwrap.dedent(TOY), encoding="utf-8")
    with open(package / "report" / "text.yaml", "a", encoding="utf-8") as catalogue:
        catalogue.write(TOY_TEXT)
    changed = subprocess.run(
        ["diff", "-rq", "-x", "__pycache__", str(ROOT / "src" / "evalkit"), str(package)],
        capture_output=True,
        text=True,
    ).stdout
    assert sorted(changed.splitlines()) == sorted(
        [
            f"Files {ROOT / 'src/evalkit/report/text.yaml'} and {package / 'report/text.yaml'} differ",
            f"Only in {package / 'evaluation/designs'}: toy.py",
        ]
    )
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project", notebooks=False)
    (project / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "02-coverage-evaluation.ipynb", project / "notebooks")
    env = dict(os.environ, EVALKIT_SALT="e2e-test-salt", PYTHONPATH=str(tmp_path / "src"))
    proc = subprocess.run(
        [sys.executable, "-m", "evalkit", "run", "params/default.yaml", "--quiet", "--no-cache", "--lang", "en"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = newest_run(project / "outputs" / "default")
    page = (run / "02-coverage-evaluation.html").read_text(encoding="utf-8")
    assert "Toy design TOYMARK" in page and "Toy sentence TOYSENTENCE over" in page
    assert "Kaltim coverage (toy design)" in page  # the chart's caption, with the chart embedded in the page
    header = (run / "tables" / "02-coverage-evaluation__design_toy.csv").read_text(encoding="utf-8").splitlines()[1]
    assert header == "period,observed"  # under the SYNTHETIC DATA line
    comparison = (run / "tables" / "02-coverage-evaluation__comparison.csv").read_text(encoding="utf-8")
    assert "\ntoy," in comparison


def test_the_event_study_breakdown_is_read_from_its_robust_sets(default_results):
    """The page's breakdown M̄ is where the C-LF sets start to contain zero (#33), and the covariance the sets use
    is the placebo provinces' (few treated clusters): one row per event time, positive semi-definite."""
    r = default_results["event_study"]
    sets, breakdown = r.notes["sensitivity"], r.notes["breakdown_mbar"]
    assert (sets["ci_high"] - sets["ci_low"]).is_monotonic_increasing
    assert (sets["excludes_zero"] == (sets["mbar"] < breakdown)).all()
    assert r.notes["sensitivity_level"] == pytest.approx(0.95)
    times, cov = r.result.coefficient_covariance()
    assert r.result.placebo is not None and cov.shape == (len(times), len(times))
    assert np.linalg.eigvalsh(cov).min() > -1e-12


class _Words:
    """A formatter that keeps keys and numbers as they are (the sentences' keys are what is tested)."""

    def t(self, key, **values):
        return key

    def pp(self, x, decimals=1):
        return f"{x:.{decimals}f}"

    pct = num = pp

    def month(self, ts):
        return str(ts)


def test_an_event_window_without_months_before_the_start_says_what_cannot_be_read(
    default_data, default_params, default_results
):
    """``event_window`` starting at the reference month: no pre-trend test, no robust sets, and the page says why
    instead of pointing to sets that are not there."""
    ev = default_params.evaluation.model_copy(update={"event_window": (-1, 12)})
    params = default_params.model_copy(update={"evaluation": ev})
    (r,) = run_designs(default_data, params, ["event_study"])
    assert "sensitivity" not in r.notes
    keys = [key for key, _ in designs.REGISTRY["event_study"].sentences(r, _Words())]
    assert keys == ["event_study_no_pre_line"] and keys[0] in i18n.TEXT
    full = [key for key, _ in designs.REGISTRY["event_study"].sentences(default_results["event_study"], _Words())]
    assert full[-2:] == ["sensitivity_line", "sensitivity_breakdown_line"]
