"""Params text is text (issue #34): a Markdown image, a link or HTML written into a params field is shown as typed
and loads nothing, in report pages and in JupyterLab; every page forbids remote loads (Content-Security-Policy)."""
from __future__ import annotations

from pathlib import Path

import pytest
from nbconvert.filters.markdown import markdown2html

from evalkit.report import i18n
from evalkit.report.notebook import inert

HOSTILE = ["![x](http://evil.invalid/x.png)", "<img src=http://evil.invalid/y.png>", "[klik](http://evil.invalid)",
           "<script>alert(1)</script>", "`code` **bold** _it_"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_params_text_filled_into_a_sentence_renders_as_typed(text):
    sentence = i18n.t("cofunding_item", "id", **inert({"name": "Kukar", "start": "Jan 2024", "instrument": text}))
    html = markdown2html(sentence)
    assert "<img" not in html and "<a " not in html and "<script" not in html and "<code" not in html, html
    visible = text.replace("<", "&lt;").replace(">", "&gt;").split("(")[0][-6:]
    assert visible in html  # still visible, as typed


def test_numbers_and_plain_words_are_unchanged():
    assert inert({"a": "Rp 1.234", "n": 3}) == {"a": "Rp 1.234", "n": 3}


def test_every_page_template_forbids_remote_loads():
    root = Path(__file__).resolve().parents[1] / "src" / "evalkit" / "report"
    for template in ("page.html.j2", "compare.html.j2", "templates/evalkit/index.html.j2", "html.py"):
        text = (root / template).read_text(encoding="utf-8")
        assert "Content-Security-Policy" in text and "default-src 'self' data:" in text, template
        assert "http://" not in text.split("Content-Security-Policy")[1][:300], template
