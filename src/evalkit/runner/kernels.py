"""Warm kernels: Jupyter kernels that run one report notebook after another.

A fresh kernel per notebook (papermill's default) pays for the kernel start and for importing pandas,
matplotlib, scipy, statsmodels and evalkit every time: about 3 s of CPU per notebook, more than most
report notebooks compute. A :class:`WarmKernel` is started once per runner worker, imports those
libraries once (:data:`WARM_IMPORTS`), and then executes notebooks one after another through papermill
(same parameter injection, same error handling, same executed notebook as before).

Isolation between notebooks. Before every notebook after the first, the kernel is put back into the
state it had right after the warm-up (:func:`evalkit.runner.warm_state.restore`): user namespace and
history cleared (``%reset -f`` in a new history session), execution counter back to 1, every figure closed, matplotlib
``rcParams``, pandas options, warning filters, working directory and environment variables restored.
Imported modules stay imported: that is the saving. A test renders the report with warm and with fresh
kernels and requires identical tables. ``evalkit run --fresh-kernels`` gives each notebook its own
new kernel, as papermill does by default.

A kernel that died (crash, ``os._exit``, out of memory) is replaced before the next notebook.

Kernels started by the runner use one BLAS/OpenMP thread (:func:`kernel_env`): the runner already runs
``jobs`` notebooks at once, and OpenBLAS threads of two kernels on two cores spin against each other
(measured on notebook 02: 7.3 s of CPU with the default threads, 5.7 s with one, same wall time).
"""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path
from typing import Any

from traitlets.config import Config

log = logging.getLogger(__name__)

#: Modules every report notebook needs; imported once per kernel.
WARM_IMPORTS = (
    "evalkit.report.notebook",
    "evalkit.runner.warm_state",
    "evalkit.evaluation",
    "evalkit.budget",
    "evalkit.verified_inputs",
    "evalkit.scorecard",
    "evalkit.data.quality",
    "matplotlib.pyplot",
    "seaborn",
)

# CurveZMQ-encrypted kernel traffic where the kernel supports it (also silences ipykernel 7's TCP warning)
KERNEL_CONFIG = {"KernelManager": {"transport_encryption": "auto"}}

# the warm-up leaves the modules imported but no name behind in the user namespace; reset(new_session=True)
# is %reset -f plus a new history session with the execution counter back at 1
WARMUP = "\n".join(
    [f"import {m}" for m in WARM_IMPORTS]
    + ["evalkit.runner.warm_state.snapshot()", "get_ipython().reset(new_session=True)"]
)
RESET = "import evalkit.runner.warm_state\nevalkit.runner.warm_state.restore()\nget_ipython().reset(new_session=True)\n"

_ENGINE = "evalkit"
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def kernel_env() -> dict[str, str]:
    """The environment of a report kernel: this process's, with one BLAS thread unless set by the user."""
    env = dict(os.environ)
    for var in THREAD_VARS:
        env.setdefault(var, "1")
    return env


def _register_engine() -> None:
    """A papermill engine that runs a notebook on a warm kernel it does not own (and leaves it running),
    or, without ``km``, on a new kernel started with :func:`kernel_env`."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            km=None,
            **kwargs,
        ):
            for unused in ("input_path", "timeout", "startup_timeout"):
                kwargs.pop(unused, None)
            client = PapermillNotebookClient(
                nb_man,
                km=km,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logging.getLogger("papermill"),
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            try:
                return client.execute() if km is not None else client.execute(env=kernel_env())
            finally:  # the kernel stays for the next notebook; its client for this one does not
                if client.kc is not None:
                    client.kc.stop_channels()

    if _ENGINE not in papermill_engines._engines:
        papermill_engines.register(_ENGINE, WarmEngine)


class WarmKernel:
    """One kernel, started and warmed on first use, reused for notebook after notebook.

    Use it from one thread only (its asyncio loop belongs to the thread that started it).
    """

    def __init__(self, kernel_name: str):
        self.kernel_name = kernel_name
        self.km: Any = None
        self.used = False

    # -- lifecycle ------------------------------------------------------------------------
    def _start(self) -> None:
        from jupyter_client import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.km = AsyncKernelManager(kernel_name=self.kernel_name, config=Config(KERNEL_CONFIG))
        run_sync(self.km.start_kernel)(env=kernel_env())
        self.used = False
        self._run(WARMUP, "warm-up")

    def _alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def _run(self, code: str, what: str) -> None:
        """Execute ``code`` silently; raise ``RuntimeError`` with the kernel's error if it fails."""
        from jupyter_core.utils import run_sync

        kc = self.km.client()
        kc.start_channels()
        try:
            run_sync(kc.wait_for_ready)(timeout=60)
            reply = run_sync(kc.execute_interactive)(
                code, store_history=False, timeout=120, output_hook=lambda msg: None
            )
        finally:
            kc.stop_channels()
        if reply["content"]["status"] != "ok":
            c = reply["content"]
            raise RuntimeError(f"kernel {what} failed: {c.get('ename')}: {c.get('evalue')}")

    def boot(self) -> None:
        """Start and warm the kernel now (workers do this before their first notebook arrives)."""
        if not self._alive():
            self.shutdown()
            self._start()

    def prepare(self):
        """A kernel manager whose kernel is warm and clean, ready for the next notebook."""
        if self.used and self._alive():
            self._run(RESET, "reset")
        else:
            self.boot()  # not started yet, or died: a new warm kernel
        self.used = True
        return self.km

    def pid(self) -> int | None:
        try:
            return self.km.provisioner.process.pid if self.km is not None else None
        except AttributeError:
            return None

    def kill(self) -> None:
        """Stop the kernel process at once (safe from any thread: a signal, no event loop)."""
        pid = self.pid()
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def shutdown(self) -> None:
        """Shut the kernel down from its own thread and release its ports and files."""
        if self.km is None:
            return
        from jupyter_core.utils import run_sync

        try:
            if self._alive():
                run_sync(self.km.shutdown_kernel)(now=True)
            run_sync(self.km.cleanup_resources)()
        except Exception as exc:  # the kernel is gone either way; never hide the run's own result
            log.debug("kernel shutdown: %s", exc)
            self.kill()
        self.km = None


def execute(nb: Path, out: Path, parameters: dict, kernel_name: str, warm: WarmKernel | None) -> None:
    """Run ``nb`` through papermill into ``out``: on ``warm`` when given, else on a new kernel."""
    import papermill as pm

    common = dict(
        parameters=parameters,
        kernel_name=kernel_name,
        progress_bar=False,
        log_output=False,
        request_save_on_cell_execute=False,
    )  # no cwd=: chdir is process-wide (threads)
    _register_engine()
    if warm is None:
        pm.execute_notebook(str(nb), str(out), engine_name=_ENGINE, config=Config(KERNEL_CONFIG), **common)
    else:
        pm.execute_notebook(str(nb), str(out), engine_name=_ENGINE, km=warm.prepare(), **common)
