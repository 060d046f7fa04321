"""The plan diff: what was added, removed and changed from one plan to another, as page, CSV and PDF."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from goalplan.models import Body, Goal, GoalArea, Plan
from kpis.models import Indicator, Measure, Target
from kpis.plan_diff import ChangeKind, plan_diff
from tests.selectors import hsn_plan, rs_plan_2018
from tests.test_visibility_by_body import logged_in, members_mode, person  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

ADDED, REMOVED, CHANGED, UNCHANGED = ChangeKind.ADDED, ChangeKind.REMOVED, ChangeKind.CHANGED, ChangeKind.UNCHANGED


def summary(section) -> dict:
    """{(kind, label): [(field, old, new), …]} of a section: what the tests compare exactly."""
    found = {}
    for entry in section.entries:
        key = (entry.kind, entry.label)
        assert key not in found, f"listed twice: {key}"
        found[key] = [(change.label, change.old, change.new) for change in entry.changes]
    return found


@pytest.fixture
def region_plans():
    """A second region's plans 2030 and 2031 with one of every kind of difference."""
    committee = Body.objects.create(name="Testlands vårdnämnd", short_name="TVN", order=40)
    council = Body.objects.create(name="Testlands regionfullmäktige", short_name="TRF", order=1)
    old = Plan.objects.create(title="Plan 2030", kind="verksamhetsplan", body=committee, start_year=2030, end_year=2030)
    new = Plan.objects.create(title="Plan 2031", kind="verksamhetsplan", body=committee, start_year=2031, end_year=2031)

    def areas(plan, rows):
        return {
            key: GoalArea.objects.create(plan=plan, name=name, description=text, order=i)
            for i, (key, name, text) in enumerate(rows)
        }

    old_areas = areas(
        old,
        [
            ("economy", "Ekonomi", "Ekonomin i balans."),
            ("care", "Vård och hälsa", "Gammal beskrivning."),
            ("digital", "Digitalisering", ""),
            ("climate", "Miljö", ""),
        ],
    )
    new_areas = areas(
        new,
        [
            ("economy", "Ekonomi", "Ekonomin i balans."),
            ("care", "Vård  och\nhälsa", "Ny beskrivning."),  # the same name once whitespace is collapsed
            ("digital", "DIGITALISERING", ""),  # matched (case), but the name as printed changed
            ("staff", "Medarbetare", ""),
        ],
    )

    def goals(plan, area_of, rows):
        return {
            key: Goal.objects.create(
                plan=plan, goal_area=area_of[area], kind=kind, title=title, description=text, order=i
            )
            for i, (key, area, kind, title, text) in enumerate(rows)
        }

    old_goals = goals(
        old,
        old_areas,
        [
            ("together_economy", "economy", "result_goal", "Samverkan", ""),
            ("budget", "economy", "result_goal", "Budget i balans", ""),
            ("waits", "care", "result_goal", "Kortare väntetider", "Fler besök."),
            ("patients", "care", "result_goal", "Nöjda patienter", ""),
            ("together_care", "care", "result_goal", "Samverkan", ""),
            ("digital_care", "digital", "result_goal", "Digital vård", ""),
            ("emissions", "climate", "result_goal", "Minskade utsläpp", ""),
        ],
    )
    new_goals = goals(
        new,
        new_areas,
        [
            ("budget", "economy", "strategic_goal", "Budget i balans", ""),
            ("waits", "care", "result_goal", "Kortare väntetider", "Fler besök och kortare köer."),
            ("patients", "care", "result_goal", "Nöjda  patienter", ""),
            ("together_care", "care", "result_goal", "samverkan", ""),  # matched in its own area, not in Ekonomi
            ("digital_care", "care", "result_goal", "Digital vård", ""),  # moved from Digitalisering
            ("healthy_staff", "staff", "result_goal", "Friska medarbetare", ""),
        ],
    )
    indicators = {
        key: Indicator.objects.create(name=key, unit="%")
        for key in ("visits", "cost", "satisfied", "emissions", "sick_leave", "digital", "falls", "balance")
    }

    def measure(plan, indicator, name, area, goal, order, **fields):
        return Measure.objects.create(
            plan=plan,
            indicator=indicators[indicator],
            name=name,
            goal_area=area,
            goal=goal,
            order=order,
            decided_by=fields.pop("decided_by", committee),
            **fields,
        )

    o, n = old_areas, new_areas
    m = {
        "old visits": measure(old, "visits", "Andel besök inom 30 dagar", o["care"], old_goals["waits"], 1),
        "new visits": measure(new, "visits", "Andelen besök inom 30 dagar", n["care"], new_goals["waits"], 1),
        "old cost": measure(
            old, "cost", "Kostnadsutveckling", o["economy"], old_goals["budget"], 2, kind="financial_goal"
        ),
        "new cost": measure(
            new,
            "cost",
            "Kostnadsutveckling",
            n["economy"],
            new_goals["budget"],
            2,
            kind="financial_goal",
            decided_by=council,
        ),
        "old satisfied": measure(old, "satisfied", "Nöjda patienter, index", o["care"], old_goals["patients"], 3),
        "new satisfied": measure(new, "satisfied", "Nöjda patienter,  index", n["care"], new_goals["patients"], 3),
        "old emissions": measure(old, "emissions", "Utsläpp av koldioxid", o["climate"], old_goals["emissions"], 4),
        "new sick leave": measure(new, "sick_leave", "Sjukfrånvaro", n["staff"], new_goals["healthy_staff"], 4),
        "old digital": measure(old, "digital", "Digitala besök", o["digital"], old_goals["digital_care"], 5),
        "new digital": measure(
            new, "digital", "Digitala besök", n["care"], new_goals["digital_care"], 5, kind="key_indicator"
        ),
        "old falls": measure(old, "falls", "Fallskador", o["care"], old_goals["waits"], 6),
        "new falls": measure(new, "falls", "Fallskador", n["care"], new_goals["patients"], 6),
        "new falls again": measure(new, "falls", "Fallskador, slutenvård", n["care"], new_goals["patients"], 7),
        "old balance": measure(old, "balance", "Resultat", o["economy"], None, 8),
        "new balance": measure(new, "balance", "Resultat", n["economy"], new_goals["budget"], 8),
    }

    def target(key, year, kind, wording, value=None, base_year=None):
        Target.objects.create(measure=m[key], year=year, kind=kind, wording=wording, value=value, base_year=base_year)

    target("old visits", 2030, "at_least", "Minst 80 %", Decimal(80))
    target("new visits", 2031, "at_least", "Minst 85 %", Decimal(85))
    target("old cost", 2030, "change_from_base", "-1 %", Decimal(-1), 2029)
    target("new cost", 2031, "change_from_base", "-1 %", Decimal("-1.0000"), 2030)
    target("old satisfied", 2030, "at_least", "Minst 90 %", Decimal(90))
    target("old satisfied", 2029, "at_least", "Minst 70 %", Decimal(70))  # not the plan's last year: not compared
    target("new satisfied", 2031, "at_least", "Minst 90 %", Decimal("90.0000"))
    target("old emissions", 2030, "at_most", "Högst 900 ton", Decimal(900))
    target("new sick leave", 2031, "at_most", "Högst 5 %", Decimal(5))
    target("old digital", 2030, "accomplished", "Genomfört")
    target("new falls", 2031, "at_most", "Högst 5", Decimal(5))
    return old, new


def test_a_constructed_pair_of_plans_lists_every_difference_and_nothing_more(region_plans):
    old, new = region_plans
    with translation.override("en"):
        diff = plan_diff(old_plan=old, new_plan=new)

    assert summary(diff.goal_areas) == {
        (UNCHANGED, "Ekonomi"): [],
        (CHANGED, "Vård  och\nhälsa"): [("Description", "Gammal beskrivning.", "Ny beskrivning.")],
        (CHANGED, "DIGITALISERING"): [("Name", "Digitalisering", "DIGITALISERING")],
        (ADDED, "Medarbetare"): [],
        (REMOVED, "Miljö"): [],
    }
    goals = [
        (e.kind, e.label, e.old and e.old.goal_area.name, e.new and e.new.goal_area.name) for e in diff.goals.entries
    ]
    assert goals == [
        (CHANGED, "Budget i balans", "Ekonomi", "Ekonomi"),
        (CHANGED, "Kortare väntetider", "Vård och hälsa", "Vård  och\nhälsa"),
        (UNCHANGED, "Nöjda  patienter", "Vård och hälsa", "Vård  och\nhälsa"),
        # "Samverkan" of Ekonomi comes first in the old plan, but the one of the matched area is taken.
        (CHANGED, "samverkan", "Vård och hälsa", "Vård  och\nhälsa"),
        (CHANGED, "Digital vård", "Digitalisering", "Vård  och\nhälsa"),
        (ADDED, "Friska medarbetare", None, "Medarbetare"),
        (REMOVED, "Samverkan", "Ekonomi", None),
        (REMOVED, "Minskade utsläpp", "Miljö", None),
    ]
    assert summary(diff.goals) == {
        (CHANGED, "Budget i balans"): [("Kind", "Result goal", "Strategic goal")],
        (CHANGED, "Kortare väntetider"): [("Description", "Fler besök.", "Fler besök och kortare köer.")],
        (UNCHANGED, "Nöjda  patienter"): [],
        (CHANGED, "samverkan"): [("Title", "Samverkan", "samverkan")],  # matched case-blind, printed as written
        (CHANGED, "Digital vård"): [("Goal area", "Digitalisering", "Vård  och\nhälsa")],
        (ADDED, "Friska medarbetare"): [],
        (REMOVED, "Samverkan"): [],
        (REMOVED, "Minskade utsläpp"): [],
    }
    assert summary(diff.measures) == {
        (CHANGED, "Andelen besök inom 30 dagar"): [
            ("Name", "Andel besök inom 30 dagar", "Andelen besök inom 30 dagar"),
        ],
        (CHANGED, "Kostnadsutveckling"): [("Decided by", "Testlands vårdnämnd", "Testlands regionfullmäktige")],
        (UNCHANGED, "Nöjda patienter,  index"): [],
        (ADDED, "Sjukfrånvaro"): [],
        # Moved with its goal: the goal is the matched one, so only the area and the kind changed.
        (CHANGED, "Digitala besök"): [
            ("Goal area", "Digitalisering", "Vård  och\nhälsa"),
            ("Kind", "Measure", "Key indicator"),
        ],
        # One indicator adopted twice: the first adoption pairs with the older plan's, the second is new.
        (CHANGED, "Fallskador"): [("Goal", "Kortare väntetider", "Nöjda  patienter")],
        (ADDED, "Fallskador, slutenvård"): [],
        (CHANGED, "Resultat"): [("Goal", "", "Budget i balans")],
        (REMOVED, "Utsläpp av koldioxid"): [],
    }
    pairs = {(e.old and e.old.indicator.name, e.new and e.new.name) for e in diff.measures.entries}
    assert ("falls", "Fallskador") in pairs and (None, "Fallskador, slutenvård") in pairs
    assert summary(diff.targets) == {
        (CHANGED, "Andelen besök inom 30 dagar: Minst 85 % (2031)"): [
            ("Wording", "Minst 80 %", "Minst 85 %"),
            ("Target value", "80", "85"),
        ],
        # -1 and -1.0000 are the same value: only the base year moved.
        (CHANGED, "Kostnadsutveckling: -1 % (2031)"): [("Base year", "2029", "2030")],
        (UNCHANGED, "Nöjda patienter,  index: Minst 90 % (2031)"): [],
        (ADDED, "Fallskador: Högst 5 (2031)"): [],
        (REMOVED, "Digitala besök: Genomfört (2030)"): [],
    }
    # The targets of added and removed measures go with the measure, not under Targets.
    sick_leave = next(e for e in diff.measures.entries if e.label == "Sjukfrånvaro")
    assert sick_leave.new.plan_target.wording == "Högst 5 %"
    assert diff.counts == {
        "goal_areas": {"added": 1, "removed": 1, "changed": 2, "unchanged": 1},
        "goals": {"added": 1, "removed": 2, "changed": 4, "unchanged": 1},
        "measures": {"added": 2, "removed": 1, "changed": 5, "unchanged": 1},
        "targets": {"added": 1, "removed": 1, "changed": 2, "unchanged": 1},
    }
    assert all(e.kind != UNCHANGED for s in diff.sections for e in s.differences)


def test_a_plan_compared_with_itself_has_no_differences(region_plans):
    old, _new = region_plans
    diff = plan_diff(old_plan=old, new_plan=old)
    assert not diff.has_differences
    assert diff.counts["measures"] == {"added": 0, "removed": 0, "changed": 0, "unchanged": 7}
    assert diff.counts["targets"]["unchanged"] == 5


def test_the_hsn_showcase_2021_to_2025_renders_with_the_care_guarantee_as_reworded(admin_client_sv):
    old, new = hsn_plan(2021), hsn_plan(2025)
    diff = plan_diff(old_plan=old, new_plan=new)
    by_pair = {(e.old and e.old.pk, e.new and e.new.pk): e for e in diff.measures.entries}
    # The 2025 care-guarantee measures adopt the 2021 indicators: the same measures, reworded.
    for old_pk, new_pk in [(1012, 4001), (1013, 4002), (1014, 4003), (1015, 4004)]:
        entry = by_pair[(old_pk, new_pk)]
        assert entry.kind == CHANGED
        assert entry.changes[0].old == Measure.objects.get(pk=old_pk).name
        assert entry.changes[0].new == Measure.objects.get(pk=new_pk).name
    assert by_pair[(None, 4013)].kind == ADDED  # Utlokaliseringar / 100 vårdplatser
    assert by_pair[(1028, None)].kind == REMOVED  # Antal öppnade webbtidböcker ska öka.
    assert by_pair[(None, 4000)].kind == by_pair[(None, 4017)].kind == ADDED  # HSE, adopted twice in 2025
    assert (
        diff.counts["measures"]["added"] + diff.counts["measures"]["changed"] + diff.counts["measures"]["unchanged"]
        == 23
    )
    assert sum(diff.counts["measures"][k] for k in ("removed", "changed", "unchanged")) == 42

    url = f"/planer/jamfor/?fran={old.pk}&till={new.pk}"
    response = admin_client_sv.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Utlokaliseringar / 100 vårdplatser" in text
    assert "Antal öppnade webbtidböcker ska öka." in text
    assert Measure.objects.get(pk=4001).name in text and Measure.objects.get(pk=1012).name in text
    assert f'href="/matetal/{4001}/"' in text  # a changed measure links to the later plan's measure
    assert "Strategi för vård" in text  # a removed goal area

    raw = admin_client_sv.get(url + "&format=csv")
    assert raw["Content-Type"].startswith("text/csv")
    assert raw.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) == 7 and all(len(row) == 7 for row in rows)
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "@", "\t", "\r")]
    # The cost target "-0,7 %" → "-22,4 %" is ordinary text: written as it is, no visible guard.
    assert "-0,7 %" in cells and "-22,4 %" in cells
    assert any(
        row[2] == Measure.objects.get(pk=1012).name and row[3] == Measure.objects.get(pk=4001).name for row in rows
    )

    cache.clear()  # the PDF is limited per person and minute, like the reports'
    pdf = admin_client_sv.get(url + "&format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_unchanged_items_are_shown_on_request(admin_client_sv):
    old, new = hsn_plan(2021), hsn_plan(2021)
    url = f"/planer/jamfor/?fran={old.pk}&till={new.pk}"
    measure = Measure.objects.filter(plan=old).first()
    assert f'href="/matetal/{measure.pk}/"' not in admin_client_sv.get(url).content.decode()
    assert f'href="/matetal/{measure.pk}/"' in admin_client_sv.get(url + "&visa_oforandrade=1").content.decode()


def test_only_the_later_plan_given_compares_with_the_previous_plan_of_its_body_and_kind(admin_client_sv):
    plan_2022 = hsn_plan(2022)
    response = admin_client_sv.get(f"/planer/jamfor/?till={plan_2022.pk}")
    assert response.status_code == 200
    assert response.context["old_plan"] == hsn_plan(2021)
    assert response.context["diff"].new_plan == plan_2022
    # The 2025 plan is a plan with budget: no earlier plan of that kind, so the latest earlier one
    # with measures (the 2022 excerpt has none): the showcase 2021 → 2025.
    response = admin_client_sv.get(f"/planer/jamfor/?till={hsn_plan(2025).pk}")
    assert response.status_code == 200 and response.context["old_plan"] == hsn_plan(2021)
    # The first plan of a body has nothing before it: the person chooses.
    response = admin_client_sv.get(f"/planer/jamfor/?till={hsn_plan(2021).pk}")
    assert response.status_code == 200 and response.context["diff"] is None and response.context["no_previous"]


def test_a_plan_the_person_may_not_read_is_404(members_mode, client):  # noqa: F811
    member = logged_in(client, person("hsn-ledamot", member_of=["HSN"]))
    hsn, rs = hsn_plan(2025), rs_plan_2018()
    for query in (
        f"fran={rs.pk}&till={hsn.pk}",
        f"fran={hsn.pk}&till={rs.pk}",
        f"till={rs.pk}",
        f"fran={rs.pk}&till={hsn.pk}&format=csv",
        f"fran={rs.pk}&till={hsn.pk}&format=pdf",
        "till=abc",
        "fran=999999&till=1",
    ):
        assert member.get(f"/planer/jamfor/?{query}").status_code == 404, query
    response = member.get(f"/planer/jamfor/?fran={hsn_plan(2021).pk}&till={hsn.pk}")
    assert response.status_code == 200
    offered = {plan.pk for plan in response.context["plans"]}
    assert hsn.pk in offered and rs.pk not in offered
    assert rs.title not in response.content.decode()


def test_the_plan_page_links_to_the_diff(admin_client_sv):
    plan = hsn_plan(2025)
    text = admin_client_sv.get(f"/planer/{plan.pk}/").content.decode()
    assert f'href="/planer/jamfor/?till={plan.pk}"' in text


def plan_pair(count: int) -> tuple[Plan, Plan]:
    """Two plans of a new body adopting the same ``count`` indicators: half reworded, a target each."""
    committee = Body.objects.create(name=f"Nämnd med {count} mätetal", short_name=f"N{count}", order=50)
    plans = [
        Plan.objects.create(
            title=f"Plan {year}", kind="verksamhetsplan", body=committee, start_year=year, end_year=year
        )
        for year in (2040, 2041)
    ]
    indicators = Indicator.objects.bulk_create(Indicator(name=f"Nyckeltal {i}") for i in range(count))
    for plan in plans:
        areas = [GoalArea.objects.create(plan=plan, name=f"Område {i}", order=i) for i in range(3)]
        goals = [
            Goal.objects.create(plan=plan, goal_area=areas[i % 3], kind="result_goal", title=f"Mål {i}", order=i)
            for i in range(6)
        ]
        measures = Measure.objects.bulk_create(
            Measure(
                plan=plan,
                indicator=indicators[i],
                goal_area=areas[i % 3],
                goal=goals[(i + plan.start_year) % 6],
                name=f"Mätetal {i}" + (" (ny lydelse)" if i % 2 and plan is plans[1] else ""),
                order=i,
                decided_by=committee,
            )
            for i in range(count)
        )
        Target.objects.bulk_create(
            Target(measure=m, year=plan.start_year, kind="at_least", value=50 + i % 3, wording=f"Minst {50 + i % 3} %")
            for i, m in enumerate(measures)
        )
    return plans[0], plans[1]


def test_the_page_makes_as_many_queries_for_40_measures_as_for_5(admin_client_sv):
    counts = {}
    for count in (5, 40):
        old, new = plan_pair(count)
        url = f"/planer/jamfor/?fran={old.pk}&till={new.pk}&visa_oforandrade=1"
        with CaptureQueriesContext(connection) as captured:
            response = admin_client_sv.get(url)
        assert response.status_code == 200
        assert response.context["diff"].counts["measures"]["unchanged"] == 0  # the goals moved: all changed
        counts[count] = len(captured.captured_queries)
    assert counts[5] == counts[40]
