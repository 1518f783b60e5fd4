"""The bottom layer: month arithmetic, hashing, publication, small-cell suppression."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from evalkit.core import hashing, months, publish
from evalkit.core.privacy import suppress
from evalkit.core.salt import salt_fingerprint


def test_month_numbers_agree_for_every_input_type():
    assert months.month_ord("2023-07") == 2023 * 12 + 6
    assert months.month_ord(pd.Timestamp("2023-07-15")) == months.month_ord(pd.Period("2023-07", freq="M"))
    assert months.months_between("2023-07", "2025-01") == 18 and months.months_between("2025-01", "2023-07") == -18
    stamps = pd.Series(pd.to_datetime(["2019-01-01", None, "2024-12-01"]))
    got = months.month_numbers(stamps)
    assert got[0] == 2019 * 12 and np.isnan(got[1]) and got[2] == 2024 * 12 + 11
    np.testing.assert_array_equal(
        months.month_numbers(pd.period_range("2020-11", "2021-02", freq="M")),
        [2020 * 12 + 10, 2020 * 12 + 11, 2021 * 12, 2021 * 12 + 1],
    )
    np.testing.assert_array_equal(months.month_numbers(["2021-03", "x"])[:1], [2021 * 12 + 2])
    lo, hi = months.window("2023-07-01", 24, 6)
    assert (lo, hi) == (pd.Timestamp("2021-07-01"), pd.Timestamp("2024-01-01"))


def test_salted_hash_is_the_same_in_python_and_duckdb():
    small = hashing.salted_hash(["3201", "6472010101900001"], "s")
    assert small[1] == hashlib.sha256(b"s6472010101900001").hexdigest()[: hashing.HASH_CHARS]
    many = np.array([f"{i:016d}" for i in range(60_000)], dtype=object)  # DuckDB path above 50,000
    big = hashing.salted_hash(many, "salt'; DROP")
    assert big[12345] == hashlib.sha256(f"salt'; DROP{12345:016d}".encode()).hexdigest()[:16]
    assert "$salt" in hashing.salted_hash_sql("nik") and "DROP" not in hashing.salted_hash_sql("nik")
    assert salt_fingerprint("a") != salt_fingerprint("b") and len(salt_fingerprint("a")) == 16


def test_file_digest_follows_the_content(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("a\n1\n")
    first = hashing.file_digest(f)
    assert first == hashlib.sha256(b"a\n1\n").hexdigest() == hashing.sha256_file(f)
    f.write_text("a\n2\n")
    assert hashing.file_digest(f) != first
    assert hashing.canonical_json({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'


def test_publish_never_replaces_an_earlier_folder(tmp_path):
    for k in range(3):
        with publish.building(tmp_path, "run") as partial:
            (partial / "n.txt").write_text(str(k))
            final = publish.publish_unique(partial, tmp_path, "run")
        publish.point_latest(tmp_path, final)
    assert [p.name for p in sorted(tmp_path.iterdir()) if not p.name.startswith(".")] == [
        "latest",
        "run",
        "run-2",
        "run-3",
    ]
    assert (tmp_path / "run" / "n.txt").read_text() == "0" and (tmp_path / "latest" / "n.txt").read_text() == "2"
    assert (tmp_path / "latest").is_symlink()


def test_a_failed_build_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError):
        with publish.building(tmp_path, "run") as partial:
            (partial / "half.txt").write_text("x")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_an_entry_is_complete_or_absent_and_the_first_wins(tmp_path):
    entry = tmp_path / "e"
    publish.publish_entry(entry, lambda d: (d / "a").write_text("first"))
    publish.publish_entry(entry, lambda d: (d / "a").write_text("second"))
    assert (entry / "a").read_text() == "first"
    with pytest.raises(OSError):
        publish.publish_entry(tmp_path / "f", lambda d: (_ for _ in ()).throw(OSError("disk full")))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e"]


def test_small_cells_are_suppressed_but_zeros_stay():
    df = pd.DataFrame({"n": [0, 3, 9, 10, 250]})
    assert suppress(df, ["n"], 10)["n"].isna().tolist() == [False, True, True, False, False]
