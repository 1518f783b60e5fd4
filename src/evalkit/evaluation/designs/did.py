"""Difference in differences (TWFE): the 10 kab/kota against the other provinces, treated from the Pergub start;
inference at the level the Pergub is assigned, the province (Kaltim is one treated cluster, however many kab/kota
it has)."""

from __future__ import annotations

from ..panels import kabkota_vs_provinces, truth_window_did
from .base import Design, DesignResult, Inference, Inputs, assignment_inference, persistence_sentences


class DiD(Design):
    name = "did"
    position = 20
    estimand = "unweighted mean of the kab/kota effects (each kab/kota counts once, whatever its size)"
    needs_comparison = True
    headline_rank = 0
    in_glossary = True

    def inference(self, inputs: Inputs) -> Inference:
        return assignment_inference(inputs.ev)

    def run(self, inputs: Inputs, earlier: dict[str, DesignResult]) -> DesignResult:
        from ...methods import did  # lazy: see base.py (the registry stays light)

        p = kabkota_vs_provinces(inputs.data, inputs.params)
        kw = self.inference(inputs).twfe_kwargs(inputs.params.seed, inputs.ev.alpha)
        e = did.twfe(p, inputs.outcome, "region_code", "period", "treat", **kw)
        return self.result(inputs, e, e, truth_window_did(p, inputs.start) if inputs.synthetic else None)

    def sentences(self, result, fmt):
        return persistence_sentences(result, fmt)


DESIGN = DiD()
