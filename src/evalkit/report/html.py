"""HTML export of executed notebooks (custom offline template) and the run's index page."""
from __future__ import annotations

import base64
import functools
import html as _html
from importlib import resources
from pathlib import Path

import nbformat

from ..core.version import __version__
from . import i18n

TEMPLATE_DIR = Path(__file__).parent / "templates"
REMOVE_TAGS = {"dev", "parameters", "injected-parameters", "remove-cell"}


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def describe_data(dataset, params, lang: str) -> tuple[str, str]:
    """(data period, data source) as shown on every page."""
    panel = dataset.panel
    period = f"{i18n.fmt_month(panel['period'].min(), lang)} – {i18n.fmt_month(panel['period'].max(), lang)}"
    if not dataset.files:  # the simulator, or real data built in code
        source = i18n.t("data_synthetic_source" if dataset.is_synthetic else "real_data", lang, seed=params.seed)
    else:  # files; simulated example files say so
        source = ", ".join(dataset.files) + (f" ({i18n.t('synthetic_stamp', lang)})" if dataset.is_synthetic else "")
    method = dataset.meta.get("denominator_method")
    if method:
        source += ". " + i18n.t(f"denominator_method_{method}", lang, held=dataset.meta.get("denominator_months_held", 0))
    return period, source


def page_resources(lang: str, scenario_title: str, synthetic: bool, meta: str = "") -> dict:
    """What the evalkit template needs besides the notebook."""
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
        "manifest_label": i18n.t("manifest_link", lang),
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


def export_html(executed: Path, target: Path, lang: str, scenario_title: str, synthetic: bool, meta: str = "") -> None:
    """Render an executed notebook to a self-contained HTML page without code cells."""
    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:  # volatile execution metadata never reaches the page
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    nb.metadata.pop("papermill", None)
    exporter = html_exporter()
    title = i18n.t(f"nb_{executed.stem}", lang) if f"nb_{executed.stem}" in i18n.TEXT else executed.stem
    nb.metadata["title"] = title
    res = {"evalkit": page_resources(lang, scenario_title, synthetic, meta), "language_code": lang}
    body, _ = exporter.from_notebook_node(nb, resources=res)
    target.write_text(body, encoding="utf-8")


def render_index(run_dir: Path, *, lang: str, params, dataset, notebooks: list[dict], run_date: str) -> Path:
    """Write ``index.html``: title page, sections with status, headline numbers and figures."""
    import json

    from jinja2 import Environment, FileSystemLoader, select_autoescape

    headlines, figures = [], []
    for nbinfo in notebooks:
        res_file = run_dir / "results" / f"{nbinfo['name']}.json"
        if res_file.is_file():
            res = json.loads(res_file.read_text(encoding="utf-8"))
            for item in res.get("headlines", {}).values():
                headlines.append(item)
            for fig in res.get("figures", []):
                png = run_dir / "figures" / fig["file"]
                if png.is_file():
                    figures.append({"caption": fig["caption"], "section": nbinfo["title"],
                                    "src": "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode()})
    period, source = describe_data(dataset, params, lang)
    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent)), autoescape=select_autoescape(["html", "j2"]))
    html = env.get_template("index.html.j2").render(
        t=lambda key, **kw: i18n.t(key, lang, **kw),
        lang=lang,
        page=page_resources(lang, params.scenario.title, dataset.is_synthetic),
        params=params,
        synthetic=dataset.is_synthetic,
        source=source,
        period=period,
        run_date=run_date,
        basis=i18n.t("policy_basis", lang, regulation=params.policy.regulation,
                     issued=i18n.fmt_date(params.policy.issued, lang)),
        notebooks=notebooks,
        headlines=headlines,
        figures=figures,
    )
    out = run_dir / "index.html"
    out.write_text(html, encoding="utf-8")
    return out


RUNS_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
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
    import json
    import os

    from jinja2 import Environment, select_autoescape

    latest = scenario_dir / "latest"
    target = os.readlink(latest) if latest.is_symlink() else None
    runs = []
    for folder in sorted((p for p in scenario_dir.iterdir() if p.is_dir() and not p.is_symlink()
                          and not p.name.startswith(".")), reverse=True):
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not a run evalkit wrote
        runs.append({"name": folder.name, "status": manifest.get("status", "failed"),
                     "started": str(manifest.get("started", "")), "latest": folder.name == target})
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    page = env.from_string(RUNS_TEMPLATE).render(t=lambda key, **kw: i18n.t(key, lang, **kw), lang=lang, title=title,
                                                 css=_asset("style.css"), runs=runs)
    out = scenario_dir / "index.html"
    tmp = scenario_dir / f".tmp-index-{os.getpid()}.html"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, out)
    return out
