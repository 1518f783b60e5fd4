"""Panel input: generating the synthetic panel, and validating a 100,000-row panel CSV against a plain read.

The reference is ``pandas.read_csv(dtype=str)`` of the same file in the same run: the ratio is what
evalkit's schema validation (types, ranges, duplicates, known regions, clear errors) adds on top.
Run: ``python benchmarks/panel_io.py``; writes ``benchmarks/results/panel_io.json``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from common import ROOT, Report, best_of


def main() -> None:
    import dataclasses

    import evalkit
    from evalkit.data import config_from_params, generate, load_panel
    from evalkit.data.schemas import PANEL

    rep = Report("panel_io", "python benchmarks/panel_io.py")
    cfg = dataclasses.replace(config_from_params(evalkit.load_params(ROOT / "params" / "default.yaml")), seed=1)
    gen = best_of(lambda: generate(cfg))
    data = generate(cfg)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "panel.csv"
        out = data.panel[[c.name for c in PANEL]].copy()
        out["period"] = out["period"].dt.strftime("%Y-%m")
        copies = []
        for k in range(25):  # ~100k rows: the panel repeated, each copy shifted by 7 years
            c = out.copy()
            c["period"] = [f"{int(p[:4]) + 7 * k:04d}{p[4:]}" for p in c["period"]]
            copies.append(c)
        pd.concat(copies, ignore_index=True).to_csv(path, index=False)
        raw = best_of(lambda: pd.read_csv(path, dtype=str))
        validated = best_of(lambda: load_panel(path))
    rep.check("synthetic panel, 47 units x 84 months (s)", gen, None, unit="s")
    rep.check(
        "load_panel 100k rows validated / plain read_csv",
        validated / raw,
        None,
        detail=f"{validated:.2f} s vs {raw:.2f} s",
    )
    rep.note("seconds", {"generate": gen, "read_csv": raw, "load_panel": validated})
    rep.write()


if __name__ == "__main__":
    main()
