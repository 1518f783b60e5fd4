"""HTML export of executed notebooks (custom offline template) and the run's index page."""

from __future__ import annotations

import base64
import functools
import html as _html
import json
import os
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from ..core.version import __version__
from ..errors import EvalkitError
from ..evaluation.designs import REGISTRY as DESIGN_REGISTRY
from ..params import load_params
from . import i18n
from .answer import build as build_answer
from .brief import findings
from .outputs import read_headlines, scenario_runs
from .provenance import flatten, key_label, note_reader, params_notes, source_note, value_text

if TYPE_CHECKING:
    from ..params.schema import Params

TEMPLATE_DIR = Path(__file__).parent / "templates"
REMOVE_TAGS = {"dev", "parameters", "injected-parameters", "remove-cell"}


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def describe_data(dataset, params: Params, lang: str) -> tuple[str, str]:
    """(data period, data source) as shown on every page."""
    panel = dataset.panel
    period = f"{i18n.fmt_month(panel['period'].min(), lang)} – {i18n.fmt_month(panel['period'].max(), lang)}"
    if not dataset.files:  # the simulator, or real data built in code
        source = i18n.t("data_synthetic_source" if dataset.is_synthetic else "real_data", lang, seed=params.seed)
    else:  # files; simulated example files say so
        source = ", ".join(dataset.files) + (f" ({i18n.t('synthetic_stamp', lang)})" if dataset.is_synthetic else "")
    method = dataset.meta.get("denominator_method")
    if method:
        source += ". " + i18n.t(
            f"denominator_method_{method}", lang, held=dataset.meta.get("denominator_months_held", 0)
        )
    return period, source


#: the pages of a run besides the notebooks, in reading order after them
EXTRA_PAGES = (("brief.html", "page_brief"), ("glossary.html", "page_glossary"), ("run.html", "page_run"))


def site_pages(notebook_names: list[str], lang: str) -> list[tuple[str, str]]:
    """Every page of a run in reading order: (file, title) — the index, the notebooks, the Pergub brief,
    the glossary and the run details."""
    pages = [("index.html", i18n.t("page_index", lang))]
    for name in sorted(notebook_names):
        key = f"nb_{name}"
        pages.append((f"{name}.html", i18n.t(key, lang) if key in i18n.TEXT else name))
    return pages + [(file, i18n.t(key, lang)) for file, key in EXTRA_PAGES]


def nav_html(pages: list[tuple[str, str]], current: str, lang: str) -> str:
    """Back-to-index, previous and next links of page ``current`` (one piece of HTML for every page)."""
    esc = _html.escape
    files = [f for f, _ in pages]
    if current not in files:
        return ""
    i = files.index(current)
    parts = []
    if current != "index.html":
        parts.append(f'<a class="evk-home" href="index.html">⌂ {esc(i18n.t("nav_index", lang))}</a>')
    if i > 0:
        parts.append(f'<a class="evk-prev" rel="prev" href="{esc(files[i - 1])}">← {esc(pages[i - 1][1])}</a>')
    if i + 1 < len(pages):
        parts.append(f'<a class="evk-next" rel="next" href="{esc(files[i + 1])}">{esc(pages[i + 1][1])} →</a>')
    return f'<nav class="evk-nav" aria-label="{esc(i18n.t("nav_label", lang))}">{"".join(parts)}</nav>'


def page_resources(
    lang: str,
    scenario_title: str,
    synthetic: bool,
    meta: str = "",
    pages: list[tuple[str, str]] | None = None,
    current: str = "",
) -> dict:
    """What every page needs besides its content: stylesheet, header, banner, navigation and footer."""
    return {
        "meta": _html.escape(meta),
        "css": _asset("style.css"),
        "toc_js": _asset("toc.js"),
        "report_title": i18n.t("report_title", lang),
        "scenario_label": i18n.t("scenario", lang),
        "scenario_title": _html.escape(scenario_title),
        "synthetic": synthetic,
        "synthetic_banner": i18n.t("synthetic_banner", lang),
        "contents": i18n.t("contents", lang),
        "footer": i18n.t("footer", lang, version=__version__),
        "run_label": i18n.t("page_run", lang),
        "nav": nav_html(pages or [], current, lang),
    }


@functools.lru_cache(maxsize=1)
def html_exporter():
    """The HTML exporter with the evalkit template; built once per process (loading templates is slow)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name="evalkit", extra_template_basedirs=[str(TEMPLATE_DIR)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    remove = TagRemovePreprocessor(remove_cell_tags=REMOVE_TAGS, enabled=True)
    exporter.register_preprocessor(remove, enabled=True)
    return exporter


def export_html(
    executed: Path,
    target: Path,
    lang: str,
    scenario_title: str,
    synthetic: bool,
    meta: str = "",
    pages: list[tuple[str, str]] | None = None,
) -> None:
    """Render an executed notebook to a self-contained HTML page without code cells."""
    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:  # volatile execution metadata never reaches the page
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    nb.metadata.pop("papermill", None)
    exporter = html_exporter()
    title = i18n.t(f"nb_{executed.stem}", lang) if f"nb_{executed.stem}" in i18n.TEXT else executed.stem
    nb.metadata["title"] = title
    res = {"evalkit": page_resources(lang, scenario_title, synthetic, meta, pages, target.name), "language_code": lang}
    body, _ = exporter.from_notebook_node(nb, resources=res)
    target.write_text(body, encoding="utf-8")


def _env():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(
        loader=FileSystemLoader(str(Path(__file__).parent)), autoescape=select_autoescape(["html", "j2"])
    )


def _write_page(
    target: Path, template: str, *, lang: str, params: Params, synthetic: bool, notebooks: list[dict], **context
) -> Path:
    """Render ``template`` into ``target`` with the header, navigation and footer of a run's pages; the template
    also gets ``pages`` (every page of the run in reading order, :func:`site_pages`)."""
    pages = site_pages([nb["name"] for nb in notebooks], lang)
    page = page_resources(lang, scenario_title(params, lang), synthetic, pages=pages, current=target.name)
    html = (
        _env()
        .get_template(template)
        .render(
            t=lambda key, **kw: i18n.t(key, lang, **kw),
            lang=lang,
            page=page,
            params=params,
            synthetic=synthetic,
            pages=pages,
            notebooks=notebooks,
            **context,
        )
    )
    target.write_text(html, encoding="utf-8")
    return target


def title_in(lang: str, title: str, title_en: str | None) -> str:
    """A scenario's title in the report language: ``scenario.title_en`` in English when given, else the title."""
    return title_en if lang == "en" and title_en else title


def scenario_title(params: Params, lang: str) -> str:
    """The scenario's title of ``params`` in the report language (see :func:`title_in`)."""
    return title_in(lang, params.scenario.title, params.scenario.title_en)


def equals_default(params: Params) -> bool:
    """True when a scenario's params equal ``default.yaml`` beside it in every key but its name, title, description
    and language — its numbers are then the default's, and its index says so at the top."""
    files = [Path(f) for f in (getattr(params, "_files", ()) or ())]
    if not files or params.scenario.name == "default":
        return False
    default = files[0].parent / "default.yaml"
    if not default.is_file() or default.resolve() == files[0].resolve():
        return False
    try:
        base = load_params(default)
    except EvalkitError:
        return False
    keep = lambda p: {
        k: v
        for k, v in flatten(p.model_dump(mode="json")).items()  # noqa: E731
        if not k.startswith(("scenario.", "report.language"))
    }
    return keep(params) == keep(base)


def render_index(run_dir: Path, *, lang: str, params: Params, dataset, notebooks: list[dict], run_date: str) -> Path:
    """Write ``index.html``: the answer first (sentences with their sources, at most six cards), then the
    sections with their status, the headline figures and the scenario details."""
    answer = build_answer(read_headlines(run_dir / "results"), lang)
    figures = []
    for nbinfo in notebooks:
        res_file = run_dir / "results" / f"{nbinfo['name']}.json"
        if res_file.is_file():
            for fig in json.loads(res_file.read_text(encoding="utf-8")).get("figures", []):
                png = run_dir / "figures" / fig["file"]
                if png.is_file():
                    figures.append(
                        {
                            "caption": fig["caption"],
                            "section": nbinfo["title"],
                            "href": nbinfo["html"],
                            "src": "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode(),
                        }
                    )
    period, source = describe_data(dataset, params, lang)
    return _write_page(
        run_dir / "index.html",
        "index.html.j2",
        lang=lang,
        params=params,
        synthetic=dataset.is_synthetic,
        notebooks=notebooks,
        answer=answer.html(lang),
        source=source,
        period=period,
        run_date=run_date,
        title=scenario_title(params, lang),
        basis=i18n.t(
            "policy_basis", lang, regulation=params.policy.regulation, issued=i18n.fmt_date(params.policy.issued, lang)
        ),
        figures=figures,
        same_as_default=equals_default(params),
    )


def render_brief(run_dir: Path, *, lang: str, params: Params, synthetic: bool, notebooks: list[dict]) -> Path:
    """Write ``brief.html``: the Pergub revision brief (:mod:`evalkit.report.brief`)."""
    found = findings(run_dir, read_headlines(run_dir / "results"), params, lang)
    return _write_page(
        run_dir / "brief.html",
        "brief.html.j2",
        lang=lang,
        params=params,
        synthetic=synthetic,
        notebooks=notebooks,
        findings=found,
        key_label=lambda key: key_label(key, lang),
        regulation=params.policy.regulation,
    )


#: the glossary's terms (``gloss_<term>_term`` and ``gloss_<term>`` in the catalogue); the designs with an entry come
#: from the design registry
GLOSSARY = (
    "poin_persen",
    "coverage_vulnerable",
    "coverage_total",
    "bpu",
    "jkk_jkm",
    *(name for name, design in DESIGN_REGISTRY.items() if design.in_glossary),
    "ci_level",
    "pvalue",
    "placebo",
    "mde",
    "rmspe",
    "wild_bootstrap",
    "additionality",
    "penetapan",
    "plafon",
    "cofunding",
    "monte_carlo",
    "p10_p90",
    "shadow_price",
    "gini",
    "scorecard",
    "suppression",
    "synthetic_data",
)


def render_glossary(run_dir: Path, *, lang: str, params: Params, synthetic: bool, notebooks: list[dict]) -> Path:
    """Write ``glossary.html``: the terms the report cannot avoid, explained (from the catalogue)."""
    terms = sorted(
        ((i18n.t(f"gloss_{k}_term", lang), i18n.t(f"gloss_{k}", lang), k) for k in GLOSSARY), key=lambda x: x[0].lower()
    )
    return _write_page(
        run_dir / "glossary.html",
        "glossary.html.j2",
        lang=lang,
        params=params,
        synthetic=synthetic,
        notebooks=notebooks,
        terms=terms,
    )


def render_run_details(
    run_dir: Path, *, lang: str, params: Params, synthetic: bool, notebooks: list[dict], manifest: dict
) -> Path:
    """Write ``run.html``: the manifest in words (what ran, on which data and params, how long, with which
    versions); ``manifest.json`` stays beside it for machines."""
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    data = manifest.get("data", {})
    rows = [
        (t("run_id"), manifest.get("run_id", "")),
        (t("col_status"), t("status_ok") if manifest.get("status") == "ok" else t("status_failed")),
        (t("run_started"), i18n.fmt_time(manifest.get("started", ""), lang)),
        (t("run_finished"), i18n.fmt_time(manifest.get("finished", ""), lang)),
        (t("scenario"), scenario_title(params, lang)),
        (t("data_source"), ", ".join(data.get("files") or []) or t("data_synthetic_source", seed=manifest.get("seed"))),
        (t("run_data_kind"), t("synthetic_stamp") if data.get("synthetic") else t("real_data_short")),
        (t("run_rows"), i18n.fmt_number(data.get("rows"), lang) if data.get("rows") is not None else "–"),
        (t("run_seed"), str(manifest.get("seed", ""))),
        (t("run_language"), t(f"lang_{manifest.get('lang', lang)}")),
        (t("run_params_hash"), str(manifest.get("params", {}).get("hash", ""))[:16]),
        (t("run_data_hash"), str(data.get("panel_sha256", ""))[:16]),
        (t("run_version"), str(manifest.get("evalkit_version", ""))),
        (t("run_commit"), str((manifest.get("git") or {}).get("commit") or "–")[:12]),
        (t("run_python"), str(manifest.get("python", ""))),
        (t("run_lock"), lock_text(manifest.get("environment"), t)),
    ]
    steps = [
        {
            "title": nb.get("title") or nb["name"],
            "html": nb["html"],
            "ok": nb.get("status") == "ok",
            "reused": nb.get("reused", False),
            "seconds": i18n.fmt_number(nb.get("seconds"), lang, 1) if nb.get("seconds") is not None else "–",
        }
        for nb in manifest.get("notebooks", notebooks)
    ]
    return _write_page(
        run_dir / "run.html",
        "run.html.j2",
        lang=lang,
        params=params,
        synthetic=synthetic,
        notebooks=notebooks,
        rows=rows,
        steps=steps,
        assumptions=assumption_rows(run_dir, params, lang),
    )


#: params that are not assumptions about the world (names, the language, where files are, safety limits); the
#: simulator's calibration (``data.synthetic``) is kept: synthetic figures rest on it
NOT_ASSUMPTIONS = ("scenario.", "report.", "seed", "verification.mapping", "verification.determination.salt")


def assumption_rows(run_dir: Path, params: Params, lang: str) -> list[dict]:
    """The run's assumptions table (``run.html#assumptions``): every params value the run used, in words, with the
    source note written beside it in the params files, whether it is marked verify, and which headlines rest on it
    (from their stored provenance). Each row's anchor is ``asm-<key>``, the target of the provenance markers."""
    resting: dict[str, list[str]] = {}
    for item in read_headlines(run_dir / "results").values():
        for src in (item.get("provenance") or {}).get("sources", []):
            if src.get("kind") == "assumption":
                resting.setdefault(src["ref"], []).append(item.get("label", ""))
    notes = params_notes(params)
    rows = []
    flat: dict[str, object] = {}
    for key, value in flatten(params.model_dump(mode="json")).items():  # a list of mappings: one row per field
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for i, item in enumerate(value, start=1):
                flat |= flatten(item, f"{key}.{i}.")
        else:
            flat[key] = value
    readable = note_reader(flatten(params.model_dump(mode="json")), lang)  # keys a note names, in words
    for key, value in flat.items():
        if (
            key.startswith(NOT_ASSUMPTIONS)
            or (key.startswith("data.") and not key.startswith("data.synthetic."))
            or value is None
        ):
            continue
        note = readable(source_note(notes, key) or source_note(notes, re.sub(r"\.\d+\.", ".", key)) or "")
        used = sorted(
            {label for ref, labels in resting.items() if key == ref or key.startswith(ref + ".") for label in labels}
        )
        rows.append(
            {
                "key": key,
                "anchor": "asm-" + key.replace(".", "-"),
                "label": key_label(key, lang),
                "value": value_text(value, lang, key) if value is not None else "–",
                "note": note,
                "verify": "(verify)" in note,
                "headlines": "; ".join(used),
            }
        )
    return rows


def lock_text(environment: dict | None, t) -> str:
    """The lock a run's packages were installed from, and whether they equalled it (manifest ``environment``)."""
    if not environment or not environment.get("lock_sha256"):
        return t("run_lock_none")
    same = (
        t("run_lock_same")
        if environment.get("matches_lock")
        else t("run_lock_differs", n=len(environment.get("differences", [])))
    )
    return f"{environment['lock_sha256'][:16]} — {same}"


RUNS_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'none'; form-action 'none'"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t("runs_title") }} — {{ title }}</title><style>{{ css }}</style></head>
<body><main>
<h1 class="evk-title">{{ t("runs_title") }}</h1>
<p class="evk-meta">{{ t("scenario") }}: <b>{{ title }}</b>. {{ t("runs_intro") }}</p>
<div class="evk-scroll"><table class="evk-data">
<thead><tr><th>{{ t("col_run") }}</th><th>{{ t("col_status") }}</th><th>{{ t("col_started") }}</th></tr></thead>
<tbody>
{%- for r in runs %}
<tr><td class="txt"><a href="{{ r.name }}/index.html">{{ r.name }}</a>{% if r.latest %} <b>({{ t("runs_latest") }})</b>{% endif %}</td>
<td class="txt">{{ t("status_ok") if r.status == "ok" else t("status_failed") }}</td><td class="txt">{{ r.started }}</td></tr>
{%- endfor %}
</tbody></table></div>
</main></body></html>
"""


def render_runs_index(scenario_dir: Path, lang: str, title: str) -> Path:
    """Write ``<scenario>/index.html``: every complete or failed run of the scenario, newest first, with its
    status and which one ``latest`` points to (written to a temporary file, then renamed into place)."""
    from jinja2 import Environment, select_autoescape

    latest = scenario_dir / "latest"
    target = os.readlink(latest) if latest.is_symlink() else None
    runs = [
        {
            "name": folder.name,
            "status": manifest.get("status", "failed"),
            "started": str(manifest.get("started", "")),
            "latest": folder.name == target,
        }
        for folder, manifest in scenario_runs(scenario_dir)
    ]
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    page = env.from_string(RUNS_TEMPLATE).render(
        t=lambda key, **kw: i18n.t(key, lang, **kw), lang=lang, title=title, css=_asset("style.css"), runs=runs
    )
    out = scenario_dir / "index.html"
    tmp = scenario_dir / f".tmp-index-{os.getpid()}.html"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, out)
    return out
