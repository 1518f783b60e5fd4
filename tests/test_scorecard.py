"""The kab/kota scorecard: normalisation, missing indicators, rank uncertainty."""

from __future__ import annotations

import pandas as pd
import pytest

from evalkit import scorecard


def test_scorecard_normalisation_and_rank_uncertainty(default_params, default_data):
    default_params = default_params.model_copy(
        update={"scorecard": default_params.scorecard.model_copy(update={"participants": []})}
    )  # every kab/kota ranked
    ind = scorecard.indicators(default_data, default_params)
    t = scorecard.composite(ind, default_params)
    z = t.set_index("region_code")["z_coverage_level"]
    raw = ind[ind["year"] == ind["year"].max()].set_index("region_code")["coverage_level"]
    assert z.to_dict() == pytest.approx((100 * (raw - raw.min()) / (raw.max() - raw.min())).to_dict())
    assert t["z_employer_compliance"].isna().all()  # missing indicator: weights rescaled, score still 0–100
    assert t["score"].between(0, 100).all() and sorted(t["rank"]) == list(range(1, 11))
    sharp = default_params.model_copy(
        update={"scorecard": default_params.scorecard.model_copy(update={"weight_concentration": 1e6})}
    )
    u = scorecard.rank_uncertainty(ind, sharp).set_index("region_code")
    assert (u["rank_median"] == t.set_index("region_code")["rank"]).all()
    loose = scorecard.rank_uncertainty(ind, default_params)
    assert (loose["rank_p90"] >= loose["rank_p10"]).all() and loose["p_top3"].sum() == pytest.approx(3)


# --- issue #30: Paritrana's participants, the kab/kota's own merit, declines flagged ---------------------------
def test_only_the_participants_are_ranked_and_the_ranking_follows_the_list(default_params, default_data):
    from evalkit import scorecard

    ind = scorecard.indicators(default_data, default_params)
    seven = ["6405", "6401", "6404", "6409", "6403", "6474", "6472"]
    assert default_params.scorecard.participants == seven  # the 2024 round (interviews 28 Jul 2025)
    table = scorecard.composite(ind, default_params)
    assert sorted(table["region_code"]) == sorted(seven) and sorted(table["rank"]) == list(range(1, 8))
    three = default_params.model_copy(
        update={"scorecard": default_params.scorecard.model_copy(update={"participants": ["6471", "6402", "6411"]})}
    )
    assert sorted(scorecard.composite(ind, three)["region_code"]) == ["6402", "6411", "6471"]
    unc = scorecard.rank_uncertainty(ind, three)
    assert set(unc["region_code"]) == {"6402", "6411", "6471"} and unc["rank_p90"].max() <= 3


def test_a_kabkota_score_does_not_move_with_the_provinces_recipients(default_params, default_data):
    """Recipients the province pays for are the province's merit: changing only them changes no kab/kota's score."""
    from evalkit import scorecard

    before = scorecard.composite(scorecard.indicators(default_data, default_params), default_params)
    panel = default_data.panel.copy()
    kukar = panel["region_code"].astype(str).eq("6403")
    panel.loc[kukar, "subsidised_prov"] = panel.loc[kukar, "subsidised_prov"] * 3 + 500
    changed = default_data.__class__(**{**default_data.__dict__, "panel": panel})
    after = scorecard.composite(scorecard.indicators(changed, default_params), default_params)
    pd.testing.assert_frame_equal(before, after)


def test_every_kabkota_whose_coverage_fell_is_flagged(default_params, default_data):
    """On a panel where chosen kab/kota lose coverage in the latest year (and the others gain), exactly those are
    listed, largest fall first, with the size of the fall."""
    from evalkit import scorecard

    panel = default_data.panel.copy()
    kt = panel["level"].eq("kabkota")
    last = panel["period"].dt.year == panel["period"].dt.year.max()
    fall = {"6402": 0.80, "6474": 0.95}  # participants lost in the latest year
    for code in panel.loc[kt, "region_code"].astype(str).unique():
        sel = kt & last & panel["region_code"].astype(str).eq(code)
        factor = fall.get(code, 1.15)
        for col in ("participants_total", "bpu_participants"):
            panel.loc[sel, col] = (panel.loc[sel, col] * factor).round()
    from evalkit.data.dataset import add_coverage

    changed = default_data.__class__(**{**default_data.__dict__, "panel": add_coverage(panel)})
    flagged = scorecard.declines(changed, default_params)
    assert list(flagged["region_code"]) == ["6402", "6474"]  # the larger fall first
    assert (flagged["total_change_pp"] < 0).all() and (flagged["vulnerable_change_pp"] < 0).all()


def _form_project(tmp_path, frame, xlsx=False):
    """A project whose example-files params read ``frame`` as the self-assessment form (CSV or the filled template)."""
    import shutil

    import evalkit

    from .conftest import ROOT, make_project
    from .test_templates import fill

    (tmp_path / "p").mkdir()
    project = make_project(tmp_path / "p", notebooks=False)
    shutil.copytree(ROOT / "data" / "example", project / "data" / "example")
    if xlsx:
        path = project / "data" / "form.xlsx"
        shutil.copy(ROOT / "data" / "templates" / "self_assessment.xlsx", path)
        fill(path, frame)
    else:
        path = project / "data" / "form.csv"
        frame.to_csv(path, index=False)
    (project / "params" / "form.yaml").write_text(
        f"extends: example-files.yaml\nscenario:\n  name: form\n  title: Formulir\ndata:\n  self_assessment: ../data/{path.name}\n"
    )
    return project, evalkit.load_params(project / "params" / "form.yaml")


def test_the_self_assessment_template_round_trips(tmp_path, default_params):
    from evalkit.data.assessment import generate_form, read_form

    form = generate_form(default_params)
    _, params = _form_project(tmp_path, form.astype(str).replace("nan", ""), xlsx=True)
    read = read_form(params)
    assert len(read) == len(form) and list(read["kriteria"]) == list(form["kriteria"])
    assert read["nilai_rupiah"].fillna(0).sum() == pd.to_numeric(form["nilai_rupiah"], errors="coerce").fillna(0).sum()


def test_a_bad_form_names_file_sheet_row_and_column(tmp_path, default_params):
    from evalkit.data.assessment import generate_form, read_form
    from evalkit.errors import DataError

    form = generate_form(default_params).astype(str).replace("nan", "")
    form.loc[2, "kriteria"] = "kebijakan"
    form.loc[1, "referensi_dokumen"] = ""
    _, params = _form_project(tmp_path, form, xlsx=True)
    with pytest.raises(DataError) as err:
        read_form(params)
    text = str(err.value)
    assert "form.xlsx, sheet 'data'" in text and "row 4, column 'kriteria'" in text
    assert "row 3, column 'referensi_dokumen'" in text


@pytest.mark.e2e
def test_a_bad_form_exits_2_before_anything_runs(tmp_path, default_params):
    from evalkit.data.assessment import generate_form

    from .conftest import run_cli, snapshot

    form = generate_form(default_params).astype(str).replace("nan", "")
    form.loc[0, "nilai_rupiah"] = "-5"
    project, _ = _form_project(tmp_path, form, xlsx=True)
    (project / "outputs").mkdir()
    before = snapshot(project / "outputs")
    proc = run_cli(project, "params/form.yaml")
    assert proc.returncode == 2 and "sheet 'data'" in proc.stderr and "row 2, column 'nilai_rupiah'" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert {k: v for k, v in snapshot(project / "outputs").items() if not k.startswith(".cache")} == before


def test_each_participant_has_a_profile_with_scores_evidence_and_questions(default_params, default_data):
    from evalkit.data.assessment import generate_form

    ind = scorecard.indicators(default_data, default_params)
    table, unc, _ = scorecard.ranked(ind, default_params)
    scores = scorecard.criteria_scores(table, default_params)
    form = generate_form(default_params).assign(tanggal_dokumen=lambda f: pd.to_datetime(f["tanggal_dokumen"]))
    falls = scorecard.declines(default_data, default_params)
    profiles = scorecard.profiles(
        table, unc, scores, ind[ind["year"] == ind["year"].max()], form, falls, default_params
    )
    assert [p["region_code"] for p in profiles] == list(table.sort_values("rank")["region_code"])
    assert len(profiles) == 7
    for p in profiles:
        assert set(p["scores"]["criterion"]) == set(default_params.scorecard.criteria)
        assert p["rank_p10"] <= p["rank"] <= p["rank_p90"] or p["rank_p10"] <= p["rank_p90"]
        keys = [k for k, _ in p["questions"]]
        if p["region_code"] in set(falls["region_code"]):
            assert "q_decline" in keys
        answered = set(form.loc[form["kode_wilayah"] == p["region_code"], "kriteria"])
        if "inovasi" not in answered:
            assert ("q_no_document", {"criterion": "innovation"}) in p["questions"]
