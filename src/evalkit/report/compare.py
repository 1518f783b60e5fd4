"""Scenario comparison page: ``outputs/compare/<timestamp>/index.html`` for runs of several params files."""
from __future__ import annotations

import base64
import io
import json
import os
from datetime import datetime
from pathlib import Path

import pandas as pd

from ..core.figures import setup_style, stamp
from ..core.publish import building, publish_unique
from . import i18n
from .html import page_resources
from .tables import read_table


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def write_comparison(scenarios, outputs: Path, lang: str) -> Path | None:
    """Side-by-side page of the scenarios' headline numbers, budget paths, coverage and allocations."""
    import matplotlib.pyplot as plt
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    runs = [s for s in scenarios if s.run_dir is not None]
    if len(runs) < 2:
        return None
    setup_style()
    t = lambda k, **kw: i18n.t(k, lang, **kw)  # noqa: E731
    heads, labels, paths, allocs, synthetic = {}, {}, {}, {}, False
    for s in runs:
        m = json.loads((s.run_dir / "manifest.json").read_text(encoding="utf-8"))
        synthetic |= bool(m["data"]["synthetic"])
        title = m["params"]["resolved"]["scenario"]["title"]
        labels[s.scenario] = title
        row = {}
        for res in sorted((s.run_dir / "results").glob("*.json")):
            for key, h in json.loads(res.read_text(encoding="utf-8")).get("headlines", {}).items():
                row[h["label"]] = h["text"]
        heads[s.scenario] = row
        bp = s.run_dir / "tables" / "03-budget-allocation__budget_path.csv"
        if bp.is_file():
            paths[s.scenario] = read_table(bp)
        al = s.run_dir / "tables" / "03-budget-allocation__allocation.csv"
        if al.is_file():
            allocs[s.scenario] = read_table(al).set_index("region_name")["budget_rupiah"]
    table = pd.DataFrame(heads)
    figs = []
    label = t("synthetic_stamp") if synthetic else ""
    if paths:
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.2))
        for name, df in paths.items():
            a1.plot(df["year"], df["cost_province"] / 1e9, marker="o", label=labels[name])
            a2.plot(df["year"], df["coverage_pct"], marker="o", label=labels[name])
        for a in (a1, a2):
            a.set_xticks(sorted({int(y) for df in paths.values() for y in df["year"]}))
        a1.set_ylabel(t("axis_rupiah_bn"))
        a2.set_ylabel(t("col_coverage_pct"))
        a1.legend(fontsize=8)
        stamp(fig, label)
        figs.append({"src": _png(fig), "caption": t("cmp_paths")})
    alloc_table = pd.DataFrame(allocs) if allocs else pd.DataFrame()
    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent)), autoescape=select_autoescape(["html", "j2"]))
    page = page_resources(lang, " · ".join(labels.values()), synthetic)
    fmt = lambda v: i18n.fmt_rupiah_short(v, lang) if pd.notna(v) else "–"  # noqa: E731
    html = env.get_template("compare.html.j2").render(
        t=t, lang=lang, page=page, synthetic=synthetic, scenarios=[(s.scenario, labels[s.scenario],
                                                                    os.path.relpath(s.index, outputs / "compare" / "x"))
                                                                   for s in runs],
        table=table, figures=figs, allocation=alloc_table, fmt=fmt, run_date=datetime.now().strftime("%Y-%m-%d %H:%M"))
    stamp_dir = datetime.now().strftime("%Y%m%d-%H%M%S")
    root = outputs / "compare"
    with building(root, stamp_dir) as partial:
        (partial / "index.html").write_text(html, encoding="utf-8")
        return publish_unique(partial, root, stamp_dir) / "index.html"
