"""Run provenance: everything needed to rerun a report exactly."""

from __future__ import annotations

import platform
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.markers import Marker
from packaging.utils import canonicalize_name

from ..core.hashing import sha256_file, sha256_text
from ..core.version import __version__
from ..params import params_hash
from ..report.provenance import params_notes

if TYPE_CHECKING:
    from ..params.schema import Params

PACKAGES = (
    "evalkit",
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "pydantic",
    "pyyaml",
    "openpyxl",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "jinja2",
)


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


#: The lock files of the evalkit checkout (``make lock``): ``run.txt`` is what a report needs, ``dev.txt`` adds
#: the test and bench extras at the same versions.
LOCK_DIR = Path(__file__).resolve().parents[3] / "lock"
RUN_LOCK = LOCK_DIR / "run.txt"
DEV_LOCK = LOCK_DIR / "dev.txt"
#: ``name==version ; marker`` at the start of a line of a hashed requirements lock.
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?\s*$")


def locked_versions(lock: Path) -> dict[str, str]:
    """``{canonical name: version}`` of the lock's pins whose environment marker holds on this interpreter."""
    pins: dict[str, str] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        m = _PIN.match(line)
        if m and (m.group(3) is None or Marker(m.group(3)).evaluate()):
            pins[canonicalize_name(m.group(1))] = m.group(2)
    return pins


def lock_differences(lock: Path = RUN_LOCK) -> list[str]:
    """How the installed environment differs from ``lock``: ``name installed X, locked Y`` (or not installed)."""
    out = []
    for name, version in sorted(locked_versions(lock).items()):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "not installed"
        if installed != version:
            out.append(f"{name} {installed} (locked {version})")
    return out


def environment_state(lock: Path = RUN_LOCK) -> dict:
    """The lock a report's environment was installed from (SHA-256) and whether the installed packages equal it.

    ``lock_sha256`` is None when evalkit does not run from a checkout with a lock (an installed wheel)."""
    if not lock.is_file():
        return {"lock": None, "lock_sha256": None, "matches_lock": None, "differences": []}
    diffs = lock_differences(lock)
    return {
        "lock": f"{lock.parent.name}/{lock.name}",
        "lock_sha256": sha256_file(lock),
        "matches_lock": not diffs,
        "differences": diffs[:50],
    }


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


def build_manifest(
    params: Params,
    dataset,
    *,
    run_id: str,
    lang: str,
    started: str,
    finished: str,
    notebooks: list[dict],
    command: list[str],
) -> dict:
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
        "params": {
            "hash": params_hash(params),
            "files": files,
            "resolved": params.model_dump(mode="json"),
            "notes": params_notes(params),
        },  # the source notes beside each value: a rerun shows the same
        "data": {
            "synthetic": dataset.is_synthetic,
            "panel_sha256": data_hash(dataset),
            "files": dataset.files,
            "rows": int(len(dataset.panel)),
        },
        "packages": package_versions(),
        "environment": environment_state(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "git": git_state(params.project_root),
        "notebooks": notebooks,
    }
