"""The TWFE estimate of the staggered design, shown next to Callaway & Sant'Anna to expose the bias of TWFE under
staggered timing (run only with ``staggered``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Design, DesignResult, Inputs
from .staggered import adopting_panel

if TYPE_CHECKING:
    from ...params.schema import Params


class StaggeredTWFE(Design):
    name = "staggered_twfe"
    position = 45
    estimand = "TWFE coefficient of kab/kota co-funding (a weighted mean with possibly negative weights)"
    pergub_effect = False
    companion_of = "staggered"

    def run(self, inputs: Inputs, earlier: dict[str, DesignResult]) -> DesignResult | None:
        from ...methods import did  # lazy: see base.py (the registry stays light)

        p = adopting_panel(inputs)
        if p is None:
            return None
        kept = p[~(p["first_treated"] <= inputs.start)]  # as Callaway-Sant'Anna: drop already-treated units
        e = did.twfe(kept, inputs.outcome, "region_code", "period", "treat", inference="cluster", alpha=inputs.ev.alpha)
        cs = earlier.get("staggered")
        return self.result(inputs, e, e, cs.truth if cs is not None else None)

    def intro(self, result, fmt, params: Params, earlier):
        cs = earlier.get("staggered")
        cs_estimate = cs.estimate.estimate if cs is not None and cs.estimate is not None else None
        assert result.estimate is not None
        return [
            (
                "twfe_bias_note",
                {
                    "twfe": fmt.pp(result.estimate.estimate, 2),
                    "cs": fmt.pp(cs_estimate, 2) if cs_estimate is not None else "–",
                },
            )
        ]


DESIGN = StaggeredTWFE()
