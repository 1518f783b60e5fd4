"""Declared outputs (evalkit.report.outputs): every headline, table and chart declared once, the notebooks
produce only what is declared (from the notebook that declares it); the rules that write the answer block and
the Pergub revision brief."""

from __future__ import annotations

import ast
import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from evalkit.evaluation.designs import CHARTED_DESIGNS
from evalkit.report import answer, brief, i18n, outputs
from evalkit.report.tables import write_table

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


#: the package modules that show a notebook's sections through its ``ctx`` (their ctx calls count as the notebook's)
PRESENTERS = {
    "02-coverage-evaluation": ["src/evalkit/evaluation/presentation.py"],
    "03-budget-allocation": ["src/evalkit/budget/presentation.py"],
}


def ctx_calls(path: Path) -> dict[str, list[str]]:
    """Every ``ctx.headline/table/figure`` call in a notebook's code cells and in the modules that present its
    sections (:data:`PRESENTERS`): the key or name it gives, as a regular expression (an f-string key such as
    ``f"{measure}_coverage_latest"`` matches any word there). A presenter may give a computed name (a design's
    chart, named by the design registry)."""
    calls: dict[str, list[str]] = {"headline": [], "table": [], "figure": []}
    nb = json.loads(path.read_text(encoding="utf-8"))
    sources = [("".join(cell["source"]), False) for cell in nb["cells"] if cell["cell_type"] == "code"]
    sources += [((ROOT / m).read_text(encoding="utf-8"), True) for m in PRESENTERS.get(path.stem, [])]
    for src, presenter in sources:
        src = "\n".join(line for line in src.splitlines() if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(src)):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "ctx"
                and node.func.attr in calls
            ):
                continue
            arg = node.args[0] if node.func.attr == "headline" else node.args[1]
            if isinstance(arg, ast.Constant):
                calls[node.func.attr].append(re.escape(arg.value))
            elif isinstance(arg, ast.JoinedStr):
                calls[node.func.attr].append(
                    "".join(re.escape(v.value) if isinstance(v, ast.Constant) else r"\w+" for v in arg.values)
                )
            elif not presenter:
                raise AssertionError(f"{path.name}: ctx.{node.func.attr} with a computed name")
    return calls


def test_every_headline_table_and_chart_is_declared_once_with_catalogue_text():
    for items, key in (
        (outputs.HEADLINE_LIST, lambda h: h.key),
        (outputs.TABLE_LIST, lambda tb: (tb.producer, tb.name)),
        (outputs.FIGURE_LIST, lambda f: (f.producer, f.name)),
    ):
        keys = [key(i) for i in items]
        assert len(keys) == len(set(keys))
    with pytest.raises(ValueError, match="declared twice"):
        outputs._index(outputs.HEADLINE_LIST[:1] * 2, lambda h: h.key)
    for h in outputs.HEADLINE_LIST:
        assert h.label in i18n.TEXT, h
    for tb in outputs.TABLE_LIST:
        assert tb.caption in i18n.TEXT, tb
        for col, unit in tb.columns.items():  # every column a planner sees has a header in both languages
            assert f"col_{col}" in i18n.TEXT, (tb.name, col)
            assert unit in outputs.UNITS or outputs.is_key_unit(unit) or unit == outputs.BY_KEY, (tb.name, col, unit)
    for f in outputs.FIGURE_LIST:
        assert f.caption in i18n.TEXT and (f.producer, f.table) in outputs.TABLES, f
    with pytest.raises(KeyError, match="not declared"):
        outputs.headline("coverage_tomorrow")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_produce_exactly_the_outputs_declared_for_them(path):
    calls = ctx_calls(path)
    if path.stem == outputs.COV:  # the design sections are drawn by evaluation.present, one chart per design
        calls["figure"] += list(CHARTED_DESIGNS)
    mine = lambda items: [i for i in items if i.producer == path.stem]  # noqa: E731
    for kind, declared in (
        ("headline", [h.key for h in mine(outputs.HEADLINE_LIST)]),
        ("table", [tb.name for tb in mine(outputs.TABLE_LIST) if not tb.chart_data]),
        ("figure", [f.name for f in mine(outputs.FIGURE_LIST)]),
    ):
        for pattern in calls[kind]:  # every call names something declared for this notebook
            assert any(re.fullmatch(pattern, d) for d in declared), (path.stem, kind, pattern)
        for d in declared:  # everything declared for this notebook is produced by it
            assert any(re.fullmatch(p, d) for p in calls[kind]), (path.stem, kind, d)


def test_run_results_hold_only_declared_headlines(tmp_path):
    (tmp_path / "03-budget-allocation.json").write_text(
        json.dumps(
            {"headlines": {"recipients_prov": {"value": 100000, "text": "100.000"}, "not_declared": {"value": 1}}}
        )
    )
    assert outputs.read_headlines(tmp_path) == {"recipients_prov": {"value": 100000, "text": "100.000"}}


def test_table_cells_are_shown_in_planner_units():
    assert outputs.display_value("share", 0.862, "id") == "86,2%"
    assert outputs.display_value("pp", 3.21, "id") == "+3,2 poin persen"
    assert outputs.display_value("rupiah", 37_444_931_375, "id") == "Rp 37,4 miliar"
    assert outputs.display_value("rupiah", 37_444_931_375, "en") == "Rp 37.4 billion"
    assert outputs.display_value("persons", 1234.6, "id") == "1.235"
    assert outputs.display_value("exists", 1, "id") == i18n.t("exists_yes", "id")
    assert outputs.display_value("exists", 0, "en") == i18n.t("exists_no", "en")
    assert outputs.display_value("bool", "True", "id") == i18n.t("yes", "id")
    assert outputs.display_value("pct", float("nan"), "id") == "–"
    assert outputs.column_label("region_name", "id") != "region_name"
    # a lever's current and needed value are shown in the lever's own unit
    assert outputs.lever_value("cap_share_of_revenue", 0.005, "id") == "0,50%"
    assert outputs.lever_value("max_new_recipients_per_year", 150000.0, "id") == "150.000"
    assert outputs.lever_value("formal_coverage_growth_pp", 4.113, "en") == "4.11"
    row = {"key": "cap_share_of_revenue", "current": 0.005}
    assert outputs.cell_unit(outputs.table(outputs.BUD, "smallest_changes").columns["current"], row) == "share2"


# --- the answer block -------------------------------------------------------------------------------------------


def hl(key: str, value, text: str | None = None, **detail) -> dict:
    return {key: {"value": value, "text": text if text is not None else str(value), "label": key, "detail": detail}}


def effect(low: float, high: float, est: float = 1.2) -> dict:
    return {
        **hl("effect_did", est, design="did", ci_low=low, ci_high=high, ci_level=0.95),
        **hl("workers_protected", 5000.0, ci_low=low * 4000, ci_high=high * 4000),
    }


def test_answer_says_yes_only_when_the_interval_excludes_zero():
    yes = answer.build(effect(0.4, 2.0), "id").sentences[0]
    assert yes.lead == i18n.t("ans_effect_yes_lead", "id")
    assert "+1,2 poin persen" in yes.text and "5.000" in yes.text and "95%" in yes.text
    unclear = answer.build(effect(-0.5, 2.9), "en").sentences[0]
    assert unclear.lead == i18n.t("ans_effect_unclear_lead", "en") and "includes zero" in unclear.text
    negative = answer.build(effect(-3.0, -0.2, -1.5), "en").sentences[0]
    assert negative.lead == i18n.t("ans_effect_negative_lead", "en")
    none = answer.build(hl("coverage_change", 3.4), "en").sentences[0]
    assert none.lead == i18n.t("ans_effect_none_lead", "en") and "+3.4 pp" in none.text


def budget(feasible: bool) -> dict:
    return {
        **hl("target_status", feasible, target_pct=90.0, year=2029, reached_pct=87.6, measure="total_coverage"),
        **hl("budget_need_target_year", 86.8e9, "Rp 86,8 miliar"),
        **hl("p_reach_target", 0.12, "12%"),
        **hl("total_coverage_latest", 70.11, "70,1%"),
        **hl("target_missing", "", "Kurang 41.000 peserta."),
    }


def test_answer_for_an_unreachable_target_says_how_far_it_gets_and_what_is_missing():
    s = answer.build(budget(False), "id").sentences[0]
    assert "tidak tercapai" in s.lead and "90,0%" in s.lead and "2029" in s.lead
    assert "87,6%" in s.text and "12%" in s.text and "Kurang 41.000 peserta." in s.text and "70,1%" in s.text
    assert "dapat dicapai" not in s.lead + s.text  # never both at once
    ok = answer.build(budget(True), "id").sentences[0]
    assert "dapat dicapai" in ok.lead and "Rp 86,8 miliar" in ok.text


def test_answer_has_at_most_six_cards_each_linking_to_a_declared_table():
    h = {
        **effect(0.4, 2.0),
        **budget(False),
        **hl("coverage_before", 18.1, "18,1%"),
        **hl("coverage_after", 33.6, "33,6%"),
        **hl(
            "lagging_kabkota",
            "Kab. Mahakam Ulu",
            coverage_pct=20.0,
            gap_persons=4000,
            fundable_persons=2500,
            employer_persons=1500,
            fundable_rupiah_year=5e8,
        ),
        **hl("data_quality", 0.9, clean=900, rows=1000),
        **hl("checks_passed", 6, "6/6"),
    }
    a = answer.build(h, "id")
    assert len(a.sentences) == 4 and len(a.cards) == 6
    # the measure is named exactly: total coverage is shown beside its own target, not vulnerable coverage
    target_card = [c for c in a.cards if c.value == "70,1%"][0]
    assert target_card.label == i18n.t("card_total_coverage", "id") and "90,0%" in target_card.note
    for item in a.sentences + a.cards:
        page, anchor = item.link.href.split("#")
        assert anchor.startswith("tbl-") and (page[:-5], anchor[4:]) in outputs.TABLES
    page = a.html("id")
    assert page.index('id="answer"') < page.index("evk-card") and "4.000" in page
    # the Rupiah quoted is the fundable part only: wage workers are their employers' duty, not the APBD's
    lagging = a.sentences[2].text
    assert "2.500 pekerja rentan" in lagging and "1.500 pekerja penerima upah" in lagging and "Rp 500 juta" in lagging
    h["lagging_kabkota"]["detail"].update(gap_persons=2500, employer_persons=0)
    only = answer.build(h, "id").sentences[2].text  # no wage-worker part: not "0 pekerja penerima upah"
    assert "penerima upah" not in only and "semuanya pekerja rentan" in only and "Rp 500 juta" in only


def test_answer_leaves_out_what_is_missing():
    a = answer.build({}, "en")
    assert a.sentences == [] and a.cards == [] and html.escape(i18n.t("answer_missing", "en")) in a.html("en")


# --- the Pergub revision brief ----------------------------------------------------------------------------------


@pytest.fixture
def run_dir(tmp_path):
    (tmp_path / "tables").mkdir()

    def put(producer, name, rows):
        write_table(pd.DataFrame(rows), tmp_path / "tables" / outputs.table(producer, name).file, synthetic=True)

    put(
        outputs.BUD,
        "funding_split",
        [{"year": 2029, "cost_province": 90e9, "cost_kabkota": 5e9, "cost_csr": 1.5e9, "cost_province_alone": 96e9}],
    )
    put(
        outputs.BUD,
        "cost_by_year",
        [{"year": 2025, "listed_prov": 1000, "subsidised_prov": 900, "subsidised_kabkota": 50, "subsidised_csr": 15}],
    )
    put(
        outputs.DQ,
        "verification_summary",
        [{"check": "check_ineligible", "count": 50}, {"check": "check_invalid_nik", "count": 3}],
    )
    put(
        outputs.BUD,
        "smallest_changes",
        [{"key": "cap_share_of_revenue", "current": 0.005, "needed": 0.007, "reachable": True}],
    )
    put(
        outputs.BUD,
        "kabkota_gap",
        [
            {"region_code": "64.11", "region_name": "Kab. Paser", "total_coverage_pct": 40.0, "gap_persons": 1000},
            {"region_code": "64.72", "region_name": "Kota Samarinda", "total_coverage_pct": 80.0, "gap_persons": 10},
        ],
    )
    return tmp_path


def test_brief_maps_findings_to_the_pergub_topics_with_evidence(run_dir, default_params):
    h = {**budget(False), **hl("data_quality", 0.9, rows=1000, clean=900)}
    found = {f.topic: f for f in brief.findings(run_dir, h, default_params, "id")}
    assert list(found) == [t for t in brief.TOPICS if t in found] and set(found) == set(brief.TOPICS)
    # 50 of 1000 listed are ineligible (5% > 1%): the brief asks to tighten the criteria
    assert found["eligibility"].option == i18n.t(
        "brief_opt_eligibility_tighten",
        "id",
        ineligible="50",
        share="5,0%",
        duplicates="0",
        invalid="3",
        rows="1.000",
        min_age=default_params.verification.min_age,
        max_age=default_params.verification.max_age,
    )
    # kab/kota and CSR paid for 65 of 965 recipient-months = 6.7% < 20% (observed): mandatory co-funding
    assert "6,7%" in found["cost_sharing"].finding
    # findings quote the data only; the projected split (params) is a line under "if these assumptions hold"
    assert "Rp" not in found["cost_sharing"].finding and "Rp" not in found["ceiling"].finding
    keys, line = found["cost_sharing"].assumptions[0]
    assert "budget.funding_shares" in keys and "Rp 5 miliar" in line
    assert any("budget.formal_coverage_growth_pp" in k for k, _ in found["ceiling"].assumptions)
    # each option names the Pergub provision it changes, or that it needs a new article (article map, verify)
    assert all(f.article and "verify" in f.article for f in found.values())
    assert found["cost_sharing"].article.startswith("Memerlukan pasal baru")
    assert found["cost_sharing"].option.startswith(
        i18n.t(
            "brief_opt_cost_sharing_mandate", "id", share="6,7%", kabkota="", csr="", province="", alone="", minimum=""
        )[:20]
    )
    # the target is out of reach: the option names the change that reaches it, never a params key
    assert "0,70%" in found["ceiling"].option and "cap_share_of_revenue" not in found["ceiling"].option
    assert i18n.t("param_cap_share_of_revenue", "id") in found["ceiling"].option
    assert "Kab. Paser" in found["oversight"].finding and "1.010" in found["oversight"].finding
    for f in found.values():
        for caption, link in f.evidence:
            assert caption and (link.page[:-5], link.anchor[4:]) in outputs.TABLES


def test_brief_says_so_when_there_is_no_recipient_list(tmp_path, default_params):
    (tmp_path / "tables").mkdir()
    found = brief.findings(tmp_path, {}, default_params, "en")
    assert [f.topic for f in found] == ["eligibility", "data_cycle"]
    assert found[0].finding == i18n.t("brief_eligibility_no_list", "en")


def test_brief_keeps_the_ceiling_when_the_target_is_reached(run_dir, default_params):
    found = {f.topic: f for f in brief.findings(run_dir, budget(True), default_params, "en")}
    assert found["ceiling"].option.startswith(
        i18n.t("brief_opt_ceiling_keep", "en", target="", year="", budget="", reached="", cap="", binding="")[:15]
    )


def test_comparison_values_keep_their_digits():
    from evalkit.report.provenance import value_text as _value_text

    assert [_value_text(v, "id") for v in (90, 90.0, 20000, 0.005, 1.25, True)] == [
        "90",
        "90",
        "20.000",
        "0,005",
        "1,25",
        i18n.t("yes", "id"),
    ]
    assert _value_text(2029, "id", "target.year") == "2029" and _value_text(20230613, "en", "seed") == "20230613"


def test_comparison_names_params_in_words_with_their_source_notes(tmp_path):
    """The comparison page's params table: keys in words (also one bound of an uncertainty distribution), each
    scenario's value, the source note of the file (for a value in a one-line mapping, the note on its line);
    a plain word in a note ("per year") stays as written."""
    from evalkit.report.compare import differing_params, key_label

    assert key_label("target.year", "id") == "Tahun target"
    assert (
        key_label("budget.uncertainty.parameters.churn_share.high", "en")
        == "Recipient churn per year — uncertainty: high"
    )
    files = {}
    for name, (year, high) in {"a": (2029, 0.15), "b": (2027, 0.2)}.items():
        path = tmp_path / "params" / f"{name}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(
            f"target:\n  year: {year}  # end of RPJMD, per year churn_share noted\nbudget:\n  uncertainty:\n"
            f"    parameters:\n      churn_share: {{dist: uniform, low: 0.05, high: {high}}}  # BPJS TK 2024\n",
            encoding="utf-8",
        )
        files[name] = {
            "params": {
                "resolved": {
                    "target": {"year": year},
                    "scenario": {"name": name},
                    "budget": {
                        "churn_share": 0.1,
                        "uncertainty": {"parameters": {"churn_share": {"dist": "uniform", "low": 0.05, "high": high}}},
                    },
                },
                "files": [{"path": str(path)}],
            }
        }
    rows = {r["key"]: r for r in differing_params(files, tmp_path, "en")}
    assert set(rows) == {"target.year", "budget.uncertainty.parameters.churn_share.high"}
    assert rows["target.year"]["values"] == ["2029", "2027"] and rows["target.year"]["label"] == "Target year"
    assert rows["target.year"]["source"] == "end of RPJMD, per year Recipient churn per year noted"
    assert rows["budget.uncertainty.parameters.churn_share.high"]["source"] == "BPJS TK 2024"
    assert rows["budget.uncertainty.parameters.churn_share.high"]["values"] == ["0.15", "0.2"]


def test_headline_details_are_a_declared_contract(default_params, default_data):
    """Each headline declares the fields of its ``detail``: the notebook context refuses any other, and the pages
    read them as attributes — a field no headline declares is an error, never a silent ``None`` (#31)."""
    from evalkit.report.notebook import Context

    assert outputs.headline("effect_did").detail == ("design", "ci_low", "ci_high", "ci_level", "pvalue")
    assert outputs.headline("invoice_double_billed").detail == ("rupiah",)  # declared by pattern
    ctx = Context("02-coverage-evaluation", default_params, default_data, "en", None, 2)
    with pytest.raises(KeyError, match="declares no detail field.*ci_width"):
        ctx.headline("effect_did", 1.0, detail={"ci_low": 0.5, "ci_width": 1.0})
    ctx.headline("effect_did", 1.0, detail={"ci_low": 0.5, "ci_high": 1.5})
    d = outputs.detail(ctx.results["headlines"], "effect_did")
    assert (d.ci_low, d.ci_high, d.design) == (0.5, 1.5, None)
    with pytest.raises(AttributeError, match="declares no detail field 'target_pct'"):
        d.target_pct  # noqa: B018
    assert outputs.detail({}, "target_status").year is None  # a run without the headline
