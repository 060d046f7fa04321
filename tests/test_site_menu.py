"""The site menu (Planer, Rapporter, Budget, Sammanträden) and its list pages; breadcrumbs that
name the plan and the goal."""

import pytest
from django.contrib.auth import get_user_model

from goalplan.models import Body, Goal, Plan
from meetings.models import FollowUpReport
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    user = get_user_model().objects.create_user("ledamot-meny")
    Body.objects.get(short_name="HSN").members.add(user)
    client.force_login(user)
    return client


def test_the_menu_leads_to_plans_reports_budgets_and_calendars(member):
    page = member.get("/planer/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    for address, word in (
        ("/planer/", "Planer"),
        ("/rapporter/", "Rapporter"),
        ("/budget/", "Budget"),
        ("/sammantraden/", "Sammanträden"),
    ):
        assert f'<a href="{address}">{word}</a>' in page


def test_the_reports_list_shows_the_reports_the_person_reads_and_no_other(member, settings):
    settings.COMMITTEE_PAGES_VISIBILITY = "members"
    other = Body.objects.create(name="Annan nämnd", short_name="AN", kind="committee")
    plan = Plan.objects.create(
        title="Plan för annan nämnd", kind=Plan.Kind.OPERATIONAL_PLAN, body=other, start_year=2025, end_year=2025
    )
    hidden = FollowUpReport.objects.create(
        body=other, plan=plan, kind="tertial", period_end="2025-04-30", title="Dold rapport"
    )
    page = member.get("/rapporter/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    hsn_report = FollowUpReport.objects.filter(plan=hsn_plan(2025)).first()
    assert f'href="/rapporter/{hsn_report.pk}/"' in page and "Utkast" in page
    assert "Dold rapport" not in page and member.get(f"/rapporter/{hidden.pk}/").status_code == 404
    listed = [int(part.split("/")[0]) for part in page.split('href="/rapporter/')[1:] if part[:1].isdigit()]
    assert listed and all(member.get(f"/rapporter/{pk}/").status_code == 200 for pk in listed)


def test_the_budget_and_calendar_indexes_link_only_to_pages_that_exist(member):
    for index in ("/budget/", "/sammantraden/"):
        page = member.get(index, HTTP_ACCEPT_LANGUAGE="sv")
        assert page.status_code == 200
        links = [part.split('"')[0] for part in page.content.decode().split('href="')[1:]]
        targets = [link for link in links if link.startswith(index) and link != index]
        assert targets
        assert all(member.get(link).status_code == 200 for link in targets)


def test_the_goal_page_s_breadcrumb_names_the_plan_and_the_goal(member):
    goal = Goal.objects.filter(plan__body__short_name="HSN").order_by("pk").first()
    page = member.get(f"/mal/{goal.pk}/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    crumbs = page.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert str(goal.plan) in crumbs and goal.title.split()[0] in crumbs
