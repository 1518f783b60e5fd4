"""What every notebook calls first: :func:`start` returns a :class:`Context`.

The context loads the params and data, shows the SYNTHETIC DATA banner, numbers figures and tables,
formats numbers by language, and (in batch runs) saves result tables as CSV, headline figures as
PNG and headline numbers as JSON under the run folder for ``00-summary`` and ``index.html``.
Notebooks stay thin: ``ctx = start(...)`` → evalkit functions → ``ctx.table`` / ``ctx.figure``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from ..core.figures import setup_style, stamp
from ..core.privacy import suppress
from ..data import load_data
from ..params import load_params
from ..params.restrict import restrict
from . import i18n
from .tables import SYNTHETIC_HEADER, read_table, write_table


@dataclass
class Context:
    """State of one notebook execution (see :func:`start`)."""

    notebook: str
    params: Any
    data: Any
    lang: str
    output_dir: Path | None
    number: int
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

        self._display(Markdown("#" * level + " " + self.t(key, **fmt)))

    def say(self, key: str, **fmt: object) -> None:
        """Show a translated paragraph."""
        from IPython.display import Markdown

        self._display(Markdown(self.t(key, **fmt)))

    # -- tables -------------------------------------------------------------------------
    def table(self, df: pd.DataFrame, name: str, caption: str, formats: dict[str, str] | None = None,
              persons: tuple[str, ...] = (), translate: tuple[str, ...] = (), booleans: tuple[str, ...] = (),
              save: bool = True) -> None:
        """Show ``df`` as a numbered, captioned, locale-formatted table and save it as CSV.

        ``formats`` maps column → ``pct`` | ``pp`` | ``int`` | ``rupiah`` | ``float`` | ``text``;
        columns named in ``persons`` are counts of people and cells above 0 but under
        ``report.suppress_below`` are suppressed in both the display and the CSV (zeros stay: a zero
        identifies nobody). Column labels ``col_<name>`` are
        translated when the translation table has them. Columns in ``translate`` hold translation
        keys and columns in ``booleans`` hold pass/fail flags: both are shown translated, while the
        CSV keeps the language-neutral keys and booleans (shown as yes/no).
        """
        from IPython.display import HTML

        self._tables += 1
        threshold = self.params.report.suppress_below
        shown = suppress(df, persons, threshold)  # the one small-cell rule: 0 < n < threshold
        if save and self.output_dir is not None:
            write_table(shown, self.output_dir / "tables" / f"{self.notebook}__{name}.csv",
                        synthetic=self.data.is_synthetic)
        display_df = shown.copy()
        for col in translate:
            display_df[col] = display_df[col].map(self.t)
        for col in booleans:
            display_df[col] = display_df[col].map({True: self.t("yes"), False: self.t("no")}).fillna("–")
        html = format_table(display_df, formats or {}, self.lang, suppressed=set(persons), threshold=threshold)
        number = f"{self.number}.{self._tables}"
        stamp_html = f'<span class="evk-stamp">{self.label}</span>' if self.label else ""
        cap = (f'<div class="evk-caption evk-table-caption" id="tab-{number}">'
               f'<b>{self.t("table")} {number}.</b> {self.t(caption)} {stamp_html}</div>')
        note = ""
        if persons:
            note = f'<div class="evk-note">{self.t("suppressed_note", n=threshold)}</div>'
        self._display(HTML(f'<figure class="evk-table">{cap}{html}{note}</figure>'))

    # -- figures ------------------------------------------------------------------------
    def figure(self, fig, name: str, caption: str, headline: bool = False) -> None:
        """Stamp, number, caption and show a matplotlib figure; save headline figures as PNG."""
        import matplotlib.pyplot as plt
        from IPython.display import HTML

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
        import base64

        b64 = base64.b64encode(png).decode("ascii")
        self._display(HTML(
            f'<figure class="evk-figure" id="fig-{number}"><img alt="{self.t(caption)}" '
            f'src="data:image/png;base64,{b64}"/><figcaption class="evk-caption"><b>{self.t("figure")} '
            f'{number}.</b> {self.t(caption)}</figcaption></figure>'))

    def image(self, path: Path, caption: str) -> bool:
        """Show a saved PNG (e.g. another notebook's headline figure) as a numbered figure; False if missing."""
        import base64

        from IPython.display import HTML

        if not path.is_file():
            return False
        self._figures += 1
        number = f"{self.number}.{self._figures}"
        b64 = base64.b64encode(path.read_bytes()).decode("ascii")
        self._display(HTML(
            f'<figure class="evk-figure" id="fig-{number}"><img alt="{self.t(caption)}" '
            f'src="data:image/png;base64,{b64}"/><figcaption class="evk-caption"><b>{self.t("figure")} '
            f'{number}.</b> {self.t(caption)}</figcaption></figure>'))
        return True

    # -- results for the summary --------------------------------------------------------
    def headline(self, key: str, value: Any, text: str, label: str) -> None:
        """Record a headline number for the summary and index: raw ``value``, formatted ``text`` and
        the translation key ``label`` that names it."""
        self.results.setdefault("headlines", {})[key] = {"value": value, "text": text, "label": self.t(label)}
        self._save_results()

    def _save_results(self) -> None:
        if self.output_dir is None:
            return
        path = self.output_dir / "results" / f"{self.notebook}.json"
        path.parent.mkdir(exist_ok=True)  # inside the run folder only; never re-create an interrupted run
        path.write_text(json.dumps(self.results, indent=1, sort_keys=True, default=str), encoding="utf-8")

    def read_table(self, notebook: str, name: str) -> pd.DataFrame | None:
        """A result table another notebook saved in this run (``None`` if missing or not a batch run)."""
        if self.output_dir is None:
            return None
        path = self.output_dir / "tables" / f"{notebook}__{name}.csv"
        return read_table(path) if path.is_file() else None

    def figure_path(self, notebook: str, name: str) -> Path | None:
        """The headline figure ``name`` another notebook saved in this run (``None`` if missing)."""
        if self.output_dir is None:
            return None
        path = self.output_dir / "figures" / f"{notebook}__{name}.png"
        return path if path.is_file() else None

    def trend_labels(self) -> dict[str, str]:
        """The words of the coverage trend charts (:mod:`evalkit.evaluation.descriptive`) in this language."""
        vulnerable = self.params.evaluation.outcome == "vulnerable_coverage_pct"
        return {"other_provinces": self.t("legend_other_prov"), "kaltim": self.t("legend_kaltim"),
                "start": self.t("legend_pergub_start"), "xlabel": self.t("axis_month"),
                "ylabel": self.t("axis_coverage_pct" if vulnerable else "axis_total_coverage_pct")}

    def read_results(self, notebook: str) -> dict | None:
        """Headline results another notebook saved in this run (``None`` if missing)."""
        if self.output_dir is None:
            return None
        path = self.output_dir / "results" / f"{notebook}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def finish(self) -> None:
        self._save_results()


def _png_bytes(fig) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


_FORMATTERS: dict[str, Callable[[float, str], str]] = {
    "pct": lambda x, lang: i18n.fmt_pct(x, lang, 1),
    "pp": lambda x, lang: i18n.fmt_pp(x, lang, 1),
    "int": lambda x, lang: i18n.fmt_number(x, lang, 0),
    "float": lambda x, lang: i18n.fmt_number(x, lang, 2),
    "float3": lambda x, lang: i18n.fmt_number(x, lang, 3),
    "rupiah": lambda x, lang: i18n.fmt_rupiah(x, lang),
    "rupiah_short": lambda x, lang: i18n.fmt_rupiah_short(x, lang),
    "pvalue": lambda x, lang: i18n.fmt_pvalue(x, lang),
}


def format_table(df: pd.DataFrame, formats: dict[str, str], lang: str, suppressed: set[str] = frozenset(),
                 threshold: int = 10) -> str:
    """HTML of ``df`` with translated headers and locale-formatted numbers (deterministic)."""
    import html as _html

    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        kind = formats.get(col)
        values = df[col]
        if col in suppressed:
            out[col] = [f"&lt;{threshold}" if pd.isna(v) else i18n.fmt_number(v, lang, 0) for v in values]
        elif kind in _FORMATTERS:
            out[col] = [("–" if pd.isna(v) else _FORMATTERS[kind](float(v), lang)) for v in values]
        else:
            out[col] = [_html.escape(str(v)) for v in values]
    headers = []
    for col in df.columns:
        key = f"col_{col}"
        headers.append(i18n.t(key, lang) if key in i18n.TEXT else str(col))
    numeric = {c for c in df.columns if formats.get(c) in _FORMATTERS or c in suppressed}
    head = "".join(f"<th>{_html.escape(h)}</th>" for h in headers)
    rows = []
    for _, r in out.iterrows():
        cells = "".join(f'<td class="{"num" if c in numeric else "txt"}">{r[c]}</td>' for c in df.columns)
        rows.append(f"<tr>{cells}</tr>")
    return f'<table class="evk-data"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def start(params_path: str, output_dir: str | None = None, lang: str | None = None,
          notebook: str = "notebook", uses=None) -> Context:
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
    title_line = "" if out is not None else (  # batch pages show the scenario in their header
        f'<p class="evk-meta">{i18n.t("scenario", lang)}: <b>{params.scenario.title}</b></p>')
    if uses is not None:
        params = restrict(params, uses, notebook)
    number = int(notebook.split("-")[0]) if notebook[:2].isdigit() else 0
    ctx = Context(notebook=notebook, params=params, data=data, lang=lang, output_dir=out, number=number)
    title = i18n.t(f"nb_{notebook}", lang) if f"nb_{notebook}" in i18n.TEXT else notebook
    banner = ""
    if data.is_synthetic and out is None:  # batch pages carry the banner in the page header
        banner = f'<div class="evk-banner">{i18n.t("synthetic_banner", lang)}</div>'
    ctx._display(HTML(f'{banner}<h1 class="evk-title">{number}. {title}</h1>{title_line}'))
    return ctx


__all__ = ["Context", "start", "format_table", "SYNTHETIC_HEADER"]
