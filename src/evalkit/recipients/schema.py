"""The recipient list's columns and the names of the checks: the one list every part of
:mod:`evalkit.recipients` (and the report's translation keys ``check_<name>``) uses."""

from __future__ import annotations

import re

from ..data.schemas import RECIPIENTS
from ..errors import DataError, Problem, short_repr

REQUIRED = [c.name for c in RECIPIENTS if c.required]
OPTIONAL = [c.name for c in RECIPIENTS if not c.required]
#: Every check, in report order; ``invalid_value`` (unreadable fields) is the only one not injected by the
#: synthetic generator.
CHECKS = (
    "invalid_nik",
    "sex_birthdate_mismatch",
    "duplicate_within_source",
    "duplicate_cross_source",
    "ineligible",
    "invalid_value",
)
#: Counted and reported, never a defect: a NIK issued in another kab/kota or province than the one the worker is
#: listed in (NIKs are for life and carry Kemendagri codes; migrants are normal).
INFO = ("nik_region_other",)
#: Funding sources, highest priority first (a double-funded person keeps the first).
SOURCE_PRIORITY = {"apbd_prov": 0, "apbd_kabkota": 1, "csr": 2}


def source_column(name: str, mapping=None) -> str:
    """The file's column that holds evalkit's column ``name`` under ``verification.mapping``."""
    renamed = {dst: src for src, dst in (mapping.columns.items() if mapping is not None else ())}
    return renamed.get(name, name)


def check_columns(columns, shown: str, mapping=None) -> None:
    """Raise a :class:`DataError` naming every required column missing from ``columns`` (after the renames of
    ``verification.mapping``, whose source columns must exist)."""
    cols = [str(c).strip() for c in columns]
    problems = [
        Problem(
            shown,
            f"column '{src}'",
            "",
            f"verification.mapping.columns maps it onto '{dst}', but the file has no such column",
        )
        for src, dst in (mapping.columns.items() if mapping else ())
        if src not in cols
    ]
    missing = [c for c in REQUIRED if source_column(c, mapping) not in cols]
    problems += [
        Problem(
            shown,
            f"column '{source_column(c, mapping)}'",
            "",
            "the required column is missing; recipient lists need "
            + ", ".join(REQUIRED)
            + " (or a verification.mapping naming your columns)",
        )
        for c in missing
    ]
    if problems:
        raise DataError(problems)


PERIOD_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def check_period(period: str | None, shown: str) -> str | None:
    """``--period`` must be a month ``YYYY-MM`` (``2025-6`` is refused, not read as "no rows")."""
    if period is not None and not PERIOD_RE.fullmatch(period):
        raise DataError(
            [Problem(shown, "--period", short_repr(period), "must be a month written YYYY-MM, e.g. 2025-06")]
        )
    return period
