"""Scenario parameters: typed schema (:mod:`.schema`) and the YAML loader (:mod:`.loader`)."""

from ..core.hashing import canonical_json, sha256_text
from .loader import load_params, resolve_raw
from .schema import Params


def params_hash(params: Params) -> str:
    """SHA-256 of the resolved params (canonical JSON), independent of comments and file layout."""
    return sha256_text(canonical_json(params.model_dump(mode="json")))


__all__ = ["Params", "load_params", "params_hash", "resolve_raw"]
