"""The completeness board of a round: units × figures, reported / late / missing / overdue, per
unit how much is in, filters, CSV and XLSX, for administrators only; queries independent of the
number of units and indicators. On another region's plan (tests/test_my_reporting.py)."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.contrib.auth import get_user_model

from goalplan.models import OrganisationalUnit
from kpis.models import Measure, Outcome
from meetings.board import MISSING, NOT_ASKED, OVERDUE, REPORTED, REPORTED_LATE, completeness_board
from meetings.models import FollowUpReport
from tests.test_my_reporting import APRIL, IN_THE_ROUND, T1, enter, region  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def report_of(region):
    return FollowUpReport.objects.get(plan=region["plan"])


def states(board):
    return {
        (row.name, measure.name): state
        for row in board.rows
        for measure, state in zip(board.measures, row.states, strict=True)
    }


def test_each_cell_says_what_is_in(region):
    enter(region, "monthly", APRIL, unit=region["north"])
    Outcome.objects.filter(indicator=region["monthly"].indicator).update(
        updated_at=datetime.datetime(2026, 5, 12, 10, 0, tzinfo=STOCKHOLM)  # in time
    )
    enter(region, "tertial", T1, unit=region["south"])
    Outcome.objects.filter(indicator=region["tertial"].indicator).update(
        updated_at=datetime.datetime(2026, 5, 20, 9, 0, tzinfo=STOCKHOLM)  # the day after the deadline
    )
    board = completeness_board(report_of(region), today=IN_THE_ROUND)
    cells = states(board)
    assert cells[("Område Norr", "Andel besök inom 90 dagar")] == REPORTED
    assert cells[("Område Syd", "Patientnöjdhet")] == REPORTED_LATE
    assert cells[("Område Syd", "Andel besök inom 90 dagar")] == MISSING
    assert cells[("Område Norr", "Nettokostnadsutveckling")] == NOT_ASKED  # the whole plan's only
    assert cells[("Hela planen", "Nettokostnadsutveckling")] == MISSING
    after = completeness_board(report_of(region), today=datetime.date(2026, 5, 20))
    assert states(after)[("Område Syd", "Andel besök inom 90 dagar")] == OVERDUE
    rows = {row.name: (row.reported, row.asked, row.percent) for row in board.rows}
    assert rows == {"Hela planen": (0, 4, 0), "Område Norr": (1, 3, 33), "Område Syd": (1, 3, 33)}


def test_filters_by_unit_and_to_what_is_missing(region):
    for name, period in (("monthly", APRIL), ("by_sex", APRIL), ("tertial", T1)):
        for sex in ("T", "K", "M") if name == "by_sex" else ("T",):
            enter(region, name, period, unit=region["north"], sex=sex)
    board = completeness_board(report_of(region), unit=region["north"], today=IN_THE_ROUND)
    assert [row.name for row in board.rows] == ["Område Norr"]
    assert board.rows[0].percent == 100
    missing = completeness_board(report_of(region), unit=region["north"], only_missing=True, today=IN_THE_ROUND)
    assert missing.measures == []
    south = completeness_board(report_of(region), only_missing=True, today=IN_THE_ROUND)
    assert {measure.name for measure in south.measures} == {
        "Andel besök inom 90 dagar",
        "Sjukfrånvaro",
        "Patientnöjdhet",
        "Nettokostnadsutveckling",
    }


def test_the_page_exports_and_is_for_administrators_only(region, client, monkeypatch):
    monkeypatch.setattr("meetings.board.timezone.localdate", lambda: IN_THE_ROUND)
    url = f"/rapporter/{report_of(region).pk}/inrapportering/"
    client.force_login(region["admin"])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Inrapportering: Tertialrapport T1 2026" in page
    assert "Saknas: <strong>10</strong>" in page
    assert '<td class="m">–<i>Saknas</i></td>' in page
    csv_response = client.get(url, {"_export": "csv"}, HTTP_ACCEPT_LANGUAGE="sv")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Enhet", "Kod", "Mätetal", "Period", "Läge", "Godkännande"]
    assert ["Område Norr", "", "Sjukfrånvaro", "T1 2026", "Saknas", "Öppen"] in rows
    assert len(rows) == 1 + 10
    xlsx = client.get(url, {"_export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="sv")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.title == "Inrapportering"
    assert sheet.max_row == 11
    client.force_login(region["reporter"])
    assert client.get(url).status_code == 403
    member = get_user_model().objects.create_user("ledamot-nb")
    client.force_login(member)
    assert client.get(url).status_code == 403


def test_a_unit_of_another_body_is_no_filter(region, client):
    other = OrganisationalUnit.objects.exclude(body=region["plan"].body).first()
    client.force_login(region["admin"])
    response = client.get(f"/rapporter/{report_of(region).pk}/inrapportering/", {"unit": other.pk})
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()


def test_the_board_asks_a_fixed_number_of_queries(region, client, django_assert_max_num_queries):
    for index in range(15):
        OrganisationalUnit.objects.create(name=f"Enhet {index:02d}", body=region["plan"].body)
        measure = Measure.objects.create(plan=region["plan"], name=f"Mått {index}", unit="st")
        measure.indicator.reported_per_unit = True
        measure.indicator.save()
    client.force_login(region["admin"])
    with django_assert_max_num_queries(16):
        response = client.get(f"/rapporter/{report_of(region).pk}/inrapportering/")
    assert response.status_code == 200
    assert len(response.context["board"].rows) == 18
