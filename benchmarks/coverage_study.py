"""Coverage study: share of 95% CIs that contain the true effect over seeded replications.

* TWFE with wild cluster bootstrap on the evalkit simulator (10 kab/kota vs 37 provinces, Pergub
  only, a new seed per replication; truth = the window DiD target);
* Callaway–Sant'Anna on ``simulate_staggered`` (60 units, 3 cohorts, dynamic heterogeneous effects).

Run: ``python -m benchmarks.coverage_study [reps]`` (default 200). Also used by the slow test.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def coverage_study(reps: int = 200, B: int = 999) -> dict[str, float]:
    import evalkit
    from evalkit import evaluation
    from evalkit.data import config_from_params, generate
    from evalkit.data.synthetic import simulate_staggered
    from evalkit.methods import did

    params = evalkit.load_params(Path(__file__).resolve().parents[1] / "params" / "default.yaml")
    # homogeneous Pergub dose: the sample ATT then equals the population ATT that cluster-robust
    # inference targets (with unequal doses the 10 kab/kota effects differ and the CI is conservative
    # for their sample average)
    base = dataclasses.replace(config_from_params(params), cofunding=(), dose_dispersion=0.0)
    start = params.policy_start.to_timestamp()
    hits = {"twfe_wild": 0, "callaway_santanna": 0}
    for r in range(reps):
        data = generate(dataclasses.replace(base, seed=1000 + r))
        p = evaluation.kabkota_vs_provinces(data, params)
        truth = evaluation.panels.truth_window_did(p, start)
        e = did.twfe(p, "vulnerable_coverage_pct", "region_code", "period", "treat", inference="wild", B=B, seed=r)
        hits["twfe_wild"] += e.covers(truth)
        df, tr = simulate_staggered(seed=5000 + r)
        cs = did.callaway_santanna(df, "y", "unit", "time", "first_treated")
        hits["callaway_santanna"] += cs.att.covers(tr["att_simple"])
    return {k: v / reps for k, v in hits.items()}


if __name__ == "__main__":
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    t0 = time.perf_counter()
    rates = coverage_study(reps)
    for name, rate in rates.items():
        print(f"{name:<20} coverage of 95% CI over {reps} replications: {rate:.3f}")
    print(f"elapsed {time.perf_counter() - t0:.1f} s")
