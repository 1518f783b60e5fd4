"""Dose-response: coverage on the share of vulnerable workers subsidised (TWFE); its slope is the additionality
(percentage points of coverage per percentage point subsidised) the budget reads back."""

from __future__ import annotations

from ..panels import kabkota_vs_provinces
from .base import Design, DesignResult, Inference, Inputs, assignment_inference


class DoseResponse(Design):
    name = "dose"
    position = 80
    estimand = "pp of coverage per pp of vulnerable workers subsidised (TWFE slope, unweighted over kab/kota)"
    pergub_effect = False
    unit = "ratio"

    def inference(self, inputs: Inputs) -> Inference:
        p = kabkota_vs_provinces(inputs.data, inputs.params)
        if not p["level"].eq("provinsi").any():  # Kaltim only: the slope rests on kab/kota differences in dose
            return Inference("cluster")
        return assignment_inference(inputs.ev)

    def run(self, inputs: Inputs, earlier: dict[str, DesignResult]) -> DesignResult:
        from ...methods import did  # lazy: see base.py (the registry stays light)

        p = kabkota_vs_provinces(inputs.data, inputs.params)
        kw = self.inference(inputs).twfe_kwargs(inputs.params.seed, inputs.ev.alpha)
        e = did.twfe(p, inputs.outcome, "region_code", "period", "dose", **kw)
        truth = inputs.data.meta["config"]["additionality_share"] if inputs.synthetic else None
        return self.result(inputs, e, e, truth)


DESIGN = DoseResponse()
