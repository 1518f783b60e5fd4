"""Warm kernels: a notebook never sees what the previous one left in the kernel; a dead kernel is replaced."""

from __future__ import annotations

import json

import nbformat
import pytest

from .conftest import make_project, newest_run, run_cli

PARAMS = nbformat.v4.new_code_cell(
    "params_path = None\noutput_dir = None\nlang = None", metadata={"tags": ["parameters"]}
)

DIRTY = """
import os, warnings
import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
leak = 42
pd.set_option("display.max_rows", 3)
matplotlib.rcParams["font.size"] = 31
os.environ["EVALKIT_LEAK"] = "1"
os.chdir("/")
warnings.simplefilter("error")
plt.figure()
"""

STATE = """
user = sorted(k for k in globals() if not k.startswith("_") and k not in
              {"In", "Out", "get_ipython", "exit", "quit", "open", "params_path", "output_dir", "lang", "uses"})
import json, os, warnings
import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
print(json.dumps({"names": user, "max_rows": pd.get_option("display.max_rows"),
                  "font_size": matplotlib.rcParams["font.size"], "leak_env": os.environ.get("EVALKIT_LEAK"),
                  "cwd": os.getcwd(), "figures": len(plt.get_fignums()),
                  "error_filter": any(f[0] == "error" and f[2] is Warning for f in warnings.filters),
                  "count": get_ipython().execution_count}))
"""


def notebooks(folder, first: str):
    folder.mkdir()
    for name, code in (("01-first", first), ("02-state", STATE)):
        nb = nbformat.v4.new_notebook(
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
        )
        nb.cells = [PARAMS, nbformat.v4.new_code_cell(code)]
        nbformat.write(nb, folder / f"{name}.ipynb")


def state(project) -> dict:
    nb = nbformat.read(newest_run(project / "outputs" / "default") / "notebooks" / "02-state.ipynb", as_version=4)
    return json.loads(nb.cells[-1].outputs[0]["text"])


@pytest.mark.e2e
def test_warm_kernel_state_equals_a_new_kernel(tmp_path):
    fresh, warm = tmp_path / "fresh", tmp_path / "warm"
    for project in (fresh, warm):
        project.mkdir()
        make_project(project, notebooks=False)
        notebooks(project / "nbs", DIRTY)
    a = run_cli(fresh, "params/default.yaml", "--notebooks", "nbs", "--jobs", "1", "--fresh-kernels")
    b = run_cli(warm, "params/default.yaml", "--notebooks", "nbs", "--jobs", "1")  # one kernel runs both
    assert a.returncode == 0 and b.returncode == 0, a.stderr[-2000:] + b.stderr[-2000:]
    new, reused = state(fresh), state(warm)
    assert reused["names"] == new["names"] and "leak" not in reused["names"]
    assert reused["max_rows"] == new["max_rows"] == 60 and reused["font_size"] == new["font_size"] != 31
    assert reused["leak_env"] is None and reused["cwd"] == str(warm) and new["cwd"] == str(fresh)
    # warning filters as after the warm-up (imports may add their own filters, as they would in the notebook)
    assert reused["figures"] == 0 and not reused["error_filter"] and reused["count"] == new["count"]


@pytest.mark.e2e
def test_a_dead_kernel_is_replaced_for_the_next_notebook(tmp_path):
    (tmp_path / "p").mkdir()
    project = make_project(tmp_path / "p", notebooks=False)
    notebooks(project / "nbs", "import os\nos._exit(3)")
    proc = run_cli(project, "params/default.yaml", "--notebooks", "nbs", "--jobs", "1")
    assert proc.returncode == 1
    run = newest_run(project / "outputs" / "default")
    assert run.name.endswith("-failed")  # a run with a failed notebook is kept, marked, never `latest`
    manifest = json.loads((run / "manifest.json").read_text())
    status = {n["name"]: n["status"] for n in manifest["notebooks"]}
    assert status == {"01-first": "failed", "02-state": "ok"}
    assert state(project)["names"] == []
