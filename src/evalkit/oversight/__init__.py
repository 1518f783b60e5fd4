"""Oversight (pengawasan, notebook 05): what happens after the decree — invoices against the determined list,
payments against the DPA, continuity of cover, claims paid, the quarterly monitoring report.

:func:`load_inputs` reads the files the params name (:func:`evalkit.data.oversight.read_oversight`) or, for
synthetic data, generates them from the params' seed (:mod:`.generate`) and puts them through the same checks;
:func:`evalkit.oversight.reconcile.reconcile` does the rest on salted ids only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core import cache
from ..core.salt import get_salt
from ..data.oversight import ENROLLED_SHARE, OversightInputs, check_tables, read_oversight
from . import reconcile as reconcile_module
from .generate import KINDS, generate_oversight
from .reconcile import Reconciliation, reconcile

if TYPE_CHECKING:
    from ..params.schema import Params

#: synthetic data: provincial recipients per kab/kota and year in the generated files (a sample, not the programme)
SYNTHETIC_PER_REGION = 60


def synthetic_inputs(params: Params, codes: list[str], per_region: int = SYNTHETIC_PER_REGION) -> OversightInputs:
    """Generated oversight files for ``params`` put through the real files' checks (cached by seed and salt)."""
    parts = {
        "seed": params.seed,
        "per_region": per_region,
        "codes": list(codes),
        "salt": cache.salt_fingerprint(),
        "contributions": params.contributions.model_dump(mode="json"),
        "start": params.policy.start_month,
        "end": params.budget.end_year,
    }

    def compute():
        syn = generate_oversight(params, list(codes), per_region)
        frames = {name: (frame, f"synthetic {name}", set()) for name, frame in syn.frames.items()}
        got = check_tables(frames, params, get_salt())
        return (
            {n: getattr(got, n) for n in ("determined", "invoices", "payments", "dpa", "claims", "deaths")},
            {"files": got.files},
        )

    tables, meta = cache.cached(params.project_root, "oversight", parts, compute)
    return OversightInputs(
        **{n: tables.get(n) for n in ("determined", "invoices", "payments", "dpa", "claims", "deaths")},
        files=meta["files"],
        synthetic=True,
    )


def load_inputs(params: Params, codes: list[str]) -> OversightInputs:
    """The oversight inputs of a run: the named files, or synthetic ones when the data is synthetic."""
    if params.data.source == "synthetic":
        return synthetic_inputs(params, codes)
    return read_oversight(params)


__all__ = [
    "ENROLLED_SHARE",
    "KINDS",
    "OversightInputs",
    "Reconciliation",
    "generate_oversight",
    "load_inputs",
    "reconcile",
    "reconcile_module",
    "synthetic_inputs",
]
