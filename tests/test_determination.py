"""Determination (penetapan): exclusions by reason, ranking from params, quotas, reserve and shortfall — counted
exactly on a generated list with known defects, members and deaths; nothing identifying in the outputs."""

import pandas as pd
import pytest

from evalkit.errors import DataError
from evalkit.params import load_params
from evalkit.recipients.determination import REASONS, determine, quotas_from_allocation
from evalkit.recipients.generate import generate_recipients

SALT = "det-salt-0123456789"


@pytest.fixture(scope="module")
def lists():
    df, truth = generate_recipients(
        3000,
        seed=23,
        defects={
            "duplicate_cross_source": 0,
            "duplicate_within_source": 0,
            "invalid_nik": 12,
            "ineligible": 9,
            "sex_birthdate_mismatch": 0,
        },
    )
    return df, truth


def test_quota_reserve_shortfall_and_reasons_exact(default_params, lists):
    df, truth = lists
    june = df[df["periode"] == "2025-06"].reset_index(drop=True)
    may = df[df["periode"] == "2025-05"]
    people = june["nik"].drop_duplicates().tolist()
    members = pd.DataFrame({"nik": people[:25], "segmen": "BPU"})
    deaths = pd.DataFrame({"nik": people[25:32], "tanggal_meninggal": "2025-02-01"})
    per_region = june["kode_wilayah"].value_counts()
    big, small = per_region.index[0], per_region.index[-1]
    quotas = {big: 50, small: 10_000}  # the province's (a flat mapping)
    r = determine(june, default_params, quotas, "2025-06", members=members, deaths=deaths, previous=may, salt=SALT)
    everything = r.summary
    s = everything[everything["sumber_dana"] == "apbd_prov"].set_index("kode_wilayah")
    assert everything["proposed"].sum() == len(june)
    assert s.loc[big, "determined"] == 50 and s.loc[big, "reserve"] == 5  # reserve_share 0.1 of the quota
    eligible_small = s.loc[small, "eligible"]
    assert s.loc[small, "determined"] == eligible_small  # never more recipients than eligible people
    assert s.loc[small, "shortfall"] == 10_000 - eligible_small
    others = [c for c in s.index if c not in quotas]
    assert (s.loc[others, "determined"] == 0).all()  # no provincial quota, nobody determined by the province
    # kab/kota and CSR proposals never take the province's places: with no quota of their own, each funder
    # determines every eligible proposal of its own, in its own list
    own = everything[everything["sumber_dana"] != "apbd_prov"]
    assert own["quota"].isna().all() and (own["determined"] == own["eligible"]).all()
    s = everything.groupby("kode_wilayah").sum(numeric_only=True)
    assert s["excluded_already_member"].sum() == june["nik"].isin(people[:25]).sum()
    assert s["excluded_deceased"].sum() == june["nik"].isin(people[25:32]).sum()
    assert s["excluded_invalid_nik"].sum() >= 1 and s["excluded_ineligible"].sum() >= 1
    assert (s[[f"excluded_{x}" for x in REASONS]].sum(axis=1) == s["excluded"]).all()
    # ranking: last period's recipients first, then the list order
    chosen = r.lists[
        (r.lists["kode_wilayah"] == big) & (r.lists["sumber_dana"] == "apbd_prov") & (r.lists["status"] != "excluded")
    ].sort_values("rank")
    flags = chosen["carried_over"].tolist()
    assert flags == sorted(flags, reverse=True)
    carried = chosen[chosen["carried_over"]]
    assert carried["row"].is_monotonic_increasing
    # nothing identifying: no NIK, no name anywhere in the result
    text = r.lists.to_csv() + r.summary.to_csv()
    assert not any(n in text for n in june["nik"]) and not any(n in text for n in june["nama"])


def test_lottery_is_reproducible_and_seeded(default_params, lists):
    df, _ = lists
    june = df[df["periode"] == "2025-06"].reset_index(drop=True)
    code = june["kode_wilayah"].value_counts().index[0]
    v = default_params.verification
    rule = v.determination.model_copy(update={"ranking": ["lottery"]})
    lottery = default_params.model_copy(update={"verification": v.model_copy(update={"determination": rule})})
    a = determine(june, lottery, {code: 30}, "2025-06", salt=SALT)
    b = determine(june, lottery, {code: 30}, "2025-06", salt=SALT)
    pick = lambda r: set(
        r.lists.loc[
            (r.lists["status"] == "determined")  # noqa: E731
            & (r.lists["sumber_dana"] == "apbd_prov"),
            "row",
        ]
    )
    assert pick(a) == pick(b) and len(pick(a)) == 30
    reseeded = lottery.model_copy(update={"seed": lottery.seed + 1})
    assert pick(determine(june, reseeded, {code: 30}, "2025-06", salt=SALT)) != pick(a)
    ordered = determine(june, default_params, {code: 30}, "2025-06", salt=SALT)
    assert pick(ordered) != pick(a)


def test_bad_quotas_period_and_ranking_are_refused(default_params, lists, tmp_path):
    df, _ = lists
    june = df[df["periode"] == "2025-06"]
    with pytest.raises(DataError, match="is not a Kaltim kab/kota code"):
        determine(june, default_params, {"7371": 5}, "2025-06", salt=SALT)
    with pytest.raises(DataError, match="whole number of persons"):
        determine(june, default_params, {"6471": 2.5}, "2025-06", salt=SALT)
    with pytest.raises(DataError, match="YYYY-MM"):
        determine(june, default_params, {"6471": 5}, "2025-6", salt=SALT)
    with pytest.raises(DataError, match="no proposal row is in period 2024-01"):
        determine(june, default_params, {"6471": 5}, "2024-01", salt=SALT)
    p = tmp_path / "r.yaml"
    p.write_text(
        "scenario: {name: r, title: R}\nverification:\n  determination:\n    ranking: [richest]\n", encoding="utf-8"
    )
    with pytest.raises(Exception, match="richest"):
        load_params(p)


def test_quotas_from_allocation_are_whole_persons():
    table = pd.DataFrame({"region_code": ["6471", "6472"], "recipients": [120, 0]})
    assert quotas_from_allocation(table) == {"apbd_prov": {"6471": 120, "6472": 0}}


def test_cli_refuses_a_bad_quota_without_echoing_it_and_writes_nothing(lists, tmp_path, capsys):
    from evalkit.cli import main

    df, _ = lists
    june = df[df["periode"] == "2025-06"].assign(data_label="SYNTHETIC DATA")
    june.to_csv(tmp_path / "usulan.csv", index=False)
    args = ["determine", str(tmp_path / "usulan.csv"), "--period", "2025-06", "--outputs", str(tmp_path / "out")]
    nik = june["nik"].iloc[0]
    for text, where in (
        ("kode_wilayah,kuota\n6471,sepuluh\n", "row 2, column 'kuota'"),
        ("kode_wilayah,kuota\n6471,²\n", "row 2, column 'kuota'"),
        ("kode_wilayah,kuota\n6471,10\n6471,20\n", "listed twice"),
        ("kode_wilayah,kuota\n", "no quota row"),
        (f"kode_wilayah,kuota\n{nik},10\n", "is not a Kaltim kab/kota code"),
        ("kode_wilayah,kuota,sumber_dana\n6471,10,apbn\n", "column 'sumber_dana'"),
        ("kode_wilayah,kuota\n6471,9223372036854775807\n", "at most 7"),
    ):
        (tmp_path / "bad.csv").write_text(text, encoding="utf-8")
        assert main([*args, "--quotas", str(tmp_path / "bad.csv")]) == 2
        err = capsys.readouterr().err
        assert where in err and "sepuluh" not in err and nik not in err and "Traceback" not in err, err
    (tmp_path / "latin.csv").write_bytes("kode_wilayah,kuota\n6471,10 \xe9\n".encode("latin-1"))
    assert main([*args, "--quotas", str(tmp_path / "latin.csv")]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert not (tmp_path / "out" / "penetapan").exists() or not any((tmp_path / "out" / "penetapan").iterdir())
