"""Indicators live across plans and years: outcomes entered once feed every plan that adopts them,
each judged against its own targets; next year's plan continues the series; the measure library
adopts standard indicators per division in one action."""

import re
from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from goalplan.choices import Sex, Status
from goalplan.models import Body, Goal, GoalArea, OrganisationalUnit, Plan
from goalplan.periods import Period, PeriodKind
from goalplan.roles import ADMINISTRATORS, REPORTERS
from kpis.imports import ImportFailed, import_outcomes
from kpis.models import Indicator, IndicatorTemplate, Measure, Outcome, Target
from kpis.selectors import chart_series
from kpis.status import evaluate_measures
from kpis.status.forecast import ForecastMethod
from meetings.models import FollowUpReport
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db

APRIL_2030 = Period(2030, PeriodKind.MONTH, 4)


@pytest.fixture
def two_plans():
    """Region Exempel: the regional board and the care committee both follow staff sick leave
    (one indicator), with their own targets for 2030."""
    board = Body.objects.create(name="Regionstyrelsen (Region Exempel)", short_name="RS-EX")
    committee = Body.objects.create(name="Vårdnämnden (Region Exempel)", short_name="VN-EX")
    sick_leave = Indicator.objects.create(
        code="EX-SJUK",
        name="Sjukfrånvaro, alla anställda",
        unit="%",
        decimals=1,
        direction=Indicator.Direction.LOWER_IS_BETTER,
    )
    plans = {}
    for body, limit, wording in ((board, "6.0", "Högst 6,0 %"), (committee, "5.0", "Högst 5,0 %")):
        plan = Plan.objects.create(
            title=f"Verksamhetsplan 2030 – {body.short_name}",
            kind=Plan.Kind.OPERATIONAL_PLAN,
            body=body,
            start_year=2030,
            end_year=2030,
        )
        area = GoalArea.objects.create(plan=plan, name="Medarbetare", order=1)
        measure = Measure.objects.create(
            plan=plan, indicator=sick_leave, goal_area=area, name=f"Sjukfrånvaron ska minska ({body.short_name})"
        )
        Target.objects.create(measure=measure, year=2030, kind="at_most", value=D(limit), wording=wording)
        plans[body.short_name] = (plan, measure)
    return sick_leave, plans


def entry_url(plan, period=APRIL_2030) -> str:
    return (
        f"{reverse('admin:kpis_outcome_entry')}?plan={plan.pk}&year={period.year}"
        f"&period_kind={period.kind}&period_number={period.number}&unit="
    )


def entry_data(page, values: dict[int, str], reason: str = "") -> dict:
    """The entry page's own form with values typed for some indicators (by id)."""
    formset = page.context["page"].formset
    data = {"change_reason": reason, **{f"form-{k}": v for k, v in formset.management_form.initial.items()}}
    measures = {m.pk: m for m in Measure.objects.filter(pk__in=[f.initial["measure_id"] for f in formset.forms])}
    for index, form in enumerate(formset.forms):
        for name, initial in form.initial.items():
            data[f"form-{index}-{name}"] = "" if initial is None else initial
        indicator_id = measures[form.initial["measure_id"]].indicator_id
        if indicator_id in values and form.initial["sex"] == Sex.TOTAL:
            data[f"form-{index}-value"] = values[indicator_id]
    return data


def dashboard_status(client, plan, measure, period=APRIL_2030) -> str:
    page = client.get(f"/planer/{plan.pk}/?{period.query}").content.decode()
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*?{re.escape(measure.name)}(?:(?!</tr>).)*?</tr>", page, re.DOTALL)
    assert row, f"{measure.name} is not on the dashboard"
    return re.search(r'class="status status-(\w+)"', row.group(0)).group(1)


def test_an_outcome_entered_once_shows_in_both_plans_judged_by_each_plans_target(two_plans, admin_client_sv):
    sick_leave, plans = two_plans
    board_plan, board_measure = plans["RS-EX"]
    committee_plan, committee_measure = plans["VN-EX"]
    page = admin_client_sv.get(entry_url(board_plan))
    assert "Visas också i" in page.content.decode() and str(committee_plan) in page.content.decode()
    response = admin_client_sv.post(entry_url(board_plan), entry_data(page, {sick_leave.pk: "5,6"}))
    assert response.status_code == 302
    assert Outcome.objects.get(indicator=sick_leave, year=2030, period_number=4).value == D("5.6")
    assert (
        Outcome.objects.count()
        == Outcome.objects.filter(indicator=sick_leave).count() + Outcome.objects.exclude(indicator=sick_leave).count()
    )  # one row, not one per plan
    assert Outcome.objects.filter(indicator=sick_leave).count() == 1
    # 5,6 % meets the board's "Högst 6,0 %" and misses the committee's "Högst 5,0 %".
    assert dashboard_status(admin_client_sv, board_plan, board_measure) == Status.GREEN
    assert dashboard_status(admin_client_sv, committee_plan, committee_measure) == Status.RED
    # The committee's own entry page shows the figure already entered.
    committee_page = admin_client_sv.get(entry_url(committee_plan)).content.decode()
    assert 'value="5,6"' in committee_page


def test_the_measure_page_names_the_other_plans_following_the_indicator_not_its_own(two_plans, admin_client_sv):
    sick_leave, plans = two_plans
    board_plan, board_measure = plans["RS-EX"]
    committee_plan, _committee_measure = plans["VN-EX"]
    # The board follows the indicator under a second goal area too, as HSN 2025 does with HSE.
    second_area = GoalArea.objects.create(plan=board_plan, name="Ekonomi", order=2)
    Measure.objects.create(plan=board_plan, indicator=sick_leave, goal_area=second_area, name="Sjukfrånvaron (ekonomi)")
    page = admin_client_sv.get(f"/matetal/{board_measure.pk}/?{APRIL_2030.query}").content.decode()
    also = re.search(r"också i: (.*?)</p>", page, re.DOTALL)
    assert also, "the measure page does not say which other plans follow the indicator"
    assert str(committee_plan) in also.group(1) and str(board_plan) not in also.group(1)


def test_an_approved_report_of_either_plan_locks_the_shared_outcome(two_plans, django_user_model):
    sick_leave, plans = two_plans
    committee_plan, _measure = plans["VN-EX"]
    board_plan, _measure = plans["RS-EX"]
    unit = OrganisationalUnit.objects.create(name="Vårdcentral Exempel", code="VCE")
    outcome = Outcome.objects.create(
        indicator=sick_leave, unit=unit, year=2030, period_kind=PeriodKind.MONTH, period_number=4, value=D("5.6")
    )
    FollowUpReport.objects.create(
        body=committee_plan.body,
        plan=committee_plan,
        kind=FollowUpReport.Kind.TERTIAL,
        title="Tertialrapport per april 2030",
        period_end="2030-04-30",
        state=FollowUpReport.State.APPROVED,
    )
    reporter = django_user_model.objects.create_user(username="rapportor-ex", is_staff=True)
    reporter.groups.add(Group.objects.get(name=REPORTERS))
    unit.reporters.add(reporter)
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(reporter)
    # Through the board's plan, whose own April is not approved: still locked by the committee's report.
    url = (
        f"{reverse('admin:kpis_outcome_entry')}?plan={board_plan.pk}&year=2030&period_kind=month"
        f"&period_number=4&unit={unit.pk}"
    )
    page = client.get(url)
    assert "ingår i en godkänd rapport" in page.content.decode()
    assert client.post(url, entry_data(page, {sick_leave.pk: "4,0"})).status_code == 403
    with pytest.raises(ImportFailed):
        import_outcomes(
            "nyckeltal;år;period;enhet;kön;värde\nEX-SJUK;2030;month-4;VCE;T;4,0\n".encode(),
            "utfall.csv",
            user=reporter,
        )
    assert Outcome.objects.get(pk=outcome.pk).value == D("5.6")


def test_the_import_addresses_indicators_by_code_kolada_id_name_or_number(two_plans, admin_user):
    sick_leave, _plans = two_plans
    Indicator.objects.filter(pk=sick_leave.pk).update(kolada_id="N00950")
    rows = [
        "nyckeltal;år;period;kön;värde",
        "EX-SJUK;2030;month-1;T;5,1",
        "n00950;2030;month-2;T;5,2",
        "Sjukfrånvaro, alla anställda;2030;month-3;T;5,3",
        f"{sick_leave.pk};2030;month-5;T;5,5",
    ]
    result = import_outcomes("\n".join(rows).encode(), "utfall.csv", user=admin_user)
    assert result.created == 4
    assert list(
        Outcome.objects.filter(indicator=sick_leave).order_by("period_number").values_list("period_number", "value")
    ) == [(1, D("5.1")), (2, D("5.2")), (3, D("5.3")), (5, D("5.5"))]
    Indicator.objects.create(code="EX-SJUK-2", name="Sjukfrånvaro, alla anställda")
    Measure.objects.create(plan=_plans["RS-EX"][0], indicator=Indicator.objects.get(code="EX-SJUK-2"), name="Tvilling")
    with pytest.raises(ImportFailed) as refused:
        import_outcomes(
            "nyckeltal;år;period;kön;värde\nSjukfrånvaro, alla anställda;2030;month-6;T;5\n"
            "OKÄND;2030;month-6;T;5\n".encode(),
            "utfall.csv",
            user=admin_user,
        )
    messages = [str(error) for error in refused.value.errors]
    assert messages[0].startswith("Rad 2, kolumn ”nyckeltal”") and "använd nyckeltalets kod" in messages[0]
    assert messages[1].startswith("Rad 3, kolumn ”nyckeltal”") and "”OKÄND”" in messages[1]


def test_the_indicator_admin_says_which_plans_it_feeds(two_plans, admin_client_sv):
    sick_leave, plans = two_plans
    listing = admin_client_sv.get(reverse("admin:kpis_indicator_changelist") + "?q=EX-SJUK").content.decode()
    assert all(str(plan) in listing for plan, _measure in plans.values())
    change = admin_client_sv.get(reverse("admin:kpis_indicator_change", args=[sick_leave.pk])).content.decode()
    assert "används i planer" in change.lower() or "Används i planer" in change


def test_the_measure_form_lists_only_its_plans_goal_areas_named_with_the_plan(two_plans, admin_client_sv):
    _indicator, plans = two_plans
    plan, measure = plans["RS-EX"]
    page = admin_client_sv.get(reverse("admin:kpis_measure_change", args=[measure.pk]))
    choices = [label for _value, label in page.context["adminform"].form.fields["goal_area"].choices if _value]
    assert choices == [f"{plan}: Medarbetare"]
    # The indicator is picked by search, not from a list of every indicator.
    assert 'data-model-name="indicator"' in page.content.decode() or "admin-autocomplete" in page.content.decode()


# Next year's plan ------------------------------------------------------------------------------


def test_next_years_plan_is_a_draft_copy_with_the_same_indicators_and_targets_as_proposals(admin_client_sv):
    plan_2025 = hsn_plan(2025)
    before = (
        Measure.objects.filter(plan=plan_2025).count(),
        Target.objects.filter(measure__plan=plan_2025).count(),
        plan_2025.state,
        plan_2025.title,
    )
    response = admin_client_sv.post(
        reverse("admin:goalplan_plan_changelist"),
        {"action": "create_next_year_plan", "_selected_action": [plan_2025.pk]},
    )
    assert response.status_code == 302
    draft = Plan.objects.get(body=plan_2025.body, kind=plan_2025.kind, start_year=2026)
    assert (draft.state, draft.end_year, draft.title) == (
        Plan.State.DRAFT,
        2026,
        "Plan med budget 2026 – Hälso- och sjukvårdsnämnden",
    )
    old = list(Measure.objects.filter(plan=plan_2025).order_by("order", "pk"))
    new = list(Measure.objects.filter(plan=draft).order_by("order", "pk"))
    assert [m.indicator_id for m in new] == [m.indicator_id for m in old]
    assert [m.name for m in new] == [m.name for m in old]
    assert GoalArea.objects.filter(plan=draft).count() == GoalArea.objects.filter(plan=plan_2025).count()
    assert Goal.objects.filter(plan=draft).count() == Goal.objects.filter(plan=plan_2025).count()
    # Each goal area of the copy is the copy's own.
    assert (
        not Measure.objects.filter(plan=draft).exclude(goal_area__isnull=True).exclude(goal_area__plan=draft).exists()
    )
    targets = Target.objects.filter(measure__plan=draft)
    assert targets.count() == Target.objects.filter(measure__plan=plan_2025, year=2025).count()
    assert set(targets.values_list("year", flat=True)) == {2026}
    assert all(t.decided_by_id is None and "kopierat från målvärdet för 2025" in t.note for t in targets)
    assert sorted(targets.values_list("wording", flat=True)) == sorted(
        Target.objects.filter(measure__plan=plan_2025, year=2025).values_list("wording", flat=True)
    )
    # The original stays untouched; a second request is refused in Swedish.
    plan_2025.refresh_from_db()
    assert (
        Measure.objects.filter(plan=plan_2025).count(),
        Target.objects.filter(measure__plan=plan_2025).count(),
        plan_2025.state,
        plan_2025.title,
    ) == before
    again = admin_client_sv.post(
        reverse("admin:goalplan_plan_changelist"),
        {"action": "create_next_year_plan", "_selected_action": [plan_2025.pk]},
        follow=True,
    )
    assert "har redan en plan av det här slaget för 2026" in again.content.decode()
    assert Plan.objects.filter(body=plan_2025.body, start_year=2026).count() == 1


def test_next_years_plan_shows_last_year_compares_with_it_and_forecasts_with_its_seasons(admin_client_sv, admin_user):
    from kpis.planning import create_next_year_plan

    plan_2025 = hsn_plan(2025)
    draft = create_next_year_plan(plan_2025, user=admin_user)
    measure = Measure.objects.filter(plan=draft, name__startswith="Medelväntetid för besvarade samtal").get()
    indicator = measure.indicator
    # 2025: every month (a seasonal pattern, longer waits in the summer); 2026: January–April, shorter.
    waits_2025 = [9, 9, 8, 8, 10, 14, 16, 15, 10, 9, 9, 10]
    Outcome.objects.bulk_create(
        [
            Outcome(indicator=indicator, year=2025, period_kind=PeriodKind.MONTH, period_number=month, value=D(wait))
            for month, wait in enumerate(waits_2025, start=1)
        ]
        + [
            Outcome(
                indicator=indicator, year=2026, period_kind=PeriodKind.MONTH, period_number=month, value=D(wait - 2)
            )
            for month, wait in enumerate(waits_2025[:4], start=1)
        ]
    )
    Target.objects.filter(measure=measure, year=2026).update(
        kind="lower_than_year", value=None, base_year=2025, wording="Lägre än 2025"
    )
    april = Period(2026, PeriodKind.MONTH, 4)
    evaluation = next(e for e in evaluate_measures([measure], april) if e.sex == Sex.TOTAL and e.unit_id is None)
    # "Lägre än 2025": April 2026 (6) against April 2025 (8).
    assert evaluation.result.threshold.value == D(8)
    assert evaluation.status == Status.GREEN
    # January's trend runs across the year boundary: against December 2025.
    january = next(
        e
        for e in evaluate_measures([measure], Period(2026, PeriodKind.MONTH, 1))
        if e.sex == Sex.TOTAL and e.unit_id is None
    )
    assert january.trend_compared_with.months() == [(2025, 12)]
    assert january.trend.name == "IMPROVING"
    # A level's season is last year's move from April to the full year: 6 + (10 − 8) = 8.
    assert (evaluation.forecast.method, evaluation.forecast.value) == (ForecastMethod.LAST_YEAR_CHANGE, D(8))
    # A cumulative indicator is scaled by the share of 2025 reached by April: 26 × 127 / 34.
    Indicator.objects.filter(pk=indicator.pk).update(aggregation=Indicator.Aggregation.SUM_YEAR_TO_DATE)
    measure = Measure.objects.get(pk=measure.pk)
    cumulative = next(e for e in evaluate_measures([measure], april) if e.sex == Sex.TOTAL and e.unit_id is None)
    assert cumulative.forecast.method == ForecastMethod.SEASONAL
    assert cumulative.forecast.value == (D(26) * D(sum(waits_2025)) / D(34)).quantize(cumulative.forecast.value)
    Indicator.objects.filter(pk=indicator.pk).update(aggregation=Indicator.Aggregation.LATEST)
    measure = Measure.objects.get(pk=measure.pk)
    chart = chart_series([measure], year=2026)[measure.pk]
    last_year = next(values for legend, values, style in chart.lines if style == "last-year")
    assert [last_year[m] for m in range(1, 13)] == [D(w) for w in waits_2025]
    # The committee sees it on the draft's measure page too.
    page = admin_client_sv.get(f"/matetal/{measure.pk}/?{april.query}").content.decode()
    assert "Lägre än 2025" in page and "2025" in page


# The measure library ---------------------------------------------------------------------------


def divisions(count=3):
    return [
        OrganisationalUnit.objects.create(
            name=f"Division Exempel {i}", code=f"DX{i}", kind=OrganisationalUnit.Kind.DIVISION
        )
        for i in range(1, count + 1)
    ]


def test_the_care_guarantee_is_adopted_for_three_divisions_in_one_action(admin_client_sv):
    units = divisions()
    plan = Plan.objects.create(
        title="Verksamhetsplan 2031",
        kind=Plan.Kind.OPERATIONAL_PLAN,
        body=Body.objects.get(short_name="HSN"),
        start_year=2031,
        end_year=2032,
    )
    area = GoalArea.objects.create(plan=plan, name="Tillgänglighet", order=1)
    care_guarantee = IndicatorTemplate.objects.filter(group="Vårdgaranti 0-3-90-90")
    assert care_guarantee.count() == 4
    data = {
        "action": "adopt_in_plan",
        "_selected_action": list(care_guarantee.values_list("pk", flat=True)),
        "adopt": "1",
        "plan": plan.pk,
        "goal_area": area.pk,
        "units": [u.pk for u in units],
    }
    url = reverse("admin:kpis_indicatortemplate_changelist")
    confirm = admin_client_sv.post(url, {k: v for k, v in data.items() if k in ("action", "_selected_action")})
    assert confirm.status_code == 200 and "Inför mätetal från måttbiblioteket" in confirm.content.decode()
    # The form carries the chosen templates on as they are rendered (ids of 6000 and more: no "6 000").
    carried = re.findall(r'name="_selected_action" value="([^"]*)"', confirm.content.decode())
    assert sorted(carried) == sorted(str(pk) for pk in data["_selected_action"])
    assert admin_client_sv.post(url, {**data, "_selected_action": carried}).status_code == 302
    measures = Measure.objects.filter(plan=plan).select_related("indicator__responsible_unit")
    assert measures.count() == 12
    assert {(m.indicator.code, m.indicator.responsible_unit.code) for m in measures} == {
        (f"{t.code}-{u.code}", u.code) for t in care_guarantee for u in units
    }
    assert all(m.goal_area_id == area.pk and m.indicator.unit == "%" for m in measures)
    # Each with the usual target for both years of the plan, as a proposal.
    targets = Target.objects.filter(measure__plan=plan)
    assert targets.count() == 24 and set(targets.values_list("year", flat=True)) == {2031, 2032}
    besok = targets.filter(measure__indicator__code="VG-90-BESOK-DX1", year=2031).get()
    assert (besok.kind, besok.value, besok.wording) == ("at_least", D(85), "Minst 85 %")
    # Adopting again adds nothing and says so; next year's plan adopting it continues the same indicator.
    again = admin_client_sv.post(url, data, follow=True)
    assert Measure.objects.filter(plan=plan).count() == 12 and "Följs redan i planen" in again.content.decode()
    assert Indicator.objects.filter(code__startswith="VG-90-BESOK-DX").count() == 3


def test_the_whole_scope_template_continues_the_seed_indicator(admin_user):
    from kpis.planning import adopt_templates

    plan = Plan.objects.create(
        title="Verksamhetsplan 2031",
        kind=Plan.Kind.OPERATIONAL_PLAN,
        body=Body.objects.get(short_name="HSN"),
        start_year=2031,
        end_year=2031,
    )
    adoption = adopt_templates(
        plan=plan,
        templates=list(IndicatorTemplate.objects.filter(code="VG-90-BESOK")),
        units=[],
        whole_scope=True,
        user=admin_user,
    )
    [measure] = adoption.measures
    # The same indicator the HSN 2021 and 2025 plans follow: its series goes on.
    assert measure.indicator_id == Measure.objects.get(plan=hsn_plan(2025), indicator__code="VG-90-BESOK").indicator_id


def test_a_decided_plan_adopts_from_the_library_only_with_a_reason_and_never_half(admin_client_sv):
    units = divisions(2)
    plan = Plan.objects.create(
        title="Beslutad plan 2031",
        kind=Plan.Kind.OPERATIONAL_PLAN,
        body=Body.objects.get(short_name="HSN"),
        start_year=2031,
        end_year=2031,
        state=Plan.State.DECIDED,
    )
    templates = list(IndicatorTemplate.objects.filter(group="Vårdgaranti 0-3-90-90").values_list("pk", flat=True))
    data = {
        "action": "adopt_in_plan",
        "_selected_action": templates,
        "adopt": "1",
        "plan": plan.pk,
        "units": [u.pk for u in units],
    }
    url = reverse("admin:kpis_indicatortemplate_changelist")
    refused = admin_client_sv.post(url, data)
    assert refused.status_code == 200 and "ange skälet" in refused.content.decode().lower()
    assert (
        not Measure.objects.filter(plan=plan).exists() and not Indicator.objects.filter(code__endswith="-DX1").exists()
    )
    assert admin_client_sv.post(url, {**data, "reason": "Nämndens beslut § 12"}).status_code == 302
    assert Measure.objects.filter(plan=plan).count() == 8
    assert Measure.history.filter(plan_id=plan.pk).first().history_change_reason == "Nämndens beslut § 12"


def test_a_reporter_cannot_adopt_from_the_library(django_user_model):
    reporter = django_user_model.objects.create_user(username="rapportor-lib", is_staff=True)
    reporter.groups.add(Group.objects.get(name=REPORTERS))
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(reporter)
    plan = hsn_plan(2025)
    response = client.post(
        reverse("admin:kpis_indicatortemplate_changelist"),
        {
            "action": "adopt_in_plan",
            "_selected_action": list(IndicatorTemplate.objects.values_list("pk", flat=True)),
            "adopt": "1",
            "plan": plan.pk,
            "whole_scope": "on",
        },
    )
    # Reporters read the library, but the action is not theirs: not offered, and refused if posted.
    assert response.status_code in (200, 403)
    assert not Measure.objects.filter(plan=plan, name__startswith="Andel som får kontakt").exists()
    listing = client.get(reverse("admin:kpis_indicatortemplate_changelist"))
    assert listing.status_code == 200 and "adopt_in_plan" not in listing.content.decode()
    administrator = django_user_model.objects.create_user(username="admin-lib", is_staff=True)
    administrator.groups.add(Group.objects.get(name=ADMINISTRATORS))
    assert administrator.has_perm("kpis.view_indicatortemplate") and reporter.has_perm("kpis.view_indicator")


def test_a_division_without_a_code_gets_a_readable_one(admin_user):
    from kpis.planning import adopt_templates

    plan = Plan.objects.create(
        title="Verksamhetsplan 2031",
        kind=Plan.Kind.OPERATIONAL_PLAN,
        body=Body.objects.get(short_name="HSN"),
        start_year=2031,
        end_year=2031,
    )
    unit = OrganisationalUnit.objects.create(name="Division Kirurgi och cancer", kind=OrganisationalUnit.Kind.DIVISION)
    adoption = adopt_templates(
        plan=plan,
        templates=list(IndicatorTemplate.objects.filter(code="VG-90-BEHANDLING")),
        units=[unit],
        user=admin_user,
    )
    code = adoption.measures[0].indicator.code
    assert code == "VG-90-BEHANDLING-KIRURGI-OCH-C" and len(code) <= 30
