"""The reference copies in data/ and the packaged ones agree."""

import pytest

from .conftest import ROOT


@pytest.mark.parametrize("name", ["regions.csv", "bpjstk_offices.csv", "occupations.csv", "kemendagri_bps.csv"])
def test_reference_copy_matches_package(name):
    assert (ROOT / "data/reference" / name).read_bytes() == (ROOT / "src/evalkit/reference" / name).read_bytes()


def test_the_kemendagri_bps_crosswalk_covers_indonesia_and_agrees_with_the_region_list():
    from evalkit.reference import kemendagri_bps, regions

    cw = kemendagri_bps()
    prov, kab = cw[cw["level"] == "provinsi"], cw[cw["level"] == "kabkota"]
    assert len(prov) == 38 and len(kab) == 514
    assert kab["bps_code"].is_unique and kab["kemendagri_code"].is_unique
    assert set(kab["bps_province_code"]) == set(prov["bps_code"])
    assert (kab["bps_code"].str[:2] == kab["bps_province_code"]).all()
    reg = regions().set_index("code")
    kaltim = kab[kab["bps_province_code"] == "64"].set_index("bps_code")["kemendagri_code"]
    assert kaltim.to_dict() == reg.loc[reg["level"] == "kabkota", "kemendagri_code"].to_dict()
    # the code systems differ exactly where the domain notes say (Kutai Barat, Kukar, Kutai Timur, Berau)
    assert sorted(kaltim[kaltim.index != kaltim.values].index) == ["6402", "6403", "6404", "6405"]
    # the Papua provinces differ at province level too
    papua = prov.set_index("bps_code")["kemendagri_code"]
    assert (papua["94"], papua["95"], papua["96"], papua["97"]) == ("91", "93", "94", "95")
