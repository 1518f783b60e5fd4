"""Batch runner: params → papermill → HTML, written atomically under ``outputs/<scenario>/<run>/``.

Order of work for every call:

1. validate every params file and every data file (nothing is written when any is wrong);
2. per scenario, create ``outputs/<scenario>/.partial-<run>-<pid>/`` and execute the notebooks
   (``01``–``04`` in parallel with ``jobs`` workers, then ``00-summary``, which reads their results);
3. render each executed notebook to HTML, write ``index.html`` and ``manifest.json``;
4. rename the folder to ``outputs/<scenario>/<run>/`` and only then point ``latest`` at it.

An interrupted run leaves its ``.partial-*`` folder (clearly marked, never picked up as ``latest``)
and never touches earlier runs. A failing notebook is reported in the index and the exit status
while the others still render; its executed notebook is kept under ``notebooks/`` for debugging.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .. import __version__, load_data, load_params
from ..errors import EvalkitError, ParamsError, Problem
from . import i18n
from .html import describe_data, export_html, render_index
from .manifest import build_manifest

SUMMARY = "00-summary"


@dataclass
class ScenarioResult:
    scenario: str
    run_dir: Path | None
    index: Path | None
    notebooks: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.notebooks) and all(n["status"] == "ok" for n in self.notebooks)


@dataclass
class RunResult:
    scenarios: list[ScenarioResult]
    comparison: Path | None = None

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.scenarios)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


def find_notebooks(root: Path, notebooks_dir: str | Path | None = None) -> list[Path]:
    """The report notebooks ``NN-topic.ipynb`` in order, ``00-summary`` last (absolute paths)."""
    folder = (Path(notebooks_dir) if notebooks_dir else root / "notebooks").resolve()
    if not folder.is_dir():
        folder = Path.cwd() / "notebooks"
    found = sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))
    if not found:
        raise EvalkitError(f"no notebooks NN-topic.ipynb found in {folder}")
    return [p for p in found if p.stem != SUMMARY] + [p for p in found if p.stem == SUMMARY]


def kernel_name() -> str:
    """The ``evalkit`` kernel when registered (``make`` does it), else this interpreter's ``python3``."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    return "evalkit" if "evalkit" in specs else "python3"


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _execute(nb: Path, run_dir: Path, params_path: Path, lang: str, kernel: str) -> dict:
    import papermill as pm
    from traitlets.config import Config

    out = run_dir / "notebooks" / nb.name
    t0 = time.monotonic()
    info = {"name": nb.stem, "status": "ok", "error": None, "executed": f"notebooks/{nb.name}",
            "html": f"{nb.stem}.html", "title": ""}
    try:
        pm.execute_notebook(
            str(nb), str(out),
            parameters={"params_path": str(params_path), "output_dir": str(run_dir), "lang": lang},
            kernel_name=kernel, progress_bar=False, log_output=False,  # no cwd=: chdir is process-wide (threads)
            request_save_on_cell_execute=False,
            # encrypt kernel traffic (CurveZMQ) when the kernel supports it; silences ipykernel's TCP warning
            config=Config({"KernelManager": {"transport_encryption": "auto"}}),
        )
    except pm.PapermillExecutionError as exc:
        info.update(status="failed", error=f"{exc.ename}: {exc.evalue}".strip()[:500])
    except Exception as exc:  # kernel died, notebook unreadable …: report, keep going
        info.update(status="failed", error=f"{type(exc).__name__}: {exc}"[:500])
    info["seconds"] = round(time.monotonic() - t0, 1)
    return info


class _Progress:
    """Notebooks done / total, current notebook, elapsed time (tqdm bar on stderr)."""

    def __init__(self, total: int, scenario: str, quiet: bool):
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc=scenario, unit="nb", file=sys.stderr, disable=quiet,
                        bar_format="{desc}: {n_fmt}/{total_fmt} notebooks |{bar:20}| {elapsed}{postfix}")

    def current(self, name: str) -> None:
        self.bar.set_postfix_str(name)

    def done(self, info: dict) -> None:
        self.bar.update(1)
        self.bar.set_postfix_str(f"{info['name']} {info['status']} ({info['seconds']} s)")

    def close(self) -> None:
        self.bar.close()


def validate_all(paths: list[str | Path]) -> list[tuple[Path, object, object]]:
    """Load every params file and its data; raise one error listing every problem found."""
    loaded, problems, errors = [], [], []
    for path in paths:
        try:
            params = load_params(path)
            loaded.append((Path(path), params))
        except ParamsError as exc:
            problems.extend(exc.problems or [Problem(str(path), "file", "", str(exc))])
    if problems:
        raise ParamsError(problems)
    names = [p.scenario.name for _, p in loaded]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ParamsError([Problem(str(path), "key `scenario.name`", repr(p.scenario.name),
                                   "two params files in one run share this scenario name; give each its own")
                           for path, p in loaded if p.scenario.name in dup])
    out = []
    for path, params in loaded:
        try:
            out.append((path, params, load_data(params)))
        except EvalkitError as exc:
            errors.append(exc)
    if errors:
        first = errors[0]
        raise type(first)([p for e in errors for p in e.problems] or str(first))
    return out


def install_sigterm() -> None:
    """Make ``kill`` (SIGTERM) stop a command-line run like Ctrl-C; the CLI calls this, library users need not."""
    def handler(signum, frame):  # turn `kill` into the same clean stop as Ctrl-C
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not in the main thread
        pass


def run_scenario(path: Path, params, dataset, *, outputs: Path, lang: str, jobs: int,
                 notebooks_dir=None, quiet: bool = False) -> ScenarioResult:
    started = datetime.now().astimezone().isoformat(timespec="seconds")
    scenario_dir = outputs / params.scenario.name
    scenario_dir.mkdir(parents=True, exist_ok=True)
    run_id = _stamp()
    partial = scenario_dir / f".partial-{run_id}-{os.getpid()}"
    partial.mkdir()
    (partial / "notebooks").mkdir()
    (partial / "params.resolved.yaml").write_text(_resolved_yaml(params), encoding="utf-8")
    nbs = find_notebooks(params.project_root, notebooks_dir)
    kernel = kernel_name()
    progress = _Progress(len(nbs), params.scenario.name, quiet)
    infos: dict[str, dict] = {}
    params_path = Path(path).resolve()
    body = [nb for nb in nbs if nb.stem != SUMMARY]
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        futures = {pool.submit(_execute, nb, partial, params_path, lang, kernel): nb for nb in body}
        progress.current(", ".join(nb.stem for nb in body[:jobs]))
        for fut in as_completed(futures):
            info = fut.result()
            infos[info["name"]] = info
            progress.done(info)
        for nb in nbs:
            if nb.stem == SUMMARY:
                progress.current(nb.stem)
                info = _execute(nb, partial, params_path, lang, kernel)
                infos[info["name"]] = info
                progress.done(info)
    except BaseException:
        # Ctrl-C / kill: never wait for running notebooks, mark the unfinished run, leave earlier runs alone
        pool.shutdown(wait=False, cancel_futures=True)
        progress.close()
        try:
            os.rename(partial, scenario_dir / partial.name.replace(".partial-", ".interrupted-", 1))
        except OSError:
            pass
        raise
    pool.shutdown(wait=True)
    progress.close()
    ordered = [infos[nb.stem] for nb in sorted(nbs)]
    period, source = describe_data(dataset, params, lang)
    meta = i18n.t("page_meta", lang, period=period, source=source)
    for info in ordered:
        info["title"] = i18n.t(f"nb_{info['name']}", lang) if f"nb_{info['name']}" in i18n.TEXT else info["name"]
        executed = partial / info["executed"]
        if executed.is_file():
            try:
                export_html(executed, partial / info["html"], lang, params.scenario.title, dataset.is_synthetic, meta)
            except Exception as exc:  # a broken page must not hide the others
                info.update(status="failed", error=f"HTML export: {type(exc).__name__}: {exc}"[:500])
    run_date = datetime.now().strftime("%Y-%m-%d %H:%M")
    index = render_index(partial, lang=lang, params=params, dataset=dataset, notebooks=ordered, run_date=run_date)
    finished = datetime.now().astimezone().isoformat(timespec="seconds")
    manifest = build_manifest(params, dataset, run_id=run_id, lang=lang, started=started, finished=finished,
                              notebooks=ordered, command=sys.argv)
    (partial / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False, default=str),
                                           encoding="utf-8")
    from .excel import export_workbook

    export_workbook(partial, partial / f"{params.scenario.name}.xlsx")
    final = _publish(partial, scenario_dir, run_id)
    return ScenarioResult(params.scenario.name, final, final / index.name, ordered)


def _resolved_yaml(params) -> str:
    import yaml

    head = "# Resolved params of this run (extends applied, defaults filled in). Rerun: evalkit rerun manifest.json\n"
    return head + yaml.safe_dump(params.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def _publish(partial: Path, scenario_dir: Path, run_id: str) -> Path:
    """Move the finished run into place (never over an existing run) and repoint ``latest``."""
    final, n = scenario_dir / run_id, 1
    while True:
        try:
            os.rename(partial, final)
            break
        except OSError:
            if not final.exists():
                raise
            n += 1
            final = scenario_dir / f"{run_id}-{n}"
    tmp_link = scenario_dir / f".latest-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(final.name, tmp_link)
    os.replace(tmp_link, scenario_dir / "latest")
    return final


def run(paths, *, jobs: int = 1, lang: str | None = None, outputs: str | Path = "outputs",
        notebooks_dir=None, quiet: bool = False) -> RunResult:
    """Render the report of every params file in ``paths`` (see the module docstring)."""
    logging.getLogger("papermill").setLevel(logging.WARNING)
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if lang not in (None, "id", "en"):
        raise ParamsError([Problem("command line", "option --lang", repr(lang), "allowed: id, en")])
    checked = validate_all(list(paths))
    outputs = Path(outputs).resolve()
    notebooks_dir = Path(notebooks_dir).resolve() if notebooks_dir else None
    results = []
    for path, params, dataset in checked:
        try:
            results.append(run_scenario(path.resolve(), params, dataset, outputs=outputs,
                                        lang=lang or params.report.language, jobs=jobs, notebooks_dir=notebooks_dir,
                                        quiet=quiet))
        except Exception as exc:  # one broken scenario must not stop the others
            results.append(ScenarioResult(params.scenario.name, None, None,
                                          [{"name": "(scenario)", "status": "failed", "seconds": 0,
                                            "error": f"{type(exc).__name__}: {exc}"[:500]}]))
    comparison = None
    if len(results) > 1:
        from .compare import write_comparison

        comparison = write_comparison(results, outputs, lang or checked[0][1].report.language)
    return RunResult(results, comparison)


__all__ = ["run", "RunResult", "ScenarioResult", "find_notebooks", "validate_all", "__version__"]
