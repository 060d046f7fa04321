"""A plan too long for one entry page is entered one goal area at a time (goal by goal when its
measures are all in one area): every part is reachable by a link with its number of rows, "all
goal areas" shows every row, and saving a part saves that part's rows and nothing else."""

import pytest
from django.urls import reverse

from goalplan.choices import Sex
from goalplan.models import Body, Goal, GoalArea, Plan
from goalplan.periods import PeriodKind
from kpis.models import Indicator, Measure, Outcome
from tests.entry_forms import entry_post_data

pytestmark = pytest.mark.django_db

ENTRY_URL = reverse("admin:kpis_outcome_entry")


@pytest.fixture
def long_plan(settings):
    """A second region's plan: three goal areas (4, 3 and 2 indicators, the first split by sex)
    and one measure without a goal area; 12 + 3 + 2 + 1 = 18 rows, with pages of at most 10."""
    settings.ENTRY_PAGE_MAX_ROWS = 10
    body = Body.objects.create(name="Regionstyrelsen i Norrbotten", short_name="RSN")
    plan = Plan.objects.create(
        title="Plan 2026", kind=Plan.Kind.OPERATIONAL_PLAN, body=body, start_year=2026, end_year=2026
    )
    areas = [
        GoalArea.objects.create(plan=plan, name=name, order=i)
        for i, name in enumerate(["Invånare", "Medarbetare", "Ekonomi"])
    ]
    order = 0
    for area, count, by_sex in zip(areas, [4, 3, 2], [True, False, False], strict=True):
        for i in range(count):
            order += 1
            indicator = Indicator.objects.create(name=f"{area.name} {i}", unit="%", decimals=1, split_by_sex=by_sex)
            Measure.objects.create(
                plan=plan, indicator=indicator, goal_area=area, name=f"{area.name} mätetal {i}", order=order
            )
    loose = Indicator.objects.create(name="Utan område", unit="st", decimals=0)
    Measure.objects.create(plan=plan, indicator=loose, name="Mätetal utan målområde", order=99)
    return plan, areas


def url(plan, area=None) -> str:
    query = f"?plan={plan.pk}&year=2026&period_kind=month&period_number=3&unit="
    return ENTRY_URL + query + (f"&area={area}" if area else "")


def shown_measures(response) -> list[str]:
    return [row.measure.name for row, _form, _status, _questioned in response.context["page"].rows]


def test_a_long_plan_opens_on_its_first_goal_area_with_links_to_every_part(admin_client_sv, long_plan):
    plan, areas = long_plan
    response = admin_client_sv.get(url(plan))
    page = response.context["page"]
    assert response.status_code == 200
    assert shown_measures(response) == [f"Invånare mätetal {i}" for i in range(4) for _sex in "TKM"]
    assert page.section == f"a{areas[0].pk}" and page.total_rows == 18
    assert [(s.name, s.rows) for s in page.sections] == [
        ("Invånare", 12),
        ("Medarbetare", 3),
        ("Ekonomi", 2),
        ("Utan målområde", 1),
    ]
    html = response.content.decode()
    assert "Planen har 18 rader att fylla i; sidan visar ett målområde i taget." in html
    assert f"area=a{areas[1].pk}" in html and "Medarbetare</a> (3 rader)" in html
    assert "Ekonomi</a> (2 rader)" in html and "Utan målområde</a> (1 rad)" in html
    assert '<strong aria-current="page">Invånare</strong>' in html


def test_every_part_and_all_goal_areas_are_reachable(admin_client_sv, long_plan):
    plan, areas = long_plan
    assert shown_measures(admin_client_sv.get(url(plan, f"a{areas[2].pk}"))) == [
        "Ekonomi mätetal 0",
        "Ekonomi mätetal 1",
    ]
    assert shown_measures(admin_client_sv.get(url(plan, "none"))) == ["Mätetal utan målområde"]
    assert len(shown_measures(admin_client_sv.get(url(plan, "all")))) == 18
    # A part the plan does not have (an old link, a typed address) opens the first one.
    assert len(shown_measures(admin_client_sv.get(url(plan, "a999999")))) == 12


def post_values(client, address: str, value: str):
    formset = client.get(address).context["page"].formset
    return client.post(address, entry_post_data(formset, lambda _form: value))


def test_saving_a_part_saves_its_rows_only_and_returns_to_it(admin_client_sv, long_plan):
    plan, areas = long_plan
    address = url(plan, f"a{areas[1].pk}")
    response = post_values(admin_client_sv, address, "61,5")
    assert response.status_code == 302 and response.url.endswith(f"&area=a{areas[1].pk}")
    saved = Outcome.objects.filter(year=2026, period_kind=PeriodKind.MONTH, period_number=3)
    assert sorted(saved.values_list("indicator__name", flat=True)) == [
        "Medarbetare 0",
        "Medarbetare 1",
        "Medarbetare 2",
    ]
    # The first part's page, posted to another part's address, is refused whole: nothing saved.
    first = admin_client_sv.get(url(plan)).context["page"].formset
    assert first.total_form_count() == 12
    response = post_values(admin_client_sv, url(plan), "70")
    assert response.status_code == 302
    assert saved.filter(sex=Sex.WOMEN).count() == 4


def test_a_plan_whose_measures_are_in_one_goal_area_is_entered_goal_by_goal(admin_client_sv, long_plan):
    plan, areas = long_plan
    Measure.objects.filter(plan=plan).update(goal_area=areas[0])
    goals = [Goal.objects.create(plan=plan, goal_area=areas[0], title=f"Mål {i}", order=i) for i in range(2)]
    for index, measure in enumerate(Measure.objects.filter(plan=plan).order_by("order")):
        Measure.objects.filter(pk=measure.pk).update(goal=goals[index % 2])
    page = admin_client_sv.get(url(plan)).context["page"]
    assert [(s.token, s.name, s.rows) for s in page.sections] == [
        (f"g{goals[0].pk}", "Mål 0", 9),
        (f"g{goals[1].pk}", "Mål 1", 9),
    ]


def test_a_plan_that_fits_one_page_is_shown_whole_without_parts(admin_client_sv, long_plan, settings):
    plan, _areas = long_plan
    settings.ENTRY_PAGE_MAX_ROWS = 300
    response = admin_client_sv.get(url(plan))
    assert len(shown_measures(response)) == 18 and response.context["page"].sections == []
    assert "målområde i taget" not in response.content.decode()


def test_a_part_posted_to_another_part_of_as_many_rows_is_refused_not_reported_saved(admin_client_sv, long_plan):
    """Found in review: the parts moved (another goal area became the first) while the page was
    open, or the post was made up; with as many rows, the rows were dropped and "saved" reported."""
    plan, areas = long_plan
    indicator = Indicator.objects.create(name="Ekonomi 2", unit="%", decimals=1)  # Ekonomi: 3 rows, as Medarbetare
    Measure.objects.create(plan=plan, indicator=indicator, goal_area=areas[2], name="Ekonomi mätetal 2", order=50)
    formset = admin_client_sv.get(url(plan, f"a{areas[1].pk}")).context["page"].formset
    data = entry_post_data(formset, lambda _form: "61,5")

    response = admin_client_sv.post(url(plan, f"a{areas[2].pk}"), data, follow=True)

    assert not Outcome.objects.filter(year=2026, period_number=3).exists()
    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["Planens mätetal ändrades efter att du öppnade sidan. Inget sparades; fyll i värdena igen."]


def test_goal_by_goal_parts_name_the_measures_without_a_goal_as_such(admin_client_sv, long_plan):
    plan, areas = long_plan
    Measure.objects.filter(plan=plan).update(goal_area=areas[0])
    goal = Goal.objects.create(plan=plan, goal_area=areas[0], title="Mål 0")
    Measure.objects.filter(plan=plan, name__startswith="Invånare").update(goal=goal)
    page = admin_client_sv.get(url(plan)).context["page"]
    assert [(s.name, s.rows) for s in page.sections] == [("Mål 0", 12), ("Utan mål", 6)]
