"""Small-cell suppression, the one rule every published count goes through; and free text made safe to publish."""

from __future__ import annotations

import re

import pandas as pd

#: A run of digits long enough to be (part of) a NIK, a phone or an account number.
_DIGITS = re.compile(r"\d{5,}")
#: Characters that start a formula in a spreadsheet (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = re.compile("^[" + re.escape("".join(FORMULA_START)) + r"\s]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_text(value, max_len: int = 120) -> str:
    """Free text from an input file as it may be published: control characters dropped, any run of five or more
    digits masked with ``*`` (a NIK typed into a name or a sector), no leading formula character (``= + - @``),
    at most ``max_len`` characters. Missing → ``""``."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = _CONTROL.sub(" ", str(value))
    text = _DIGITS.sub(lambda m: "*" * len(m.group()), text)
    text = _FORMULA_START.sub("", text).strip()
    return text if len(text) <= max_len else text[: max_len - 1] + "…"


def suppress(df: pd.DataFrame, columns, threshold: int) -> pd.DataFrame:
    """Replace counts below ``threshold`` (but above 0) by NaN in ``columns`` (published tables).

    Zeros stay: a zero identifies nobody.
    """
    out = df.copy()
    for c in columns:
        small = (out[c] > 0) & (out[c] < threshold)
        out[c] = out[c].astype("float64").where(~small)
    return out


def recoverable(hidden, known, relations) -> set:
    """The ``hidden`` cells that ``relations`` give back from the ``known`` cells: each relation is a group of cells
    tied by one equation (a total and its parts, a percentage and its counts), so it determines any one of its
    cells once the others are known; this propagates until nothing changes."""
    hidden, known = set(hidden), set(known)
    relations = [list(r) for r in relations]
    found, changed = set(), True
    while changed:
        changed = False
        for rel in relations:
            unknown = [c for c in rel if c not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                found.add(unknown[0])
                changed = True
    return found & hidden


def complementary(cells, hidden, relations, protect=()) -> set:
    """Complementary suppression: ``hidden`` (the small cells) plus, while any hidden cell can be computed back
    through ``relations``, one more cell of the relation where it leaks — the first of that relation's cells (in
    the order given) that is neither hidden nor in ``protect``. Returns every cell to withhold."""
    hidden, cells = set(hidden), list(cells)
    while recoverable(hidden, set(cells) - hidden, relations):
        # a leak starts where a relation has one unknown cell (a hidden one): withhold another of its cells
        known = set(cells) - hidden
        leak = next(rel for rel in relations if len([c for c in rel if c not in known]) == 1)
        candidates = [c for c in leak if c not in hidden and c not in protect]
        if not candidates:
            break
        hidden.add(candidates[0])
    return hidden
