"""``evalkit rerun outputs/<scenario>/<run>/manifest.json``: reproduce a run and report differences.

A manifest is input like any other, so it is checked before anything is written: it must lie in the
project's outputs folder (``<project>/outputs/<scenario>/<run>/manifest.json``), hold every key a rerun needs, name the scenario of the folder it
lies in, and its resolved params must pass the params schema and path rules (data inside the project,
never in outputs/). The differences that can be known up front — params hash, data hash, git commit,
package versions — are printed before the run starts. The params are then written to a temporary file
in a private folder under ``<outputs>/.rerun/`` (two reruns at once do not share it), rendered again without the cache, and every result table is compared byte by
byte. Exit 0 when all tables are identical, 1 otherwise, 2 for a manifest that fails a check.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import yaml

from ..core.paths import marked_project_root
from ..data import load_data
from ..errors import ParamsError, Problem
from ..params.loader import PATH_KEYS, validate_mapping
from ..params.schema import Params
from ..report.provenance import NOTES_SUFFIX
from .manifest import data_hash, environment_state, git_state, package_versions, params_hash
from .run import run

MAX_MANIFEST_BYTES = 20_000_000
#: Keys a rerun reads from a manifest.
REQUIRED = (
    ("params", "resolved"),
    ("params", "hash"),
    ("data", "panel_sha256"),
    ("scenario",),
    ("lang",),
    ("git",),
    ("packages",),
)


def _problem(manifest: Path, where: str, allowed: str) -> ParamsError:
    return ParamsError([Problem(str(manifest), where, "", allowed)])


def read_manifest(manifest_path: str | Path) -> tuple[dict, Params, Path]:
    """Check a manifest (see the module docstring) → ``(manifest, validated params, outputs folder)``."""
    manifest = Path(manifest_path).absolute()
    if not manifest.is_file():
        raise _problem(manifest, "file", "the manifest does not exist")
    if manifest.stat().st_size > MAX_MANIFEST_BYTES:
        raise _problem(manifest, "file", f"a manifest is under {MAX_MANIFEST_BYTES:,} bytes")
    try:
        old = json.loads(manifest.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _problem(manifest, "file", "not an evalkit manifest (not JSON text)") from None
    missing = []
    for keys in REQUIRED:
        node = old
        for k in keys:
            node = node.get(k) if isinstance(node, dict) else None
        if node is None:
            missing.append(".".join(keys))
    if missing:
        raise _problem(manifest, "keys " + ", ".join(missing), "missing: not a complete evalkit manifest")
    run_dir = manifest.resolve().parent
    scenario_dir, outputs = run_dir.parent, run_dir.parent.parent
    root = marked_project_root(outputs)
    if root is None or outputs != root / "outputs":  # never docs/ or another folder a rerun would write into
        raise _problem(
            manifest,
            "file",
            "a manifest is rerun where its run lies, in the project's outputs folder "
            "(<project>/outputs/<scenario>/<run>/manifest.json); copy the run back there",
        )
    if not isinstance(old["params"]["resolved"], dict):
        raise _problem(manifest, "key params.resolved", "must be the run's resolved params")
    params = validate_mapping(old["params"]["resolved"], {}, root, str(manifest), base=root)
    if params.scenario.name != scenario_dir.name or old["scenario"] != scenario_dir.name:
        raise _problem(
            manifest, "key scenario", f"the manifest's scenario must be the folder it lies in ({scenario_dir.name!r})"
        )
    if old["lang"] not in ("id", "en"):
        raise _problem(manifest, "key lang", "allowed: id, en")
    return old, params, outputs


def rerun(manifest_path: str | Path, jobs: int | None = None, quiet: bool = False) -> int:
    old, params, outputs = read_manifest(manifest_path)
    old_run = Path(manifest_path).resolve().parent
    before = {
        "params hash": (old["params"]["hash"], params_hash(params)),
        "data hash": (old["data"]["panel_sha256"], data_hash(load_data(params))),
        "git commit": (
            old["git"].get("commit") if isinstance(old["git"], dict) else None,
            git_state(params.project_root)["commit"],
        ),
    }
    packages = package_versions()
    changed = [
        f"{k} {old['packages'].get(k)} → {v}"
        for k, v in packages.items()
        if isinstance(old["packages"], dict) and old["packages"].get(k) != v
    ]
    print(
        "\n".join(
            [f"old run: {old_run}", "before the run:"]
            + [f"  {k + ':':<13}{'same' if a == b else f'DIFFERENT ({a} → {b})'}" for k, (a, b) in before.items()]
            + [
                "  packages:    " + ("same" if not changed else "; ".join(changed)),
                "  environment: " + environment_line(old.get("environment"), environment_state()),
            ]
        ),
        flush=True,
    )
    resolved = params.model_dump(mode="json")
    tmp = outputs / ".rerun" / f"{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}"
    tmp.mkdir(parents=True)
    try:
        for keys in PATH_KEYS:  # root-relative → relative to the temporary params file
            node = resolved
            for k in keys[:-1]:
                node = node.get(k, {})
            if isinstance(node.get(keys[-1]), str):
                node[keys[-1]] = os.path.relpath(params.project_root / node[keys[-1]], tmp)
        params_file = tmp / "params.yaml"
        params_file.write_text(yaml.safe_dump(resolved, sort_keys=False, allow_unicode=True), encoding="utf-8")
        notes = old["params"].get("notes")  # the old run's source notes, shown again beside the same values
        if isinstance(notes, dict):
            params_file.with_name(params_file.name + NOTES_SUFFIX).write_text(
                json.dumps({str(k): str(v) for k, v in notes.items()}, ensure_ascii=False), encoding="utf-8"
            )
        cache_setting = os.environ.get("EVALKIT_CACHE")
        os.environ["EVALKIT_CACHE"] = "off"  # a rerun reproduces: every table is computed again
        try:
            result = run([params_file], jobs=jobs, lang=old["lang"], outputs=outputs, quiet=quiet)
        finally:
            if cache_setting is None:
                os.environ.pop("EVALKIT_CACHE", None)
            else:
                os.environ["EVALKIT_CACHE"] = cache_setting
    finally:  # only this rerun's folder: another rerun may be working beside it
        shutil.rmtree(tmp, ignore_errors=True)
        with contextlib.suppress(OSError):
            (outputs / ".rerun").rmdir()  # when empty
    new_run = result.scenarios[0].run_dir
    if new_run is None:  # the rerun failed before publishing: the run's own error was shown
        return 1
    diffs = compare_tables(old_run, new_run)
    print(
        "\n".join(
            [f"new run: {new_run}", "tables:      " + ("all identical" if not diffs else f"{len(diffs)} differ")]
            + ["  " + d for d in diffs]
        )
    )
    return 0 if not diffs and before["params hash"][0] == before["params hash"][1] and result.ok else 1


def environment_line(old: object, now: dict) -> str:
    """One line: is the installed environment the locked one, and is the lock the one the old run used?"""
    if now["lock_sha256"] is None:
        return "no lock file beside this evalkit (installed without a checkout): cannot compare"
    parts = []
    old_sha = old.get("lock_sha256") if isinstance(old, dict) else None
    if old_sha is None:
        parts.append("the old run recorded no lock file")
    elif old_sha != now["lock_sha256"]:
        parts.append(f"the lock changed since the old run ({old_sha[:12]} → {now['lock_sha256'][:12]})")
    if now["matches_lock"]:
        parts.append(f"installed packages equal {now['lock']}")
    else:
        shown = now["differences"][:8]
        more = len(now["differences"]) - len(shown)
        parts.append(
            f"DIFFERENT from {now['lock']}: "
            + "; ".join(shown)
            + (f"; and {more} more" if more > 0 else "")
            + " (`make setup` installs the locked versions)"
        )
    return "; ".join(parts)


def compare_tables(old_run: Path, new_run: Path) -> list[str]:
    old_t = {p.name: p.read_bytes() for p in sorted((old_run / "tables").glob("*.csv"))}
    new_t = {p.name: p.read_bytes() for p in sorted((new_run / "tables").glob("*.csv"))}
    diffs = [f"table {n}: only in the old run" for n in sorted(set(old_t) - set(new_t))]
    diffs += [f"table {n}: only in the new run" for n in sorted(set(new_t) - set(old_t))]
    diffs += [f"table {n}: contents differ" for n in sorted(set(old_t) & set(new_t)) if old_t[n] != new_t[n]]
    return diffs
