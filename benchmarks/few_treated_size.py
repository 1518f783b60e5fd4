"""Size and power of inference for a policy assigned to one province (issue #15).

``simulate_province_shock``: 10 kab/kota of province 64 treated together, 37 one-unit comparison provinces,
24 + 24 months, every province (Kaltim included) hit by its own AR(1) shock of the same size, and a true effect of
zero. Over ``--reps`` replications (default 500) the share of 5% tests that reject:

* **few treated** (``did.twfe(..., cluster="province", inference="few_treated")``: Conley–Taber placebos on
  the 37 untreated provinces, studentised as Ferman–Pinto) — target between 2% and 8% (with 37 placebos the
  attainable size is 1/38 = 2.6%);
* the **old clustering** beside it: CR1 and the wild cluster bootstrap with the kab/kota as clusters.

Two scenarios where Kaltim differs from the donors (#33), same design: the **persistent treated** province (its
shock AR(1) with ρ = 0.95 and twice the sd, the controls' ρ = 0.5) and the **noisier treated** province (twice the
sd, the same ρ) — target at most 8% each; few_treated studentises by each province's long-run variance
(:mod:`evalkit.methods.few_treated`).

Power: the share rejecting when the effect is 1, 2 and 4 times the province shock's standard deviation, and at
the synthetic data's effect size (the default simulator's Pergub effect with its noise as the shock), from the
same replications (adding ``τ·treat`` to the outcome moves the TWFE estimate by exactly ``τ`` and leaves the
placebos, which exclude the treated province, unchanged). Writes ``results/few_treated.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses

import numpy as np
from common import ROOT, Report


@contextlib.contextmanager
def per_period_scale():
    """few_treated as before #33: persistence never estimated (every province studentised by its per-period sd)."""
    from evalkit.methods import few_treated

    saved = few_treated.MIN_PRE_PERSISTENCE
    few_treated.MIN_PRE_PERSISTENCE = 10**9
    try:
        yield
    finally:
        few_treated.MIN_PRE_PERSISTENCE = saved


def main() -> None:
    import evalkit
    from evalkit.data.synthetic import simulate_province_shock
    from evalkit.evaluation.panels import kabkota_vs_provinces, truth_window_did
    from evalkit.methods import did

    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=500)
    args = ap.parse_args()
    rep = Report("few_treated", f"python benchmarks/few_treated_size.py --reps {args.reps}")
    params = evalkit.load_params(ROOT / "params" / "default.yaml")
    data = evalkit.load_data(params)
    synthetic_effect = truth_window_did(kabkota_vs_provinces(data, params), params.policy_start.to_timestamp())
    noise = params.data.synthetic.noise_pp
    multiples = (1.0, 2.0, 4.0)
    rejections = {
        "few_treated": 0,
        "cr1_kabkota": 0,
        "wild_kabkota": 0,
        "persistent_treated": 0,
        "noisier_treated": 0,
        "persistent_per_period": 0,
    }
    scenarios = {
        "persistent_treated": {"treated_rho": 0.95, "treated_shock_sd": 2.0},
        "noisier_treated": {"treated_shock_sd": 2.0},
    }
    power = {m: 0 for m in multiples}
    power_synthetic = 0
    for r in range(args.reps):
        df = simulate_province_shock(seed=10_000 + r)
        ft = did.twfe_assignment(df, "y", "unit", "time", "treat", "province", (), None, 0.05, 999, r)
        rejections["few_treated"] += ft.pvalue[0] <= 0.05
        rejections["cr1_kabkota"] += did.twfe(df, "y", "unit", "time", "treat").pvalue <= 0.05
        rejections["wild_kabkota"] += (
            did.twfe(df, "y", "unit", "time", "treat", inference="wild", B=999, seed=r).pvalue <= 0.05
        )
        for m in multiples:  # shock sd = 1
            power[m] += dataclasses.replace(ft, estimate=ft.estimate + m).pvalue[0] <= 0.05
        for name, kw in scenarios.items():
            other = simulate_province_shock(seed=10_000 + r, **kw)
            fo = did.twfe_assignment(other, "y", "unit", "time", "treat", "province", (), None, 0.05, 999, r)
            rejections[name] += fo.pvalue[0] <= 0.05
            if name == "persistent_treated":  # the per-period studentisation before #33, for comparison
                with per_period_scale():
                    fo = did.twfe_assignment(other, "y", "unit", "time", "treat", "province", (), None, 0.05, 999, r)
                rejections["persistent_per_period"] += fo.pvalue[0] <= 0.05
        small = simulate_province_shock(seed=10_000 + r, shock_sd=noise, noise_sd=noise)
        fs = did.twfe_assignment(small, "y", "unit", "time", "treat", "province", (), None, 0.05, 999, r)
        power_synthetic += dataclasses.replace(fs, estimate=fs.estimate + synthetic_effect).pvalue[0] <= 0.05
    n = args.reps
    se = np.sqrt(0.05 * 0.95 / n)
    rep.check(
        "few treated: rejection rate of a true null at 5%",
        rejections["few_treated"] / n,
        0.08,
        unit="",
        detail=f"{n} replications, Monte Carlo se {se:.3f}; 37 placebos: attainable size 1/38 = 0.026",
    )
    rep.check(
        "few treated: rejection rate of a true null at 5% (lower bound)",
        rejections["few_treated"] / n,
        0.01,
        unit="",
        better="higher",
        detail="not far below the attainable 1/38: the long-run studentisation reads persistence at its lower "
        "quantile, which makes the test somewhat conservative when every province is alike",
    )
    for name, label in (
        ("persistent_treated", "rho 0.95 and 2x the shock sd, controls rho 0.5"),
        ("noisier_treated", "2x the shock sd, the same rho"),
    ):
        rep.check(
            f"few treated, {name.replace('_', ' ')}: rejection rate of a true null at 5%",
            rejections[name] / n,
            0.08,
            unit="",
            detail=f"{n} replications, Monte Carlo se {se:.3f}; treated province {label}",
        )
    rep.check(
        "few treated, persistent treated, per-period studentisation (before #33): rejection rate",
        rejections["persistent_per_period"] / n,
        None,
        unit="",
        detail="each province studentised by its month-to-month spread only",
    )
    rep.check(
        "old clustering: CR1 by kab/kota, rejection rate of a true null",
        rejections["cr1_kabkota"] / n,
        None,
        unit="",
        detail="10 kab/kota counted as 10 independent clusters",
    )
    rep.check(
        "old clustering: wild bootstrap by kab/kota, rejection rate",
        rejections["wild_kabkota"] / n,
        None,
        unit="",
        detail="Webb weights, 999 draws",
    )
    for m in multiples:
        rep.check(f"few treated: power at an effect of {m:g} x the province shock sd", power[m] / n, None, unit="")
    rep.check(
        "few treated: power at the synthetic effect size",
        power_synthetic / n,
        None,
        unit="",
        detail=f"effect {synthetic_effect:.2f} pp, province shock and noise sd {noise} pp (the simulator's)",
    )
    rep.note("rejections", {k: v / n for k, v in rejections.items()})
    rep.write()


if __name__ == "__main__":
    main()
