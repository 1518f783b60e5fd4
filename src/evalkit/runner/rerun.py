"""``evalkit rerun outputs/<scenario>/<run>/manifest.json``: reproduce a run and report differences.

The manifest holds the resolved params (``extends`` applied, defaults filled, data paths relative to the
project root). They are written to a temporary params file under ``outputs/.rerun/``, rendered again,
and the new run is compared with the old: params hash, data hashes, package versions, git commit,
and every result table byte by byte. Nothing is taken from the cache: every notebook and table is computed
again. Exit 0 when all tables are identical, 1 otherwise.
"""
from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import yaml

from ..core.paths import project_root
from ..errors import EvalkitError
from ..params.loader import PATH_KEYS
from .run import run


def rerun(manifest_path: str | Path, jobs: int | None = None, quiet: bool = False) -> int:
    manifest_path = Path(manifest_path).resolve()
    if not manifest_path.is_file():
        raise EvalkitError(f"{manifest_path}: the manifest does not exist")
    try:
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
        resolved = old["params"]["resolved"]
    except (json.JSONDecodeError, KeyError) as exc:
        raise EvalkitError(f"{manifest_path}: not an evalkit manifest ({exc})")
    old_run = manifest_path.parent
    outputs = old_run.parent.parent
    root = project_root(outputs)
    tmp = outputs / ".rerun" / datetime.now().strftime("%Y%m%d-%H%M%S-") / str(os.getpid())
    tmp.mkdir(parents=True)
    try:
        for keys in PATH_KEYS:  # root-relative → relative to the temporary params file
            node = resolved
            for k in keys[:-1]:
                node = node.get(k, {})
            if isinstance(node.get(keys[-1]), str):
                node[keys[-1]] = os.path.relpath(root / node[keys[-1]], tmp)
        params_file = tmp / f"{resolved['scenario']['name']}.yaml"
        params_file.write_text(yaml.safe_dump(resolved, sort_keys=False, allow_unicode=True), encoding="utf-8")
        cache_setting = os.environ.get("EVALKIT_CACHE")
        os.environ["EVALKIT_CACHE"] = "off"  # a rerun reproduces: every table is computed again
        try:
            result = run([params_file], jobs=jobs, lang=old.get("lang"), outputs=outputs, quiet=quiet)
        finally:
            if cache_setting is None:
                os.environ.pop("EVALKIT_CACHE", None)
            else:
                os.environ["EVALKIT_CACHE"] = cache_setting
    finally:
        shutil.rmtree(outputs / ".rerun", ignore_errors=True)
    new_run = result.scenarios[0].run_dir
    new = json.loads((new_run / "manifest.json").read_text(encoding="utf-8"))
    return report_differences(old, new, old_run, new_run)


def compare_tables(old_run: Path, new_run: Path) -> list[str]:
    old_t = {p.name: p.read_bytes() for p in sorted((old_run / "tables").glob("*.csv"))}
    new_t = {p.name: p.read_bytes() for p in sorted((new_run / "tables").glob("*.csv"))}
    diffs = [f"table {n}: only in the old run" for n in sorted(set(old_t) - set(new_t))]
    diffs += [f"table {n}: only in the new run" for n in sorted(set(new_t) - set(old_t))]
    diffs += [f"table {n}: contents differ" for n in sorted(set(old_t) & set(new_t)) if old_t[n] != new_t[n]]
    return diffs


def report_differences(old: dict, new: dict, old_run: Path, new_run: Path) -> int:
    lines = [f"old run: {old_run}", f"new run: {new_run}"]
    same = lambda a, b: "same" if a == b else f"DIFFERENT ({a} → {b})"  # noqa: E731
    lines.append(f"params hash: {same(old['params']['hash'], new['params']['hash'])}")
    lines.append(f"data hash:   {same(old['data']['panel_sha256'], new['data']['panel_sha256'])}")
    lines.append(f"git commit:  {same(old['git'].get('commit'), new['git'].get('commit'))}")
    pk = [f"{k} {old['packages'].get(k)} → {v}" for k, v in new["packages"].items() if old["packages"].get(k) != v]
    lines.append("packages:    " + ("same" if not pk else "; ".join(pk)))
    diffs = compare_tables(old_run, new_run)
    lines.append("tables:      " + ("all identical" if not diffs else f"{len(diffs)} differ"))
    lines += ["  " + d for d in diffs]
    print("\n".join(lines))
    return 0 if not diffs and old["params"]["hash"] == new["params"]["hash"] else 1
