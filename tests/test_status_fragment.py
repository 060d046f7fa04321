"""One status badge ({% status_badge %}, goalplan/templatetags/status_badge.py) and one palette
(static/css/palette.css), used by every page, the PDFs and the reports."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from config.palette import PALETTE, PALETTE_CSS, read_palette
from config.pdf import PDF_STYLESHEETS
from goalplan.choices import Status
from kpis.charts import LINE_COLOURS, SVG_LINE_STYLES

ROOT = Path(__file__).resolve().parent.parent
# What a hand-written badge looks like: a status class built in the template, or the status's
# text or symbol printed by hand.
HAND_WRITTEN_BADGE = re.compile(r'status-\{\{|class="status[ "]|status\.text|status\.symbol|status\.code')
APP_DIRS = ["goalplan", "kpis", "budget", "meetings", "config"]


def render(source: str, **context) -> str:
    with translation.override("sv"):
        return Template("{% load status_badge %}" + source).render(Context(context))


def templates() -> list[Path]:
    return sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", templates(), ids=lambda path: str(path.relative_to(ROOT / "templates")))
def test_no_template_writes_the_badge_by_hand(path):
    found = HAND_WRITTEN_BADGE.findall(path.read_text())
    assert not found, f"{path}: use {{% status_badge … %}} instead of {found}"


def test_the_grep_sees_the_old_shapes():
    for old in (
        '<span class="status status-{{ e.status }}">{{ e.status.text }}</span>',
        '<td class="status status-{{ row.status.code }}">',
        "{{ row.status.text }}",
    ):
        assert HAND_WRITTEN_BADGE.search(old), old


@pytest.mark.parametrize("value", [Status.RED, "red", {"code": "red", "text": "▲ Ej uppfyllt"}])
def test_the_badge_is_symbol_word_and_class_whatever_the_shape(value):
    assert render("{% status_badge value %}", value=value) == '<span class="status status-red">▲ Ej uppfyllt</span>'


def test_no_status_renders_nothing():
    assert render("{% status_badge value %}", value=None) == ""
    assert render("{% status_badge value %}", value="") == ""


def test_a_status_as_plain_text():
    assert render("{{ value|status_text }}", value="not_due") == "◌ Rapporteras senare"


def test_every_status_is_coloured_from_the_palette_on_pages_and_in_pdfs():
    for stylesheet in ("app.css", "report.css"):
        css = (ROOT / "static" / "css" / stylesheet).read_text()
        for status in Status:
            assert f".{status.css_class} {{ color: var(--status-{status.value}); }}" in css, (stylesheet, status)
            assert f"--status-{status.value}" in PALETTE_CSS.read_text()
    assert PDF_STYLESHEETS[0] == PALETTE_CSS  # its properties are defined before report.css uses them


def test_the_palette_is_written_once():
    """No other stylesheet, template or Python module repeats one of the palette's colours."""
    colours = {colour.lower() for colour in PALETTE.values()}
    places = [
        *(path for path in (ROOT / "static" / "css").glob("*.css") if path != PALETTE_CSS),
        *(ROOT / "static" / "js").glob("*.js"),
        *(ROOT / "templates").rglob("*.html"),
        *(path for app in APP_DIRS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts),
    ]
    for path in places:
        written = {colour.lower() for colour in re.findall(r"#[0-9a-fA-F]{6}\b", path.read_text())}
        assert not written & colours, f"{path} repeats {written & colours}: use the palette"


def test_the_charts_draw_with_the_palette():
    assert LINE_COLOURS["target"] == PALETTE["chart-target"] == SVG_LINE_STYLES["target"][0]
    assert LINE_COLOURS["this-year"] == PALETTE["brand"]
    assert read_palette(":root { --x: #123456; --y: var(--x); }") == {"x": "#123456"}


def test_the_badge_follows_the_language_it_is_written_in():
    # The badge is written once per status and language: a cache keyed on the status alone
    # would show the first language's word to everyone.
    template = Template("{% load status_badge %}{% status_badge value %}")
    with translation.override("sv"):
        swedish = template.render(Context({"value": Status.RED}))
    with translation.override("en"):
        english = template.render(Context({"value": Status.RED}))
    assert "Ej uppfyllt" in swedish and "Not met" in english
