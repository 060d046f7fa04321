"""Exports open right in Swedish Excel and read right in programs: the Swedish CSV (semicolons,
decimal comma, UTF-8 with a byte-order mark, local time to the minute, the measure's decimals,
full names) round-trips every figure the dashboard shows; the data CSV (commas, decimal point, no
mark) too; the XLSX has a Swedish sheet name and real numbers and dates; only real formulas are
neutralised."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from goalplan.models import OrganisationalUnit
from goalplan.periods import Period
from kpis.dashboard import plan_dashboard
from kpis.exports import Number, Sheet, export_bytes, neutralised
from kpis.models import Measure, Outcome
from tests.browser import enter_first_tertial_2025
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db
T1 = Period.tertial(2025, 1)


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x")', "=1+1", "@SUM(A1)", "\tx", "\r=1", "-2+3+cmd|' /C calc'!A0", "+HYPERLINK(1)", "-1+1"],
)
def test_a_real_formula_is_neutralised(text):
    assert neutralised(text) == "'" + text


@pytest.mark.parametrize(
    "text",
    ["-10 % jämfört med 2018", "-22,4 %", "−22,4 %", "+Enhet med plustecken", "- en punkt", "Minst 88 %", ""],
)
def test_ordinary_text_is_written_as_it_is(text):
    assert neutralised(text) == text


def swedish_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_swedish_csv_round_trips_every_figure_of_the_dashboard(admin_client_sv):
    enter_first_tertial_2025()
    plan = hsn_plan(2025)
    dashboard = plan_dashboard(plan, T1)
    shown = {
        str(row.evaluation.measure): row.evaluation
        for area in dashboard.areas
        for row in [*area.rows, *(r for goal in area.goals for r in goal.rows)]
    }
    response = admin_client_sv.get(f"/planer/{plan.pk}/?year=2025&period=tertial-1&_export=csv")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    header, *rows = swedish_csv(response.content)
    column = {name: index for index, name in enumerate(header)}
    assert {"Mätetal", "Utfall", "Måttenhet", "Organisatorisk enhet", "Period"} <= set(column)
    checked = 0
    for row in rows:
        evaluation = shown[row[column["Mätetal"]]]  # full names: every row finds its measure
        assert row[column["Organisatorisk enhet"]] == "Hela planen" and row[column["Period"]] == "T1 2025"
        text = row[column["Utfall"]]
        if evaluation.value.value is None:
            assert text == ""
            continue
        assert "." not in text  # decimal comma
        places = evaluation.measure.decimals
        expected = evaluation.value.value.quantize(Decimal(1).scaleb(-places))
        assert Decimal(text.replace(",", ".")) == expected
        assert len(text.partition(",")[2]) == places  # the measure's own decimals ("86,0", not "86.0000")
        checked += 1
    assert checked >= 20


def test_the_data_csv_is_plain_for_programs(admin_client_sv):
    enter_first_tertial_2025()
    plan = hsn_plan(2025)
    content = admin_client_sv.get(f"/planer/{plan.pk}/?year=2025&period=tertial-1&_export=csv-data").content
    assert not content.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    values = [row[header.index("Utfall")] for row in rows if row[header.index("Utfall")]]
    assert values and all("," not in value for value in values)
    assert all(Decimal(value) is not None for value in values)


def test_the_outcome_export_names_the_whole_plan_and_gives_local_time_to_the_minute(admin_client_sv):
    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    unit = OrganisationalUnit.objects.first()
    for scope in (None, unit):
        Outcome.objects.create(
            indicator=measure.indicator,
            year=2025,
            period_kind="month",
            period_number=3,
            unit=scope,
            value=Decimal("86"),
        )
    content = admin_client_sv.get(f"/matetal/{measure.pk}/?_export=csv").content
    header, *rows = swedish_csv(content)
    units = {row[header.index("Enhet")] for row in rows}
    assert units == {"Hela planen", unit.name}
    updated = rows[0][header.index("Uppdaterad")]
    assert datetime.datetime.strptime(updated, "%Y-%m-%d %H:%M")  # no seconds, no microseconds, no UTC offset
    local_now = timezone.localtime().strftime("%Y-%m-%d %H")
    assert updated.startswith(local_now)
    values = {row[header.index("Utfall")] for row in rows}
    decimals = measure.decimals
    assert values == {"86" + ("," + "0" * decimals if decimals else "")}


def test_the_xlsx_has_a_swedish_sheet_name_real_numbers_and_dates_and_no_formulas():
    moment = timezone.make_aware(datetime.datetime(2025, 5, 2, 14, 5, 31, 123456))
    sheet = Sheet(title="Översikt", headers=["Mätetal", "Utfall", "Dag", "Uppdaterad"])
    sheet.append(["=1+1", Number(Decimal("-22.35"), 1), datetime.date(2025, 4, 30), moment])
    workbook = openpyxl.load_workbook(io.BytesIO(export_bytes(sheet, "xlsx")))
    worksheet = workbook.active
    assert worksheet.title == "Översikt"
    text, number, day, updated = (cell for cell in worksheet[2])
    assert (text.value, text.data_type) == ("=1+1", "s")
    assert number.value == pytest.approx(-22.4) and number.number_format == "#,##0.0"
    assert day.value == datetime.datetime(2025, 4, 30) and day.number_format == "yyyy-mm-dd"
    assert updated.value == datetime.datetime(2025, 5, 2, 14, 5, 31) and updated.number_format == "yyyy-mm-dd hh:mm"
