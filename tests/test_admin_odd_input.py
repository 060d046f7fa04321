"""Odd input in the admin answers with a Swedish message or a page, never an error page (500);
and a reporter under members-only visibility neither reads nor writes another body's plans there."""

from decimal import Decimal

import pytest
from django.urls import reverse

from goalplan.models import OrganisationalUnit
from goalplan.periods import PeriodKind
from goalplan.roles import REPORTERS
from kpis.models import Measure, Outcome
from meetings.models import FollowUpReport, Meeting
from tests.selectors import body, hsn_plan, rs_plan_2018
from tests.test_visibility_by_body import logged_in, members_mode, person  # noqa: F401 (fixture)
from tests.test_write_locks import form_data, locked_april  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter(client):
    user = person("rapportor-udda", groups=[REPORTERS])
    user.is_staff = True
    user.save()
    unit = OrganisationalUnit.objects.get(name="Akutvård")  # a unit of HSN
    unit.reporters.add(user)
    logged_in(client, user)
    return client, unit


def own_outcome(unit) -> Outcome:
    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    return Outcome.objects.create(
        indicator=measure.indicator,
        unit=unit,
        year=2025,
        period_kind=PeriodKind.MONTH,
        period_number=9,
        value=Decimal(5),
    )


@pytest.mark.parametrize("number", ["13", "99999", "100000000000000000000000"])
def test_an_impossible_period_number_on_a_change_page_is_a_form_error(reporter, number):
    client, unit = reporter
    outcome = own_outcome(unit)
    url = reverse("admin:kpis_outcome_change", args=[outcome.pk])
    response = client.post(url, form_data(outcome, period_number=number))
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert Outcome.objects.get(pk=outcome.pk).period_number == 9


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-1x"])
def test_a_value_that_cannot_be_a_row_in_an_autocomplete_field_is_not_a_500(admin_client_sv, value):
    assert (
        admin_client_sv.get(reverse("admin:kpis_outcome_add") + f"?indicator={value}&unit={value}").status_code == 200
    )
    assert admin_client_sv.get(reverse("admin:kpis_target_add") + f"?measure={value}").status_code == 200
    response = admin_client_sv.post(
        reverse("admin:kpis_outcome_add"),
        {
            "indicator": value,
            "unit": value,
            "year": 2025,
            "period_kind": "month",
            "period_number": 3,
            "sex": "T",
            "value": "1",
            "accomplished": "unknown",
        },
    )
    assert response.status_code == 200 and not Outcome.objects.filter(year=2025, period_number=3, value=1).exists()


@pytest.mark.parametrize("query", ["plan__id__exact=abc", "year=abc"])
def test_an_odd_filter_on_an_export_page_is_said_not_a_500(admin_client_sv, query):
    url = reverse("admin:kpis_target_export")
    response = admin_client_sv.get(f"{url}?{query}", follow=True)
    assert response.status_code == 200
    assert "Filtret i adressen är ogiltigt" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["starts_on__year=99999999999999999999", "starts_on__year=-3", "starts_on__year=2025&starts_on__month=13"]
)
def test_an_impossible_date_in_the_date_hierarchy_is_said_not_a_500(admin_client_sv, query):
    response = admin_client_sv.get(reverse("admin:meetings_meeting_changelist") + f"?{query}", follow=True)
    assert response.status_code == 200 and "Datumet i adressen är ogiltigt" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/kpis/outcome/?sex__exact=%00",
        "/admin/goalplan/plan/?state__exact=%00",
        "/planer/?q=%00",
        "/admin/kpis/measure/export/?%00=1",
    ],
)
def test_a_nul_in_an_address_is_a_swedish_400(admin_client_sv, url):
    response = admin_client_sv.get(url)
    assert response.status_code == 400 and "NUL" in response.content.decode()


def test_under_members_only_a_reporter_enters_nothing_for_another_bodys_plan(members_mode, reporter):
    client, unit = reporter
    entry = reverse("admin:kpis_outcome_entry")
    page = client.get(entry).content.decode()
    assert str(rs_plan_2018()) not in page and str(hsn_plan(2025)) in page
    rs_url = f"{entry}?plan={rs_plan_2018().pk}&year=2018&period_kind=month&period_number=4&unit={unit.pk}"
    refused = client.get(rs_url)
    assert refused.status_code == 200 and "Välj ett giltigt alternativ" in refused.content.decode()
    # An indicator only RS follows (the BUP and sick-leave ones feed the HSN plans too).
    rs_measure = (
        Measure.objects.filter(plan=rs_plan_2018()).exclude(indicator__measures__plan__body__short_name="HSN").first()
    )
    response = client.post(
        reverse("admin:kpis_outcome_add"),
        {
            "indicator": rs_measure.indicator_id,
            "unit": unit.pk,
            "year": 2018,
            "period_kind": "month",
            "period_number": 9,
            "sex": "T",
            "value": "55",
            "accomplished": "unknown",
            "expected_version": "0",
        },
    )
    assert response.status_code == 200 and not Outcome.objects.filter(indicator=rs_measure.indicator, value=55).exists()


def test_under_members_only_the_list_filters_name_only_visible_plans(members_mode, reporter):
    client, _unit = reporter
    for url in (
        "admin:kpis_outcome_changelist",
        "admin:kpis_measure_changelist",
        "admin:kpis_target_changelist",
        "admin:goalplan_goal_changelist",
    ):
        page = client.get(reverse(url)).content.decode()
        assert str(rs_plan_2018()) not in page, url


@pytest.mark.parametrize("locked_april", ["report"], indirect=True)  # what only a report approves
def test_the_meeting_of_an_approved_report_is_frozen_with_it(locked_april):
    _outcome, _admin, _reporter, clients = locked_april
    report = FollowUpReport.objects.get(plan=rs_plan_2018(), period_end="2018-04-30")
    meeting = report.meeting
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    page = clients["admin"].get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    clients["admin"].post(
        url, {"title": "ÄNDRAD", "body": body("RS").pk, "kind": meeting.kind, "starts_on": "2018-06-30"}
    )
    assert Meeting.objects.get(pk=meeting.pk).title != "ÄNDRAD"


def test_under_members_only_a_reporters_import_knows_no_other_bodys_measure(members_mode, reporter):
    from kpis.imports import ImportFailed, import_outcomes

    client, unit = reporter
    user = client.get(reverse("admin:kpis_outcome_entry")).wsgi_request.user
    rs_measure = (
        Measure.objects.filter(plan=rs_plan_2018()).exclude(indicator__measures__plan__body__short_name="HSN").first()
    )
    data = f"mätetal;år;period;enhet;kön;värde\n{rs_measure.pk};2018;month-5;{unit.name};T;42\n".encode()
    with pytest.raises(ImportFailed) as refused:
        import_outcomes(data, "utfall.csv", user=user)
    assert "mätetal" in str(refused.value.errors[0]) or refused.value.error_count == 1
    assert not Outcome.objects.filter(indicator=rs_measure.indicator, value=42).exists()


@pytest.mark.parametrize("value", ["99999999999999999999999", "9223372036854775808"])
def test_a_huge_number_in_a_many_to_many_field_is_a_form_error(admin_client_sv, value):
    from goalplan.models import Goal

    goal = Goal.objects.first()
    url = reverse("admin:goalplan_goal_change", args=[goal.pk])
    response = admin_client_sv.post(
        url, {"plan": goal.plan_id, "kind": goal.kind, "title": goal.title, "shared_with": value}
    )
    assert response.status_code == 200


def test_year_9999_in_the_date_hierarchy_is_said_not_a_500(admin_client_sv):
    response = admin_client_sv.get(reverse("admin:meetings_meeting_changelist") + "?starts_on__year=9999", follow=True)
    assert response.status_code == 200 and "Datumet i adressen är ogiltigt" in response.content.decode()


@pytest.mark.parametrize("query", ["starts_on__year__gt=99999999999999999999", "starts_on__month=99999999999999999999"])
def test_dates_the_database_cannot_take_are_not_a_500(admin_client_sv, query):
    response = admin_client_sv.get(reverse("admin:meetings_meeting_changelist") + f"?{query}", follow=True)
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["value__gt=1e999999", "value__regex=(", "entered_at__year=99999999999999999999"])
def test_filters_the_database_cannot_take_are_said_not_a_500(admin_client_sv, query):
    response = admin_client_sv.get(reverse("admin:kpis_outcome_changelist") + f"?{query}", follow=True)
    assert response.status_code == 200
