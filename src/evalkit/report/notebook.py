"""What every notebook calls first: :func:`start` returns a :class:`Context`.

The context loads the params and data, shows the SYNTHETIC DATA banner, numbers figures and tables,
formats numbers by language, and (in batch runs) saves result tables as CSV, headline figures as
PNG and headline numbers as JSON under the run folder for ``00-summary`` and ``index.html``.
Notebooks stay thin: ``ctx = start(...)`` → evalkit functions → ``ctx.table`` / ``ctx.figure``.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..core.figures import setup_style, stamp
from ..core.privacy import suppress
from ..data import load_data
from ..params import load_params, params_hash
from ..params.restrict import restrict
from . import i18n, outputs, provenance
from .answer import SURE, reachable_words
from .answer import build as build_answer
from .tables import SYNTHETIC_HEADER, read_table, write_table

if TYPE_CHECKING:
    from ..params.schema import Params


@dataclass
class Context:
    """State of one notebook execution (see :func:`start`)."""

    notebook: str
    params: Any
    data: Any
    lang: str
    output_dir: Path | None
    number: int
    run_dir: Path | None = None  # where other notebooks' results are read: this run, or a completed earlier one
    _figures: int = 0
    _tables: int = 0
    results: dict = field(default_factory=dict)

    # -- text ---------------------------------------------------------------------------
    def t(self, key: str, **fmt: object) -> str:
        return i18n.t(key, self.lang, **fmt)

    def pct(self, x: float, decimals: int = 1) -> str:
        return i18n.fmt_pct(x, self.lang, decimals)

    def pp(self, x: float, decimals: int = 1) -> str:
        return i18n.fmt_pp(x, self.lang, decimals)

    def num(self, x: float, decimals: int = 0) -> str:
        return i18n.fmt_number(x, self.lang, decimals)

    def rupiah(self, x: float) -> str:
        return i18n.fmt_rupiah(x, self.lang)

    def rupiah_short(self, x: float) -> str:
        return i18n.fmt_rupiah_short(x, self.lang)

    def lever_value(self, key: str, value: object) -> str:
        """A budget lever's value in its unit (:func:`evalkit.report.outputs.lever_value`)."""
        return outputs.lever_value(key, value, self.lang)

    def reachable_words(self, decisive: list, p_reach: float | None) -> tuple[str, str]:
        """How "reachable" is worded with its probability and decisive assumptions
        (:func:`evalkit.report.answer.reachable_words`): the catalogue key and the conditions."""
        return reachable_words(decisive, p_reach, self.lang)

    @property
    def sure(self) -> float:
        """The probability from which "reachable" stands alone (:data:`evalkit.report.answer.SURE`)."""
        return SURE

    def month(self, ts) -> str:
        return i18n.fmt_month(ts, self.lang)

    @property
    def label(self) -> str:
        """The stamp for figures and tables (empty for real data)."""
        return i18n.t("synthetic_stamp", self.lang) if self.data.is_synthetic else ""

    def _display(self, obj) -> None:
        from IPython.display import display

        display(obj)

    def heading(self, key: str, level: int = 2, **fmt: object) -> None:
        from IPython.display import Markdown

        self._display(Markdown("#" * level + " " + self.t(key, **inert(fmt))))

    def say(self, key: str, **fmt: object) -> None:
        """Show a translated paragraph. The values filled into it are text, never markup: a link, an image or HTML
        written into a params text (an instrument, a group's name) is shown as typed, and loads nothing."""
        from IPython.display import Markdown

        self._display(Markdown(self.t(key, **inert(fmt))))

    # -- tables -------------------------------------------------------------------------
    def named(self, df: pd.DataFrame, code_column: str = "region_code") -> pd.DataFrame:
        """``df`` with its kab/kota code column called ``region_code`` and the kab/kota name beside it."""
        names = dict(zip(self.data.panel["region_code"].astype(str), self.data.panel["region_name"]))
        out = df.rename(columns={code_column: "region_code"})
        out["region_code"] = out["region_code"].astype(str)
        out.insert(out.columns.get_loc("region_code") + 1, "region_name", out["region_code"].map(names).fillna("–"))
        return out

    def table(
        self, df: pd.DataFrame, name: str, caption: str | None = None, save: bool = True, show: bool = True
    ) -> None:
        """Show ``df`` as a numbered, captioned, locale-formatted table and save it as CSV.

        The table must be declared in :mod:`evalkit.report.outputs`: its columns' units decide the
        formats (percent, poin persen, Rupiah, whole persons, translated closed-set values, Ya/Tidak);
        columns of unit ``persons`` are counts of people and cells above 0 but under
        ``report.suppress_below`` are suppressed in both the display and the CSV (zeros stay: a zero
        identifies nobody). The CSV keeps the exact, language-neutral values. ``show=False`` saves a
        chart's data without showing it.
        """
        from IPython.display import HTML

        spec = outputs.table(self.notebook, name)
        undeclared = [c for c in df.columns if c not in spec.columns]
        if undeclared:
            raise KeyError(
                f"table {self.notebook}/{name}: columns not declared in evalkit.report.outputs: {undeclared}"
            )
        units = {c: spec.columns[c] for c in df.columns}
        persons = tuple(c for c, u in units.items() if u == "persons")
        threshold = self.params.report.suppress_below
        shown = suppress(df, persons, threshold)  # the one small-cell rule: 0 < n < threshold
        for column, sources in spec.derived:  # complementary: what would give a hidden count back is withheld too
            if column in shown.columns:
                hidden = pd.concat([shown[c].isna() & df[c].notna() for c in sources if c in df.columns], axis=1).any(
                    axis=1
                )
                shown[column] = shown[column].where(~hidden)
        if save and self.output_dir is not None:
            write_table(shown, self.output_dir / "tables" / spec.file, synthetic=self.data.is_synthetic)
        if not show:
            return
        self._tables += 1
        html = format_table(shown, units, self.lang, threshold=threshold)
        number = f"{self.number}.{self._tables}"
        stamp_html = f'<span class="evk-stamp">{self.label}</span>' if self.label else ""
        mark = provenance.marker(spec.provenance, self.lang)
        cap = (
            f'<div class="evk-caption evk-table-caption" id="tab-{number}">'
            f"<b>{self.t('table')} {number}.</b> {self.t(caption or spec.caption)} {mark} {stamp_html}</div>"
        )
        note = ""
        if persons:
            note = f'<div class="evk-note">{self.t("suppressed_note", n=threshold)}</div>'
        self._display(HTML(f'<figure class="evk-table" id="tbl-{name}">{cap}{html}{note}</figure>'))

    # -- figures ------------------------------------------------------------------------
    def figure(
        self, fig, name: str, caption: str | None = None, headline: bool = False, data: pd.DataFrame | None = None
    ) -> None:
        """Stamp, number, caption and show a matplotlib figure; save headline figures as PNG.

        The figure must be declared in :mod:`evalkit.report.outputs` with the table that holds its data:
        ``data`` is that table (saved, not shown) unless the notebook already showed it."""
        import matplotlib.pyplot as plt
        from IPython.display import HTML

        spec = outputs.figure(self.notebook, name)
        caption = caption or spec.caption
        if data is not None:
            self.table(data, spec.table, show=False)
        self._figures += 1
        stamp(fig, self.label)
        number = f"{self.number}.{self._figures}"
        png = _png_bytes(fig)
        plt.close(fig)
        if self.output_dir is not None and headline:
            path = self.output_dir / "figures" / f"{self.notebook}__{name}.png"
            path.parent.mkdir(exist_ok=True)  # inside the run folder only; never re-create an interrupted run
            path.write_bytes(png)
            self.results.setdefault("figures", []).append({"file": path.name, "caption": self.t(caption)})

        b64 = base64.b64encode(png).decode("ascii")
        self._display(
            HTML(
                f'<figure class="evk-figure" id="fig-{name}"><img alt="{self.t(caption)}" '
                f'src="data:image/png;base64,{b64}"/><figcaption class="evk-caption"><b>{self.t("figure")} '
                f"{number}.</b> {self.t(caption)}</figcaption></figure>"
            )
        )

    def image(self, path: Path, caption: str) -> bool:
        """Show a saved PNG (e.g. another notebook's headline figure) as a numbered figure; False if missing."""

        from IPython.display import HTML

        if not path.is_file():
            return False
        self._figures += 1
        number = f"{self.number}.{self._figures}"
        b64 = base64.b64encode(path.read_bytes()).decode("ascii")
        self._display(
            HTML(
                f'<figure class="evk-figure" id="fig-{number}"><img alt="{self.t(caption)}" '
                f'src="data:image/png;base64,{b64}"/><figcaption class="evk-caption"><b>{self.t("figure")} '
                f"{number}.</b> {self.t(caption)}</figcaption></figure>"
            )
        )
        return True

    # -- results for the summary --------------------------------------------------------
    def headline(
        self, key: str, value: Any, text: str | None = None, detail: dict | None = None, also: tuple[str, ...] = ()
    ) -> None:
        """Record a headline number declared in :mod:`evalkit.report.outputs`: ``value`` in its unit,
        ``text`` as shown (default: the value formatted by its unit), ``detail`` what the answer on the
        index page needs besides (an interval and its level, persons). Its provenance is the declared one plus
        ``also`` (sources known only at run time, e.g. ``params:budget.determination_gap_months`` when the gap is
        written, not measured), stored resolved (values and source notes of params keys)."""
        spec = outputs.headline(key)
        outputs.check_detail(key, detail or {})
        if spec.producer != self.notebook:
            raise KeyError(f"headline {key!r} is declared for {spec.producer}, not {self.notebook}")
        shown = text if text is not None else outputs.display_value(spec.unit, value, self.lang)
        item = {
            "value": value,
            "text": shown,
            "label": self.t(spec.label),
            "provenance": provenance.resolve(spec.provenance.plus(*also), self.params),
        }
        if detail:
            item["detail"] = detail
        self.results.setdefault("headlines", {})[key] = item
        self._save_results()

    def _save_results(self) -> None:
        if self.output_dir is None:
            return
        path = self.output_dir / "results" / f"{self.notebook}.json"
        path.parent.mkdir(exist_ok=True)  # inside the run folder only; never re-create an interrupted run
        path.write_text(json.dumps(self.results, indent=1, sort_keys=True, default=str), encoding="utf-8")

    def read_table(self, notebook: str, name: str) -> pd.DataFrame | None:
        """A result table another notebook saved in this run — or, exploring in JupyterLab, in the newest
        completed run of the same params (``None`` if there is none)."""
        if self.run_dir is None:
            return None
        path = self.run_dir / "tables" / outputs.table(notebook, name).file
        return read_table(path) if path.is_file() else None

    def figure_path(self, notebook: str, name: str) -> Path | None:
        """The headline figure ``name`` another notebook saved in this run (``None`` if missing)."""
        if self.run_dir is None:
            return None
        path = self.run_dir / "figures" / f"{notebook}__{outputs.figure(notebook, name).name}.png"
        return path if path.is_file() else None

    def trend_labels(self) -> dict[str, str]:
        """The words of the coverage trend charts (:mod:`evalkit.evaluation.descriptive`) in this language."""
        vulnerable = self.params.evaluation.outcome == "vulnerable_coverage_pct"
        return {
            "other_provinces": self.t("legend_other_prov"),
            "other_band": self.t("legend_other_band"),
            "kaltim": self.t("legend_kaltim"),
            "kabkota": self.t("legend_kabkota_coverage"),
            "cofunding": self.t("legend_cofunding_start"),
            "start": self.t("legend_pergub_start"),
            "xlabel": self.t("axis_month"),
            "ylabel": self.t("axis_coverage_pct" if vulnerable else "axis_total_coverage_pct"),
        }

    def answer(self, headlines: dict[str, dict]) -> None:
        """Show the answer block of :mod:`evalkit.report.answer` (the same the index page opens with)."""
        from IPython.display import HTML

        self._display(HTML(build_answer(headlines, self.lang).html(self.lang)))

    def read_results(self, notebook: str) -> dict | None:
        """Headline results another notebook saved in this run (or the newest completed run, see
        :meth:`read_table`; ``None`` if missing)."""
        if self.run_dir is None:
            return None
        path = self.run_dir / "results" / f"{notebook}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def headlines(self) -> dict[str, dict]:
        """Every declared headline of this run (or the newest completed run): key → value, text, label."""
        return {} if self.run_dir is None else outputs.read_headlines(self.run_dir / "results")

    def finish(self) -> None:
        self._save_results()


def _png_bytes(fig) -> bytes:

    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def format_table(df: pd.DataFrame, units: dict[str, str], lang: str, threshold: int = 10) -> str:
    """HTML of ``df`` with translated headers and cells formatted by their declared unit, in a container
    that scrolls sideways on narrow screens (deterministic)."""

    head = "".join(
        f'<th class="{"num" if units[c] in outputs.NUMERIC else "txt"}">'
        f"{html.escape(outputs.column_label(c, lang))}</th>"
        for c in df.columns
    )
    rows = []
    for rec in df.to_dict("records"):
        cells = []
        for c, v in rec.items():
            unit = outputs.cell_unit(units[c], rec)
            if unit == "persons" and pd.isna(v):
                text = f"&lt;{threshold}"
            else:
                text = html.escape(outputs.display_value(unit, v, lang))
            cells.append(f'<td class="{"num" if unit in outputs.NUMERIC else "txt"}">{text}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<div class="evk-scroll" tabindex="0"><table class="evk-data"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def completed_run(params_path: Path, params: Params) -> Path | None:
    """The newest run of ``params`` that finished with every notebook done, under the project's
    ``outputs/<scenario>/`` (the project is the params file's parent's parent): what a notebook opened in
    JupyterLab reads other notebooks' results from. Only a run of the same resolved params counts."""
    folder = params_path.resolve().parent.parent / "outputs" / params.scenario.name
    if not folder.is_dir():
        return None
    wanted = params_hash(params)
    return next(
        (
            run
            for run, manifest in outputs.scenario_runs(folder)
            if manifest.get("status") == "ok" and manifest.get("params", {}).get("hash") == wanted
        ),
        None,
    )


def start(
    params_path: str, output_dir: str | None = None, lang: str | None = None, notebook: str = "notebook", uses=None
) -> Context:
    """Load params and data for one notebook and show the report header.

    ``params_path``: the scenario's YAML; ``output_dir``: the run folder in batch runs (``None`` when
    exploring in JupyterLab: nothing is written); ``lang``: ``id``/``en`` (default: params'
    ``report.language``); ``notebook``: the notebook's name, e.g. ``02-coverage-evaluation``;
    ``uses``: the params keys the notebook declares in its metadata (``evalkit.uses``, passed by the
    batch runner): every other key then raises when read (:mod:`evalkit.params.restrict`).
    """
    from IPython.display import HTML

    setup_style()
    params = load_params(params_path)
    data = load_data(params)  # the data's own inputs are part of a reused notebook's key (its hash)
    lang = lang or params.report.language
    out = Path(output_dir) if output_dir else None
    title_line = (
        ""
        if out is not None
        # batch pages show the scenario in their header
        else (f'<p class="evk-meta">{i18n.t("scenario", lang)}: <b>{html.escape(params.scenario.title)}</b></p>')
    )
    run_dir = out if out is not None else completed_run(Path(params_path), params)
    if uses is not None:
        params = restrict(params, uses, notebook)
    number = int(notebook.split("-")[0]) if notebook[:2].isdigit() else 0
    ctx = Context(
        notebook=notebook, params=params, data=data, lang=lang, output_dir=out, number=number, run_dir=run_dir
    )
    title = i18n.t(f"nb_{notebook}", lang) if f"nb_{notebook}" in i18n.TEXT else notebook
    banner = ""
    if data.is_synthetic and out is None:  # batch pages carry the banner in the page header
        banner = f'<div class="evk-banner">{i18n.t("synthetic_banner", lang)}</div>'
    read_note = ""
    if out is None and run_dir is not None and notebook == "00-summary":
        read_note = f'<p class="evk-meta">{i18n.t("reads_run", lang, run=run_dir.name)}</p>'
    ctx._display(HTML(f'{banner}<h1 class="evk-title">{number}. {title}</h1>{title_line}{read_note}'))
    return ctx


_MARKUP = re.compile(r"[\\`*_\[\]()!<>#|~]")


def inert(fmt: dict) -> dict:
    """Text values made inert for Markdown: HTML escaped, the characters that make links, images, emphasis or code
    backslash-escaped and the colon of a URL written as an entity (all still show as typed). Numbers and other
    values pass unchanged."""
    return {
        k: _MARKUP.sub(lambda m: "\\" + m.group(), html.escape(v, quote=False)).replace("://", "&#58;//")
        if isinstance(v, str)
        else v
        for k, v in fmt.items()
    }  # &#58;: no bare URL becomes a link


__all__ = ["Context", "start", "format_table", "SYNTHETIC_HEADER"]
