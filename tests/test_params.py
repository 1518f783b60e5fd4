"""Params loading and validation: every mistake names file, line, key, value and what is allowed."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import evalkit
from evalkit.errors import ParamsError

from .conftest import PARAMS


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def pdir(project):
    return project / "params"


def test_shipped_params_are_valid():
    for path in sorted(PARAMS.glob("*.yaml")):
        params = evalkit.load_params(path)
        assert params.scenario.name == path.stem, f"{path.name}: scenario.name should match the file name"


def test_extends_overrides_only_given_keys():
    base = evalkit.load_params(PARAMS / "default.yaml")
    other = evalkit.load_params(PARAMS / "target-95-by-2027.yaml")
    assert other.target.coverage_pct == 95.0 and other.target.year == 2027
    assert other.report.language == "en"
    assert other.contributions == base.contributions
    assert other.policy == base.policy
    assert [p.name for p in other.files] == ["target-95-by-2027.yaml", "default.yaml"]


def test_three_mistakes_three_messages(pdir):
    path = write(
        pdir,
        "bad.yaml",
        """\
        extends: default.yaml
        scenario: {name: bad, title: Bad}
        target:
          coverge_pct: 90
          year: twenty
        contributions:
          jkk_rate_share: 1.5
        """,
    )
    with pytest.raises(ParamsError) as info:
        evalkit.load_params(path)
    problems = {p.where: p for p in info.value.problems}
    assert set(problems) == {"key `target.coverge_pct`", "key `target.year`", "key `contributions.jkk_rate_share`"}
    typo = problems["key `target.coverge_pct`"]
    assert typo.line == 4 and "did you mean `coverage_pct`" in typo.allowed
    assert problems["key `target.year`"].line == 5 and "'twenty'" in problems["key `target.year`"].value
    share = problems["key `contributions.jkk_rate_share`"]
    assert share.line == 7 and share.value == "1.5" and "between 0 and 1" in share.allowed
    assert all(p.file.endswith("bad.yaml") for p in problems.values())


def test_cli_validate_prints_messages_without_traceback(pdir):
    path = write(
        pdir,
        "bad.yaml",
        """\
        extends: default.yaml
        scenario: {name: bad, title: Bad}
        target: {coverge_pct: 90, year: "twenty"}
        contributions: {jkk_rate_share: 1.5}
        """,
    )
    proc = subprocess.run([sys.executable, "-m", "evalkit", "validate", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("  - ")]
    assert len(lines) == 3, proc.stderr
    for key in ("target.coverge_pct", "target.year", "contributions.jkk_rate_share"):
        assert any(key in ln and "bad.yaml, line" in ln for ln in lines), key


@pytest.mark.parametrize(
    "text, where, allowed",
    [
        ("extends: nowhere.yaml\n", "extends", "does not exist"),
        (
            "scenario: {name: x, title: X}\nseed: !!python/object/apply:os.system ['echo hi']\n",
            "YAML tag",
            "custom YAML tags are not allowed",
        ),
        ("scenario:\n  name: x\n   title: X\n", "YAML syntax", "not valid YAML"),
        ("# nothing here\n\n", "file", "empty"),
        ("scenario: {name: x, title: X}\ntarget: {year: 2020, base_year: 2025}\n", "target", "must not be before"),
        ("scenario: {name: x, title: X}\nscenario: {name: y, title: Y}\n", "scenario", "written twice"),
        ("scenario: {name: 'bad name!', title: X}\n", "scenario.name", "folder name"),
        ("scenario: {name: x, title: X}\ndata: {source: files}\n", "data", "name the data: data.panel"),
        (
            "scenario: {name: x, title: X}\ndata: {source: files, panel: a.csv, participants: p.csv, denominators: d.csv}\n",
            "data",
            "not both",
        ),
        ("scenario: {name: x, title: X}\ndata: {source: files, participants: p.csv}\n", "data", "go together"),
        (
            "scenario: {name: x, title: X}\ndata: {source: files, panel: a.csv, offices: o.csv}\n",
            "data",
            "name data.participants too",
        ),
        (
            "scenario: {name: x, title: X}\ndata: {participants: p.csv, denominators: d.csv}\n",
            "data",
            "would not be read",
        ),
        (
            "scenario: {name: x, title: X}\ndata: {source: files, participants: ../../p.csv, denominators: d.csv}\n",
            "data.participants",
            "outside the project",
        ),
        (
            "scenario: {name: x, title: X}\ndata:\n  synthetic:\n    total_coverage: [{month: '2031-01', pct: 70.0}]\n",
            "data.synthetic",
            "inside the synthetic panel",
        ),
        (
            "scenario: {name: x, title: X}\ndata: {source: files, panel: ../../etc/passwd}\n",
            "data.panel",
            "outside the project",
        ),
        (
            "scenario: {name: x, title: X}\ndata: {source: files, panel: ../outputs/default/latest/x.csv}\n",
            "data.panel",
            "outputs/",
        ),
        (
            "scenario: {name: x, title: X}\npolicy:\n  cofunding:\n    - {code: '6499', start_month: '2024-01'}\n",
            "policy.cofunding[0].code",
            "Kalimantan Timur kab/kota",
        ),
        ("scenario: {name: x, title: X}\npolicy: {start_month: '2023-13'}\n", "policy.start_month", "YYYY-MM"),
        ("- just\n- a list\n", "top level", "mapping"),
    ],
)
def test_bad_params_messages(pdir, text, where, allowed):
    path = write(pdir, "bad.yaml", text)
    with pytest.raises(ParamsError) as info:
        evalkit.load_params(path)
    msg = str(info.value)
    assert where in msg and allowed in msg, msg
    assert "bad.yaml" in msg


def test_circular_extends(pdir):
    write(pdir, "a.yaml", "extends: b.yaml\n")
    write(pdir, "b.yaml", "extends: a.yaml\n")
    with pytest.raises(ParamsError, match="circle"):
        evalkit.load_params(pdir / "a.yaml")


def test_unquoted_region_code_is_accepted(pdir):
    path = write(
        pdir, "ok.yaml", "extends: default.yaml\npolicy:\n  cofunding:\n    - {code: 6403, start_month: '2022-07'}\n"
    )
    params = evalkit.load_params(path)
    assert params.policy.cofunding[0].code == "6403"


def test_data_path_is_resolved_inside_project(project):
    (project / "data" / "panel.csv").write_text("x\n")
    path = write(
        project / "params", "real.yaml", "extends: default.yaml\ndata: {source: files, panel: ../data/panel.csv}\n"
    )
    params = evalkit.load_params(path)
    assert params.data.panel == "data/panel.csv"
    assert params.project_root == project


def test_an_empty_mapping_in_an_extending_file_clears_the_inherited_one(tmp_path):
    """``budget.uncertainty.parameters: {}`` in a file that extends default.yaml means no uncertain inputs, as
    written (it used to keep all six inherited distributions without a word); ``null`` is refused with its key."""
    import shutil

    import evalkit
    from evalkit.errors import ParamsError

    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n")
    shutil.copytree(PARAMS, tmp_path / "params")
    assert evalkit.load_params(tmp_path / "params" / "default.yaml").budget.uncertainty.parameters
    (tmp_path / "params" / "x.yaml").write_text(
        "extends: default.yaml\nscenario: {name: x, title: X}\nbudget:\n  uncertainty:\n    parameters: {}\n"
    )
    assert evalkit.load_params(tmp_path / "params" / "x.yaml").budget.uncertainty.parameters == {}
    (tmp_path / "params" / "y.yaml").write_text(
        "extends: default.yaml\nscenario: {name: y, title: Y}\nbudget:\n  uncertainty:\n    parameters: null\n"
    )
    with pytest.raises(ParamsError, match="budget.uncertainty.parameters"):
        evalkit.load_params(tmp_path / "params" / "y.yaml")
