"""Where things are: the project root and the settings evalkit reads from the environment.

Environment variables (all optional):

* ``EVALKIT_PROJECT_ROOT`` — the project folder (default: found from the params file);
* ``EVALKIT_CACHE_DIR`` — the prepared-table cache (default ``<project>/outputs/.cache``);
* ``EVALKIT_CACHE`` — ``off`` (or 0/false/no) disables the cache (``evalkit run --no-cache``);
* ``EVALKIT_SALT``, ``EVALKIT_SALT_FILE`` — the hashing salt (:mod:`evalkit.core.salt`).
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root(start: Path) -> Path:
    """The evalkit project a params file belongs to.

    ``EVALKIT_PROJECT_ROOT`` wins; otherwise the nearest ancestor holding ``pyproject.toml`` or
    ``.git``; otherwise the parent of a ``params/`` folder, else the file's own folder.
    """
    marked = marked_project_root(start)
    if marked is not None:
        return marked
    start = Path(start).resolve()
    return start.parent if start.name == "params" else start


def marked_project_root(start: Path) -> Path | None:
    """The project ``start`` lies in, only when it is marked (``EVALKIT_PROJECT_ROOT``, or an ancestor with
    ``pyproject.toml`` or ``.git``); ``None`` for a folder outside any project."""
    env = os.environ.get("EVALKIT_PROJECT_ROOT")
    if env:
        return Path(env).resolve()
    start = Path(start).resolve()
    for folder in [start, *start.parents]:
        if (folder / "pyproject.toml").is_file() or (folder / ".git").exists():
            return folder
    return None


def cache_enabled() -> bool:
    """False when ``EVALKIT_CACHE`` is off/0/false/no."""
    return os.environ.get("EVALKIT_CACHE", "on").lower() not in ("off", "0", "false", "no")


def cache_dir(project_root: Path) -> Path:
    """``$EVALKIT_CACHE_DIR`` if set, else ``<project>/outputs/.cache``."""
    env = os.environ.get("EVALKIT_CACHE_DIR")
    return Path(env) if env else Path(project_root) / "outputs" / ".cache"
