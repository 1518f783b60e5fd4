"""Budget model: the Monte Carlo of issue #5 (10,000 draws × 10 kab/kota × 10 years) against its 1 s floor.

Also the deterministic pieces a planner waits for when changing one number: the required-budget
engine at the central values and the optimal allocation, and the Monte Carlo's peak Python-heap memory
(tracemalloc). The Monte Carlo runs the same engine twice (cost of the target per draw, coverage of the plan).
Run: ``python benchmarks/budget.py``; writes ``benchmarks/results/budget.json``.
"""

from __future__ import annotations

import tracemalloc

from common import ROOT, Report, best_of


def main() -> None:
    import evalkit
    from evalkit import budget

    rep = Report("budget", "python benchmarks/budget.py")
    params = evalkit.load_params(ROOT / "params" / "default.yaml")
    params = params.model_copy(update={"budget": params.budget.model_copy(update={"end_year": 2035})})
    data = evalkit.load_data(params)
    a = params.budget.additionality_share
    need = budget.required_budget(params, data, a)
    assert len(need.path) == 10, "10 projected years expected (2026-2035)"
    secs = best_of(lambda: budget.simulate(params, data, need, a, n=10_000))
    tracemalloc.start()
    budget.simulate(params, data, need, a, n=10_000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rep.check(
        "Monte Carlo 10,000 x 10 kab/kota x 10 years / 1 s floor",
        secs / 1.0,
        1.0,
        detail=f"{secs:.3f} s, peak traced memory {peak / 2**20:.0f} MiB",
    )
    rep.note("monte_carlo", {"seconds": secs, "peak_mib": peak / 2**20})
    t_need = best_of(lambda: budget.required_budget(params, data, a))
    yearly = float(need.path["cost_province"].iloc[0])  # the first projected year's provincial cost, Rupiah
    t_lp = best_of(lambda: budget.allocate(params, data, yearly, a, rule="optimal"))
    rep.check("required budget, engine at the central values (s)", t_need, None, unit="s")
    rep.check("allocation across kab/kota, optimal rule (s)", t_lp, None, unit="s")
    rep.note("projection_seconds", t_need)
    rep.note("allocation_seconds", t_lp)
    rep.write()


if __name__ == "__main__":
    main()
