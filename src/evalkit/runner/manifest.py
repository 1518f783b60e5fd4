"""Run provenance: everything needed to rerun a report exactly."""
from __future__ import annotations

import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from ..core.hashing import sha256_file, sha256_text
from ..params import params_hash
from ..core.version import __version__

PACKAGES = ("evalkit", "numpy", "pandas", "scipy", "statsmodels", "matplotlib", "seaborn", "pydantic", "pyyaml",
            "openpyxl", "papermill", "nbconvert", "nbclient", "ipykernel", "jinja2")


def data_hash(dataset) -> str:
    """SHA-256 of the panel as CSV (covers synthetic data, which has no input file)."""
    body = dataset.panel.to_csv(index=False, float_format="%.10g", lineterminator="\n")
    return sha256_text(body)


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_state(root: Path) -> dict:
    """Commit of the project checkout and whether it had uncommitted changes."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10)

    try:
        head = git("rev-parse", "HEAD")
        if head.returncode != 0:
            return {"commit": None, "dirty": None}
        dirty = git("status", "--porcelain", "--untracked-files=no")
        return {"commit": head.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def build_manifest(params, dataset, *, run_id: str, lang: str, started: str, finished: str,
                   notebooks: list[dict], command: list[str]) -> dict:
    files = [{"path": str(p), "sha256": sha256_file(p)} for p in params.files]
    return {
        "evalkit_version": __version__,
        "scenario": params.scenario.name,
        "run_id": run_id,
        "status": "ok" if all(n["status"] == "ok" for n in notebooks) else "failed",
        "started": started,
        "finished": finished,
        "lang": lang,
        "seed": params.seed,
        "command": command,
        "params": {"hash": params_hash(params), "files": files, "resolved": params.model_dump(mode="json")},
        "data": {"synthetic": dataset.is_synthetic, "panel_sha256": data_hash(dataset), "files": dataset.files,
                 "rows": int(len(dataset.panel))},
        "packages": package_versions(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "git": git_state(params.project_root),
        "notebooks": notebooks,
    }
