"""The reference copies in data/ and the packaged ones agree."""
import pytest

from .conftest import ROOT


@pytest.mark.parametrize("name", ["regions.csv", "bpjstk_offices.csv", "occupations.csv"])
def test_reference_copy_matches_package(name):
    assert (ROOT / "data/reference" / name).read_bytes() == (ROOT / "src/evalkit/reference" / name).read_bytes()
