"""Notebook 02's designs as plug-ins: one module per design (its data, fit, chart and sentences) on the shared base
(:mod:`.base`), found here at import; every list of designs in evalkit is derived from this registry.

To add a design, add a module to this package with a :class:`~.base.Design` subclass and ``DESIGN = MyDesign()``,
plus its catalogue entries (``design_<name>``, ``assume_<name>``; ``cap_<name>`` and ``col_<column>`` when it has
a chart). A design that params may name is also listed in the params schema's ``evaluation.methods`` (a test
keeps that list equal to the registry); a companion (``companion_of``) runs with the design it accompanies.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

import numpy as np

from ...data.dataset import Dataset
from ..panels import comparison_units
from .base import ASSIGNMENT, Design, DesignResult, Inference, Inputs, Sentence

if TYPE_CHECKING:
    from ...params.schema import Params

#: What a design that cannot run on the given data raises; anything else is a bug and propagates.
CANNOT_RUN = (ValueError, KeyError, ZeroDivisionError, FloatingPointError, np.linalg.LinAlgError)


def _discover() -> dict[str, Design]:
    """Every design module of this package (``DESIGN``), in their :attr:`~.base.Design.position` order."""
    found: dict[str, Design] = {}
    for module in pkgutil.iter_modules(__path__):
        if module.name == "base" or module.name.startswith("_"):
            continue
        design = getattr(importlib.import_module(f"{__name__}.{module.name}"), "DESIGN", None)
        if not isinstance(design, Design):
            raise TypeError(f"evalkit.evaluation.designs.{module.name} has no DESIGN (a Design instance)")
        if design.name in found:
            raise TypeError(f"two design modules are called {design.name!r}")
        found[design.name] = design
    return dict(sorted(found.items(), key=lambda item: item[1].position))


#: name → design, in report order
REGISTRY: dict[str, Design] = _discover()
#: every design, in report order (companions included)
DESIGNS: tuple[str, ...] = tuple(REGISTRY)
#: the designs params may name (``evaluation.methods``; the params schema lists the same)
METHODS: tuple[str, ...] = tuple(n for n, d in REGISTRY.items() if d.companion_of is None)
#: designs that compare Kaltim with other provinces: skipped (with that reason) when the panel has none
NEEDS_COMPARISON: tuple[str, ...] = tuple(n for n, d in REGISTRY.items() if d.needs_comparison)
#: the designs whose estimate the summary reports as "the effect", in order of preference
HEADLINE_DESIGNS: tuple[str, ...] = tuple(
    sorted(
        (n for n, d in REGISTRY.items() if d.headline_rank is not None), key=lambda n: REGISTRY[n].headline_rank or 0
    )
)
#: the headline designs whose estimand weights kab/kota by vulnerable workers — the one that, times Kaltim's
#: vulnerable workers, counts the workers protected (the kab/kota DiD's unweighted mean overstates the count when
#: small kab/kota gain most)
WORKER_WEIGHTED_DESIGNS: tuple[str, ...] = tuple(n for n in HEADLINE_DESIGNS if REGISTRY[n].worker_weighted)
#: designs whose estimate is the Pergub's effect on coverage in percentage points (read together across designs)
PERGUB_EFFECT_DESIGNS: tuple[str, ...] = tuple(n for n, d in REGISTRY.items() if d.pergub_effect and d.unit == "pp")
#: designs with a chart (``design_<name>`` table and figure)
CHARTED_DESIGNS: tuple[str, ...] = tuple(n for n, d in REGISTRY.items() if d.chart_columns)


def design(name: str) -> Design:
    """The registered design ``name``; a clear error for an unknown one."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise TypeError(f"unknown design {name!r}; allowed: {', '.join(DESIGNS)}") from None


def with_companions(names) -> list[str]:
    """``names`` with each design's companions right after it."""
    out: list[str] = []
    for name in names:
        out.append(name)
        out += [c for c, d in REGISTRY.items() if d.companion_of == name and c not in names]
    return out


def run_designs(data: Dataset, params: Params, designs=None) -> list[DesignResult]:
    """Run the designs named in ``params.evaluation.methods`` (or ``designs``) and their companions → results."""
    ev = params.evaluation
    names = with_companions(list(designs or ev.methods))
    comparison = comparison_units(data.panel, params)
    inputs = Inputs(
        data=data,
        params=params,
        outcome=ev.outcome,
        start=params.policy_start.to_timestamp(),
        synthetic=data.truth is not None and ev.outcome == "vulnerable_coverage_pct",
        has_comparison=bool((comparison["level"] == "provinsi").any()),
    )
    done: dict[str, DesignResult] = {}
    out: list[DesignResult] = []
    for name in names:
        d = design(name)
        if d.needs_comparison and not inputs.has_comparison:
            out.append(DesignResult(name, None, None, not_run="no_comparison"))
            continue
        try:
            result = d.run(inputs, done)
        except CANNOT_RUN as exc:  # too few periods, a singular design …: say so, run the other designs
            result = DesignResult(name, None, None, not_run="failed", detail=f"{type(exc).__name__}: {exc}"[:200])
        if result is not None:
            done[name] = result
            out.append(result)
    return out


__all__ = [
    "ASSIGNMENT",
    "CANNOT_RUN",
    "CHARTED_DESIGNS",
    "DESIGNS",
    "Design",
    "DesignResult",
    "HEADLINE_DESIGNS",
    "Inference",
    "Inputs",
    "METHODS",
    "NEEDS_COMPARISON",
    "PERGUB_EFFECT_DESIGNS",
    "REGISTRY",
    "Sentence",
    "WORKER_WEIGHTED_DESIGNS",
    "design",
    "run_designs",
    "with_companions",
]
