"""Scenario parameters: typed schema (:mod:`.schema`) and the YAML loader (:mod:`.loader`)."""
from .loader import load_params, resolve_raw
from .schema import Params

__all__ = ["Params", "load_params", "resolve_raw"]
