"""Reuse a notebook's outputs from an earlier run when nothing it depends on has changed.

A planner who changes one budget number, or a sweep of ten budget scenarios, should not wait for the
coverage evaluation, the data-quality checks and the scorecard to be recomputed: their inputs did not
change. A notebook opts in by declaring the params it reads in its metadata (``evalkit.uses``, see
:mod:`evalkit.params.restrict`, which makes any undeclared read fail). Its outputs — the executed
notebook, its tables, figures and results — are then stored in the cache (:mod:`evalkit.cache`) under a
key made of:

* the notebook file's bytes;
* the values of the declared params keys;
* the data: the panel's content hash and the SHA-256 of every input file the params name;
* the report language and the fingerprint of the hashing salt;
* evalkit's code (every file of the installed package) and the versions of the numerical libraries.

The next run with the same key copies those outputs into its own run folder instead of executing the
notebook (the HTML page is still rendered for the new scenario); two runs needing the same key at once
wait for one another instead of both computing. ``evalkit run --no-cache`` and ``evalkit rerun`` always
execute everything. Notebooks without ``evalkit.uses`` (here ``03`` budget and ``00`` summary) always run.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata as md
import json
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..core import cache
from ..core.publish import publish_entry
from ..params.restrict import used_values

if TYPE_CHECKING:
    from ..params.schema import Params

LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "seaborn", "duckdb", "pyarrow")


def _evalkit_metadata(nb_path: Path) -> dict:
    try:
        meta = json.loads(Path(nb_path).read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        return {}
    found = meta.get("evalkit", {})
    return found if isinstance(found, dict) else {}


def declared_uses(nb_path: Path) -> list[str] | None:
    """The notebook's ``metadata.evalkit.uses`` (``None``: not declared, never reused)."""
    uses = _evalkit_metadata(nb_path).get("uses")
    return list(uses) if isinstance(uses, list) else None


def declared_after(nb_path: Path) -> list[str]:
    """The notebooks this one reads results of (``metadata.evalkit.after``): it runs once they are done."""
    after = _evalkit_metadata(nb_path).get("after")
    return [str(a) for a in after] if isinstance(after, list) else []


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 of every file of the evalkit package and of the numerical libraries' versions."""

    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(sys.version.encode())
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    for lib in LIBRARIES:
        try:
            h.update(f"{lib}={md.version(lib)}".encode())
        except md.PackageNotFoundError:
            pass
    return h.hexdigest()


def input_files(params: Params) -> dict[str, str]:
    """SHA-256 of every data file the params name (``params.data.named_files``)."""
    return {name: cache.file_digest(params.project_root / name) for name in params.data.named_files}


def key(nb_path: Path, params: Params, panel_hash: str, lang: str, uses: list[str]) -> str:
    """The cache entry name of a notebook's outputs; ``panel_hash``: :func:`manifest.data_hash` of the data."""
    parts = {
        "notebook": hashlib.sha256(Path(nb_path).read_bytes()).hexdigest(),
        "name": Path(nb_path).stem,
        "uses": used_values(params, uses),
        "panel": panel_hash,
        "files": input_files(params),
        "lang": lang,
        "salt": cache.salt_fingerprint(),
        "code": code_fingerprint(),
    }
    return cache.key_of("notebook", parts)


def _outputs(run_dir: Path, stem: str) -> list[Path]:
    """The files one notebook writes into a run folder (see :class:`evalkit.report.notebook.Context`)."""
    found = [run_dir / "notebooks" / f"{stem}.ipynb", run_dir / "results" / f"{stem}.json"]
    for folder in ("tables", "figures"):
        found += sorted((run_dir / folder).glob(f"{stem}__*"))
    return [p for p in found if p.is_file()]


def _is_output_path(rel: str) -> bool:
    """A path a notebook writes in its run folder: ``<folder>/<file>`` with folder notebooks, results, tables
    or figures, and nothing that climbs out (``..``, absolute paths)."""
    parts = Path(rel).parts
    return (
        len(parts) == 2
        and parts[0] in ("notebooks", "results", "tables", "figures")
        and parts[1] not in ("..", ".")
        and not Path(rel).is_absolute()
    )


@contextlib.contextmanager
def claimed(project_root: Path, name: str | None):
    """Hold the key while checking, computing and storing it (other runs wait, then reuse)."""
    if name is None:
        yield
        return
    with cache.locked(project_root, name):
        yield


def restore(project_root: Path, name: str, run_dir: Path, stem: str, params_path: Path) -> bool:
    """Copy a stored notebook's outputs into ``run_dir``; False when there is no complete entry."""
    entry = cache.cache_dir(project_root) / name
    meta_file = entry / "meta.json"
    if not meta_file.is_file() or not cache.verify(entry):  # verify reports and deletes a damaged entry
        return False
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if not all(_is_output_path(rel) for rel in meta["files"]):
            raise ValueError("an output outside the run folder")
        for rel in meta["files"]:
            src, dst = entry / "files" / rel, run_dir / rel
            dst.parent.mkdir(exist_ok=True)
            if rel.startswith("notebooks/"):  # the executed notebook names its own run: name this one
                text = src.read_text(encoding="utf-8")
                for old, new in ((meta["run_dir"], str(run_dir)), (meta["params_path"], str(params_path))):
                    text = text.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])
                dst.write_text(text, encoding="utf-8")
            else:
                shutil.copyfile(src, dst)
        return True
    except (OSError, ValueError, KeyError):  # damaged entry: forget it and compute
        shutil.rmtree(entry, ignore_errors=True)
        for rel in _outputs(run_dir, stem):
            rel.unlink(missing_ok=True)
        return False


def store(project_root: Path, name: str, run_dir: Path, stem: str, params_path: Path) -> None:
    """Keep a successful notebook's outputs under ``name`` (errors only mean no reuse later)."""

    def fill(tmp: Path) -> None:
        files = [p.relative_to(run_dir).as_posix() for p in _outputs(run_dir, stem)]
        for rel in files:
            (tmp / "files" / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(run_dir / rel, tmp / "files" / rel)
        (tmp / "meta.json").write_text(
            json.dumps({"files": files, "run_dir": str(run_dir), "params_path": str(params_path)}), encoding="utf-8"
        )
        cache.seal(tmp, name)

    try:
        publish_entry(cache.cache_dir(project_root) / name, fill)
    except OSError:
        pass
