"""Event study: the kab/kota-against-provinces comparison month by month relative to the start, with the
Rambachan–Roth robust confidence sets for violations of parallel trends (:mod:`evalkit.methods.sensitivity`, C-LF)
instead of a pre-trend verdict."""

from __future__ import annotations

import numpy as np

from ..panels import kabkota_vs_provinces, truth_event
from .base import ASSIGNMENT, Design, DesignResult, Inference, Inputs


class EventStudy(Design):
    name = "event_study"
    position = 30
    estimand = "mean of the post-period event-time effects (unweighted mean over kab/kota)"
    needs_comparison = True
    chart_columns = {"rel_time": "count", "estimate": "pp2", "se": "float", "ci_low": "pp2", "ci_high": "pp2"}
    plot_labels = {"xlabel": "axis_rel_month", "ylabel": "axis_effect_pp"}
    #: the robust confidence sets of the post mean by M̄ (relative magnitudes, C-LF)
    tables = {"sensitivity": {"mbar": "float", "ci_low": "pp2", "ci_high": "pp2", "excludes_zero": "bool"}}

    def inference(self, inputs: Inputs) -> Inference:
        # the placebo inference of the DiD when it is chosen; else cluster-robust (no bootstrap of the path)
        few = inputs.ev.did_inference in ("few_treated", "ri")
        return Inference("few_treated" if few else "cluster", ASSIGNMENT)

    def run(self, inputs: Inputs, earlier: dict[str, DesignResult]) -> DesignResult:
        from ...methods import did  # lazy: see base.py (the registry stays light)

        ev = inputs.ev
        p = kabkota_vs_provinces(inputs.data, inputs.params)
        lo, hi = ev.event_window
        inf = self.inference(inputs)
        r = did.event_study(
            p,
            inputs.outcome,
            "region_code",
            "period",
            "first_treated",
            ref=-1,
            window=(lo, hi),
            alpha=ev.alpha,
            cluster=inf.cluster,
            inference=inf.kind,
            post=(0, hi),
            seed=inputs.params.seed,
        )
        ks = list(range(0, hi))
        e = r.post_mean
        if e is None:  # post=(0, hi) always asks for the mean; kept for the type checker
            raise ValueError("the event study has no post-period mean")
        notes: dict = {"pretrend": r.pretrend}
        if lo < -1 and np.isfinite(e.ci_low) and np.isfinite(e.ci_high):
            notes |= self._sensitivity(r, ks, ev.alpha, inputs.params.seed)
        truth = truth_event(p, inputs.start, ks, -1) if inputs.synthetic else None
        return self.result(inputs, e, r, truth, notes)

    @staticmethod
    def _sensitivity(r, ks: list[int], alpha: float, seed: int) -> dict:
        """The C-LF sets of the post mean by M̄ and the breakdown M̄ (none when the path's covariance cannot be
        formed: fewer than two placebo clusters estimated — the page then has no sensitivity sentence)."""
        from ...methods import sensitivity  # lazy: see base.py (the registry stays light)

        try:
            times, cov = r.coefficient_covariance()
        except ValueError:
            return {}
        beta = r.coefs.set_index("rel_time").loc[times, "estimate"].to_numpy(float)
        post = [k for k in times if k >= 0]
        l_vec = np.array([1.0 / len(ks) if k in ks else 0.0 for k in post])  # the post mean
        args = (beta, cov, len(times) - len(post), len(post))
        sets = sensitivity.relative_magnitude_sets(*args, l_vec=l_vec, alpha=alpha, seed=seed)
        return {
            "sensitivity": sets.table,
            "sensitivity_level": sets.level,
            "breakdown_mbar": sensitivity.relative_magnitude_breakdown(*args, l_vec=l_vec, alpha=alpha, seed=seed),
        }

    def figure_data(self, result):
        return result.result.coefs[list(self.chart_columns)].copy()

    def table_data(self, result, suffix):
        return (result.notes or {}).get("sensitivity")

    def plot(self, result, labels, ax=None):
        return result.result.plot(ax=ax, labels=labels)

    def sentences(self, result, fmt):
        out = []
        pt = result.result.pretrend
        if not pt.get("df1"):  # the window starts at the reference month: nothing before the start to read
            return [("event_study_no_pre_line", {})]
        if "max_t" in pt:
            out.append(("pretrend_max_line", {"max_t": fmt.num(pt["max_t"], 2), "p": fmt.num(pt["pvalue"], 3)}))
        else:
            out.append(
                (
                    "pretrend_line",
                    {"df1": pt["df1"], "df2": pt["df2"], "F": fmt.num(pt["F"], 2), "p": fmt.num(pt["pvalue"], 3)},
                )
            )
        notes = result.notes or {}
        bounds = notes.get("sensitivity")
        if bounds is None:
            out.append(("sensitivity_not_computed_line", {}))
        else:
            one = bounds.set_index("mbar").loc[1.0]
            placebo = result.result.placebo is not None
            out.append(
                (
                    "sensitivity_line",
                    {
                        "level": fmt.pct(100 * notes["sensitivity_level"], 0),
                        "lo1": fmt.pp(one["ci_low"], 2),
                        "hi1": fmt.pp(one["ci_high"], 2),
                        "covariance": fmt.t("sensitivity_cov_placebo" if placebo else "sensitivity_cov_cluster"),
                    },
                )
            )
            breakdown = notes["breakdown_mbar"]
            if breakdown == 0:
                out.append(("sensitivity_breakdown_zero", {}))
            elif np.isinf(breakdown):
                out.append(("sensitivity_breakdown_none", {}))
            else:
                out.append(("sensitivity_breakdown_line", {"breakdown": fmt.num(breakdown, 2)}))
        return out


DESIGN = EventStudy()
