"""The reference copy in data/ and the packaged one agree."""
from .conftest import ROOT


def test_reference_copy_matches_package():
    assert (ROOT / "data/reference/regions.csv").read_bytes() == \
        (ROOT / "src/evalkit/reference/regions.csv").read_bytes()
