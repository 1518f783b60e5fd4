"""Synthetic difference in differences (Arkhangelsky et al. 2021) on the province panel, with the paper's placebo
variance and rank-based p-values."""

from __future__ import annotations

import pandas as pd

from ..panels import kaltim_series, truth_aggregate
from .base import Design, DesignResult, Inference, Inputs, month_labels
from .synth import province_panel


def point_fit(df, outcome, unit, time, treated, treatment_time) -> tuple[float, pd.Series]:
    """The SDID point estimate and unit weights, without placebos (what the robustness checks re-run)."""
    from ...methods import synth  # lazy: see base.py (the registry stays light)

    r = synth.sdid(df, outcome, unit, time, treated, treatment_time, placebos=False)
    return r.att.estimate, r.unit_weights


class SyntheticDiD(Design):
    name = "sdid"
    position = 70
    estimand = "effect on Kaltim's aggregate coverage (weighted by vulnerable workers) against weighted provinces"
    needs_comparison = True
    headline_rank = 1
    worker_weighted = True
    in_glossary = True
    chart_columns = {"period": "month", "treated": "pct", "synthetic": "pct", "post": "bool"}
    plot_labels = {"observed": "legend_kaltim", "synthetic": "legend_sdid", "ylabel": "axis_coverage_pct"}

    def inference(self, inputs: Inputs) -> Inference:
        return Inference("placebo")

    def run(self, inputs: Inputs, earlier: dict[str, DesignResult]) -> DesignResult:
        from ...methods import synth  # lazy: see base.py (the registry stays light)

        s = province_panel(inputs)
        truth = truth_aggregate(kaltim_series(inputs.data, inputs.params), inputs.start) if inputs.synthetic else None
        r = synth.sdid(s, inputs.outcome, "region_code", "period", "64", inputs.start, alpha=inputs.ev.alpha)
        return self.result(inputs, r.att, r, truth)

    def figure_data(self, result):
        return month_labels(result.result.paths[["time", "treated", "synthetic", "post"]])

    def plot(self, result, labels, ax=None):
        return result.result.plot(ax=ax, labels=labels)


DESIGN = SyntheticDiD()
