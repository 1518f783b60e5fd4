"""Benchmarks: print throughput and ratios against a reference measured in the same run.

Run with `make benchmark`. Nothing here is a pass/fail unit test; numbers depend on the machine, ratios
much less. Each benchmark prints one line: name, seconds, and a ratio against its reference.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_panel_io() -> None:
    from evalkit.data import SimConfig, generate, load_panel
    from evalkit.data.schemas import PANEL

    gen = timed(lambda: generate(SimConfig(seed=1)))
    data = generate(SimConfig(seed=1))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "panel.csv"
        out = data.panel[[c.name for c in PANEL]].copy()
        out["period"] = out["period"].dt.strftime("%Y-%m")
        copies = []
        for k in range(25):  # ~100k rows: the panel repeated, each copy shifted by 7 years
            c = out.copy()
            c["period"] = [f"{int(p[:4]) + 7 * k:04d}{p[4:]}" for p in c["period"]]
            copies.append(c)
        big = pd.concat(copies, ignore_index=True)
        big.to_csv(path, index=False)
        raw = timed(lambda: pd.read_csv(path, dtype=str))
        validated = timed(lambda: load_panel(path))
    print(f"synthetic panel (47 units x 84 months)  {gen:8.3f} s")
    print(f"load_panel 100k rows validated          {validated:8.3f} s   ratio vs plain read_csv: {validated / raw:5.1f}x")




def bench_monte_carlo() -> None:
    """10,000 draws × 10 kab/kota × 10 years against a floor of one second (issue #5)."""
    import evalkit
    from evalkit import budget

    root = Path(__file__).resolve().parents[1]
    params = evalkit.load_params(root / "params" / "default.yaml")
    params = params.model_copy(update={"budget": params.budget.model_copy(update={"end_year": 2035}),
                                       "target": params.target})
    data = evalkit.load_data(params)
    plan = budget.required_budget(params, data).path["recipients"].to_numpy()
    assert len(plan) == 10
    secs = timed(lambda: budget.simulate(params, data, plan, n=10_000))
    print(f"Monte Carlo 10,000 x 10 kab/kota x 10 y {secs:8.3f} s   ratio vs 1 s floor: {secs / 1.0:5.2f}")


if __name__ == "__main__":
    bench_panel_io()
    bench_monte_carlo()
