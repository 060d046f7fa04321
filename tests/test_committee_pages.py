"""The committee pages as a committee member uses them (Django test client)."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from goalplan.choices import Sex
from goalplan.models import Goal
from goalplan.periods import PeriodKind
from kpis.models import Measure, Outcome
from meetings.models import FollowUpReport
from tests.selectors import hsn_plan, rs_plan_2018

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    user = get_user_model().objects.create_user(username="ledamot", password="x-lösen-2025")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    return client


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    text = response.content.decode()
    assert "2\xa0025" not in text and "2 025" not in text  # years are not grouped like amounts
    return text


def test_pages_need_a_login(client):
    response = client.get(f"/planer/{hsn_plan(2025).pk}/")
    assert response.status_code == 302 and response.url.startswith("/konto/logga-in/")


def test_plan_list_newest_first(member):
    text = page(member, "/planer/")
    assert text.index("Plan med budget 2025") < text.index("Verksamhetsplan 2021") < text.index("Regionplan 2018–2020")


def test_dashboard_defaults_to_the_latest_period_with_data_and_counts_goals(member):
    text = page(member, f"/planer/{rs_plan_2018().pk}/")
    assert "Ack april 2018" in text
    assert "6 av 8 aktiva mål når inte målvärdet." in text
    assert "▲ Ej uppfyllt" in text and "● Uppfyllt" in text


def test_dashboard_status_filter_is_a_plain_get_parameter(member):
    text = page(member, f"/planer/{rs_plan_2018().pk}/?year=2018&period=ytd-4&status=green")
    assert "Andel vårdskador" in text
    assert "Sjukfrånvaro för medarbetare" not in text


def test_dashboard_refuses_a_period_that_does_not_exist(member):
    assert member.get(f"/planer/{hsn_plan(2025).pk}/?year=2025&period=tertial-7").status_code == 400


def test_goal_page_traces_to_the_regionplan(member):
    goal = Goal.objects.get(plan=hsn_plan(2021), title__startswith="Effektiva inköp")
    text = page(member, f"/mal/{goal.pk}/?year=2021&period=tertial-1")
    assert "Utvecklad upphandling och inköpsstyrning" in text  # the prioritised area it serves
    assert "Regionplan och budget 2021–2023" in text
    assert "Regionstyrelsen" in text and "Regionala utvecklingsnämnden" in text  # shared responsibility
    assert "Leverantörstrohet" in text


def test_measure_page_shows_chart_data_breakdown_and_comments(member):
    measure = Measure.objects.get(plan=rs_plan_2018(), name__startswith="Sjukfrånvaro")
    text = page(member, f"/matetal/{measure.pk}/?year=2018&period=ytd-4")
    assert 'id="measure-figure"' in text and "vendor/plotly/plotly.min.js" in text
    assert "Per kön" in text and "6,8\xa0%" in text
    assert "Sjuktalen bland Regionens anställda sjunker" in text


def test_outcome_export_keeps_numbers_as_numbers_and_neutralises_formulas(member):
    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    Outcome.objects.create(
        indicator=measure.indicator,
        year=2025,
        period_kind=PeriodKind.MONTH,
        period_number=4,
        sex=Sex.TOTAL,
        value=Decimal("-0.7"),
        comment='=HYPERLINK("http://x")',
    )
    response = member.get(f"/matetal/{measure.pk}/?_export=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    expected = Decimal("-0.7").quantize(Decimal(1).scaleb(-measure.indicator.decimals))
    assert rows[1][3] == f"{expected:f}".replace(".", ",")  # the measure's decimals, decimal comma
    assert rows[1][4].startswith("'=")
    xlsx = member.get(f"/matetal/{measure.pk}/?_export=xlsx")
    assert xlsx["Content-Type"] == "application/vnd.ms-excel" or "spreadsheetml" in xlsx["Content-Type"]


def test_budget_page_shows_the_decided_tables(member):
    text = page(member, "/budget/HSN/2025/")
    assert "-3\xa0161\xa0800" in text and "-1\xa0117\xa0400" in text and "47\xa0363" in text
    assert "Kompetensförsörjning" in text and "Mål 95 %" in text
    text_2021 = page(member, "/budget/HSN/2021/")
    assert "-2\xa0729\xa0300" in text_2021 and "Akutvård" in text_2021 and "-2\xa0194\xa0727" in text_2021


def test_calendar_links_reports_to_their_period(member):
    text = page(member, "/sammantraden/HSN/2021/")
    assert "Plan internkontroll" in text and "Regionstabschef" in text
    tertial = FollowUpReport.objects.get(plan=hsn_plan(2021), kind="tertial")
    assert f"/rapporter/{tertial.pk}/" in text and f"/rapporter/{tertial.pk}/pdf/" in text
    text_2025 = page(member, "/sammantraden/HSN/2025/")
    assert "muntligt" in text_2025 and "2025-09-24–25" in text_2025


def test_dashboard_table_downloads_as_csv_and_xlsx(member):
    plan = rs_plan_2018()
    response = member.get(f"/planer/{plan.pk}/?year=2018&period=ytd-4&_export=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Målområde", "Mål", "Mätetal", "Organisatorisk enhet", "Period"]
    sick = next(row for row in rows if row[2].startswith("Sjukfrånvaro"))
    assert (sick[3], sick[4], sick[5], sick[6], sick[7], sick[10]) == (
        "Hela planen",
        "Ack april 2018",
        "5,8 % helår",
        "högst 5,8\xa0%",
        "6,2",
        "Ej uppfyllt",
    )
    xlsx = member.get(f"/planer/{plan.pk}/?year=2018&period=ytd-4&_export=xlsx")
    assert "spreadsheetml" in xlsx["Content-Type"]
