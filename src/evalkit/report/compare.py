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
from .html import page_resources, title_in
from .outputs import BUD, HEADLINE_LIST, read_headlines, table
from .provenance import flatten, key_label, marker, note_reader, source_note, value_text, yaml_comments
from .tables import read_table


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


IGNORED_KEYS = ("scenario.", "report.language")  # names and the language differ by design, not by assumption


def differing_params(manifests: dict[str, dict], project: Path, lang: str) -> list[dict]:
    """The params that differ between the scenarios: label, key (for the tooltip), each scenario's value and the
    source comment of the file that sets it (files outside the project are not read)."""
    flat = {name: flatten(m["params"]["resolved"]) for name, m in manifests.items()}
    comments: dict[str, dict[str, str]] = {}
    for name, m in manifests.items():
        merged: dict[str, str] = {}
        for f in reversed(m["params"].get("files", [])):  # the base file first, the scenario's own file last
            path = Path(f["path"]).resolve()
            if path.is_relative_to(project.resolve()) and path.is_file():
                merged |= yaml_comments(path)
        comments[name] = merged
    keys = sorted(set().union(*flat.values()))
    readable = note_reader(keys, lang)  # a note that names another key names it in words
    rows = []
    for key in keys:
        if key.startswith(IGNORED_KEYS):
            continue
        values = [flat[n].get(key) for n in manifests]
        if all(v == values[0] for v in values):
            continue
        notes = sorted({readable(note) for n in manifests if (note := source_note(comments[n], key)) is not None})
        rows.append(
            {
                "key": key,
                "label": key_label(key, lang),
                "values": [value_text(v, lang, key) if v is not None else "–" for v in values],
                "source": "; ".join(notes) or i18n.t("cmp_no_source", lang),
            }
        )
    return rows


def headline_rows(runs: dict[str, Path], lang: str) -> list[dict]:
    """Every declared headline any scenario has, in declaration order: label, each scenario's text and provenance
    marker (data, estimate, assumption, derived: links to that run's assumptions table), and whether the texts
    are identical."""
    found = {name: read_headlines(run / "results") for name, run in runs.items()}
    rows = []
    for h in HEADLINE_LIST:
        texts = [found[n][h.key]["text"] if h.key in found[n] else "–" for n in runs]
        if all(t == "–" for t in texts):
            continue
        markers = [
            marker(
                found[n][h.key].get("provenance"),
                lang,
                href=os.path.relpath(run / "run.html", run.parent.parent / "compare" / "x") + "#assumptions",
            )
            if h.key in found[n]
            else ""
            for n, run in runs.items()
        ]
        rows.append({"label": i18n.t(h.label, lang), "values": texts, "markers": markers, "same": len(set(texts)) == 1})
    return rows


def write_comparison(scenarios, outputs: Path, lang: str) -> Path | None:
    """Side-by-side page of the scenarios: the params that differ (with their sources), the headline numbers
    (identical rows marked, probabilities included), budget paths, coverage and allocations, in ``lang``."""
    import matplotlib.pyplot as plt
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    runs = [s for s in scenarios if s.run_dir is not None]
    if len(runs) < 2:
        return None
    setup_style()
    t = lambda k, **kw: i18n.t(k, lang, **kw)  # noqa: E731
    labels, paths, allocs, manifests, synthetic = {}, {}, {}, {}, False
    for s in runs:
        m = json.loads((s.run_dir / "manifest.json").read_text(encoding="utf-8"))
        manifests[s.scenario] = m
        synthetic |= bool(m["data"]["synthetic"])
        resolved = m["params"]["resolved"]["scenario"]
        labels[s.scenario] = title_in(lang, resolved["title"], resolved.get("title_en"))
        bp = s.run_dir / "tables" / table(BUD, "budget_path").file
        if bp.is_file():
            paths[s.scenario] = read_table(bp)
        al = s.run_dir / "tables" / table(BUD, "allocation").file
        if al.is_file():
            allocs[labels[s.scenario]] = read_table(al).set_index("region_name")["budget_rupiah"]
    figs = []
    label = t("synthetic_stamp") if synthetic else ""
    if paths:
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.6))
        for name, df in paths.items():
            a1.plot(df["year"], df["cost_province"] / 1e9, marker="o", label=labels[name])
            a2.plot(df["year"], df["coverage_pct"], marker="o", label=labels[name])
        for a in (a1, a2):
            a.set_xticks(sorted({int(y) for df in paths.values() for y in df["year"]}))
            a.set_ylim(bottom=0)
        a1.set_ylabel(t("axis_rupiah_bn"))
        a2.set_ylabel(t("col_coverage_pct"))
        fig.legend(*a1.get_legend_handles_labels(), loc="lower center", ncol=min(len(paths), 3), frameon=False)
        fig.tight_layout(rect=(0, 0.1, 1, 1))
        stamp(fig, label)
        figs.append({"src": _png(fig), "caption": t("cmp_paths")})
    alloc_table = pd.DataFrame(allocs) if allocs else pd.DataFrame()
    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent)), autoescape=select_autoescape(["html", "j2"]))
    page = page_resources(lang, t("cmp_title"), synthetic)
    fmt = lambda v: i18n.fmt_rupiah_short(v, lang) if pd.notna(v) else "–"  # noqa: E731
    html = env.get_template("compare.html.j2").render(
        t=t,
        lang=lang,
        page=page,
        synthetic=synthetic,
        scenarios=[(s.scenario, labels[s.scenario], os.path.relpath(s.index, outputs / "compare" / "x")) for s in runs],
        params=differing_params(manifests, outputs.resolve().parent, lang),
        headlines=headline_rows({s.scenario: s.run_dir for s in runs}, lang),
        figures=figs,
        allocation=alloc_table,
        fmt=fmt,
        run_date=datetime.now().strftime("%Y-%m-%d %H:%M"),
    )
    stamp_dir = datetime.now().strftime("%Y%m%d-%H%M%S")
    root = outputs / "compare"
    with building(root, stamp_dir) as partial:
        (partial / "index.html").write_text(html, encoding="utf-8")
        return publish_unique(partial, root, stamp_dir) / "index.html"
