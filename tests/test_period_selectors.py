"""The goal and measure pages have a period selector, as the dashboard has: a GET form, so a link
keeps the period, among the plan's years; a year outside the plan is a Swedish error, not a 500."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from goalplan.models import Body, Goal, Plan
from kpis.models import Measure, Outcome, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_with_goal():
    body = Body.objects.create(name="Kulturnämnden i Västby", short_name="KN-VB", kind="committee")
    plan = Plan.objects.create(
        title="Kulturplan 2027–2028", kind=Plan.Kind.OPERATIONAL_PLAN, body=body, start_year=2027, end_year=2028
    )
    goal = Goal.objects.create(plan=plan, title="Fler besökare i länets bibliotek")
    measure = Measure.objects.create(plan=plan, goal=goal, name="Antal biblioteksbesök", unit="st", decimals=0)
    Target.objects.create(measure=measure, year=2027, kind="at_least", value=Decimal("1000"), wording="Minst 1 000")
    for month, value in ((1, "900"), (5, "1200")):
        Outcome.objects.create(
            indicator=measure.indicator, year=2027, period_kind="month", period_number=month, value=Decimal(value)
        )
    return goal, measure


@pytest.fixture
def member(client):
    client.force_login(get_user_model().objects.create_user("ledamot"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    return client


def pages(goal, measure):
    return [f"/mal/{goal.pk}/", f"/matetal/{measure.pk}/"]


def test_each_page_offers_the_plans_years_and_the_periods_of_the_year(member, plan_with_goal):
    for url in pages(*plan_with_goal):
        html = member.get(url, {"year": "2027", "period": "month-5"}).content.decode()
        assert 'aria-label="Period"' in html, url
        for year in ("2026", "2027", "2028"):
            assert f'<option value="{year}"' in html, (url, year)
        assert '<option value="2029"' not in html, url
        assert '<option value="2027" selected>' in html, url
        assert '<option value="month-5" selected>' in html, url
        assert '<option value="tertial-1"' in html and '<option value="year"' in html, url


def test_the_chosen_period_is_the_one_the_page_reads(member, plan_with_goal):
    goal, measure = plan_with_goal
    january = member.get(f"/matetal/{measure.pk}/", {"year": "2027", "period": "month-1"}).content.decode()
    may = member.get(f"/matetal/{measure.pk}/", {"year": "2027", "period": "month-5"}).content.decode()
    assert '<dd>900\u00a0st<br><span class="note">januari 2027</span>' in january
    assert '<dd>1\u00a0200\u00a0st<br><span class="note">maj 2027</span>' in may
    # The links onwards keep the period: the breadcrumb back to the plan and the goal.
    assert f"/planer/{goal.plan_id}/?year=2027&amp;period=month-5" in may
    assert f"/mal/{goal.pk}/?year=2027&amp;period=month-5" in may


@pytest.mark.parametrize("query", [{"year": "1990", "period": "month-1"}, {"year": "2027", "period": "month-13"}])
def test_a_period_outside_the_plan_is_a_swedish_error_on_the_default_period(member, plan_with_goal, query):
    for url in pages(*plan_with_goal):
        response = member.get(url, query)
        assert response.status_code == 400, url
        html = response.content.decode()
        assert "Välj ett giltigt alternativ" in html, url
        assert "<h1>" in html, url  # the page still shows, for the plan's own period
