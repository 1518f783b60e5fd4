"""Issue #27: every figure says whether it is measured, estimated or assumed, and one question gets one answer."""

from __future__ import annotations

import html as _html
import json
import re

import numpy as np
import pytest

import evalkit
from evalkit import budget as B
from evalkit.report import answer, i18n, outputs, provenance
from evalkit.report.tables import read_table

from .conftest import PARAMS

A = 0.7


def _text(page: str) -> str:
    return _html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


# -- provenance ---------------------------------------------------------------------------------------------------
def test_every_declaration_carries_a_provenance_whose_params_keys_exist(default_params):
    """Declared headlines and every column of every declared table: a kind, sources, and each params source a key
    the params have (so no marker can point to nothing)."""
    for h in outputs.HEADLINE_LIST:
        assert h.provenance.kind in provenance.KINDS and h.provenance.sources, h.key
        provenance.resolve(h.provenance, default_params)  # raises for a params key that does not exist
    for tb in outputs.TABLE_LIST:
        for column in tb.columns:
            prov = tb.column_source(column)
            assert prov is not None and prov.kind in provenance.KINDS, (tb.name, column)
            provenance.resolve(prov, default_params)
    with pytest.raises(KeyError, match="budget.no_such_key"):
        provenance.resolve(provenance.assumption("budget.no_such_key"), default_params)
    with pytest.raises(ValueError):
        provenance.Provenance("guess", ("data:panel",))
    assert provenance.data("panel").plus("params:target.year").kind == "derived"


def _check_results(run, params) -> int:
    flat = provenance.flatten(params.model_dump(mode="json"))
    checked = 0
    for path in sorted((run / "results").glob("*.json")):
        for key, item in json.loads(path.read_text(encoding="utf-8")).get("headlines", {}).items():
            prov = item.get("provenance")
            assert prov and prov["kind"] in provenance.KINDS and prov["sources"], (run, key)
            for src in prov["sources"]:
                assert src["kind"] in ("data", "estimate", "assumption") and src["ref"], (run, key, src)
                if src["kind"] == "assumption":  # names an existing params key (a leaf or a section)
                    assert any(k == src["ref"] or k.startswith(src["ref"] + ".") for k in flat), (run, key, src)
                    assert src["value"] == provenance.params_value(params, src["ref"])
            checked += 1
    return checked


@pytest.mark.e2e
def test_every_headline_of_four_runs_has_its_provenance(rendered, english, files_render):
    """default, target-90 (English), example-files and pagu-2027: every headline in results/*.json has a provenance
    of a known kind with sources; every assumption source is an existing params key with its value."""
    checked = 0
    for project, scenario in (
        (rendered[0], "default"),
        (english[0], "target-90-by-2029"),
        (files_render[0], "example-files"),
        (files_render[0], "pagu-2027"),
    ):
        run = project / "outputs" / scenario / "latest"
        params = evalkit.load_params(project / "params" / f"{scenario}.yaml")
        checked += _check_results(run, params)
    assert checked >= 4 * 18
    # the budget's headlines name what they rest on: the growth assumptions with their source notes and verify marks
    run = english[0] / "outputs" / "target-90-by-2029" / "latest"
    status = json.loads((run / "results" / "03-budget-allocation.json").read_text())["headlines"]["target_status"]
    refs = {s["ref"]: s for s in status["provenance"]["sources"]}
    assert (
        refs["budget.formal_coverage_growth_pp"]["value"] == 6.5
        and "enforcement" in refs["budget.formal_coverage_growth_pp"]["note"]
    )
    assert refs["budget.vulnerable_growth_share"]["verify"] is True
    assert "data" in {s["kind"] for s in status["provenance"]["sources"]} and status["provenance"]["kind"] == "derived"


@pytest.mark.e2e
def test_markers_on_every_page_link_to_the_assumptions_table(rendered, english):
    """The index answer, every notebook page's tables, the comparison page and the workbook show where numbers come
    from; the run page holds the assumptions table they link to, with the source notes and verify marks."""
    from openpyxl import load_workbook

    project, proc = rendered
    run = project / "outputs" / "default" / "latest"
    index = (run / "index.html").read_text(encoding="utf-8")
    answer_block = index[index.index('id="answer"') : index.index("</section>", index.index('id="answer"'))]
    assert answer_block.count('class="evk-prov') >= 8  # every sentence and every card
    for name in ("01-data-quality", "02-coverage-evaluation", "03-budget-allocation", "04-kabkota-scorecard"):
        page = (run / f"{name}.html").read_text(encoding="utf-8")
        assert 'href="run.html#assumptions"' in page and "evk-prov-" in page, name
    budget_page = (run / "03-budget-allocation.html").read_text(encoding="utf-8")
    assert "evk-prov-assumption" in budget_page and "evk-prov-data" in budget_page
    details = (run / "run.html").read_text(encoding="utf-8")
    assert 'id="assumptions"' in details and 'id="asm-budget-formal_coverage_growth_pp"' in details
    text = _text(details)
    assert "enrolment + verification capacity per year" in text and "verify" in text
    wb = load_workbook(run / "default.xlsx", read_only=True)
    sheet = wb[next(n for n in wb.sheetnames if n.startswith(i18n.t("xl_headlines", "id")[:20]))]
    rows = list(sheet.iter_rows(values_only=True))
    kinds = {r[2] for r in rows[3:]}
    assert kinds <= {i18n.t(f"prov_{k}", "id") for k in provenance.KINDS} and len(kinds) >= 3
    assert any("budget.formal_coverage_growth_pp" in (r[3] or "") for r in rows[3:])
    compare = (project / proc.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8")
    assert compare.count("evk-prov-") >= 10 and "run.html#assumptions" in compare


# -- one question, one answer -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "scenario", ["default", "target-90-by-2029", "cofunding-assumed", "pagu-2027", "revenue-downside", "example-files"]
)
def test_the_path_and_the_allocation_give_the_same_recipients_to_the_person(scenario):
    """For the same year and provincial budget, the path's recipients equal the allocation's total, to the person;
    in every allocation row the newly protected are at most the subsidised."""
    params = evalkit.load_params(PARAMS / f"{scenario}.yaml")
    data = evalkit.load_data(params)
    need = B.required_budget(params, data, A)
    compared = 0
    for row in need.path.itertuples():
        if row.cost_province < 1:
            continue
        try:
            al = B.allocate(params, data, row.cost_province, A, year=int(row.year))
        except B.BudgetInfeasible:
            continue
        assert int(al.table["recipients"].sum()) == int(row.recipients), (scenario, row.year)
        assert (al.table["newly_covered"] <= al.table["recipients"]).all()
        by_kab = need.by_kabkota.loc[int(row.year)]
        assert (al.table.set_index("region_code")["recipients"] == by_kab[al.table["region_code"]].to_numpy()).all()
        compared += 1
    assert compared >= 1 and need.path["coverage_pct"].le(100).all()
    for summary, table in B.with_pagu(params, data, need, A):  # the envelope's answer is the same allocation
        assert summary["recipients"] == int(
            B.allocate(params, data, summary["pagu_rupiah"], A, year=summary["year"]).table["recipients"].sum()
        )
        assert (table["newly_covered"] <= table["recipients"]).all()


# -- observed before assumed --------------------------------------------------------------------------------------
def test_months_unpaid_and_funding_shares_are_measured_in_the_data(default_params, default_data):
    """The simulator leaves January–March unpaid and has kab/kota co-funding: the budget measures both back from
    the panel; params written in the file replace the measurement, and say so."""
    basis = B.basis(default_params, default_data)
    assert (basis.gap_from, basis.gap_months, basis.gap_year) == ("observed", 3, 2025)
    assert basis.shares_from == "observed" and basis.assumed_keys == ()
    kt = default_data.kaltim[default_data.kaltim["period"].dt.year == 2025]
    sums = kt.groupby("region_code")[["subsidised_prov", "subsidised_kabkota", "subsidised_csr"]].sum()
    by_hand = sums["subsidised_kabkota"] / sums.sum(axis=1)
    assert np.allclose(basis.shares.loc[by_hand.index, "kabkota"], by_hand)
    assert np.allclose(basis.shares.sum(axis=1), 1)
    # pay the January recipients in the data: the measured gap changes, and so does the budget's cost
    paid = default_data.panel.copy()
    jan = (
        (paid["period"] == "2025-01-01")
        & (paid["level"] == "kabkota")
        & paid["region_code"].astype(str).str.startswith("64")
    )
    feb = (
        (paid["period"] == "2025-04-01")
        & (paid["level"] == "kabkota")
        & paid["region_code"].astype(str).str.startswith("64")
    )
    paid.loc[jan, "subsidised_prov"] = paid.loc[feb, "subsidised_prov"].to_numpy()
    changed = default_data.__class__(**{**default_data.__dict__, "panel": paid})
    assert B.basis(default_params, changed).gap_months == 0
    before = B.required_budget(default_params, default_data, A).path["cost_rupiah"].iloc[0]
    after = B.required_budget(default_params, changed, A).path["cost_rupiah"].iloc[0]
    assert after > before
    # written in params: an assumption, named
    assumed = evalkit.load_params(PARAMS / "cofunding-assumed.yaml")
    written = B.basis(assumed, default_data)
    assert written.shares_from == "params" and written.shares.loc["6403", "kabkota"] == 0.4
    assert set(written.assumed_keys) == {"budget.funding_shares", "budget.kabkota_cofunding_share"}


@pytest.mark.e2e
def test_the_budget_page_names_where_its_gap_and_shares_come_from(rendered):
    page = _text((rendered[0] / "outputs/default/latest/03-budget-allocation.html").read_text(encoding="utf-8"))
    assert "diukur dari data" in page and "diamati dari data 2025" in page
    assert "cofunding-assumed.yaml" in page  # the assumed co-funding is a named scenario, not the default


# -- honest words -------------------------------------------------------------------------------------------------
def test_reachable_is_never_said_without_its_probability_and_conditions():
    decisive = [{"key": "budget.formal_coverage_growth_pp", "value": 6.5, "default": 0.5}]
    assert answer.reachable_words([], 0.95, "en")[0] == "reachable"
    assert answer.reachable_words([], 0.5, "en")[0] == "reachable_if"  # below SURE: conditions even when none decides
    words, conditions = answer.reachable_words(decisive, 0.95, "en")
    assert words == "reachable_if" and "6.5 pp a year (default 0.5)" in conditions
    for key in ("reachable", "reachable_if", "ans_budget_yes_lead", "ans_budget_if_lead"):
        for lang in ("id", "en"):
            assert "{p}" in i18n.TEXT[key][lang], (key, lang)  # every "reachable" carries its probability


def test_decisive_assumptions_are_the_growth_values_without_which_the_target_fails(default_data):
    target90 = evalkit.load_params(PARAMS / "target-90-by-2029.yaml")
    found = {d["key"]: d for d in B.decisive_assumptions(target90, default_data, A)}
    assert found["budget.formal_coverage_growth_pp"] == {
        "key": "budget.formal_coverage_growth_pp",
        "value": 6.5,
        "default": 0.5,
    }
    for key in found:  # each alone set back to the default: out of reach
        name = key.split(".")[1]
        draws = B.central(target90, A) | {name: np.array([found[key]["default"]])}
        assert not B.describe(B.solve(target90, default_data, draws)).feasible
    assert B.decisive_assumptions(evalkit.load_params(PARAMS / "default.yaml"), default_data, A) == []


@pytest.mark.e2e
def test_the_english_target_90_index_says_reachable_only_with_the_compliance_assumption(english):
    index = _text((english[0] / "outputs/target-90-by-2029/latest/index.html").read_text(encoding="utf-8"))
    sentences = [s for s in re.split(r"(?<=[.;])\s", index) if "reachable" in s]
    assert sentences
    for s in sentences:
        assert "probability" in s, s
        if "not reachable" not in s:
            assert "only if" in s and "formal-sector coverage" in s and "6.5 pp a year" in s, s


@pytest.mark.e2e
def test_the_brief_findings_quote_no_params_only_figure(rendered, english):
    """Findings cite data; what rests on params (the budget need, the projected co-funding in Rupiah, a reachable
    target) appears only under "If these assumptions hold", each line naming its params keys."""
    for project, scenario in ((rendered[0], "default"), (english[0], "target-90-by-2029")):
        run = project / "outputs" / scenario / "latest"
        page = (run / "brief.html").read_text(encoding="utf-8")
        findings, assumptions = page.split('id="assumptions"')
        split = read_table(run / "tables" / outputs.table(outputs.BUD, "funding_split").file)
        results = json.loads((run / "results" / "03-budget-allocation.json").read_text())["headlines"]
        lang = "en" if scenario != "default" else "id"
        params_only = [
            results["budget_need_target_year"]["text"],
            *(i18n.fmt_rupiah_short(v, lang) for v in split[["cost_kabkota", "cost_csr"]].iloc[-1]),
        ]
        for figure in params_only:
            assert figure not in _text(findings), (scenario, figure)
        assert "budget.formal_coverage_growth_pp" in assumptions and "budget.funding_shares" in assumptions
        assert "reachable" not in _text(findings).replace("not reachable", "")
        assert i18n.t("brief_article_label", lang) in page


# -- pagu first ---------------------------------------------------------------------------------------------------
@pytest.mark.e2e
def test_the_pagu_scenario_answers_first_with_the_allocations_total(files_render):
    project, proc = files_render
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = project / "outputs" / "pagu-2027" / "latest"
    table = read_table(run / "tables" / outputs.table(outputs.BUD, "pagu_allocation").file)
    total = int(table.loc[table["year"] == 2027, "recipients"].sum())
    index = (run / "index.html").read_text(encoding="utf-8")
    start = index.index(">", index.index('class="evk-answer-list"')) + 1
    first = _text(index[start:]).strip()
    assert first.startswith("Dengan pagu Rp 25 miliar pada 2027:")
    assert f"{i18n.fmt_number(total, 'id')} penerima" in first.split("Sumber")[0]
    h = json.loads((run / "results" / "03-budget-allocation.json").read_text())["headlines"]["pagu_recipients"]
    assert h["value"] == total and "params:budget.pagu" in {
        f"params:{s['ref']}" for s in h["provenance"]["sources"] if s["kind"] == "assumption"
    }


def test_a_scenario_equal_to_the_default_says_so(tmp_path, default_params):
    import shutil

    from evalkit.report.html import equals_default

    shutil.copytree(PARAMS, tmp_path / "params")
    same = tmp_path / "params" / "same.yaml"
    same.write_text("extends: default.yaml\nscenario:\n  name: same\n  title: Sama\nreport:\n  language: en\n")
    assert equals_default(evalkit.load_params(same))
    other = tmp_path / "params" / "other.yaml"
    other.write_text("extends: default.yaml\nscenario:\n  name: other\n  title: Lain\ntarget:\n  year: 2028\n")
    assert not equals_default(evalkit.load_params(other)) and not equals_default(default_params)
    assert not equals_default(evalkit.load_params(PARAMS / "pagu-2027.yaml"))


def test_the_dprd_item_stays_out_of_the_vulnerable_worker_budget(default_params, default_data):
    need = B.required_budget(default_params, default_data, A)
    tot = B.totals(default_params, need.engine)
    assert (tot["cost_province"] + tot["cost_kabkota"] + tot["cost_csr"]).to_numpy() == pytest.approx(
        tot["cost_rupiah"].to_numpy()
    )  # the extra groups are a column apart, never in these totals
    assert tot["extra_groups_rupiah"].gt(0).any()
    group = default_params.budget.extra_groups[0]
    assert group.segment == "pu" and group.monthly_income_rupiah == 10_000_000
    note = i18n.t(
        "extra_group_note",
        "en",
        group=group.name,
        headcount="55",
        income="Rp 10,000,000",
        segment=i18n.t("segment_pu", "en"),
    )
    assert "wage earners (PU)" in note and "not part of the vulnerable-worker subsidy budget" in note


@pytest.mark.parametrize("scenario", ["pagu-2027", "default"])
def test_params_with_number_keys_survive_the_manifest_round_trip(scenario):
    """A run's manifest stores the resolved params as JSON, where mapping keys are text ("2027"); a rerun reads them
    back as the same params (budget.pagu by year, compliance.jkk_rate_by_risk_group by group)."""
    from evalkit.params import params_hash
    from evalkit.params.loader import validate_mapping

    params = evalkit.load_params(PARAMS / f"{scenario}.yaml")
    back = validate_mapping(json.loads(json.dumps(params.model_dump(mode="json"))), {}, PARAMS.parent, "manifest.json")
    assert back.budget.pagu == params.budget.pagu and params_hash(back) == params_hash(params)
    assert back.compliance.jkk_rate_by_risk_group == params.compliance.jkk_rate_by_risk_group


@pytest.mark.e2e
def test_workers_protected_are_counted_from_a_worker_weighted_effect(rendered):
    """#33: the count multiplies Kaltim's vulnerable workers by the effect on the aggregate coverage (worker-weighted),
    not by the kab/kota DiD's unweighted mean; its interval covers the simulator's worker-weighted truth (tests only
    read the simulator's truth)."""
    from evalkit.evaluation.panels import kaltim_series, truth_aggregate

    run = rendered[0] / "outputs" / "default" / "latest"
    h = json.loads((run / "results" / "02-coverage-evaluation.json").read_text())["headlines"]
    d = h["workers_protected"]["detail"]
    assert d["design"] in ("sdid", "synth", "its") and d["design"] != h["effect_did"]["detail"]["design"]
    params = evalkit.load_params(PARAMS / "default.yaml")
    data = evalkit.load_data(params)
    truth = truth_aggregate(kaltim_series(data, params), params.policy_start.to_timestamp()) / 100 * d["workers"]
    assert d["ci_low"] <= truth <= d["ci_high"], (d, truth)
    page = (run / "02-coverage-evaluation.html").read_text(encoding="utf-8")
    assert "rata-rata tanpa timbangan" in page  # the page states the estimand in one clause


def test_adding_no_source_or_one_of_a_kind_already_there_keeps_the_kind():
    """An estimate resting on the panel stays an estimate when a notebook adds nothing (its marker read "derived")."""
    est = provenance.estimate("estimate:comparison", "data:panel")
    assert est.plus() is est and est.plus("data:panel").kind == "estimate"
    assert est.plus("data:recipients").kind == "estimate" and est.plus("params:target.year").kind == "derived"
