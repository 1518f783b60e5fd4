"""The salt of every hashed personal identifier (NIK, company id).

The salt comes from the environment variable ``EVALKIT_SALT``, else from the file named by
``EVALKIT_SALT_FILE``, else from ``~/.config/evalkit/salt`` (created with a random value and mode 0600
on first use). It must never live inside the project folder: the same salt gives the same hashes
across runs (so churn can be followed), a different machine gives different ones.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sys
from pathlib import Path

from .paths import marked_project_root


def salt_path() -> Path:
    return Path(os.environ.get("EVALKIT_SALT_FILE", Path.home() / ".config" / "evalkit" / "salt"))


MIN_SALT_CHARS = 12
#: Distinct characters a salt needs: twelve identical characters (or a short pattern repeated) are guessable.
MIN_DISTINCT_CHARS = 6


class SaltError(ValueError):
    """The salt is unusable (empty or too short): hashed ids would be reversible."""


def _checked(salt: str, where: str) -> str:
    if len(salt) < MIN_SALT_CHARS:
        raise SaltError(
            f"the salt in {where} is empty or shorter than {MIN_SALT_CHARS} characters: hashed NIKs "
            "would be reversible. Put a long random value there (or delete the file so that evalkit "
            "creates one — hashed ids then change, so earlier outputs cannot be matched)"
        )
    if len(set(salt)) < MIN_DISTINCT_CHARS:
        raise SaltError(
            f"the salt in {where} repeats too few characters ({len(set(salt))} different; at least "
            f"{MIN_DISTINCT_CHARS}): it is guessable. Put a long random value there"
        )
    return salt


def get_salt() -> str:
    """The salt (see the module docstring); an empty or short salt is refused (:class:`SaltError`)."""
    env = os.environ.get("EVALKIT_SALT")
    if env is not None:
        return _checked(env, "EVALKIT_SALT")
    path = salt_path()
    project = marked_project_root(Path.cwd())
    if (
        project is not None
        and project in path.absolute().parents
        and path.absolute() != Path.home() / ".config" / "evalkit" / "salt"
    ):
        raise SaltError(
            f"the salt file {path} lies inside the project folder {project}, where it can be committed or "
            "shared with the outputs; keep it outside (default: ~/.config/evalkit/salt)"
        )
    if path.is_file():
        return _checked(path.read_text(encoding="utf-8").strip(), str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    print(
        f"evalkit: no salt at {path}: a new one is created. Hashed ids (NIK, company) made with an earlier salt "
        "will not match this run's; restore the old salt file to compare with earlier outputs.",
        file=sys.stderr,
    )
    # written complete under a private name, then linked into place: processes starting at the same time
    # (parallel report kernels) all end up with the one salt that won, never an empty or a second one
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_hex(16))
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
    return path.read_text(encoding="utf-8").strip()


def salt_fingerprint(salt: str | None = None) -> str:
    """A hash of the salt (never the salt itself): cached hashed ids are only reused with the same salt."""
    return hashlib.sha256(("evalkit-cache:" + (get_salt() if salt is None else salt)).encode()).hexdigest()[:16]
