"""Text a person wrote stays text when it leaves the app: spreadsheet exports cannot run it as a
formula, and the measure chart cannot turn it into a link."""

import csv
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest

from goalplan.choices import Sex
from goalplan.models import OrganisationalUnit
from goalplan.periods import PeriodKind
from kpis.models import Indicator, Measure, Outcome, Target
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db

FORMULA_NAME = '=HYPERLINK("http://x")'
FORMULA_UNIT = "=1+1"
LINK_NAME = '<a href="https://evil.example">klicka</a>'
SCRIPT_UNIT = '<a href="javascript:alert(1)">x</a>'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"
ORDINARY_SIGNED = "-10 % jämfört med 2018"


def numeric_measure_with_target() -> Measure:
    """A 2025 plan measure with a numeric 2025 target (so the chart has a target line)."""
    with_value = Target.objects.filter(year=2025, value__isnull=False).values("measure")
    measures = Measure.objects.filter(plan=hsn_plan(2025), pk__in=with_value)
    return measures.order_by("order", "pk").first()


def add_first_tertial(measure: Measure, values: list[Decimal], **fields) -> None:
    Outcome.objects.bulk_create(
        [
            Outcome(
                indicator=measure.indicator,
                year=2025,
                period_kind=PeriodKind.MONTH,
                period_number=month,
                sex=Sex.TOTAL,
                value=value,
                **fields,
            )
            for month, value in enumerate(values, start=1)
        ]
    )


def xlsx_rows(content: bytes) -> tuple[list[str], list[list], list[str]]:
    """Headers, rows of values, and the data types of every cell (openpyxl: "f" is a formula)."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = list(sheet.iter_rows())
    return (
        [cell.value for cell in cells[0]],
        [[cell.value for cell in row] for row in cells[1:]],
        [cell.data_type for row in cells for cell in row],
    )


def csv_rows(content: bytes) -> tuple[list[str], list[list[str]]]:
    """A Swedish Excel CSV: a byte-order mark, then semicolon-separated UTF-8."""
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    return rows[0], rows[1:]


def swedish_number(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def assert_no_text_can_run(rows: list[list]) -> None:
    """No text cell is a formula unless neutralised with a leading apostrophe."""
    for row in rows:
        for value in row:
            if isinstance(value, str) and value and not value.startswith("'"):
                assert not value.startswith(("=", "@", "\t", "\r")), (value, row)
                assert not ("|" in value and "!" in value), (value, row)


def test_dashboard_export_neutralises_formulas_only_and_keeps_numbers(admin_client_sv):
    measure = numeric_measure_with_target()
    Measure.objects.filter(pk=measure.pk).update(name=FORMULA_NAME, short_name="")
    Indicator.objects.filter(pk=measure.indicator_id).update(unit=FORMULA_UNIT)
    Target.objects.filter(measure=measure, year=2025).update(wording=ORDINARY_SIGNED)
    # Negative figures: a number starting with "-" must stay a number, not become "'-12.5".
    add_first_tertial(measure, [Decimal("-12.5"), Decimal("-10.5"), Decimal(-11), Decimal(-9)])
    url = f"/planer/{hsn_plan(2025).pk}/?year=2025&period=tertial-1&_export="

    headers, rows, types = xlsx_rows(admin_client_sv.get(url + "xlsx").content)
    assert "f" not in types  # not a single formula cell in the file: text is stored as text
    column = {name: index for index, name in enumerate(headers)}
    (row,) = [r for r in rows if r[column["Mätetal"]] == FORMULA_NAME]
    assert row[column["Måttenhet"]] == FORMULA_UNIT and row[column["Målvärde"]] == ORDINARY_SIGNED
    assert isinstance(row[column["Utfall"]], (int, float)) and row[column["Utfall"]] < 0

    csv_headers, csv_body = csv_rows(admin_client_sv.get(url + "csv").content)
    assert csv_headers == headers
    (csv_row,) = [r for r in csv_body if r[column["Mätetal"]] == "'" + FORMULA_NAME]
    assert csv_row[column["Måttenhet"]] == "'" + FORMULA_UNIT
    assert csv_row[column["Målvärde"]] == ORDINARY_SIGNED  # ordinary text: no visible guard
    assert swedish_number(csv_row[column["Utfall"]]) == Decimal(str(row[column["Utfall"]]))
    assert_no_text_can_run(csv_body)


def test_measure_outcome_export_neutralises_formulas_only_and_keeps_numbers(admin_client_sv):
    measure = numeric_measure_with_target()
    unit = OrganisationalUnit.objects.first()
    OrganisationalUnit.objects.filter(pk=unit.pk).update(name="+Enhet med plustecken")
    add_first_tertial(measure, [Decimal("-3.5")], unit=unit, comment=DDE)
    url = f"/matetal/{measure.pk}/?year=2025&period=tertial-1&_export="

    headers, rows, types = xlsx_rows(admin_client_sv.get(url + "xlsx").content)
    assert "f" not in types
    column = {name: index for index, name in enumerate(headers)}
    (row,) = [r for r in rows if r[column["Enhet"]] == "+Enhet med plustecken"]
    assert row[column["Kommentar"]] == DDE
    assert row[column["Utfall"]] == -3.5

    csv_headers, csv_body = csv_rows(admin_client_sv.get(url + "csv").content)
    (csv_row,) = [r for r in csv_body if r[csv_headers.index("Enhet")] == "+Enhet med plustecken"]
    assert csv_row[csv_headers.index("Kommentar")] == "'" + DDE
    assert swedish_number(csv_row[csv_headers.index("Utfall")]) == Decimal("-3.5")
    assert_no_text_can_run(csv_body)


def figure_strings(value) -> list[str]:
    """Every string anywhere in the figure's JSON."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in figure_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in figure_strings(item)]
    return []


def test_a_link_in_a_measure_name_is_shown_as_text_in_the_chart(admin_client_sv):
    measure = numeric_measure_with_target()
    Measure.objects.filter(pk=measure.pk).update(name=LINK_NAME, short_name="")
    Indicator.objects.filter(pk=measure.indicator_id).update(unit=SCRIPT_UNIT)
    Target.objects.filter(measure=measure, year=2025).update(wording=LINK_NAME)
    add_first_tertial(measure, [Decimal(5), Decimal(6)])

    url = f"/matetal/{measure.pk}/?year=2025&period=tertial-1"
    page = admin_client_sv.get(url).content.decode()
    script = re.search(r'<script id="measure-figure" type="application/json">(.*?)</script>', page, re.DOTALL)
    figure = json.loads(script.group(1))
    texts = figure_strings(figure)
    assert not [text for text in texts if "<a" in text.lower() or "</a" in text.lower()]
    shown_name = '&lt;a href="https://evil.example"&gt;klicka&lt;/a&gt;'
    assert figure["layout"]["title"]["text"] == shown_name
    shown_unit = '&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;'
    assert figure["layout"]["yaxis"]["title"]["text"] == shown_unit
    # The target line is named by its limit, which carries the measure's unit: shown as text too.
    target_trace = next(trace for trace in figure["data"] if trace["name"].startswith("Gräns: "))
    assert target_trace["name"].endswith(shown_unit.replace(" ", "\xa0"))  # a unit never breaks inside
    assert '<a href="https://evil.example"' not in page and '<a href="javascript:' not in page
