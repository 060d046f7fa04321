"""Admin forms offer what belongs together and say why: a goal's goal areas are its plan's,
named with the plan; a search for a goal names its plan; the unit lists hold the plan's units;
a body's abbreviation explains itself; users and groups read in Swedish, each group with what
it may do."""

import json
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import translation

from goalplan.admin_users import permission_label
from goalplan.models import Assignment, Body, Goal, GoalArea, OrganisationalUnit, Plan
from goalplan.roles import ADMINISTRATORS, COMMITTEE_MEMBERS, REPORTERS
from kpis.models import Indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years():
    """Another region's committee with a plan each year, both with a goal area "Tillgänglighet"."""
    body = Body.objects.create(name="Kollektivtrafiknämnden i Söderby", short_name="KTN-SB", kind="committee")
    plans = [
        Plan.objects.create(
            title=f"Trafikplan {year}", kind=Plan.Kind.OPERATIONAL_PLAN, body=body, start_year=year, end_year=year
        )
        for year in (2027, 2028)
    ]
    areas = [GoalArea.objects.create(plan=plan, name="Tillgänglighet") for plan in plans]
    goals = [
        Goal.objects.create(plan=plan, goal_area=area, title="Fler resor med kollektivtrafik")
        for plan, area in zip(plans, areas)
    ]
    return {"body": body, "plans": plans, "areas": areas, "goals": goals}


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [
        text.strip() for value, text in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select) if value
    ]


def test_a_goals_goal_areas_are_its_plans_named_with_the_plan(admin_client_sv, two_years):
    goal = two_years["goals"][1]
    html = admin_client_sv.get(f"/admin/goalplan/goal/{goal.pk}/change/").content.decode()
    assert options(html, "goal_area") == ["Trafikplan 2028: Tillgänglighet"]
    # A new goal for a plan named in the address lists that plan's; with none, every plan's, named.
    html = admin_client_sv.get(f"/admin/goalplan/goal/add/?plan={two_years['plans'][0].pk}").content.decode()
    assert options(html, "goal_area") == ["Trafikplan 2027: Tillgänglighet"]
    everything = options(admin_client_sv.get("/admin/goalplan/goal/add/").content.decode(), "goal_area")
    assert {"Trafikplan 2027: Tillgänglighet", "Trafikplan 2028: Tillgänglighet"} <= set(everything)
    assert len(everything) == len(set(everything))  # no two choices read the same


def test_an_assignments_goal_areas_are_its_plans(admin_client_sv, two_years):
    assignment = Assignment.objects.create(
        plan=two_years["plans"][0], text="Utred nattrafik", decided_by=two_years["body"]
    )
    html = admin_client_sv.get(f"/admin/goalplan/assignment/{assignment.pk}/change/").content.decode()
    assert options(html, "goal_area") == ["Trafikplan 2027: Tillgänglighet"]


def test_another_plans_goal_area_is_refused_by_name(admin_client_sv, two_years):
    goal = two_years["goals"][1]
    response = admin_client_sv.post(
        f"/admin/goalplan/goal/{goal.pk}/change/",
        {
            "plan": goal.plan_id,
            "kind": goal.kind,
            "title": goal.title,
            "goal_area": two_years["areas"][0].pk,
            "order": 0,
            "assessments-TOTAL_FORMS": 0,
            "assessments-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    goal.refresh_from_db()
    assert goal.goal_area == two_years["areas"][1]


def test_the_search_for_a_goal_names_its_plan(admin_client_sv, two_years):
    response = admin_client_sv.get(
        "/admin/autocomplete/",
        {"term": "Fler resor", "app_label": "goalplan", "model_name": "goal", "field_name": "parent"},
    )
    texts = sorted(result["text"] for result in json.loads(response.content)["results"])
    assert texts == [
        "Trafikplan 2027: Fler resor med kollektivtrafik",
        "Trafikplan 2028: Fler resor med kollektivtrafik",
    ]


def test_a_bodys_abbreviation_says_why_it_must_be_unique_and_what_it_may_hold(admin_client_sv, two_years):
    form = {"name": "Kollektivtrafiknämnden Norr", "kind": "committee", "order": 0}
    taken = admin_client_sv.post("/admin/goalplan/body/add/", {**form, "short_name": "KTN-SB"}).content.decode()
    assert "Ett annat organ har redan den här förkortningen. Den ingår i sidornas adresser" in taken
    spaced = admin_client_sv.post("/admin/goalplan/body/add/", {**form, "short_name": "KTN / N"}).content.decode()
    assert "Använd bara bokstäver, siffror och bindestreck" in spaced
    assert not Body.objects.filter(name="Kollektivtrafiknämnden Norr").exists()
    assert (
        "ingår i adresserna till organets budget- och sammanträdessidor"
        in admin_client_sv.get("/admin/goalplan/body/add/").content.decode()
    )


def test_the_user_form_explains_each_group_and_names_permissions_in_swedish(admin_client_sv, admin_user):
    html = admin_client_sv.get(f"/admin/auth/user/{admin_user.pk}/change/").content.decode()
    for group in (ADMINISTRATORS, REPORTERS, COMMITTEE_MEMBERS):
        assert f"<li><strong>{group}</strong>: " in html
    assert "Lägga in och importera utfall, analyser och åtgärder för de enheter" in html
    permissions = options(html, "user_permissions")
    assert any(p.endswith(" | Utfall | Kan lägga till utfall") for p in permissions)
    assert not [p for p in permissions if re.search(r"\| Can (add|change|delete|view) ", p)]
    assert any("Kan godkänna uppföljningsrapporter" in p for p in permissions)  # a model's own permission


def test_the_group_list_says_what_each_group_may_do(admin_client_sv):
    html = admin_client_sv.get("/admin/auth/group/").content.decode()
    assert "vad gruppen får göra" in html.lower()
    assert "Läsa nämndsidorna" in html
    group = Group.objects.get(name=REPORTERS)
    form = admin_client_sv.get(f"/admin/auth/group/{group.pk}/change/").content.decode()
    assert not re.search(r">[^<]*\| Can (add|change|delete|view) ", form)


def test_permission_labels_follow_the_language():
    permission = Permission.objects.get(codename="change_outcome")
    with translation.override("sv"):
        assert permission_label(permission).endswith("| Utfall | Kan ändra utfall")
    with translation.override("en"):
        assert permission_label(permission).endswith("| Outcome | Can change outcome")


def test_the_dashboard_offers_only_the_plans_units(admin_client_sv, two_years):
    own = OrganisationalUnit.objects.create(name="Linjetrafik Söder", body=two_years["body"])
    OrganisationalUnit.objects.create(name="Depå Söder", parent=own)  # under the body's unit
    html = admin_client_sv.get(f"/planer/{two_years['plans'][0].pk}/").content.decode()
    assert options(html, "unit") == ["Depå Söder", "Linjetrafik Söder"]
    # A committee of the seeds keeps its own units; a board with none of its own has every unit.
    hsn = Plan.objects.filter(body__short_name="HSN").order_by("-start_year").first()
    hsn_units = options(admin_client_sv.get(f"/planer/{hsn.pk}/").content.decode(), "unit")
    assert "Linjetrafik Söder" not in hsn_units and len(hsn_units) > 5


def test_the_entry_page_refuses_another_bodys_unit(admin_client_sv, two_years):
    OrganisationalUnit.objects.create(name="Linjetrafik Söder", body=two_years["body"])
    hsn_unit = OrganisationalUnit.objects.filter(body__short_name="HSN", is_active=True).first()
    response = admin_client_sv.get(
        "/admin/kpis/outcome/enter/",
        {"plan": two_years["plans"][0].pk, "year": 2027, "period": "month-3", "unit": hsn_unit.pk},
    )
    assert "är inte en av planens enheter" in response.content.decode()


def test_the_indicator_list_filters_by_the_units_that_answer_for_indicators(admin_client_sv, two_years):
    answering = OrganisationalUnit.objects.create(name="Trafikledningen", body=two_years["body"])
    OrganisationalUnit.objects.create(name="Kundtjänst", body=two_years["body"])
    Indicator.objects.create(name="Punktlighet", responsible_unit=answering)
    html = admin_client_sv.get("/admin/kpis/indicator/").content.decode()
    filter_html = html[html.index('id="changelist-filter"') :]
    assert "Trafikledningen" in filter_html and "Kundtjänst" not in filter_html
