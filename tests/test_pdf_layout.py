"""The follow-up reports as PDF, read back word by word with their boxes (poppler's pdftotext):
no number or unit is split across lines, and no text runs past the right edge of the page's
content (where every table ends). For every seed report, with figures entered for T1 2025."""

import re
import shutil
import subprocess

import pytest
from django.utils import translation

from meetings.models import FollowUpReport
from meetings.pdf import render_report_pdf
from meetings.reports import report_content
from tests.browser import enter_first_tertial_2025

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (make system-deps)"),
]

POINTS_PER_MM = 72 / 25.4
A4_WIDTH, A4_HEIGHT = 595.28, 841.89
RIGHT_EDGE = A4_WIDTH - 18 * POINTS_PER_MM  # static/css/report.css: @page margin 20mm 18mm 22mm 18mm
FOOTER_TOP = A4_HEIGHT - 22 * POINTS_PER_MM  # the page footer sits in the bottom margin
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def figures_of(content: dict) -> set[str]:
    """Every number and every unit the report prints in its tables, each as one unbreakable piece:
    outcomes, year to date and forecasts (a long unit may go to the next line, whole), and the
    budget's amounts."""
    rows = [row for area in content["areas"] for row in area["measures"]]
    rows += [row for area in content["areas"] for goal in area["goals"] for row in goal["measures"]]
    texts = {row.get(key) or "" for row in rows for key in ("value", "ytd_value", "forecast")}
    if content.get("budget"):
        texts |= {row[key] for row in content["budget"]["rows"] for key in ("budget", "outcome", "forecast")}
    # Pieces are what no-break spaces join: "88\xa0%" is one, "3,66 utlok/100\xa0vpl" two.
    return {piece for text in texts if text and text != "–" for piece in text.split(" ") if piece}


def squeezed(text: str) -> str:
    return re.sub(r"\s", "", text)


def test_no_figure_is_split_across_lines_and_no_text_runs_past_the_right_edge(tmp_path):
    enter_first_tertial_2025()
    broken, over, figures = [], [], 0
    with translation.override("sv"):
        reports = list(FollowUpReport.objects.filter(plan__isnull=False).order_by("pk"))
        for report in reports:
            content = report_content(report)
            path = tmp_path / f"{report.pk}.pdf"
            path.write_bytes(render_report_pdf(content))
            layout = subprocess.run(
                ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
            )
            lines = [squeezed(line) for line in layout.stdout.splitlines()]
            printed = figures_of(content)
            figures += len(printed)
            broken += [(report.pk, text) for text in printed if not any(squeezed(text) in line for line in lines)]
            boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True)
            for _x_min, _y_min, x_max, y_max, word in WORD.findall(boxes.stdout):
                if float(y_max) < FOOTER_TOP and float(x_max) > RIGHT_EDGE + 0.5:
                    over.append((report.pk, word, round(float(x_max), 1)))
    assert len(reports) >= 10 and figures > 50  # the check has figures to look at
    assert broken == []
    assert over == []
