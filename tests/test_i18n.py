"""One translation table, both languages, locale number formats."""

from __future__ import annotations

import re

from evalkit.report import i18n


def test_every_key_has_both_languages_and_same_placeholders():
    for key, texts in i18n.TEXT.items():
        assert set(texts) == set(i18n.LANGS), key
        fields = [set(re.findall(r"{(\w+)}", texts[lang])) for lang in i18n.LANGS]
        assert fields[0] == fields[1], key
        assert all(texts[lang].strip() for lang in i18n.LANGS), key


def test_number_formats():
    assert i18n.fmt_rupiah(1234567) == "Rp 1.234.567"
    assert i18n.fmt_rupiah(1234567, "en") == "Rp 1,234,567"
    assert i18n.fmt_pct(12.345) == "12,3%"
    assert i18n.fmt_pct(12.345, "en") == "12.3%"
    assert i18n.fmt_rupiah_short(12.3e9) == "Rp 12,3 miliar"
    assert i18n.fmt_rupiah_short(2.5e12, "en") == "Rp 2.5 trillion"
    assert i18n.fmt_number(-1234.5, "id", 1) == "-1.234,5"
    assert i18n.fmt_pp(3.21) == "+3,2 poin persen"
    assert i18n.fmt_pp(-3.21, "en") == "-3.2 pp"
    assert i18n.fmt_pp(0.01) == "0,0 poin persen"  # no sign on a rounded zero
    assert i18n.fmt_share(0.862) == "86,2%"
    assert i18n.fmt_share(0.862, "en") == "86.2%"
    assert i18n.fmt_rupiah_short(86.8e9) == "Rp 86,8 miliar"
    assert i18n.fmt_rupiah_short(86.8e9, "en") == "Rp 86.8 billion"
    assert i18n.fmt_rupiah_short(37_444_931_375) == "Rp 37,4 miliar"
    assert i18n.fmt_rupiah_short(16_800) == "Rp 16.800"  # below a million: exact
    assert i18n.fmt_number(-0.04, "id", 1) == "0,0"  # never "-0"
    assert i18n.fmt_time("2026-12-02T13:16:13+00:00") == "2 Desember 2026, 13.16 (UTC+00:00)"
    assert i18n.fmt_time("2026-12-02T21:16:13+08:00", "en") == "2 December 2026, 21:16 (UTC+08:00)"
    assert i18n.fmt_time("not a time") == "not a time"
    assert i18n.fmt_month("2023-07-01") == "Juli 2023"
    assert i18n.fmt_month("2023-07-01", "en") == "July 2023"
