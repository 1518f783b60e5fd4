"""Coverage of notebook 02's intervals over the simulator's seeds (issue #33): the event study's post-period mean
and the "workers protected" count, each against the simulator's truth for that seed (its exact target; the
simulator's truth columns are read only here, to score the intervals).

For each of ``--seeds`` seeds (default 100) the default params' simulator draws a panel; the registered designs run
as in a report; a hit is an interval that covers its truth:

* **event study**: the mean of the post-period coefficients against ``truth_event``;
* **workers protected**: the worker-weighted design's interval times Kaltim's vulnerable workers against the
  simulator's worker-weighted effect times the same workers (the count the report states);
* **robust sets**: the event study's Rambachan–Roth C-LF sets at M̄ = 0 and 1 (95%, the covariance of the path
  from the placebo provinces) against ``truth_event`` — the simulator's trends are parallel, so every M̄ ≥ 0 holds.

Each interval states its level (97.4% with 37 placebo provinces); the target is that level within two Monte Carlo
standard errors. Writes ``results/simulator_coverage.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np


def coverage(seeds: int, first: int = 0) -> dict[str, float]:

    import evalkit
    from evalkit.data import config_from_params, generate
    from evalkit.evaluation import comparison_table, headline_effect, run_designs
    from evalkit.evaluation.designs import WORKER_WEIGHTED_DESIGNS

    params = evalkit.load_params(Path(__file__).resolve().parents[1] / "params" / "default.yaml")
    base = config_from_params(params)
    hits = {"event_study": 0, "workers_protected": 0, "robust_set_mbar0": 0, "robust_set_mbar1": 0}
    levels: dict[str, list[float]] = {k: [] for k in hits}
    for s in range(first, first + seeds):
        data = generate(dataclasses.replace(base, seed=s))
        results = run_designs(data, params, ["event_study", "sdid", "synth", "its"])
        table = comparison_table(results, params.evaluation.alpha)
        es = next(r for r in results if r.design == "event_study")
        hits["event_study"] += bool(es.estimate.covers(es.truth))
        levels["event_study"].append(es.estimate.level)
        sets = es.notes["sensitivity"].set_index("mbar")
        for m in (0, 1):
            hits[f"robust_set_mbar{m}"] += bool(
                sets.loc[float(m), "ci_low"] <= es.truth <= sets.loc[float(m), "ci_high"]
            )
            levels[f"robust_set_mbar{m}"].append(es.notes["sensitivity_level"])
        counted = headline_effect(table, WORKER_WEIGHTED_DESIGNS)
        truth = table.set_index("design").loc[counted["design"], "truth"]
        kaltim = data.kaltim
        workers = float(kaltim.loc[kaltim["period"] == kaltim["period"].max(), "vulnerable_workers"].sum())
        low, high = (round(counted[k] / 100 * workers) for k in ("ci_low", "ci_high"))
        hits["workers_protected"] += low <= truth / 100 * workers <= high
        levels["workers_protected"].append(counted["ci_level"])
    return {k: hits[k] / seeds for k in hits} | {f"{k}_level": float(np.mean(v)) for k, v in levels.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=100)
    args = ap.parse_args()
    from common import Report

    rep = Report("simulator_coverage", f"python benchmarks/simulator_coverage.py --seeds {args.seeds}")
    result = coverage(args.seeds)
    for name, label in (
        ("event_study", "event study post-period mean"),
        ("workers_protected", "workers protected"),
        ("robust_set_mbar0", "event study C-LF robust set at Mbar 0"),
        ("robust_set_mbar1", "event study C-LF robust set at Mbar 1"),
    ):
        level = result[f"{name}_level"]
        se = np.sqrt(level * (1 - level) / args.seeds)
        rep.check(
            f"{label}: coverage of the simulator's truth",
            result[name],
            round(level - 2 * se, 3),
            unit="",
            better="higher",
            detail=f"{args.seeds} seeds; stated level {level:.1%}, Monte Carlo se {se:.3f}",
        )
    rep.write()


if __name__ == "__main__":
    main()
