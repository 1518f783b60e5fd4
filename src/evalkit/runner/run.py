"""Batch runner: params → papermill → HTML, written atomically under ``outputs/<scenario>/<run>/``.

Order of work for every call:

1. validate every params file and every data file (nothing is written when any is wrong);
2. per scenario, create ``outputs/<scenario>/.partial-<run>-<pid>/``;
3. run the notebooks of every scenario on one bounded pool of ``jobs`` workers (default: the
   machine's cores). Each worker keeps one warm kernel (:mod:`evalkit.runner.kernels`) and runs
   notebook after notebook on it. A scenario's ``01``–``04`` run in parallel, except that a notebook
   declaring ``evalkit.after`` (03 reads 02's result table) waits for those; its ``00-summary`` (which
   reads their results) runs as soon as they are done, ahead of later scenarios' notebooks;
4. render each notebook to HTML in this process as soon as it is done (one nbconvert exporter for the
   whole call); when a scenario's notebooks are all done, write ``index.html``, ``manifest.json`` and the
   Excel workbook, rename the folder to ``outputs/<scenario>/<run>/`` and only then point ``latest`` at it.

Notebooks that declare the params they read (``evalkit.uses``) are not executed again when nothing they
depend on changed: their outputs are copied from the cache (:mod:`evalkit.runner.reuse`).

An interrupted run leaves its ``.partial-*`` folders (renamed ``.interrupted-*``, never picked up as
``latest``), stops its kernels and never touches earlier runs. A failing notebook is reported in the
index and the exit status while the others still render; its executed notebook is kept under
``notebooks/`` for debugging.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import queue
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import papermill as pm

from ..core import cache
from ..core.publish import clean_stale, point_latest, probe_writable, publish_unique
from ..core.version import __version__
from ..data.dataset import Dataset
from ..errors import EvalkitError, OutputsError, ParamsError, Problem
from ..params.schema import Params
from ..report import i18n
from ..report.compare import write_comparison
from ..report.excel import export_workbook
from ..report.html import (
    describe_data,
    export_html,
    html_exporter,
    render_brief,
    render_glossary,
    render_index,
    render_run_details,
    render_runs_index,
    scenario_title,
    site_pages,
)
from . import reuse
from .kernels import WarmKernel, execute
from .manifest import build_manifest, data_hash
from .validate import validate_all

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


class _Progress:
    """Notebooks done / total, current notebook, elapsed time (tqdm bar on stderr)."""

    def __init__(self, total: int, scenario: str, quiet: bool):
        from tqdm import tqdm

        self.bar = tqdm(
            total=total,
            desc=scenario,
            unit="nb",
            file=sys.stderr,
            disable=quiet,
            bar_format="{desc}: {n_fmt}/{total_fmt} notebooks |{bar:20}| {elapsed}{postfix}",
        )

    def done(self, prefix: str, info: dict) -> None:
        self.bar.update(1)
        how = "reused" if info.get("reused") else f"{info['seconds']} s"
        self.bar.set_postfix_str(f"{prefix}{info['name']} {info['status']} ({how})")

    def close(self) -> None:
        self.bar.close()


#: Set by the command line's signal handler: a stop asked for by Ctrl-C or ``kill`` is seen by the main loop
#: even if a library the main thread was in at that moment swallowed the KeyboardInterrupt.
STOP_REQUESTED = threading.Event()


def install_sigterm() -> None:
    """Make ``kill`` (SIGTERM) and Ctrl-C (SIGINT) stop a command-line run cleanly; the CLI calls this,
    library users need not."""

    def handler(signum, frame):  # turn `kill` into the same clean stop as Ctrl-C, and remember it
        STOP_REQUESTED.set()
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)
    except ValueError:  # not in the main thread
        pass


@dataclass
class _Scenario:
    """One scenario of a run while its notebooks execute."""

    index: int
    path: Path
    params: Params
    dataset: Dataset
    lang: str
    notebooks: list[Path]
    partial: Path
    run_id: str
    started: str
    infos: dict = field(default_factory=dict)
    submitted: set = field(default_factory=set)
    result: ScenarioResult | None = None

    @functools.cached_property
    def panel_hash(self) -> str:
        """The data's content hash, computed once per scenario (it keys every reused notebook)."""
        return data_hash(self.dataset)

    @property
    def body(self) -> list[Path]:
        return [nb for nb in self.notebooks if nb.stem != SUMMARY]

    @property
    def summary(self) -> list[Path]:
        return [nb for nb in self.notebooks if nb.stem == SUMMARY]

    def ready(self) -> list[Path]:
        """Notebooks not yet submitted whose prerequisites are done: ``00-summary`` waits for every other
        notebook, a notebook declaring ``evalkit.after`` for those it names. When nothing runs and nothing is
        ready (a declaration naming itself in a loop), the rest is released rather than waiting forever."""
        stems = {nb.stem for nb in self.notebooks}
        body = {nb.stem for nb in self.body}

        def prerequisites(nb: Path) -> set[str]:
            return body if nb.stem == SUMMARY else set(reuse.declared_after(nb)) & stems - {nb.stem}

        waiting = [nb for nb in self.notebooks if nb.stem not in self.submitted]
        ready = [nb for nb in waiting if prerequisites(nb) <= set(self.infos)]
        if not ready and waiting and len(self.submitted) == len(self.infos):
            ready = waiting
        self.submitted.update(nb.stem for nb in ready)
        return ready


def _open_scenario(
    index: int, path: Path, params: Params, dataset, *, outputs: Path, lang: str, run_id: str, notebooks_dir
) -> _Scenario:
    started = datetime.now().astimezone().isoformat(timespec="seconds")
    scenario_dir = outputs / params.scenario.name
    scenario_dir.mkdir(parents=True, exist_ok=True)
    partial = scenario_dir / f".partial-{run_id}-{os.getpid()}"
    partial.mkdir()
    (partial / "notebooks").mkdir()
    (partial / "params.resolved.yaml").write_text(_resolved_yaml(params), encoding="utf-8")
    return _Scenario(
        index, path, params, dataset, lang, find_notebooks(params.project_root, notebooks_dir), partial, run_id, started
    )


def _execute(sc: _Scenario, nb: Path, kernel: str, warm) -> dict:
    """Run one notebook of a scenario, or reuse its outputs (:mod:`evalkit.runner.reuse`); never raises
    (a failure is reported in the returned info)."""
    t0 = time.monotonic()
    info = {
        "name": nb.stem,
        "status": "ok",
        "error": None,
        "executed": f"notebooks/{nb.name}",
        "html": f"{nb.stem}.html",
        "title": "",
        "reused": False,
    }
    root = sc.params.project_root
    try:
        uses = reuse.declared_uses(nb)
        name = reuse.key(nb, sc.params, sc.panel_hash, sc.lang, uses) if uses is not None and cache.enabled() else None
        with reuse.claimed(root, name):
            if name is not None and reuse.restore(root, name, sc.partial, nb.stem, sc.path):
                info["reused"] = True
            else:
                execute(
                    nb,
                    sc.partial / "notebooks" / nb.name,
                    {"params_path": str(sc.path), "output_dir": str(sc.partial), "lang": sc.lang, "uses": uses},
                    kernel,
                    warm,
                )
                if name is not None:
                    reuse.store(root, name, sc.partial, nb.stem, sc.path)
    except pm.PapermillExecutionError as exc:
        info.update(status="failed", error=f"{exc.ename}: {exc.evalue}".strip()[:500])
    except Exception as exc:  # kernel died, notebook unreadable …: report, keep going
        info.update(status="failed", error=f"{type(exc).__name__}: {exc}"[:500])
    info["seconds"] = round(time.monotonic() - t0, 1)  # type: ignore[assignment]
    return info


class _Pool:
    """``jobs`` worker threads, each with its own warm kernel (or a new kernel per notebook with
    ``fresh``), taking notebooks from one priority queue: lower scenario index first."""

    STOP = float("inf")

    def __init__(self, jobs: int, kernel: str, fresh: bool):

        self.tasks: queue.PriorityQueue = queue.PriorityQueue()
        self.done: queue.Queue = queue.Queue()
        self.kernels = [None if fresh else WarmKernel(kernel) for _ in range(jobs)]
        self.kernel = kernel
        self._seq = 0
        self.threads = [
            threading.Thread(target=self._work, args=(k,), daemon=True, name=f"evalkit-worker-{i}")
            for i, k in enumerate(self.kernels)
        ]
        for t in self.threads:
            t.start()

    def submit(self, sc: _Scenario, nb: Path) -> None:
        self._seq += 1
        self.tasks.put((sc.index, self._seq, sc, nb))

    def _work(self, warm) -> None:
        try:
            if warm is not None:
                try:  # warm up while the first notebooks are still being checked or reused
                    warm.boot()
                except Exception:  # reported by the first notebook that needs this kernel
                    pass
            while True:
                _, _, sc, nb = self.tasks.get()
                if sc is None:
                    return
                self.done.put((sc, _execute(sc, nb, self.kernel, warm)))
        finally:
            if warm is not None:
                warm.shutdown()

    def next_done(self):
        """The next finished (scenario, info); waits in short steps so Ctrl-C is seen at once."""

        while True:
            if STOP_REQUESTED.is_set():
                raise KeyboardInterrupt
            try:
                return self.done.get(timeout=0.2)
            except queue.Empty:
                continue

    def close(self) -> None:
        """Let the workers finish their kernels and stop."""
        for _ in self.threads:
            self._seq += 1
            self.tasks.put((self.STOP, self._seq, None, None))
        for t in self.threads:
            t.join(timeout=30)

    def kill(self) -> None:
        """Interrupted: stop every kernel now, do not wait for running notebooks."""
        for k in self.kernels:
            if k is not None:
                k.kill()


def _export_page(sc: _Scenario, info: dict) -> None:
    """The HTML page of one executed notebook (done as soon as it finishes, while others still run)."""
    period, source = describe_data(sc.dataset, sc.params, sc.lang)
    meta = i18n.t("page_meta", sc.lang, period=period, source=source)
    key = f"nb_{info['name']}"
    info["title"] = i18n.t(key, sc.lang) if key in i18n.TEXT else info["name"]
    executed = sc.partial / info["executed"]
    if executed.is_file():
        try:
            export_html(
                executed,
                sc.partial / info["html"],
                sc.lang,
                scenario_title(sc.params, sc.lang),
                sc.dataset.is_synthetic,
                meta,
                site_pages([nb.stem for nb in sc.notebooks], sc.lang),
            )
        except Exception as exc:  # a broken page must not hide the others
            info.update(status="failed", error=f"HTML export: {type(exc).__name__}: {exc}"[:500])


def _finish(sc: _Scenario) -> ScenarioResult:
    """Index, manifest and workbook of a scenario whose notebooks and pages are done; then publish."""
    params, dataset, partial = sc.params, sc.dataset, sc.partial
    ordered = [sc.infos[nb.stem] for nb in sorted(sc.notebooks)]
    run_date = datetime.now().strftime("%Y-%m-%d %H:%M")
    index = render_index(partial, lang=sc.lang, params=params, dataset=dataset, notebooks=ordered, run_date=run_date)
    pages: dict = dict(lang=sc.lang, params=params, synthetic=dataset.is_synthetic, notebooks=ordered)
    render_brief(partial, **pages)
    render_glossary(partial, **pages)
    finished = datetime.now().astimezone().isoformat(timespec="seconds")
    manifest = build_manifest(
        params,
        dataset,
        run_id=sc.run_id,
        lang=sc.lang,
        started=sc.started,
        finished=finished,
        notebooks=ordered,
        command=sys.argv,
    )
    (partial / "manifest.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False, default=str), encoding="utf-8"
    )
    render_run_details(partial, manifest=manifest, **pages)
    export_workbook(partial, partial / f"{params.scenario.name}.xlsx", sc.lang)
    ok = manifest["status"] == "ok"
    final = _publish(partial, partial.parent, sc.run_id if ok else f"{sc.run_id}-failed", latest=ok)
    render_runs_index(partial.parent, sc.lang, scenario_title(params, sc.lang))
    return ScenarioResult(params.scenario.name, final, final / index.name, ordered)


def _prepare_finishing() -> None:
    """Build what :func:`_finish` needs (nbconvert templates, openpyxl) before the first scenario is done."""
    import openpyxl  # noqa: F401

    html_exporter()


def _interrupted(scenarios: list[_Scenario]) -> None:
    """Mark every unpublished run folder of this call as interrupted."""
    for sc in scenarios:
        if sc.result is None and sc.partial.exists():
            try:
                os.rename(sc.partial, sc.partial.with_name(sc.partial.name.replace(".partial-", ".interrupted-", 1)))
            except OSError:
                pass


def _resolved_yaml(params: Params) -> str:
    import yaml

    head = "# Resolved params of this run (extends applied, defaults filled in). Rerun: evalkit rerun manifest.json\n"
    return head + yaml.safe_dump(params.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def _publish(partial: Path, scenario_dir: Path, name: str, latest: bool) -> Path:
    """Move the finished run into place (never over an existing run); repoint ``latest`` at it only when
    every notebook succeeded (a failed run is kept as ``<run>-failed`` and listed, never ``latest``)."""
    final = publish_unique(partial, scenario_dir, name)
    if latest:
        point_latest(scenario_dir, final)
    return final


def check_outputs(outputs: Path, scenarios: list[str]) -> None:
    """Refuse, before any work, an outputs folder a run cannot be written to (read-only, full disk, not a
    folder) and a ``latest`` that is not a link; then remove unfinished folders older than a day."""
    problems = []
    for folder in [outputs, *(outputs / name for name in scenarios)]:
        try:
            probe_writable(folder)
        except OSError as exc:
            problems.append(
                Problem(
                    str(folder),
                    "outputs folder",
                    "",
                    f"a run cannot be written there ({exc.strerror or exc}); choose another folder with "
                    "--outputs, or fix its permissions or free disk space",
                )
            )
            break
    for name in scenarios:
        latest = outputs / name / "latest"
        if (latest.exists() or latest.is_symlink()) and not latest.is_symlink():
            what = "a folder" if latest.is_dir() else "a file"
            problems.append(
                Problem(
                    str(latest),
                    "latest",
                    "",
                    f"is {what}, not the link to the newest run evalkit keeps there; move it away "
                    f"(e.g. mv {latest} {latest}-old) and run again",
                )
            )
    if problems:
        raise OutputsError(problems)
    for folder in [*(outputs / name for name in scenarios), outputs / "compare"]:
        removed = clean_stale(folder)
        if removed:
            print(
                f"Removed {len(removed)} unfinished run folder(s) older than a day from {folder}: "
                + ", ".join(removed),
                file=sys.stderr,
            )


def default_jobs() -> int:
    """Notebooks run in parallel by default: the CPU cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def run(
    paths,
    *,
    jobs: int | None = None,
    lang: str | None = None,
    outputs: str | Path = "outputs",
    notebooks_dir=None,
    quiet: bool = False,
    fresh_kernels: bool = False,
    checked=None,
) -> RunResult:
    """Render the report of every params file in ``paths`` (see the module docstring).

    ``jobs``: notebooks run at once (default :func:`default_jobs`); ``fresh_kernels``: a new kernel for
    every notebook instead of warm kernels reused across notebooks and scenarios.
    """
    logging.getLogger("papermill").setLevel(logging.WARNING)
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if lang not in (None, "id", "en"):
        raise ParamsError([Problem("command line", "option --lang", repr(lang), "allowed: id, en")])
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise ParamsError([Problem("command line", "option --jobs", repr(jobs), "allowed: 1 or more")])
    checked = validate_all(list(paths)) if checked is None else checked  # the CLI has checked them already
    outputs = Path(outputs).resolve()
    check_outputs(outputs, [params.scenario.name for _, params, _ in checked])
    notebooks_dir = Path(notebooks_dir).resolve() if notebooks_dir else None
    kernel = kernel_name()
    run_id = _stamp()
    scenarios: list[_Scenario] = []
    failed: dict[int, ScenarioResult] = {}
    for i, (path, params, dataset) in enumerate(checked):
        try:
            scenarios.append(
                _open_scenario(
                    i,
                    path.resolve(),
                    params,
                    dataset,
                    outputs=outputs,
                    lang=lang or params.report.language,
                    run_id=run_id,
                    notebooks_dir=notebooks_dir,
                )
            )
        except Exception as exc:  # one broken scenario must not stop the others
            failed[i] = _failed(params.scenario.name, exc)
    total = sum(len(sc.notebooks) for sc in scenarios)
    label = scenarios[0].params.scenario.name if len(scenarios) == 1 else f"{len(scenarios)} scenarios"
    progress = _Progress(total, label, quiet)
    # no pool without notebooks (the loops below then never touch it)
    pool: _Pool = _Pool(max(1, min(jobs, total)), kernel, fresh_kernels) if total else None  # type: ignore[assignment]
    try:
        for sc in scenarios:
            for nb in sc.ready():
                pool.submit(sc, nb)
        _prepare_finishing()  # while the kernels work: the HTML exporter and Excel writer are then ready
        for _ in range(total):
            sc, info = pool.next_done()
            sc.infos[info["name"]] = info
            progress.done(f"{sc.params.scenario.name}/" if len(scenarios) > 1 else "", info)
            _export_page(sc, info)
            for nb in sc.ready():  # notebooks waiting for this one; ahead of later scenarios' notebooks
                pool.submit(sc, nb)
            if len(sc.infos) == len(sc.notebooks):
                try:
                    sc.result = _finish(sc)
                except Exception as exc:  # one broken scenario must not stop the others
                    sc.result = _failed(sc.params.scenario.name, exc)
    except BaseException:
        # Ctrl-C / kill: never wait for running notebooks, mark the unfinished runs, leave earlier runs alone
        if pool is not None:
            pool.kill()
        progress.close()
        _interrupted(scenarios)
        raise
    if pool is not None:
        pool.close()
    progress.close()
    results = [failed.get(i) or next(sc.result for sc in scenarios if sc.index == i) for i in range(len(checked))]
    comparison = None
    if len(results) > 1:
        comparison = write_comparison(results, outputs, lang or checked[0][1].report.language)
    return RunResult(results, comparison)  # type: ignore[arg-type]  # every index has a result by now


def _failed(name: str, exc: Exception) -> ScenarioResult:
    return ScenarioResult(
        name,
        None,
        None,
        [{"name": "(scenario)", "status": "failed", "seconds": 0, "error": f"{type(exc).__name__}: {exc}"[:500]}],
    )


__all__ = ["run", "RunResult", "ScenarioResult", "find_notebooks", "validate_all", "__version__"]
