"""Committee pages by membership: each reads their own bodies (COMMITTEE_PAGES_VISIBILITY)."""

import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache

from budget.models import BudgetFrame
from goalplan.models import Goal, OrganisationalUnit, Plan
from goalplan.roles import ADMINISTRATORS, REPORTERS
from kpis.models import Measure
from meetings.models import FollowUpReport
from tests.selectors import body, hsn_plan, rs_plan_2018
from tests.test_page_query_counts import plan_with, queries, urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def members_mode(settings):
    settings.COMMITTEE_PAGES_VISIBILITY = "members"
    return settings


@pytest.fixture
def fake_pdf(monkeypatch):
    """Draft PDFs without WeasyPrint (these tests are about who gets one, not what it holds)."""
    cache.clear()
    made = []

    def render(content):
        made.append(content["title"])
        return b"%PDF-1.7 " + content["title"].encode()

    monkeypatch.setattr("meetings.pdf_cache.render_report_pdf", render)
    return made


def person(username: str, *, groups=(), member_of=(), superuser=False):
    user = get_user_model().objects.create_user(username=username, password="x-lösen-2025", is_superuser=superuser)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    for short_name in member_of:
        body(short_name).members.add(user)
    return user


def logged_in(client, user):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    return client


def rs_report() -> FollowUpReport:
    return FollowUpReport.objects.get(plan=rs_plan_2018(), period_end="2018-04-30")


def hsn_report() -> FollowUpReport:
    return FollowUpReport.objects.get(plan=hsn_plan(2025), kind=FollowUpReport.Kind.TERTIAL)


def regionplan_2018() -> Plan:
    return Plan.objects.get(body__short_name="RF", start_year=2018)


def rs_budget_frame() -> BudgetFrame:
    """The seeds hold no budget for RS: give it one, so that its budget page exists."""
    return BudgetFrame.objects.create(plan=rs_plan_2018(), body=body("RS"), year=2018, net_frame_tkr=Decimal(-1000))


def rs_urls() -> dict[str, str]:
    """Every committee page and export of the Regionstyrelsen (RS)."""
    plan = rs_plan_2018()
    goal = Goal.objects.filter(plan=plan).order_by("pk").first()
    measure = Measure.objects.filter(plan=plan).order_by("pk").first()
    report = rs_report()
    return {
        "dashboard": f"/planer/{plan.pk}/",
        "dashboard csv": f"/planer/{plan.pk}/?year=2018&period=ytd-4&_export=csv",
        "goal": f"/mal/{goal.pk}/",
        "measure": f"/matetal/{measure.pk}/",
        "measure xlsx": f"/matetal/{measure.pk}/?_export=xlsx",
        "budget": "/budget/RS/2018/",
        "calendar": "/sammantraden/RS/2018/",
        "report": f"/rapporter/{report.pk}/",
        "report pdf": f"/rapporter/{report.pk}/pdf/",
    }


def hsn_urls() -> dict[str, str]:
    """The same pages of the Hälso- och sjukvårdsnämnden (HSN)."""
    plan = hsn_plan(2025)
    goal = Goal.objects.filter(plan=hsn_plan(2021)).order_by("pk").first()  # the 2025 plan has goal areas only
    measure = Measure.objects.filter(plan=plan).order_by("pk").first()
    report = hsn_report()
    return {
        "dashboard": f"/planer/{plan.pk}/",
        "dashboard csv": f"/planer/{plan.pk}/?year=2025&period=tertial-1&_export=csv",
        "goal": f"/mal/{goal.pk}/",
        "measure": f"/matetal/{measure.pk}/",
        "measure xlsx": f"/matetal/{measure.pk}/?_export=xlsx",
        "budget": "/budget/HSN/2025/",
        "calendar": "/sammantraden/HSN/2025/",
        "report": f"/rapporter/{report.pk}/",
        "report pdf": f"/rapporter/{report.pk}/pdf/",
    }


def statuses(client, urls: dict[str, str]) -> dict[str, int]:
    return {name: client.get(url).status_code for name, url in urls.items()}


def test_a_member_of_hsn_lists_only_hsn_plans(members_mode, client):
    member = logged_in(client, person("hsn-ledamot", member_of=["HSN"]))
    text = member.get("/planer/").content.decode()
    assert "Plan med budget 2025" in text and "Verksamhetsplan 2021" in text
    assert "Regionstyrelsens verksamhetsplan 2018" not in text
    assert "Regionplan 2018–2020" not in text  # the council's (RF) plans are not the member's either


def test_a_member_of_hsn_gets_404_on_every_rs_page_and_export(members_mode, client, fake_pdf):
    rs_budget_frame()
    member = logged_in(client, person("hsn-ledamot", member_of=["HSN"]))
    assert statuses(member, rs_urls()) == dict.fromkeys(rs_urls(), 404)
    assert fake_pdf == []  # the refused PDF was not made either
    assert statuses(member, hsn_urls()) == dict.fromkeys(hsn_urls(), 200)


def test_visibility_is_checked_before_a_cached_dashboard_is_served(members_mode, client, admin_user):
    members_mode.DASHBOARD_CACHE_ENABLED = True
    cache.clear()
    url = f"/planer/{rs_plan_2018().pk}/?year=2018&period=ytd-4"
    measure = Measure.objects.filter(plan=rs_plan_2018()).order_by("pk").first()
    logged_in(client, admin_user)
    assert client.get(url).status_code == 200  # the administrator's visit fills the cache
    assert client.get(f"/matetal/{measure.pk}/?year=2018&period=ytd-4").status_code == 200
    logged_in(client, person("hsn-ledamot", member_of=["HSN"]))
    assert client.get(url).status_code == 404
    assert client.get(f"/matetal/{measure.pk}/?year=2018&period=ytd-4").status_code == 404


def test_a_reporter_also_reads_the_bodies_of_their_units(members_mode, client, fake_pdf):
    rs_budget_frame()
    reporter = person("rapportor", groups=[REPORTERS], member_of=["RS"])
    OrganisationalUnit.objects.get(name="Akutvård").reporters.add(reporter)  # a unit of HSN
    logged_in(client, reporter)
    assert statuses(client, hsn_urls()) == dict.fromkeys(hsn_urls(), 200)  # the unit's body
    assert statuses(client, rs_urls()) == dict.fromkeys(rs_urls(), 200)  # the body they are a member of
    assert client.get(f"/planer/{hsn_plan(2022).pk}/").status_code == 200
    assert client.get(f"/planer/{regionplan_2018().pk}/").status_code == 404  # the council's (RF)


def test_a_unit_without_the_reporter_role_opens_nothing(members_mode, client):
    someone = person("f-d-rapportor")  # once a reporter: still on the unit, no longer in the group
    OrganisationalUnit.objects.get(name="Akutvård").reporters.add(someone)
    logged_in(client, someone)
    assert client.get(f"/planer/{hsn_plan(2025).pk}/").status_code == 404
    text = client.get("/planer/").content.decode()
    assert "Plan med budget 2025" not in text
    assert "Du är ännu inte ledamot i något organ med planer" in text


@pytest.mark.parametrize("role", ["superuser", "group"])
def test_administrators_read_every_body(members_mode, client, fake_pdf, role):
    rs_budget_frame()
    user = person("admin2", superuser=True) if role == "superuser" else person("admin2", groups=[ADMINISTRATORS])
    logged_in(client, user)
    assert statuses(client, rs_urls()) == dict.fromkeys(rs_urls(), 200)
    assert statuses(client, hsn_urls()) == dict.fromkeys(hsn_urls(), 200)
    assert "Regionstyrelsens verksamhetsplan 2018" in client.get("/planer/").content.decode()


def test_in_all_mode_a_person_who_is_no_member_reads_everything(settings, client, fake_pdf):
    settings.COMMITTEE_PAGES_VISIBILITY = "all"
    rs_budget_frame()
    logged_in(client, person("lasare"))
    assert statuses(client, rs_urls()) == dict.fromkeys(rs_urls(), 200)
    assert statuses(client, hsn_urls()) == dict.fromkeys(hsn_urls(), 200)
    text = client.get("/planer/").content.decode()
    assert "Regionstyrelsens verksamhetsplan 2018" in text and "Plan med budget 2025" in text


def test_the_goal_page_lists_only_the_serving_goals_the_person_may_open(members_mode, client):
    regionplan_goal = Goal.objects.get(plan=regionplan_2018(), title="Bättre tillgänglighet")
    rs_child = regionplan_goal.children.select_related("plan__body").first()
    assert rs_child.plan.body.short_name == "RS"  # a goal of the RS plan serves it
    user = person("rf-ledamot", member_of=["RF"])
    logged_in(client, user)
    text = client.get(f"/mal/{regionplan_goal.pk}/").content.decode()
    assert "Bättre tillgänglighet" in text and f"/mal/{rs_child.pk}/" not in text
    body("RS").members.add(user)
    assert f"/mal/{rs_child.pk}/" in client.get(f"/mal/{regionplan_goal.pk}/").content.decode()


def test_membership_adds_no_queries_per_measure(members_mode, client, django_assert_max_num_queries):
    small, large = plan_with(10), plan_with(200)
    logged_in(client, person("hsn-ledamot", member_of=["HSN"]))
    for (name, small_url), large_url in zip(urls(small).items(), urls(large).values()):
        bound = queries(client, small_url)
        with django_assert_max_num_queries(bound):
            assert client.get(large_url).status_code == 200, name


def test_an_unknown_visibility_setting_refuses_to_start():
    environment = {**os.environ, "DJANGO_COMMITTEE_PAGES_VISIBILITY": "member"}  # a typo
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "DJANGO_COMMITTEE_PAGES_VISIBILITY" in result.stderr
    environment["DJANGO_COMMITTEE_PAGES_VISIBILITY"] = "Members"
    ok = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.COMMITTEE_PAGES_VISIBILITY)"],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert ok.stdout.strip() == "members"


# --- The admin reads by the same rule (found by the second adversarial review) ----------------


def test_a_reporter_reads_only_visible_bodies_in_the_admin_too(client, members_mode):
    reporter = person("rapportor-admin", groups=[REPORTERS])
    reporter.is_staff = True
    reporter.save()
    OrganisationalUnit.objects.filter(body=body("HSN")).first().reporters.add(reporter)
    logged_in(client, reporter)
    rs_report = FollowUpReport.objects.get(plan=rs_plan_2018(), period_end="2018-04-30")
    measures = client.get("/admin/kpis/measure/").context["cl"].result_list
    assert measures and {measure.plan.body.short_name for measure in measures} == {"HSN"}
    assert client.get(f"/admin/meetings/followupreport/{rs_report.pk}/change/").status_code == 302  # not found
    autocomplete = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "meetings",
            "model_name": "proposedadjustment",
            "field_name": "report",
            "term": "regionstyrelsens",
        },
    )
    assert autocomplete.status_code == 200 and autocomplete.json()["results"] == []
    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    assert client.get(f"/admin/kpis/measure/{measure.pk}/change/").status_code == 200


def test_links_to_plans_and_goals_one_may_not_open_are_plain_text(client, members_mode):
    logged_in(client, person("hsn-ledamot", member_of=["HSN"]))
    served = Goal.objects.filter(plan=hsn_plan(2021), parent__isnull=False).select_related("parent").first()
    page = client.get(f"/mal/{served.pk}/").content.decode()
    assert served.parent.title in page and f'href="/mal/{served.parent_id}/' not in page
    plan = Plan.objects.filter(body=body("HSN"), parent__isnull=False).first()
    page = client.get(f"/planer/{plan.pk}/").content.decode()
    assert str(plan.parent) in page and f'href="/planer/{plan.parent_id}/"' not in page


def test_odd_addresses_answer_404_or_a_page_not_500(client):
    logged_in(client, person("ledamot-udda", member_of=["HSN"]))
    assert client.get("/budget/HSN%00/2025/").status_code == 404
    assert client.get("/sammantraden/%00/2025/").status_code == 404
    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    for per_page in ("-1", "9" * 400, "0"):
        assert client.get(f"/matetal/{measure.pk}/", {"per_page": per_page}).status_code == 200, per_page
