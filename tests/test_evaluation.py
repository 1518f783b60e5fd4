"""Notebook 02's designs on the synthetic panel: every design recovers its truth; data and comparison
group come from params; the additionality the budget uses is an input, not a rerun inside the budget."""

from __future__ import annotations

import pytest

from evalkit import budget, evaluation
from evalkit.methods import did, randomization_inference


def test_every_design_recovers_the_synthetic_truth(default_data, default_params):
    table = evaluation.comparison_table(evaluation.run_designs(default_data, default_params))
    assert set(table["design"]) == {"its", "did", "event_study", "staggered", "staggered_twfe", "synth", "sdid", "dose"}
    for row in table.itertuples():
        assert row.truth is not None
        if row.design != "staggered_twfe":  # one kab/kota per adoption date: staggered borrows its treated-side
            # variance from the never co-funding kab/kota (#33) and has an interval like every other design  # shown to illustrate its bias, not expected to recover
            assert row.ci_low <= row.truth <= row.ci_high, (
                row.design,
                row.estimate,
                row.ci_low,
                row.ci_high,
                row.truth,
            )


def test_randomization_inference_and_wild_bootstrap_on_synthetic_panel(default_data, default_params):
    p = evaluation.kabkota_vs_provinces(default_data, default_params)
    truth = evaluation.panels.truth_window_did(p, default_params.policy_start.to_timestamp())
    ri = randomization_inference(p, "vulnerable_coverage_pct", "region_code", "period", "treat", B=499, seed=1)
    wild = did.twfe(p, "vulnerable_coverage_pct", "region_code", "period", "treat", inference="wild", B=1999, seed=1)
    for e in (ri, wild):
        assert e.covers(truth) and e.pvalue < 0.01
    again = did.twfe(p, "vulnerable_coverage_pct", "region_code", "period", "treat", inference="wild", B=1999, seed=1)
    assert (again.ci_low, again.ci_high, again.pvalue) == (wild.ci_low, wild.ci_high, wild.pvalue)


def test_comparison_group_comes_from_params(default_data, default_params):
    ev = default_params.evaluation.model_copy(update={"comparison": "kalimantan"})
    kal = default_params.model_copy(update={"evaluation": ev})
    p = evaluation.kabkota_vs_provinces(default_data, kal)
    assert set(p.loc[p["level"] == "provinsi", "region_code"]) == {"61", "62", "63", "65"}
    res = {r.design: r for r in evaluation.run_designs(default_data, kal, ["did", "synth"])}
    assert set(res["synth"].result.weights.index) == {"61", "62", "63", "65"}
    # the Pergub is assigned to one province: Kaltim is one cluster beside the four others, and four placebos
    # cannot support a 95% interval (attainable levels are multiples of 1/5): the interval is unbounded, not narrow
    info = res["did"].estimate.info
    assert (info["clusters"], info["treated_clusters"], info["placebos"]) == (5, 1, 4)
    assert res["did"].estimate.ci_low == float("-inf") and res["did"].estimate.ci_high == float("inf")


def test_unknown_comparison_province_is_a_params_error(project):
    import evalkit
    from evalkit.errors import ParamsError

    path = project / "params" / "cmp.yaml"
    path.write_text("extends: default.yaml\nevaluation:\n  comparison: ['61', '99']\n")
    with pytest.raises(ParamsError, match=r"line 3, key `evaluation.comparison`.*unknown province code\(s\) 99"):
        evalkit.load_params(path)


def test_the_design_names_come_from_the_params_schema():
    assert evaluation.DESIGNS == ("its", "did", "event_study", "staggered", "staggered_twfe", "synth", "sdid", "dose")
    assert set(evaluation.METHODS) == set(evaluation.DESIGNS) - {"staggered_twfe"}


def test_the_dose_estimate_reaches_the_budget_through_the_result_table(default_data, default_params):
    table = evaluation.comparison_table(evaluation.run_designs(default_data, default_params, ["dose"]))
    saved = table.assign(design=table["design"].map(lambda d: f"design_{d}"))  # as notebook 02 saves it
    est = evaluation.additionality_from_table(saved)
    assert est == pytest.approx(default_data.meta["config"]["additionality_share"], abs=0.15)
    assert budget.additionality(default_params, est) == (est, "estimated")
    assert budget.additionality(default_params, None) == (default_params.budget.additionality_share, "params")
    off = default_params.model_copy(
        update={"budget": default_params.budget.model_copy(update={"use_estimated_additionality": False})}
    )
    assert budget.additionality(off, est) == (off.budget.additionality_share, "params")
    assert evaluation.additionality_from_table(None) is None  # exploring without a run: params
    assert evaluation.additionality_from_table(saved.assign(estimate=3.0)) is None  # implausible: params


def test_a_kaltim_only_panel_runs_what_it_can_and_says_why_not_the_rest(default_data, default_params):
    import dataclasses

    kaltim_only = dataclasses.replace(default_data, panel=default_data.kaltim.copy(), truth=None)
    results = {r.design: r for r in evaluation.run_designs(kaltim_only, default_params)}
    assert {d for d, r in results.items() if r.not_run == "no_comparison"} == {"did", "event_study", "synth", "sdid"}
    assert all(results[d].estimate is not None for d in ("its", "staggered", "staggered_twfe", "dose"))
    table = evaluation.comparison_table(list(results.values())).set_index("design")
    assert (
        table.loc["did", "not_run"] == "no_comparison" and table.loc["did", "estimate"] != table.loc["did", "estimate"]
    )
    assert table.loc["its", "not_run"] == "" and abs(table.loc["dose", "estimate"] - 0.7) < 0.15


def test_a_design_that_cannot_run_is_reported_and_the_others_still_run(default_data, default_params):
    short = default_params.model_copy(
        update={"policy": default_params.policy.model_copy(update={"start_month": "2019-02"})}
    )
    results = {r.design: r for r in evaluation.run_designs(default_data, short, ["its", "did", "synth", "staggered"])}
    assert results["its"].not_run == "failed" and "ValueError" in results["its"].detail  # one month before the start
    assert results["synth"].not_run == "failed"
    assert results["did"].not_run == "failed" and "at least 3 periods before" in results["did"].detail
    assert results["staggered"].estimate is not None  # the co-funding design does not need that month: it runs


def test_synthetic_control_section_states_its_interval_and_checks(default_data, default_params):
    """The synthetic control has no standard error but a placebo interval: its section gives the interval, the
    donor weights and the robustness checks, never the "uncertainty cannot be measured" text of single-unit
    cohorts."""
    from evalkit.report.notebook import Context

    shown: list[str] = []
    ctx = Context("02-coverage-evaluation", default_params, default_data, "en", None, 2)
    ctx._display = lambda obj: shown.append(str(getattr(obj, "data", obj)))
    results = evaluation.run_designs(default_data, default_params, ["synth"])
    evaluation.present(ctx, results[0], results)
    text = " ".join(shown)
    assert "cannot be measured" not in text
    for start in ("Estimate: +10", "Largest weights:", "Leaving out each of the", "Placebo in time:"):
        assert start in text, start
