"""Synthetic control: the Kaltim aggregate against a weighted mix of the other provinces, with in-space placebos;
conformal inference (Chernozhukov, Wüthrich & Zhu 2021), leave-one-out donors and a placebo in time
(:mod:`evalkit.robustness`) in its notes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..panels import comparison_units, in_window, kaltim_series, truth_aggregate
from .base import Design, DesignResult, Inference, Inputs, month_labels


def point_fit(df, outcome, unit, time, treated, treatment_time) -> tuple[float, pd.Series]:
    """The synthetic control's point estimate and donor weights, without placebos (what the robustness checks
    re-run)."""
    from ...methods import synth  # lazy: see base.py (the registry stays light)

    r = synth.synthetic_control(df, outcome, unit, time, treated, treatment_time, placebos=False)
    return r.att.estimate, r.weights


def province_panel(inputs: Inputs) -> pd.DataFrame:
    """The province panel in the evaluation window, Kaltim (``64``) kept whatever the comparison rules."""
    return comparison_units(in_window(inputs.data.province_panel(), inputs.params), inputs.params, keep=("64",))


class SyntheticControl(Design):
    name = "synth"
    position = 60
    estimand = "mean post-period gap in Kaltim's aggregate coverage against its synthetic control"
    needs_comparison = True
    headline_rank = 2
    worker_weighted = True
    in_glossary = True
    chart_columns = {"period": "month", "observed": "pct", "synthetic": "pct", "gap": "pp2", "post": "bool"}
    plot_labels = {
        "observed": "legend_kaltim",
        "synthetic": "legend_synthetic",
        "gap": "legend_gap",
        "placebo": "legend_placebo",
        "ylabel": "axis_coverage_pct",
    }

    def inference(self, inputs: Inputs) -> Inference:
        return Inference("placebo")

    def run(self, inputs: Inputs, earlier: dict[str, DesignResult]) -> DesignResult:
        from ...methods import synth  # lazy: see base.py (the registry stays light)
        from ...robustness import leave_one_out, placebo_in_time  # lazy: see base.py (the registry stays light)

        s = province_panel(inputs)
        truth = truth_aggregate(kaltim_series(inputs.data, inputs.params), inputs.start) if inputs.synthetic else None
        args = (s, inputs.outcome, "region_code", "period", "64", inputs.start)
        alpha = inputs.ev.alpha
        r = synth.synthetic_control(*args, alpha=alpha)
        names = inputs.data.province_panel().drop_duplicates("region_code").set_index("region_code")["region_name"]
        notes: dict = {
            "conformal": synth.conformal(*args, alpha=alpha),
            "leave_one_out": leave_one_out(point_fit, *args),
            "donor_names": names.to_dict(),
        }
        try:
            notes["placebo_in_time"] = placebo_in_time(
                point_fit, *args, reference=r.att.estimate
            )  # none under 4 months
        except ValueError:  # the weights do not converge on the truncated panel: the check is left out
            pass
        return self.result(inputs, r.att, r, truth, notes)

    def figure_data(self, result):
        return month_labels(result.result.gap[["time", "observed", "synthetic", "gap", "post"]])

    def plot(self, result, labels, ax=None):
        return result.result.plot(ax=ax, labels=labels)

    def sentences(self, result, fmt):
        r, notes = result.result, result.notes or {}
        names = notes.get("donor_names", {})
        top = r.weights.sort_values(ascending=False).head(4)
        out = [
            (
                "synth_line",
                {
                    "donors": ", ".join(f"{names.get(k, k)} ({fmt.num(v, 2)})" for k, v in top.items() if v > 0.005),
                    "rmspe": fmt.num(r.pre_rmspe, 2),
                    "p": fmt.num(r.placebo().attrs["pvalue_ratio"], 3),
                },
            )
        ]
        unit = lambda x: fmt.pp(x, 2)  # noqa: E731
        conf = notes.get("conformal")
        if conf is not None:
            if np.isfinite(conf.ci_low):
                out.append(
                    (
                        "conformal_line",
                        {
                            "lo": unit(conf.ci_low),
                            "hi": unit(conf.ci_high),
                            "p": fmt.num(conf.pvalue, 3),
                            "level": fmt.pct(100 * conf.level, 0),
                        },
                    )
                )
            else:
                out.append(("conformal_empty_line", {"p": fmt.num(conf.pvalue, 3)}))
        loo = notes.get("leave_one_out")
        if loo is not None and len(loo.table):
            out.append(
                ("loo_line", {"n": len(loo.table), "lo": unit(loo.values["low"]), "hi": unit(loo.values["high"])})
            )
        pit = notes.get("placebo_in_time")
        if pit is not None and len(pit.table):
            out.append(
                (
                    "placebo_time_line",
                    {"fake": fmt.month(pit.table["fake_time"].iloc[0]), "est": unit(pit.table["estimate"].iloc[0])},
                )
            )
        return out


DESIGN = SyntheticControl()
