"""The report's text: one catalogue (``text.yaml``) for every heading, caption, label and sentence.

``TEXT[key] = {"id": …, "en": …}`` is read from ``text.yaml`` beside this module — a file an Indonesian
reviewer can edit without Python. Use :func:`t` to look a key up; a missing key or language is a bug and
raises ``KeyError`` (tests check that every key has both languages and the same placeholders). Numbers
are formatted through Babel (CLDR locale data): the Indonesian way in ``id`` (Rp 1.234.567; 12,3%;
Rp 86,8 miliar) and the English way in ``en``.
"""

from __future__ import annotations

import math
from datetime import datetime
from importlib import resources

import pandas as pd
import yaml
from babel.dates import format_time
from babel.numbers import format_compact_decimal, format_decimal, format_percent

LANGS = ("id", "en")
RUPIAH_SYMBOL = "Rp"  # CLDR's symbol for IDR in Indonesian, used in both languages


def _load_catalogue() -> dict[str, dict[str, str]]:
    text = resources.files(__package__).joinpath("text.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


TEXT: dict[str, dict[str, str]] = _load_catalogue()

MONTHS = {
    "id": [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}


def t(key: str, lang: str = "id", **fmt: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``fmt``."""
    text = TEXT[key][lang]
    return text.format(**fmt) if fmt else text


def _locale(lang: str) -> str:
    return "id_ID" if lang == "id" else "en_GB"


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_number(x: float, lang: str = "id", decimals: int = 0) -> str:
    """``1234567.891`` → ``1.234.567,89`` (id) or ``1,234,567.89`` (en) through Babel (CLDR); NaN → ``–``."""
    if _missing(x):
        return "–"
    if round(float(x), decimals) == 0:
        x = 0.0  # never "-0"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(x, format=pattern, locale=_locale(lang), decimal_quantization=True)


def fmt_rupiah(x: float, lang: str = "id") -> str:
    """Rupiah, whole, exact: ``Rp 1.234.567`` (id) / ``Rp 1,234,567`` (en)."""
    if _missing(x):
        return "–"
    return f"{RUPIAH_SYMBOL} {fmt_number(x, lang, 0)}"


def fmt_rupiah_short(x: float, lang: str = "id", decimals: int = 1) -> str:
    """Rupiah in CLDR's long compact form from one million up: ``Rp 86,8 miliar`` (id) / ``Rp 86.8 billion``
    (en); below one million exact (``Rp 16.800``)."""
    if _missing(x):
        return "–"
    if abs(x) < 1e6:
        return fmt_rupiah(x, lang)
    return f"{RUPIAH_SYMBOL} " + format_compact_decimal(
        x, format_type="long", fraction_digits=decimals, locale=_locale(lang)
    )


def fmt_pct(x: float, lang: str = "id", decimals: int = 1) -> str:
    """Percent: ``12,3%`` (id) / ``12.3%`` (en); ``x`` is already in percent (0–100)."""
    if _missing(x):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return format_percent(x / 100, format=pattern, locale=_locale(lang), decimal_quantization=True)


def fmt_share(x: float, lang: str = "id", decimals: int = 1) -> str:
    """A share 0–1 shown as percent: ``0.862`` → ``86,2%``."""
    return "–" if _missing(x) else fmt_pct(100 * x, lang, decimals)


def fmt_pp(x: float, lang: str = "id", decimals: int = 1) -> str:
    """Percentage points with sign: ``+3,2 poin persen`` (id) / ``+3.2 pp`` (en)."""
    if _missing(x):
        return "–"
    text = fmt_number(x, lang, decimals)
    return ("+" if not text.startswith("-") and round(x, decimals) != 0 else "") + text + " " + t("unit_pp", lang)


def fmt_pvalue(p: float, lang: str = "id") -> str:
    """``0.0004`` → ``< 0,001``; otherwise three decimals."""
    if _missing(p):
        return "–"
    return ("< " + fmt_number(0.001, lang, 3)) if p < 0.001 else fmt_number(p, lang, 3)


def fmt_month(ts, lang: str = "id") -> str:
    """``2023-07`` → ``Juli 2023`` (id) / ``July 2023`` (en)."""

    ts = pd.Timestamp(str(ts))
    return f"{MONTHS[lang][ts.month - 1]} {ts.year}"


def fmt_date(d, lang: str = "id") -> str:
    """``2023-06-13`` → ``13 Juni 2023`` (id) / ``13 June 2023`` (en)."""

    ts = pd.Timestamp(str(d))
    return f"{ts.day} {MONTHS[lang][ts.month - 1]} {ts.year}"


def fmt_time(iso: str, lang: str = "id") -> str:
    """An ISO timestamp as people read it, in its own offset: ``2 Desember 2026, 13.16 (UTC+00:00)``; text that
    is not a timestamp is returned as it is."""
    try:
        ts = datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    offset = ts.strftime("%z")
    zone = f" (UTC{offset[:3]}:{offset[3:]})" if offset else ""
    return f"{fmt_date(ts.date(), lang)}, {format_time(ts.time(), format='short', locale=_locale(lang))}{zone}"


def month_abbrev(lang: str = "id") -> list[str]:
    """Three-letter month names for chart axes."""
    return [m[:3] for m in MONTHS[lang]]
