"""Bad params and bad data corpora (tests/bad_inputs/): every mistake is explained, nothing is written.

Each file is run with ``evalkit run`` in a throw-away project whose ``outputs/`` already holds an
earlier run; the test asserts exit code 2, a message naming the file, the line or row and the key or
column, no traceback, and ``outputs/`` byte-for-byte unchanged.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from evalkit.cli import main

from .conftest import snapshot

CORPUS = Path(__file__).parent / "bad_inputs"


def rows(kind: str) -> list[dict]:
    with open(CORPUS / kind / "EXPECTED.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def bad_project(project):
    earlier = project / "outputs" / "default" / "20260101-000000"
    earlier.mkdir(parents=True)
    (earlier / "index.html").write_text("<html>earlier run</html>")
    (project / "outputs" / "default" / "latest").symlink_to(earlier.name)
    shutil.copytree(CORPUS / "params", project / "params" / "bad")
    shutil.copytree(CORPUS / "data", project / "data" / "bad")
    return project


def run_in(project: Path, params: Path, capsys) -> tuple[int, str]:
    before = snapshot(project / "outputs")
    code = main(["run", str(params), "--outputs", str(project / "outputs"), "--quiet"])
    err = capsys.readouterr().err
    assert snapshot(project / "outputs") == before, "outputs/ changed"
    return code, err


def test_corpora_are_large_enough():
    assert len(rows("params")) >= 25 and len(rows("data")) >= 20
    assert {r["file"] for r in rows("params")} == {p.name for p in (CORPUS / "params").glob("*.yaml")}
    assert {r["file"] for r in rows("data")} == {
        p.name for p in (CORPUS / "data").iterdir() if p.name != "EXPECTED.csv"
    }


@pytest.mark.e2e
@pytest.mark.parametrize("case", rows("params"), ids=lambda r: r["file"])
def test_bad_params(bad_project, capsys, case):
    path = bad_project / "params" / "bad" / case["file"]
    code, err = run_in(bad_project, path, capsys)
    assert code == 2
    assert "Traceback" not in err
    assert case["file"] in err, err
    assert case["key"] in err, err
    if case["line"]:
        assert f"{case['file']}, line {case['line']}" in err, err
    assert not Path("/tmp/evalkit-pwned").exists()  # the custom tag was never executed


@pytest.mark.e2e
@pytest.mark.parametrize("case", rows("data"), ids=lambda r: r["file"])
def test_bad_data(bad_project, capsys, case):
    params = bad_project / "params" / f"bad-{Path(case['file']).stem}.yaml"
    limit = f"\n  max_file_mb: {case['max_file_mb']}" if case["max_file_mb"] else ""
    params.write_text(f"extends: default.yaml\ndata:\n  source: files\n  panel: ../data/bad/{case['file']}{limit}\n")
    code, err = run_in(bad_project, params, capsys)
    assert code == 2
    assert "Traceback" not in err
    assert case["file"] in err, err
    assert case["where"] in err and case["column"] in err, err


@pytest.mark.e2e
def test_bad_input_in_a_real_process_has_no_traceback(bad_project):
    proc = subprocess.run(
        [sys.executable, "-m", "evalkit", "run", "params/bad/04-share-above-one.yaml", "--quiet"],
        cwd=bad_project,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "contributions.jkk_rate_share" in proc.stderr and "1.5" in proc.stderr
    assert len(list((bad_project / "outputs").rglob("*"))) == 4  # default/, earlier run, its index, latest


@pytest.mark.e2e
def test_one_bad_file_among_good_ones_stops_everything_before_work(bad_project, capsys):
    good = bad_project / "params" / "default.yaml"
    bad = bad_project / "params" / "bad" / "03-string-for-number.yaml"
    before = snapshot(bad_project / "outputs")
    assert main(["run", str(good), str(bad), "--outputs", str(bad_project / "outputs"), "--quiet"]) == 2
    assert snapshot(bad_project / "outputs") == before
