"""Interrupted time series of the Kaltim aggregate: before/after within Kaltim, no comparison provinces."""

from __future__ import annotations

from ..panels import kaltim_series, truth_aggregate
from .base import Design, DesignResult, Inference, Inputs, month_labels


class ITS(Design):
    name = "its"
    position = 10
    estimand = "change in Kaltim's aggregate coverage (all kab/kota pooled, so weighted by vulnerable workers)"
    headline_rank = 3
    worker_weighted = True
    in_glossary = True
    chart_columns = {"period": "month", "observed": "pct", "fitted": "pct", "counterfactual": "pct", "post": "bool"}
    plot_labels = {
        "observed": "legend_observed",
        "fitted": "legend_fitted",
        "counterfactual": "legend_counterfactual",
        "start": "legend_pergub_start",
        "ylabel": "axis_coverage_pct",
    }

    def inference(self, inputs: Inputs) -> Inference:
        return Inference("hac")

    def run(self, inputs: Inputs, earlier: dict[str, DesignResult]) -> DesignResult:
        from ...methods import its  # lazy: see base.py (the registry stays light)

        s = kaltim_series(inputs.data, inputs.params)
        ev = inputs.ev
        r = its.fit(
            s, inputs.outcome, "period", inputs.start, seasonality=12 if ev.its_seasonality else None, alpha=ev.alpha
        )
        truth = truth_aggregate(s, inputs.start) if inputs.synthetic else None
        return self.result(inputs, r.att, r, truth, {"level_change": r.level_change, "slope_change": r.slope_change})

    def figure_data(self, result):
        return month_labels(result.result.counterfactual[["time", "observed", "fitted", "counterfactual", "post"]])

    def plot(self, result, labels, ax=None):
        return result.result.plot(ax=ax, labels=labels)


DESIGN = ITS()
