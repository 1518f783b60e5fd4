"""The report's text: one catalogue (``text.yaml``) for every heading, caption, label and sentence.

``TEXT[key] = {"id": …, "en": …}`` is read from ``text.yaml`` beside this module — a file an Indonesian
reviewer can edit without Python. Use :func:`t` to look a key up; a missing key or language is a bug and
raises ``KeyError`` (tests check that every key has both languages and the same placeholders). Numbers
are formatted the Indonesian way in ``id`` (Rp 1.234.567; 12,3%) and the English way in ``en``.
"""
from __future__ import annotations

import math
from importlib import resources

import yaml

LANGS = ("id", "en")


def _load_catalogue() -> dict[str, dict[str, str]]:
    text = resources.files(__package__).joinpath("text.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


TEXT: dict[str, dict[str, str]] = _load_catalogue()

MONTHS = {
    "id": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}


def t(key: str, lang: str = "id", **fmt: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``fmt``."""
    text = TEXT[key][lang]
    return text.format(**fmt) if fmt else text


def _group(digits: str, sep: str) -> str:
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return sep.join(out)


def fmt_number(x: float, lang: str = "id", decimals: int = 0) -> str:
    """``1234567.891`` → ``1.234.567,89`` (id) or ``1,234,567.89`` (en); NaN → ``–``."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    thousands, point = (".", ",") if lang == "id" else (",", ".")
    neg = x < 0
    text = f"{abs(x):.{decimals}f}"
    whole, _, frac = text.partition(".")
    out = _group(whole, thousands) + (point + frac if frac else "")
    return ("-" if neg and out.strip("0.,") else "") + out


def fmt_rupiah(x: float, lang: str = "id") -> str:
    """Rupiah, whole: ``Rp 1.234.567`` (id) / ``Rp 1,234,567`` (en)."""
    return "Rp " + fmt_number(x, lang, 0)


def fmt_rupiah_short(x: float, lang: str = "id", decimals: int = 1) -> str:
    """Large Rupiah in words: ``Rp 12,3 miliar`` (id) / ``Rp 12.3 billion`` (en)."""
    units = [(1e12, "triliun", "trillion"), (1e9, "miliar", "billion"), (1e6, "juta", "million")]
    for size, word_id, word_en in units:
        if abs(x) >= size:
            return f"Rp {fmt_number(x / size, lang, decimals)} {word_id if lang == 'id' else word_en}"
    return fmt_rupiah(x, lang)


def fmt_pct(x: float, lang: str = "id", decimals: int = 1) -> str:
    """Percent: ``12,3%`` (id) / ``12.3%`` (en); ``x`` is already in percent."""
    return fmt_number(x, lang, decimals) + "%"


def fmt_pp(x: float, lang: str = "id", decimals: int = 1) -> str:
    """Percentage points with sign: ``+3,2 pp`` / ``+3.2 pp``."""
    sign = "+" if x > 0 else ""
    return sign + fmt_number(x, lang, decimals) + " pp"


def fmt_pvalue(p: float, lang: str = "id") -> str:
    """``0.0004`` → ``< 0,001``; otherwise three decimals."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    return ("< " + fmt_number(0.001, lang, 3)) if p < 0.001 else fmt_number(p, lang, 3)


def fmt_month(ts, lang: str = "id") -> str:
    """``2023-07`` → ``Juli 2023`` (id) / ``July 2023`` (en)."""
    import pandas as pd

    ts = pd.Timestamp(str(ts))
    return f"{MONTHS[lang][ts.month - 1]} {ts.year}"


def fmt_date(d, lang: str = "id") -> str:
    """``2023-06-13`` → ``13 Juni 2023`` (id) / ``13 June 2023`` (en)."""
    import pandas as pd

    ts = pd.Timestamp(str(d))
    return f"{ts.day} {MONTHS[lang][ts.month - 1]} {ts.year}"


def month_abbrev(lang: str = "id") -> list[str]:
    """Three-letter month names for chart axes."""
    return [m[:3] for m in MONTHS[lang]]
