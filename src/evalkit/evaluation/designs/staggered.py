"""Staggered adoption: kab/kota co-funding adopted at different dates, Callaway & Sant'Anna (2021), within Kaltim
from the Pergub start on (so the Pergub's uneven dose is a unit fixed effect)."""

from __future__ import annotations

import warnings

import pandas as pd

from ..panels import staggered_panel
from .base import Design, DesignResult, Inputs


def adopting_panel(inputs: Inputs) -> pd.DataFrame | None:
    """The staggered design's panel (:func:`~evalkit.evaluation.panels.staggered_panel`), or ``None`` when no
    kab/kota adopts co-funding after the Pergub start (nothing to estimate, for either estimator)."""
    p = staggered_panel(inputs.data, inputs.params)
    return p if p["first_treated"].gt(inputs.start).any() else None


class Staggered(Design):
    name = "staggered"
    position = 40
    estimand = "cohort-weighted mean of the group-time effects of kab/kota co-funding (Callaway-Sant'Anna)"
    pergub_effect = False
    chart_columns = {"event_time": "count", "estimate": "pp2", "se": "float", "ci_low": "pp2", "ci_high": "pp2"}
    plot_labels = {"xlabel": "axis_rel_month", "ylabel": "axis_effect_pp"}

    def run(self, inputs: Inputs, earlier: dict[str, DesignResult]) -> DesignResult | None:
        from ...methods import did  # lazy: see base.py (the registry stays light)

        p = adopting_panel(inputs)
        if p is None:
            return None
        ev = inputs.ev
        # cells without a variance warn; the report says it in words (a NaN interval), and the truth column is only
        # read for its point value
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = did.callaway_santanna(
                p,
                inputs.outcome,
                "region_code",
                "period",
                "first_treated",
                control=ev.staggered_control,
                alpha=ev.alpha,
            )
            truth = (
                did.callaway_santanna(
                    p, "effect_cofunding_pp", "region_code", "period", "first_treated", control=ev.staggered_control
                ).att.estimate
                if inputs.synthetic
                else None
            )
        return self.result(inputs, r.att, r, truth)

    def figure_data(self, result):
        return result.result.aggregate("dynamic").table[list(self.chart_columns)].copy()

    def plot(self, result, labels, ax=None):
        return result.result.plot(ax=ax, labels=labels)

    def sentences(self, result, fmt):
        borrowed = (result.estimate.info if result.estimate is not None else {}).get("borrowed_cohorts")
        return [("borrowed_variance_line", {"n": borrowed})] if borrowed else []


DESIGN = Staggered()
