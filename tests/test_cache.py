"""The prepared-table cache (evalkit.core.cache): hits equal fresh computation, keys follow the inputs, no raw NIK."""

from __future__ import annotations

import pandas as pd
import pytest

import evalkit
from evalkit.compliance import generate_companies
from evalkit.core import cache
from evalkit.data.schemas import PANEL
from evalkit.recipients import generate_recipients

from .conftest import make_project


@pytest.fixture
def files_project(tmp_path, monkeypatch, default_data):
    """A project with real-data files (written from the simulator) and params pointing at them."""
    project = make_project(tmp_path, notebooks=False)
    panel = default_data.panel[[c.name for c in PANEL]].copy()
    panel["period"] = panel["period"].dt.strftime("%Y-%m")
    panel.to_csv(project / "data" / "panel.csv", index=False)
    recipients, _ = generate_recipients(3000, seed=7, defects={"invalid_nik": 20, "duplicate_cross_source": 15})
    recipients.to_csv(project / "data" / "recipients.csv", index=False)
    generate_companies(120, seed=7).to_csv(project / "data" / "companies.csv", index=False)
    (project / "params" / "files.yaml").write_text(
        "extends: default.yaml\nscenario:\n  name: files\ndata:\n  source: files\n  panel: ../data/panel.csv\n"
        "  recipients: ../data/recipients.csv\n  companies: ../data/companies.csv\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EVALKIT_SALT", "cache-test-salt")
    monkeypatch.delenv("EVALKIT_CACHE_DIR", raising=False)
    monkeypatch.delenv("EVALKIT_CACHE", raising=False)
    return project, recipients


def entries(project) -> list[str]:
    root = project / "outputs" / ".cache"
    return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def test_panel_is_read_once_and_served_identically(files_project, monkeypatch):
    from evalkit import data as data_mod

    project, _ = files_project
    params = evalkit.load_params(project / "params" / "files.yaml")
    direct = data_mod.load_panel(project / "data" / "panel.csv", display="data/panel.csv")
    first = evalkit.load_data(params)
    assert [e.split("-")[0] for e in entries(project)] == ["panel"]

    def must_not_run(*a, **k):
        raise AssertionError("the panel was read again although it is cached")

    monkeypatch.setattr(data_mod, "load_panel", must_not_run)
    second = evalkit.load_data(params)
    for ds in (first, second):
        pd.testing.assert_frame_equal(ds.panel, direct.panel)
        assert ds.meta == direct.meta and ds.files == direct.files and ds.truth is None
    monkeypatch.undo()
    monkeypatch.setenv("EVALKIT_SALT", "cache-test-salt")
    csv = project / "data" / "panel.csv"  # new content, same name: a new entry, the new numbers
    df = pd.read_csv(csv, dtype=str)
    df.loc[0, "bpu_participants"] = str(int(df.loc[0, "bpu_participants"]) + 1)
    df.to_csv(csv, index=False)
    third = evalkit.load_data(params)
    assert len(entries(project)) == 2
    assert third.panel["bpu_participants"].sum() == first.panel["bpu_participants"].sum() + 1


def test_monitoring_cache_equals_computation_and_holds_no_raw_nik(files_project, monkeypatch):
    from evalkit import verified_inputs

    project, recipients = files_project
    params = evalkit.load_params(project / "params" / "files.yaml")
    computed = verified_inputs._compute(params)
    first = verified_inputs.load_verified_inputs(params)
    second = verified_inputs.load_verified_inputs(params)
    for m in (first, second):
        for name in ("issues", "clean", "churn", "by_region"):
            pd.testing.assert_frame_equal(getattr(m.verification, name), getattr(computed.verification, name))
        assert list(m.verification.summary.items()) == list(computed.verification.summary.items())  # order too
        pd.testing.assert_frame_equal(m.companies, computed.companies)
        pd.testing.assert_frame_equal(m.compliance, computed.compliance)
    assert m.verification.summary["invalid_nik"] >= 20 and m.verification.summary["duplicate_cross_source"] >= 15
    (entry,) = entries(project)
    stored = [pd.read_parquet(f) for f in (project / "outputs" / ".cache" / entry).glob("*.parquet")]
    assert len(stored) == 6
    raw = set(recipients["nik"].astype(str)) | set(recipients["nama"].astype(str))
    for table in stored:
        for col in table.columns:
            assert not raw & set(table[col].astype(str)), f"raw NIK or name cached in column {col}"
    monkeypatch.setenv("EVALKIT_SALT", "another-salt")  # hashed ids depend on the salt: a new entry
    other = verified_inputs.load_verified_inputs(params)
    assert len(entries(project)) == 2
    assert set(other.verification.clean["id_hash"]).isdisjoint(first.verification.clean["id_hash"])


def test_cache_off_writes_nothing_and_damaged_entries_are_recomputed(files_project, monkeypatch):
    from evalkit import verified_inputs

    project, _ = files_project
    params = evalkit.load_params(project / "params" / "files.yaml")
    monkeypatch.setenv("EVALKIT_CACHE", "off")
    off = verified_inputs.load_verified_inputs(params)
    assert entries(project) == []
    monkeypatch.setenv("EVALKIT_CACHE", "on")
    verified_inputs.load_verified_inputs(params)
    (entry,) = entries(project)
    damaged = sorted((project / "outputs" / ".cache" / entry).glob("*.parquet"))[0]
    damaged.write_bytes(b"not parquet")
    again = verified_inputs.load_verified_inputs(params)
    pd.testing.assert_frame_equal(again.verification.issues, off.verification.issues)
    assert cache.info(project)[1] == 1 and cache.clear(project) == 1 and entries(project) == []


def test_key_depends_on_parts_version_and_kind():
    a = cache.key_of("monitoring", {"x": 1, "y": [1, 2]})
    assert a == cache.key_of("monitoring", {"y": [1, 2], "x": 1})  # canonical: key order does not matter
    assert a != cache.key_of("monitoring", {"x": 2, "y": [1, 2]})
    assert a != cache.key_of("panel", {"x": 1, "y": [1, 2]})


def test_an_entry_of_another_salt_is_kept_and_not_called_damaged(tmp_path, monkeypatch, capsys):
    """Entries whose key does not depend on the salt (a panel read from a file) stay valid data under another salt:
    they are reported as made with another salt, not used, and kept — never "damaged" and deleted."""
    import pandas as pd

    from evalkit.core import cache

    monkeypatch.setenv("EVALKIT_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.delenv("EVALKIT_CACHE", raising=False)
    calls = []

    def compute():
        calls.append(1)
        return {"t": pd.DataFrame({"x": [1, 2]})}, {"n": 2}

    monkeypatch.setenv("EVALKIT_SALT", "first-salt-0123456789")
    cache.cached(tmp_path, "panel", {"file": "abc"}, compute)
    entry = next(p for p in (tmp_path / "c").iterdir() if p.is_dir())
    monkeypatch.setenv("EVALKIT_SALT", "second-salt-0123456789")
    tables, meta = cache.cached(tmp_path, "panel", {"file": "abc"}, compute)
    err = capsys.readouterr().err
    assert "made with another salt" in err and "was damaged" not in err
    assert entry.is_dir() and len(calls) == 2 and meta == {"n": 2}
    monkeypatch.setenv("EVALKIT_SALT", "first-salt-0123456789")
    cache.cached(tmp_path, "panel", {"file": "abc"}, compute)
    assert len(calls) == 2  # the first salt's entry is used again
