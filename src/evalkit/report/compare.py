"""Scenario comparison page: ``outputs/compare/<timestamp>/index.html`` for runs of several params files."""
from __future__ import annotations

import base64
import io
import json
import os
import re
from datetime import datetime
from pathlib import Path

import pandas as pd

from ..core.figures import setup_style, stamp
from ..core.publish import building, publish_unique
from . import i18n
from .html import page_resources, title_in
from .outputs import BUD, HEADLINE_LIST, read_headlines, table
from .tables import read_table


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


IGNORED_KEYS = ("scenario.", "report.language")  # names and the language differ by design, not by assumption


def flatten(tree, prefix: str = "") -> dict[str, object]:
    """``{"a": {"b": 1}}`` → ``{"a.b": 1}``; lists stay values."""
    out: dict[str, object] = {}
    for key, value in (tree or {}).items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out |= flatten(value, path + ".")
        else:
            out[path] = value
    return out


def yaml_comments(path: Path) -> dict[str, str]:
    """The trailing ``# comment`` of every key line of a params YAML file, by dotted key (the source notes the
    params files carry beside each constant)."""
    out: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^( *)([A-Za-z_][A-Za-z0-9_]*):(.*)$", line)
        if not m:
            continue
        indent, key, rest = len(m.group(1)), m.group(2), m.group(3)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, key))
        comment = re.search(r"""\s#\s?(.*)$""", rest) if not re.match(r"""^\s*["'][^"']*#""", rest) else None
        if comment:
            out[".".join(k for _, k in stack)] = comment.group(1).strip()
    return out


#: params keys under a named entry, in words: (pattern, catalogue key, how the parts become its fields)
_KEY_PATTERNS = (
    (re.compile(r"^budget\.uncertainty\.parameters\.(\w+)\.(\w+)$"), "param_uncertainty",
     lambda m, lang: {"name": key_label(f"budget.{m[1]}", lang), "field": _catalogue(f"dist_{m[2]}", lang, m[2])}),
    (re.compile(r"^budget\.kabkota_cofunding_share\.(\w+)$"), "param_kabkota_cofunding",
     lambda m, lang: {"code": m[1]}),
    (re.compile(r"^scorecard\.indicators\.(\w+)\.(weight|direction)$"), None,
     lambda m, lang: {"name": _catalogue(f"col_{m[1]}", lang, m[1].replace("_", " "))}),
)


def _catalogue(key: str, lang: str, default: str) -> str:
    return i18n.t(key, lang) if key in i18n.TEXT else default


def key_label(key: str, lang: str) -> str:
    """A params key in words: its catalogue name (``param_<key with _ for .>``, a named entry such as one
    uncertainty bound or one indicator's weight, or ``param_<leaf>``), else the path in words."""
    full = "param_" + key.replace(".", "_")
    if full in i18n.TEXT:
        return i18n.t(full, lang)
    for pattern, text_key, fields in _KEY_PATTERNS:
        m = pattern.match(key)
        if m:
            return i18n.t(text_key or f"param_indicator_{m[2]}", lang, **fields(m, lang))
    leaf = key.rsplit(".", 1)[-1]
    if f"param_{leaf}" in i18n.TEXT:
        return i18n.t(f"param_{leaf}", lang)
    return " › ".join(part.replace("_", " ") for part in key.split("."))


def _source(comments: dict[str, str], key: str) -> str | None:
    """The source note of ``key`` or, for a value inside a one-line mapping (``{low: 1, high: 2}  # source``),
    the note on its parent's line; a section's note (further up) is not a value's source."""
    if key in comments:
        return comments[key]
    return comments.get(key.rpartition(".")[0])


#: params whose whole numbers are names, not quantities: no thousands separator (2029, not 2.029)
NO_GROUPING = ("year", "seed")


def _value_text(value, lang: str, key: str = "") -> str:
    leaf = key.rsplit(".", 1)[-1]
    if isinstance(value, bool):
        return i18n.t("yes" if value else "no", lang)
    if isinstance(value, (int, float)):
        if float(value).is_integer() and (leaf in NO_GROUPING or leaf.endswith(tuple("_" + n for n in NO_GROUPING))):
            return str(int(value))
        if float(value).is_integer():
            return i18n.fmt_number(value, lang, 0)
        return i18n.fmt_number(value, lang, 4).rstrip("0").rstrip(",.")  # 0.0050 → 0,005
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)[:200]
    return str(value)


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
    # a note names a key by its dotted path or by a leaf that is an identifier (``churn_share``), never by a
    # plain word such as "year" or "high", which stays as written
    words = {k: key_label(k, lang) for k in keys} | {k.rsplit(".", 1)[-1]: key_label(k, lang) for k in keys
                                                     if "_" in k.rsplit(".", 1)[-1]}
    named = re.compile(r"(?<![\w.])(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(?![\w])")

    def readable(note: str) -> str:  # a note that names another key names it in words
        return named.sub(lambda m: words[m.group(1)], note)

    rows = []
    for key in keys:
        if key.startswith(IGNORED_KEYS):
            continue
        values = [flat[n].get(key) for n in manifests]
        if all(v == values[0] for v in values):
            continue
        notes = sorted({readable(note) for n in manifests if (note := _source(comments[n], key)) is not None})
        rows.append({"key": key, "label": key_label(key, lang), "values": [_value_text(v, lang, key) if v is not None else "–"
                                                                           for v in values],
                     "source": "; ".join(notes) or i18n.t("cmp_no_source", lang)})
    return rows


def headline_rows(runs: dict[str, Path], lang: str) -> list[dict]:
    """Every declared headline any scenario has, in declaration order: label, each scenario's text, and whether
    they are identical."""
    found = {name: read_headlines(run / "results") for name, run in runs.items()}
    rows = []
    for h in HEADLINE_LIST:
        texts = [found[n][h.key]["text"] if h.key in found[n] else "–" for n in runs]
        if all(t == "–" for t in texts):
            continue
        rows.append({"label": i18n.t(h.label, lang), "values": texts, "same": len(set(texts)) == 1})
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
        t=t, lang=lang, page=page, synthetic=synthetic,
        scenarios=[(s.scenario, labels[s.scenario], os.path.relpath(s.index, outputs / "compare" / "x")) for s in runs],
        params=differing_params(manifests, outputs.resolve().parent, lang),
        headlines=headline_rows({s.scenario: s.run_dir for s in runs}, lang),
        figures=figs, allocation=alloc_table, fmt=fmt, run_date=datetime.now().strftime("%Y-%m-%d %H:%M"))
    stamp_dir = datetime.now().strftime("%Y%m%d-%H%M%S")
    root = outputs / "compare"
    with building(root, stamp_dir) as partial:
        (partial / "index.html").write_text(html, encoding="utf-8")
        return publish_unique(partial, root, stamp_dir) / "index.html"
