"""Hostile and careless input (issue #18): params, runs, cache and reruns cannot be turned against the user.

Each case is a test: exit code 2 for bad input, a message naming file, key or row, no traceback, no file
content echoed, and ``outputs/`` unchanged (or, for runs that do work, earlier runs and ``latest`` intact).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evalkit.cli import main
from evalkit.core import cache

from .conftest import ROOT, newest_run, snapshot

SECRET = "s3cr3t-salt-value-0123456789abcdef"


def cli(project: Path, capsys, *args: str) -> tuple[int, str]:
    """``evalkit`` in this process, outputs in the project; returns (exit code, stderr) and checks that
    nothing under outputs/ changed when the code is 2."""
    before = snapshot(project / "outputs") if (project / "outputs").exists() else {}
    code = main(list(args))
    err = capsys.readouterr().err
    if code == 2:
        after = snapshot(project / "outputs") if (project / "outputs").exists() else {}
        assert after == before, "outputs/ changed after a rejected input"
    assert "Traceback" not in err
    return code, err


@pytest.fixture
def hp(project, monkeypatch):
    """A project with an earlier run and ``latest`` in outputs/ (which a rejected input must not touch)."""
    earlier = project / "outputs" / "default" / "20260101-000000"
    earlier.mkdir(parents=True)
    (earlier / "index.html").write_text("<html>earlier run</html>")
    (earlier / "manifest.json").write_text("{}")
    (project / "outputs" / "default" / "latest").symlink_to(earlier.name)
    monkeypatch.chdir(project)
    monkeypatch.setenv("EVALKIT_SALT", SECRET)
    return project


def validate(project: Path, capsys, name: str, text: str | bytes) -> tuple[int, str]:
    path = project / "params" / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return cli(project, capsys, "run", str(path), "--quiet", "--outputs", str(project / "outputs"))


# --------------------------------------------------------------------------- params
@pytest.mark.e2e
@pytest.mark.parametrize(
    "name, text, message",
    [
        (
            "deep.yaml",
            "extends: default.yaml\nx: " + "[" * 100_000 + "]" * 100_000 + "\n",
            "nested more than 30 levels",
        ),
        (
            "keys.yaml",
            "extends: default.yaml\nreport:\n" + "".join(f" k{i}: 1\n" for i in range(90_000)),
            "more than 20,000 keys",
        ),
        (
            "bomb.yaml",
            "extends: default.yaml\n"
            + "".join(
                f"{c}: &{c} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['1'] * 9)}]\n"
                for p, c in zip([None, *"abcdefgh"], "abcdefghi")
            ),
            "expands to more than 200,000 values",
        ),
    ],
)
def test_oversized_params_are_refused_quickly(hp, capsys, name, text, message):
    assert len(text.encode()) < 1_000_000  # under the byte limit: refused for its shape
    t0 = time.monotonic()
    code, err = validate(hp, capsys, name, text)
    assert time.monotonic() - t0 < 2.0  # the acceptance bound of the issue (typical: well under 0.1 s)
    assert code == 2 and name in err and message in err, err


def test_directory_fifo_and_unreadable_params_each_say_what_they_are(hp, capsys, monkeypatch):
    (hp / "params" / "folder.yaml").mkdir()
    os.mkfifo(hp / "params" / "pipe.yaml")
    code, err = cli(hp, capsys, "validate", "params/folder.yaml")
    assert code == 2 and "this is a folder" in err
    code, err = cli(hp, capsys, "validate", "params/pipe.yaml")  # never opened: it would block
    assert code == 2 and "a pipe (FIFO)" in err
    code, err = cli(hp, capsys, "validate", "params/missing.yaml")
    assert code == 2 and "does not exist" in err
    code, err = cli(hp, capsys, "validate", "/dev/null")
    assert code == 2 and "a device or socket" in err
    (hp / "params" / "locked.yaml").write_text("extends: default.yaml\n")
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode, **kw: False if str(p).endswith("locked.yaml") else real_access(p, mode, **kw)
    )  # root reads everything: simulate the permission
    code, err = cli(hp, capsys, "validate", "params/locked.yaml")
    assert code == 2 and "cannot be read (permission denied)" in err


@pytest.mark.e2e
def test_extends_stays_in_the_params_folder_and_never_echoes_other_files(hp, capsys, tmp_path):
    salt = tmp_path / "salt"
    salt.write_text(SECRET)
    secrets = hp / "params" / "secrets.json"
    secrets.write_text('{"api_key": "' + SECRET + '"}')
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("scenario: {name: x, title: " + SECRET + "}\n")
    (hp / "params" / "link.yaml").symlink_to(outside)
    for target in (
        "/etc/passwd",
        str(salt),
        "secrets.json",
        "../../" * 8 + "etc/hostname.yaml",
        "link.yaml",
        str(outside),
    ):
        code, err = validate(hp, capsys, "x.yaml", f"extends: {target}\n")
        assert code == 2 and "x.yaml, line 1, key `extends`" in err, (target, err)
        assert SECRET not in err and "root:" not in err, (target, err)


@pytest.mark.e2e
@pytest.mark.parametrize(
    "text, key, message",
    [
        ("target:\n  coverage_pct: true\n", "target.coverage_pct", "must be a number, not true/false"),
        ("contributions:\n  declared_income_rupiah: .inf\n", "contributions.declared_income_rupiah", "finite number"),
        (
            "budget:\n  uncertainty:\n    parameters:\n      churn_share: {dist: normal, mean: .nan, sd: .inf}\n",
            "budget.uncertainty.parameters.churn_share.mean",
            "finite number",
        ),
        (
            "budget:\n  uncertainty:\n    parameters:\n      churn_share: {dist: uniform, low: -1e308, high: 1e308}\n",
            "budget.uncertainty.parameters",
            "must stay inside the range",
        ),
        (
            "budget:\n  uncertainty:\n    parameters:\n      vulnerable_growth_share: {dist: normal, mean: 0.0, sd: 5}\n",
            "budget.uncertainty.parameters",
            "sd at most",
        ),
        ("seed: '7'\n", "seed", "not text"),
        ("budget:\n  kabkota_cofunding_share: {'6403': yes}\n", "budget.kabkota_cofunding_share", "not true/false"),
        ("scenario:\n  name: compare\n  title: x\n", "scenario", "reserved"),
        ("scenario:\n  name: Verify\n  title: x\n", "scenario", "reserved"),
        ("data:\n  max_count: 1.0e+3\n", "data.max_count", "whole number"),
    ],
)
def test_strict_types_finite_numbers_and_reserved_names(hp, capsys, text, key, message):
    code, err = validate(hp, capsys, "typed.yaml", "extends: default.yaml\n" + text)
    assert code == 2 and f"key `{key}" in err and message in err, err


@pytest.mark.e2e
def test_values_are_echoed_only_as_a_short_prefix(hp, capsys):
    code, err = validate(
        hp, capsys, "long.yaml", "extends: default.yaml\ntarget:\n  coverage_pct: '" + "9" * 500 + "'\n"
    )
    assert code == 2 and "coverage_pct" in err and 10 <= err.count("9") <= 40


# --------------------------------------------------------------------------- runs
@pytest.fixture
def fast(hp):
    """One quick notebook (the scorecard) instead of the whole report."""
    nbs = hp / "fast"
    nbs.mkdir()
    shutil.copy(ROOT / "notebooks" / "04-kabkota-scorecard.ipynb", nbs)
    return hp


@pytest.mark.e2e
def test_a_read_only_or_full_outputs_folder_is_refused_before_any_work(hp, capsys, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, err = cli(hp, capsys, "run", "params/default.yaml", "--quiet", "--outputs", str(blocker / "outputs"))
    assert code == 2 and "Outputs error" in err and "cannot be written" in err
    import evalkit.runner.run as runner

    def read_only(folder):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(runner, "probe_writable", read_only)
    code, err = cli(hp, capsys, "run", "params/default.yaml", "--quiet", "--outputs", str(hp / "outputs"))
    assert code == 2 and "Read-only file system" in err and "--outputs" in err
    monkeypatch.setattr("shutil.disk_usage", lambda p: shutil._ntuple_diskusage(10**9, 10**9 - 10**6, 10**6))
    monkeypatch.undo()
    monkeypatch.setattr(shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(10**9, 10**9 - 10**6, 10**6))
    monkeypatch.setenv("EVALKIT_SALT", SECRET)
    code, err = cli(hp, capsys, "run", "params/default.yaml", "--quiet", "--outputs", str(hp / "outputs"))
    assert code == 2 and "MB free" in err
    recipients = hp / "data" / "list.csv"
    recipients.write_text("nik\n")
    code, err = cli(hp, capsys, "verify", str(recipients), "--outputs", str(blocker / "outputs"))
    assert code == 2 and "cannot be written" in err


@pytest.mark.e2e
def test_a_folder_where_latest_should_be_is_reported_with_the_fix(hp, capsys):
    latest = hp / "outputs" / "default" / "latest"
    latest.unlink()
    latest.mkdir()
    code, err = cli(hp, capsys, "run", "params/default.yaml", "--quiet", "--outputs", str(hp / "outputs"))
    assert code == 2 and "is a folder, not the link" in err and "mv " in err


@pytest.mark.e2e
def test_stale_unfinished_folders_are_cleaned_with_a_line_saying_so(fast, capsys):
    scen = fast / "outputs" / "default"
    old, new = scen / ".partial-20250101-000000-1", scen / ".interrupted-20260101-000001-2"
    for folder in (old, new):
        (folder / "notebooks").mkdir(parents=True)
    two_days = time.time() - 2 * 86_400
    os.utime(old, (two_days, two_days))
    code = main(["run", "params/default.yaml", "--notebooks", "fast", "--quiet", "--outputs", str(fast / "outputs")])
    err = capsys.readouterr().err
    assert code == 0, err
    assert not old.exists() and new.exists()  # a folder younger than a day may still be running
    assert "Removed 1 unfinished run folder(s) older than a day" in err and old.name in err
    assert (scen / "latest").resolve() == newest_run(scen)


@pytest.mark.e2e
def test_cache_entries_are_checked_and_damage_is_recomputed_not_published(fast, capsys):
    args = ["run", "params/default.yaml", "--notebooks", "fast", "--quiet", "--outputs", str(fast / "outputs")]
    assert main(args) == 0
    capsys.readouterr()
    entries = sorted(p for p in (fast / "outputs" / ".cache").glob("notebook-*") if p.is_dir())
    assert len(entries) == 1
    results = entries[0] / "files" / "results" / "04-kabkota-scorecard.json"
    edited = json.loads(results.read_text())
    for item in edited["headlines"].values():
        item["text"] = "99,9% (TAMPERED)"
    results.write_text(json.dumps(edited))
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "damaged, edited or moved" in err
    run = (fast / "outputs" / "default" / "latest").resolve()
    assert "TAMPERED" not in (run / "index.html").read_text(encoding="utf-8")
    assert json.loads((run / "manifest.json").read_text())["notebooks"][0]["reused"] is False
    # a truncated cached notebook: recomputed, the run succeeds and becomes latest
    entry = next(p for p in (fast / "outputs" / ".cache").glob("notebook-*") if p.is_dir())
    nb = entry / "files" / "notebooks" / "04-kabkota-scorecard.ipynb"
    nb.write_bytes(nb.read_bytes()[:200])
    assert main(args) == 0
    assert "damaged, edited or moved" in capsys.readouterr().err
    assert (fast / "outputs" / "default" / "latest").resolve() == newest_run(fast / "outputs" / "default")


@pytest.mark.e2e
def test_a_sealed_entry_of_another_scenario_copied_in_is_not_reused(fast, capsys):
    """The seal binds an entry to its own name (its key): a complete, correctly sealed entry of another scenario
    copied over this scenario's entry is refused and recomputed (another salt: tests/test_cache.py)."""
    (fast / "params" / "other.yaml").write_text(
        "extends: default.yaml\nscenario: {name: other, title: O}\nscorecard:\n  weight_draws: 500\n", encoding="utf-8"
    )
    out = ["--notebooks", "fast", "--quiet", "--outputs", str(fast / "outputs")]
    assert main(["run", "params/default.yaml", *out]) == 0
    entries = lambda: {p.name for p in (fast / "outputs" / ".cache").glob("notebook-*") if p.is_dir()}  # noqa: E731
    mine = entries()
    assert main(["run", "params/other.yaml", *out]) == 0
    theirs = entries() - mine
    assert len(mine) == 1 and len(theirs) == 1
    cache_dir = fast / "outputs" / ".cache"
    first = json.loads(
        ((fast / "outputs" / "default" / "latest").resolve() / "results" / "04-kabkota-scorecard.json").read_text()
    )
    shutil.rmtree(cache_dir / next(iter(mine)))
    shutil.copytree(cache_dir / next(iter(theirs)), cache_dir / next(iter(mine)))
    capsys.readouterr()
    assert main(["run", "params/default.yaml", *out]) == 0
    assert "moved" in capsys.readouterr().err
    run = (fast / "outputs" / "default" / "latest").resolve()
    assert json.loads((run / "manifest.json").read_text())["notebooks"][0]["reused"] is False
    assert json.loads((run / "results" / "04-kabkota-scorecard.json").read_text()) == first


def test_cache_clear_deletes_only_what_evalkit_wrote(hp, capsys, monkeypatch, tmp_path):
    foreign = tmp_path / "my-documents"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("years of work")
    (foreign / "panel-0123456789abcdef0123456789abcdef").mkdir()  # looks like an entry, but no marker
    monkeypatch.setenv("EVALKIT_CACHE_DIR", str(foreign))
    code, err = cli(hp, capsys, "cache", "clear")
    assert code == 2 and "no .evalkit-cache marker" in err
    assert sorted(p.name for p in foreign.iterdir()) == ["panel-0123456789abcdef0123456789abcdef", "thesis.docx"]
    mine = tmp_path / "cache"
    cache.open_root(mine)
    (mine / "panel-0123456789abcdef0123456789abcdef").mkdir()
    (mine / "panel-0123456789abcdef0123456789abcdef.lock").write_text("")
    (mine / "notes.txt").write_text("keep me")
    monkeypatch.setenv("EVALKIT_CACHE_DIR", str(mine))
    code, _ = cli(hp, capsys, "cache", "clear")
    assert code == 0 and sorted(p.name for p in mine.iterdir()) == [".evalkit-cache", "notes.txt"]


# --------------------------------------------------------------------------- rerun
def fake_run(project: Path, scenario_folder: str, resolved: dict, drop: tuple[str, ...] = ()) -> Path:
    """A run folder holding only a manifest (what a rerun checks before doing anything)."""
    run = project / "outputs" / scenario_folder / "20260202-000000"
    run.mkdir(parents=True)
    manifest = {
        "scenario": resolved["scenario"]["name"],
        "lang": "id",
        "git": {},
        "packages": {},
        "params": {"resolved": resolved, "hash": "x"},
        "data": {"panel_sha256": "y"},
    }
    for key in drop:
        manifest.pop(key)
    (run / "manifest.json").write_text(json.dumps(manifest))
    return run / "manifest.json"


@pytest.mark.e2e
def test_rerun_validates_the_manifest_before_writing_anything(hp, capsys, tmp_path_factory, default_params):
    resolved = default_params.model_dump(mode="json")
    evil = json.loads(json.dumps(resolved))
    evil["scenario"]["name"] = "../../../../tmp/evalkit-rerun-evil"
    manifest = fake_run(hp, "default", evil)
    code, err = cli(hp, capsys, "rerun", str(manifest))
    assert code == 2 and "scenario.name" in err
    assert not list(Path("/tmp").glob("evalkit-rerun-evil*")) and not (hp / "outputs" / ".rerun").exists()
    shutil.rmtree(manifest.parent)
    manifest = fake_run(hp, "default", resolved, drop=("data",))
    code, err = cli(hp, capsys, "rerun", str(manifest))
    assert code == 2 and "data.panel_sha256" in err and "missing" in err
    shutil.rmtree(manifest.parent)
    copied = tmp_path_factory.mktemp("copied")  # outside any project
    elsewhere = copied / "outputs" / "default" / "20260202-000000"
    elsewhere.mkdir(parents=True)
    shutil.copy(fake_run(hp, "default", resolved), elsewhere / "manifest.json")
    code, err = cli(hp, capsys, "rerun", str(elsewhere / "manifest.json"))
    assert code == 2 and "in the project's outputs folder" in err
    assert not (copied / "outputs" / ".rerun").exists()
    outside = json.loads(json.dumps(resolved))
    outside["data"].update(source="files", panel="../../etc/passwd")
    shutil.rmtree(hp / "outputs" / "default" / "20260202-000000")
    code, err = cli(hp, capsys, "rerun", str(fake_run(hp, "default", outside)))
    assert code == 2 and "data.panel" in err and "outside the project" in err and "root:" not in err


# --------------------------------------------------------------------------- fuzz
def test_fuzzed_params_raise_only_evalkit_errors(tmp_path_factory):
    """Mutations of the default params (types, values, structure) either validate or raise ParamsError."""
    import yaml
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    import evalkit
    from evalkit.errors import ParamsError

    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "pyproject.toml").write_text("[project]\nname='fuzz'\n")
    (folder / "params").mkdir()
    base = yaml.safe_load((ROOT / "params" / "default.yaml").read_text(encoding="utf-8"))
    paths = []

    def walk(node, path=()):
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for k, v in items:
            paths.append(path + (k,))
            walk(v, path + (k,))

    walk(base)
    values = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**12), 10**12),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=30),
        st.lists(st.integers(-5, 5), max_size=4),
        st.dictionaries(st.text(max_size=8), st.integers(), max_size=3),
    )

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.lists(
            st.tuples(st.sampled_from(paths), values, st.sampled_from(["set", "drop", "wrap"])), min_size=1, max_size=4
        )
    )
    def check(mutations):
        doc = json.loads(json.dumps(base, default=str))
        for path, value, how in mutations:
            node = doc
            try:
                for k in path[:-1]:
                    node = node[k]
                if how == "set":
                    node[path[-1]] = value
                elif how == "drop":
                    del node[path[-1]]
                else:
                    node[path[-1]] = [node[path[-1]]]
            except (KeyError, IndexError, TypeError):
                continue
        target = folder / "params" / "fuzz.yaml"
        target.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        try:
            evalkit.load_params(target)
        except ParamsError as exc:
            assert str(exc) and "Traceback" not in str(exc)

    check()


@pytest.mark.e2e
def test_bad_input_in_a_real_process_exits_2_without_traceback(hp):
    (hp / "params" / "bomb.yaml").write_text(
        "extends: default.yaml\n"
        + "".join(
            f"{c}: &{c} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['1'] * 9)}]\n"
            for p, c in zip([None, *"abcdefgh"], "abcdefghi")
        )
    )
    proc = subprocess.run(
        [sys.executable, "-m", "evalkit", "run", "params/bomb.yaml", "--quiet"],
        cwd=hp,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "expands to more than" in proc.stderr


# --------------------------------------------------------------------------- round three (issue #34)
CORPUS = ROOT / "tests" / "bad_inputs" / "determine"


def _determine_cases() -> list[dict]:
    import csv

    with open(CORPUS / "EXPECTED.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_the_determine_corpus_lists_every_file():
    assert {r["file"] for r in _determine_cases()} == {p.name for p in CORPUS.iterdir() if p.name != "EXPECTED.csv"}


@pytest.mark.parametrize("case", _determine_cases(), ids=lambda r: r["file"])
def test_bad_quota_files_reference_lists_and_proposals_exit_2_naming_file_row_and_column(hp, capsys, case, tmp_path):
    proposals = ROOT / "data" / "example" / "recipients.csv"
    quotas = tmp_path / "kuota.csv"
    quotas.write_text("kode_wilayah,kuota\n6471,10\n", encoding="utf-8")
    bad = CORPUS / case["file"]
    args = {"file": proposals, "--quotas": quotas}
    args[case["option"]] = bad
    extra = [] if case["option"] in ("file", "--quotas") else [case["option"], str(bad)]
    code, err = cli(
        hp,
        capsys,
        "determine",
        str(args["file"]),
        "--period",
        "2025-06",
        "--quotas",
        str(args["--quotas"]),
        "--outputs",
        str(hp / "outputs"),
        *extra,
    )
    assert code == 2, err
    assert case["file"] in err and case["where"] in err and case["message"] in err, err
    assert "6472011905033860" not in err and "011905033860" not in err  # a NIK is never echoed
    assert not (hp / "outputs" / "penetapan").exists()


def _child_peak(args: list[str], cwd: Path) -> tuple[int, float, float, str]:
    """Exit code, seconds and peak memory (MB) of ``evalkit ARGS`` in its own process."""
    # VmHWM: the peak resident size of this program's own image (ru_maxrss would also count the pages of the
    # forking pytest worker, which the child held for a moment before exec)
    code = (
        "import runpy, sys\nsys.argv = ['evalkit', *sys.argv[1:]]\ntry:\n"
        "    runpy.run_module('evalkit', run_name='__main__')\nfinally:\n"
        "    hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "    print('PEAK', hwm, file=sys.stderr)\n"
    )
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, EVALKIT_SALT=SECRET),
    )
    seconds = time.perf_counter() - t0
    peak = int(proc.stderr.rsplit("PEAK", 1)[1].split()[0]) / 1024
    return proc.returncode, seconds, peak, proc.stderr


@pytest.mark.parametrize("bomb", ["million_rows", "far_cell"])
def test_spreadsheet_bombs_are_refused_in_5_s_and_500_mb_before_parsing(hp, tmp_path, bomb):
    from . import xlsx_bombs

    path = getattr(xlsx_bombs, bomb)(tmp_path / f"{bomb}.xlsx")
    assert path.stat().st_size < 1_000_000
    quotas = tmp_path / "kuota.csv"
    quotas.write_text("kode_wilayah,kuota\n6471,10\n", encoding="utf-8")
    for args in (
        ["verify", str(path), "--outputs", str(hp / "outputs")],
        ["determine", str(path), "--period", "2025-06", "--quotas", str(quotas), "--outputs", str(hp / "outputs")],
        [
            "determine",
            str(ROOT / "data" / "example" / "recipients.csv"),
            "--period",
            "2025-06",
            "--quotas",
            str(quotas),
            "--members",
            str(path),
            "--outputs",
            str(hp / "outputs"),
        ],
    ):
        code, seconds, peak, err = _child_peak(args, hp)
        assert code == 2 and "Traceback" not in err, err
        assert "200,000 rows" in err or "XFD1048576" in err, err
        assert seconds <= 5 and peak <= 500, (args[0], seconds, peak)
    shutil.copy(path, hp / "data" / "bomb.xlsx")  # a panel: the same refusal, before the whole sheet is parsed
    (hp / "params" / "bomb-panel.yaml").write_text(
        "extends: default.yaml\nscenario: {name: bp, title: B}\ndata:\n  source: files\n  panel: ../data/bomb.xlsx\n"
    )
    code, seconds, peak, err = _child_peak(["validate", "--data", "params/bomb-panel.yaml"], hp)
    assert code == 2 and ("200,000 rows" in err or "XFD1048576" in err) and seconds <= 5 and peak <= 500, err


def test_fuzzed_quota_files_and_reference_lists_raise_only_evalkit_errors(tmp_path):
    """Random bytes and random text in the shape of a quota file or a reference list: either read, or refused with
    a DataError — never another exception."""
    from hypothesis import given
    from hypothesis import strategies as st

    from evalkit.errors import DataError
    from evalkit.recipients.determination import read_quotas
    from evalkit.recipients.io import read_reference

    cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
    row = st.lists(cell, min_size=0, max_size=4)

    @given(
        header=st.sampled_from(
            [
                "kode_wilayah,kuota",
                "kode_wilayah,kuota,sumber_dana",
                "nik,tanggal_meninggal",
                "nik,segmen",
                "nik,kategori",
                "x",
            ]
        ),
        rows=st.lists(row, max_size=6),
        raw=st.binary(max_size=200),
        use_raw=st.booleans(),
    )
    def fuzz(header, rows, raw, use_raw):
        f = tmp_path / "fuzz.csv"
        if use_raw:
            f.write_bytes(raw)
        else:
            f.write_text(
                header + "\n" + "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8", errors="surrogatepass"
            )
        for read in (
            read_quotas,
            lambda p: read_reference(p, "deaths"),
            lambda p: read_reference(p, "members"),
            lambda p: read_reference(p, "asn"),
        ):
            try:
                read(f)
            except DataError:
                pass

    fuzz()


def test_company_free_text_is_published_only_as_safe_text_and_ids_only_hashed(tmp_path):
    """A NIK in ``sektor`` or a formula never reaches a page, a workbook or a CSV; the cache and the notebooks hold
    company ids only hashed (an id may be an owner's NIK)."""
    import pandas as pd

    from evalkit.compliance import hash_company_ids, read_companies
    from evalkit.report.tables import read_table, write_table

    src = pd.read_csv(ROOT / "data" / "templates" / "companies.csv", dtype=str)
    row = {c: "1" for c in src.columns} | {
        "company_id": "6472011905033860",
        "kode_wilayah": "6472",
        "periode": "2025-06",
        "sektor": '=HYPERLINK("http://x") 6472011905033860',
        "skala": "kecil",
        "paid_on_time": "1",
        "program_terdaftar": "JKK,JKM",
    }
    pd.DataFrame([row]).to_csv(tmp_path / "c.csv", index=False)
    df = read_companies(tmp_path / "c.csv", "c.csv", 10)
    assert "6472011905033860" not in df["sektor"].iloc[0] and not df["sektor"].iloc[0].startswith("=")
    hashed = hash_company_ids(df, salt=SECRET)
    assert "6472011905033860" not in hashed.to_csv()
    write_table(pd.DataFrame({"sektor": ["=cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "\t=1"]}), tmp_path / "t.csv", True)
    body = (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines()[2:]
    assert all(line.lstrip('"').startswith("'") for line in body), body  # OWASP: neutralised for spreadsheets
    assert read_table(tmp_path / "t.csv")["sektor"].iloc[0] == "=cmd|' /C calc'!A0"  # and read back as written
    bad = dict(row, skala="raksasa")
    pd.DataFrame([bad]).to_csv(tmp_path / "s.csv", index=False)
    from evalkit.errors import DataError

    with pytest.raises(DataError, match="column 'skala'"):
        read_companies(tmp_path / "s.csv", "s.csv", 10)


@pytest.mark.e2e
def test_housekeeping_rerun_place_salts_write_errors_and_real_messages(hp, capsys, monkeypatch, tmp_path):
    # a manifest outside outputs/<scenario>/ (here docs/) is refused before anything is written there
    docs = hp / "docs" / "x"
    docs.mkdir(parents=True)
    (hp / "docs" / "index.html").write_text("<html>project docs</html>")
    (docs / "manifest.json").write_text(
        json.dumps(
            {
                "params": {"resolved": {}, "hash": "0"},
                "data": {"panel_sha256": "0"},
                "scenario": "docs",
                "lang": "id",
                "git": {},
                "packages": {},
            }
        )
    )
    code, err = cli(hp, capsys, "rerun", str(docs / "manifest.json"))
    assert code == 2 and "outputs folder" in err
    assert (hp / "docs" / "index.html").read_text() == "<html>project docs</html>" and not (
        hp / "docs" / "latest"
    ).exists()
    # salts: twelve identical characters, and a salt file inside the project, are refused before any work
    monkeypatch.setenv("EVALKIT_SALT", "a" * 16)
    code, err = cli(
        hp, capsys, "verify", str(ROOT / "data" / "example" / "recipients.csv"), "--outputs", str(hp / "outputs")
    )
    assert code == 2 and "guessable" in err
    monkeypatch.delenv("EVALKIT_SALT")
    monkeypatch.setenv("EVALKIT_SALT_FILE", str(hp / "data" / "salt"))
    code, err = cli(
        hp, capsys, "verify", str(ROOT / "data" / "example" / "recipients.csv"), "--outputs", str(hp / "outputs")
    )
    assert code == 2 and "inside the project" in err and not (hp / "data" / "salt").exists()
    monkeypatch.setenv("EVALKIT_SALT", SECRET)
    # write errors in words: --outputs naming a file
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "q.csv").write_text("kode_wilayah,kuota\n6471,10\n")
    code, err = cli(
        hp,
        capsys,
        "determine",
        str(ROOT / "data" / "example" / "recipients.csv"),
        "--period",
        "2025-06",
        "--quotas",
        str(tmp_path / "q.csv"),
        "--outputs",
        str(tmp_path / "a-file"),
    )
    assert code == 2 and "cannot be written" in err
    # the real problem named: a folder, a compressed file
    (hp / "data" / "folder.csv").mkdir()
    import gzip

    (hp / "data" / "list.csv").write_bytes(gzip.compress(b"nik,nama\n1,2\n"))
    for name, says in (("folder.csv", "is a folder"), ("list.csv", "compressed")):
        code, err = cli(hp, capsys, "verify", str(hp / "data" / name), "--outputs", str(hp / "outputs"))
        assert code == 2 and says in err, err


# --------------------------------------------------------------------------- params text, paths, special files, amounts
from nbconvert.filters.markdown import markdown2html  # noqa: E402

from evalkit.report import i18n  # noqa: E402
from evalkit.report.notebook import inert  # noqa: E402

HOSTILE = [
    "![x](http://evil.invalid/x.png)",
    "<img src=http://evil.invalid/y.png>",
    "[klik](http://evil.invalid)",
    "<script>alert(1)</script>",
    "`code` **bold** _it_",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_params_text_filled_into_a_sentence_renders_as_typed(text):
    sentence = i18n.t("cofunding_item", "id", **inert({"name": "Kukar", "start": "Jan 2024", "instrument": text}))
    html = markdown2html(sentence)
    assert "<img" not in html and "<a " not in html and "<script" not in html and "<code" not in html, html
    visible = text.replace("<", "&lt;").replace(">", "&gt;").split("(")[0][-6:]
    assert visible in html  # still visible, as typed


def test_numbers_and_plain_words_are_unchanged():
    assert inert({"a": "Rp 1.234", "n": 3}) == {"a": "Rp 1.234", "n": 3}


def test_every_page_template_forbids_remote_loads():
    root = Path(__file__).resolve().parents[1] / "src" / "evalkit" / "report"
    for template in ("page.html.j2", "compare.html.j2", "templates/evalkit/index.html.j2", "html.py"):
        text = (root / template).read_text(encoding="utf-8")
        assert "Content-Security-Policy" in text and "default-src 'self' data:" in text, template
        assert "http://" not in text.split("Content-Security-Policy")[1][:300], template


def test_paths_are_read_from_the_file_that_wrote_them_through_every_extends(tmp_path):
    """A chain over folders: params/base.yaml (paths relative to params/), params/team/mid.yaml extending it and
    setting one path, params/team/leaf.yaml extending mid.yaml and setting another. Each relative path is read
    from the folder of the file that wrote it, whatever the order of the keys."""
    import evalkit

    root = tmp_path
    (root / "pyproject.toml").write_text("[project]\nname='x'\n")
    for folder, f in (("one", "a.csv"), ("two", "b.csv"), ("three", "c.csv")):
        (root / "data" / folder).mkdir(parents=True, exist_ok=True)
        (root / "data" / folder / f).write_text("x\n")
    (root / "params" / "team").mkdir(parents=True)
    (root / "params" / "base.yaml").write_text(
        "scenario: {name: base, title: B}\ndata:\n  source: files\n  recipients: ../data/one/a.csv\n  companies: ../data/one/a.csv\n"
    )
    (root / "params" / "team" / "mid.yaml").write_text(
        "extends: ../base.yaml\nscenario: {name: mid, title: M}\ndata:\n  panel: ../../data/two/b.csv\n"
    )
    (root / "params" / "team" / "leaf.yaml").write_text(
        "extends: mid.yaml\nscenario: {name: leaf, title: L}\ndata:\n  companies: ../../data/three/c.csv\n"
    )
    p = evalkit.load_params(root / "params" / "team" / "leaf.yaml")
    assert p.data.recipients == "data/one/a.csv"  # written in params/base.yaml
    assert p.data.panel == "data/two/b.csv"  # written in params/team/mid.yaml
    assert p.data.companies == "data/three/c.csv"  # written in params/team/leaf.yaml


def test_a_pipe_or_a_folder_named_as_a_data_file_is_refused_without_opening_it(tmp_path):
    """A FIFO would make any reader (or the cache's hashing) wait forever: it is refused from its stat alone."""
    import os

    import evalkit
    from evalkit.errors import ParamsError

    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n")
    (tmp_path / "params").mkdir()
    (tmp_path / "data" / "folder.csv").mkdir(parents=True)
    os.mkfifo(tmp_path / "data" / "pipe.csv")
    for name, says in (("pipe.csv", "not a regular file"), ("folder.csv", "a folder")):
        (tmp_path / "params" / "p.yaml").write_text(
            f"scenario: {{name: p, title: P}}\ndata:\n  source: files\n  panel: ../data/{name}\n"
        )
        with pytest.raises(ParamsError, match=says):
            evalkit.load_params(tmp_path / "params" / "p.yaml")


@pytest.mark.parametrize(
    "text, key",
    [
        ("contributions:\n  declared_income_rupiah: 1.0e+308\n", "declared_income_rupiah"),
        ("budget:\n  value:\n    jkm_benefit_rupiah: 1.0e+300\n", "jkm_benefit_rupiah"),
    ],
)
def test_amounts_are_bounded_at_validation_not_only_at_run_time(tmp_path, text, key):
    """An amount that would overflow the budget's products is refused when the params are read, with its key."""
    import shutil

    import evalkit
    from evalkit.errors import ParamsError

    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n")
    shutil.copytree(ROOT / "params", tmp_path / "params")
    (tmp_path / "params" / "big.yaml").write_text("extends: default.yaml\nscenario: {name: big, title: B}\n" + text)
    with pytest.raises(ParamsError, match=f"{key}.*1,000,000,000"):
        evalkit.load_params(tmp_path / "params" / "big.yaml")


def test_no_suppressed_cell_of_a_published_table_can_be_computed_back(default_params, default_data, tmp_path):
    import pandas as pd

    """Every declared table with counts of persons, written through ``ctx.table`` with small cells in it: a hidden
    count stays unknown given the row's other published cells and the relations the table declares (a percentage
    computed from counts is withheld with them) — in the CSV and so in the workbook built from it."""
    import numpy as np

    from evalkit.core.privacy import recoverable
    from evalkit.report import outputs
    from evalkit.report.notebook import Context
    from evalkit.report.tables import read_table

    (tmp_path / "tables").mkdir()
    ctx = Context(
        notebook="01-data-quality", params=default_params, data=default_data, lang="id", output_dir=tmp_path, number=1
    )
    threshold = default_params.report.suppress_below
    by_region = pd.DataFrame(
        {
            "region_code": ["6401", "6402", "6403"],
            "region_name": ["Paser", "Kutai Barat", "Kukar"],
            "rows": [120, 80, 500],
            "flagged": [3, 40, 0],
        }
    )
    by_region["clean_pct"] = 100 * (1 - by_region["flagged"] / by_region["rows"])
    ctx.table(by_region, "verification_by_region", show=False)
    summary = pd.DataFrame({"check": ["check_invalid_nik", "check_ineligible"], "count": [4, 250]})
    ctx.table(summary, "verification_summary", show=False)
    checked = 0
    for name in ("verification_by_region", "verification_summary"):
        spec = outputs.table(ctx.notebook, name)
        published = read_table(tmp_path / "tables" / spec.file)
        persons = [c for c, u in spec.columns.items() if u == "persons"]
        derived = dict(spec.derived)
        relations = [[column, *sources] for column, sources in spec.derived]
        for _, row in published.iterrows():
            present = [c for c in published.columns if c in persons or c in derived]
            hidden = {c for c in present if pd.isna(row[c])}
            checked += len(hidden)
            assert not recoverable(hidden, set(present) - hidden, relations), (name, dict(row))
    assert checked >= 3  # Paser's flagged count and its percentage, the province's small invalid-NIK count
    assert np.isnan(
        read_table(tmp_path / "tables" / outputs.table(ctx.notebook, "verification_summary").file)["count"].iloc[0]
    )
    assert threshold > 4


def test_silent_wrong_data_an_office_moved_into_another_province_is_refused():
    """A crosswalk row moving Samarinda's office into Kalimantan Selatan would move 187,000 participants out of
    Kaltim without a word: the crosswalk's geography is checked (tests/test_published.py covers the whole load)."""
    from evalkit.data.published import _geography, read_offices

    offices = read_offices(None, "offices.csv")
    assert _geography(offices, "offices.csv") == []
    moved = offices.assign(region_code=offices["region_code"].where(offices["office_code"] != "KC-SMD", "63"))
    problems = " ".join(str(p) for p in _geography(moved, "offices.csv"))
    assert "no office serves the Kaltim kab/kota 6472" in problems and "province 63 is fed by 2 offices" in problems


def test_reference_lists_handed_to_the_api_are_checked_like_files(default_params):
    """Through the API, deaths dated 2025-02-30, NIKs as numbers or with a dash are refused, never silently
    matched against nothing (so that deceased people and members are not determined)."""
    import pandas as pd

    from evalkit.errors import DataError
    from evalkit.recipients import cross_match
    from evalkit.recipients.generate import generate_recipients

    df, _ = generate_recipients(300, seed=5)
    nik = next(n for n in df["nik"] if len(n) == 16 and n.isdigit())
    for kind, frame, where in (
        ("deaths", pd.DataFrame({"nik": [nik], "tanggal_meninggal": ["2025-02-30"]}), "tanggal_meninggal"),
        ("deaths", pd.DataFrame({"nik": [nik], "tanggal_meninggal": ["15-01-2025"]}), "tanggal_meninggal"),
        ("members", pd.DataFrame({"nik": [int(nik)], "segmen": ["BPU"]}), "stored as a number"),
        ("members", pd.DataFrame({"nik": [nik[:4] + "-" + nik[4:]], "segmen": ["BPU"]}), "exactly 16 digits"),
        ("asn", pd.DataFrame({"kategori": [nik], "nik_pegawai": ["ASN"]}), "column 'nik'"),
    ):
        with pytest.raises(DataError) as err:
            cross_match(df, default_params, salt="api-salt-0123456789", **{kind: frame})
        assert where in str(err.value) and nik not in str(err.value)
    ok = cross_match(
        df, default_params, salt="api-salt-0123456789", members=pd.DataFrame({"nik": [f"'{nik}"], "segmen": ["BPU"]})
    )  # Excel's text marker dropped
    assert (
        ok.summary["already_member"] >= 1 and ok.summary["members_keys"] == 1 and ok.summary["members_unmatched"] == 0
    )
