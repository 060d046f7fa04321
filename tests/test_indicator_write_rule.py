"""The write rule and the reading rule when one indicator feeds plans of several bodies: an
approved month of any of them locks its figures on every path, another body's plan is never
named, and adopting or dropping an indicator is judged in the plan it enters or leaves."""

from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from goalplan.models import Body, GoalArea, OrganisationalUnit, Plan
from goalplan.periods import PeriodKind
from goalplan.roles import REPORTERS
from kpis.access import write_rules_for
from kpis.imports import ImportFailed, import_outcomes
from kpis.models import Indicator, IndicatorTemplate, Measure, Outcome
from kpis.planning import adopt_templates
from meetings.models import FollowUpReport

pytestmark = pytest.mark.django_db

SECRET = "HEMLIGPLAN"


@pytest.fixture
def shared(settings, django_user_model):
    """Bodies A and B follow one sick-leave indicator; B has approved April 2030; a reporter of A's
    unit reads only A (members mode)."""
    settings.COMMITTEE_PAGES_VISIBILITY = "members"
    body_a = Body.objects.create(name="Nämnd A", short_name="NA")
    body_b = Body.objects.create(name="Nämnd B", short_name="NB")
    indicator = Indicator.objects.create(code="X-SJUK", name="Sjukfrånvaro", unit="%", decimals=1)
    plans = {}
    for body, title in ((body_a, "Verksamhetsplan 2030 A"), (body_b, f"Verksamhetsplan 2030 B {SECRET}")):
        plan = Plan.objects.create(
            title=title, kind=Plan.Kind.OPERATIONAL_PLAN, body=body, start_year=2030, end_year=2030
        )
        area = GoalArea.objects.create(plan=plan, name="Medarbetare", order=1)
        plans[body.short_name] = (
            plan,
            Measure.objects.create(
                plan=plan, indicator=indicator, goal_area=area, name=f"Sjukfrånvaro {body.short_name}"
            ),
        )
    unit = OrganisationalUnit.objects.create(name="Vårdcentral A", code="VCA", body=body_a)
    reporter = django_user_model.objects.create_user(username="rapportor-a", is_staff=True)
    reporter.groups.add(Group.objects.get(name=REPORTERS))
    unit.reporters.add(reporter)
    FollowUpReport.objects.create(
        body=body_b,
        plan=plans["NB"][0],
        kind=FollowUpReport.Kind.TERTIAL,
        title="Tertialrapport april 2030",
        period_end="2030-04-30",
        state=FollowUpReport.State.APPROVED,
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(reporter)
    return indicator, plans, unit, reporter, client


def test_the_import_is_locked_by_a_plan_the_reporter_does_not_read(shared):
    indicator, plans, unit, reporter, _client = shared
    Outcome.objects.create(
        indicator=indicator, unit=unit, year=2030, period_kind=PeriodKind.MONTH, period_number=4, value=D("5.6")
    )
    for heading, key in (("nyckeltal", "X-SJUK"), ("mätetal", str(plans["NA"][1].pk))):
        with pytest.raises(ImportFailed) as refused:
            import_outcomes(
                f"{heading};år;period;enhet;kön;värde\n{key};2030;month-4;VCA;T;1,0\n".encode(),
                "utfall.csv",
                user=reporter,
            )
        assert "godkänd rapport" in str(refused.value.errors[0])
        assert SECRET not in str(refused.value.errors[0])
    assert Outcome.objects.get(indicator=indicator, unit=unit, period_number=4).value == D("5.6")


def test_another_bodys_plan_is_never_named(shared):
    indicator, plans, unit, _reporter, client = shared
    Outcome.objects.create(
        indicator=indicator, unit=unit, year=2030, period_kind=PeriodKind.MONTH, period_number=3, value=D("5.6")
    )
    entry = (
        f"{reverse('admin:kpis_outcome_entry')}?plan={plans['NA'][0].pk}&year=2030&period_kind=month"
        f"&period_number=4&unit={unit.pk}"
    )
    page = client.get(entry).content.decode()
    assert "godkänd rapport" in page  # B's approval locks the month, unnamed
    for url in (
        entry,
        reverse("admin:kpis_indicator_changelist"),
        reverse("admin:kpis_indicator_change", args=[indicator.pk]),
        reverse("admin:kpis_outcome_changelist"),
        reverse("admin:kpis_nationalvalue_changelist"),
        reverse("admin:kpis_statusoverride_changelist"),
        "/admin/autocomplete/?app_label=kpis&model_name=outcome&field_name=indicator&term=Sjuk",
        f"/matetal/{plans['NA'][1].pk}/",
    ):
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert SECRET not in response.content.decode(), url


def test_adopting_an_indicator_brings_its_figures_into_the_plans_approved_months(shared, admin_user):
    _indicator, plans, _unit, _reporter, _client = shared
    plan_b = plans["NB"][0]
    other = Indicator.objects.create(code="X-NY", name="Nytt nyckeltal")
    Outcome.objects.create(indicator=other, year=2030, period_kind=PeriodKind.MONTH, period_number=4, value=D(9))
    rules = write_rules_for(admin_user)
    with pytest.raises(ValidationError):
        rules.check_write(stored=None, new=Measure(plan=plan_b, indicator=other, name="Nytt i B"))
    rules.check_write(stored=None, new=Measure(plan=plan_b, indicator=other, name="Nytt i B"), reason="Nämndbeslut")
    adopted = Measure.objects.create(plan=plan_b, indicator=other, name="Nytt i B")
    # Dropping it (deleting the measure) takes the approved figures out of B: a reason too.
    with pytest.raises(ValidationError):
        rules.check_delete([adopted])
    rules.check_delete([adopted], reason="Utgår")
    # An indicator without figures in the approved months comes and goes freely.
    rules.check_delete([plans["NB"][1]])
    # Outside approved months, and in a plan with no approval, nothing to judge.
    write_rules_for(admin_user).check_write(stored=None, new=Measure(plan=plans["NA"][0], indicator=other, name="x"))


def test_a_reporter_cannot_change_an_adoption_at_all(shared):
    _indicator, plans, _unit, reporter, _client = shared
    other = Indicator.objects.create(code="X-ANNAT", name="Annat")
    Outcome.objects.create(indicator=other, year=2030, period_kind=PeriodKind.MONTH, period_number=4, value=D(1))
    with pytest.raises(PermissionDenied):
        write_rules_for(reporter).check_write(
            stored=None, new=Measure(plan=plans["NB"][0], indicator=other, name="x"), reason="Försök"
        )


def test_switching_indicators_in_a_draft_is_not_judged_by_last_years_decided_plan(shared, admin_user):
    _indicator, plans, _unit, _reporter, _client = shared
    Plan.objects.filter(pk=plans["NA"][0].pk).update(state=Plan.State.DECIDED)
    draft_measure = plans["NB"][1]
    Plan.objects.filter(pk=plans["NB"][0].pk).update(state=Plan.State.DRAFT)
    FollowUpReport.objects.filter(plan=plans["NB"][0]).update(state=FollowUpReport.State.DRAFT)
    switched = Measure.objects.get(pk=draft_measure.pk)
    switched.indicator = Indicator.objects.create(code="X-OTHER", name="Annat")
    write_rules_for(admin_user).check_write(stored=Measure.objects.get(pk=draft_measure.pk), new=switched)


def divisions_named(*names):
    return [OrganisationalUnit.objects.create(name=name, kind=OrganisationalUnit.Kind.DIVISION) for name in names]


def test_two_divisions_whose_codes_shorten_alike_get_indicators_of_their_own(admin_user):
    plan = Plan.objects.create(
        title="Verksamhetsplan 2031",
        kind=Plan.Kind.OPERATIONAL_PLAN,
        body=Body.objects.create(name="Nämnd C", short_name="NC"),
        start_year=2031,
        end_year=2031,
    )
    template = IndicatorTemplate.objects.get(code="VG-90-BESOK")
    IndicatorTemplate.objects.filter(pk=template.pk).update(code="VG-OPERATION-INOM-90-DAGAR")
    template.refresh_from_db()
    north, south = divisions_named("Division Kirurgi Norr", "Division Kirurgi Syd")
    adoption = adopt_templates(plan=plan, templates=[template], units=[north, south], user=admin_user)
    indicators = [m.indicator for m in adoption.measures]
    assert len(indicators) == 2 and indicators[0].pk != indicators[1].pk
    assert {i.responsible_unit_id for i in indicators} == {north.pk, south.pk}


def test_an_existing_code_of_another_units_indicator_is_not_taken_over(admin_user):
    plan = Plan.objects.create(
        title="Verksamhetsplan 2031 D",
        kind=Plan.Kind.OPERATIONAL_PLAN,
        body=Body.objects.create(name="Nämnd D", short_name="ND"),
        start_year=2031,
        end_year=2031,
    )
    template = IndicatorTemplate.objects.get(code="VG-90-BESOK")
    ortopedi = OrganisationalUnit.objects.create(
        name="Division Ortopedi", code="ORT", kind=OrganisationalUnit.Kind.DIVISION
    )
    [old] = divisions_named("Division Ortopedi gammal")
    foreign = Indicator.objects.create(code="VG-90-BESOK-ORT", name="Något annat", responsible_unit=old, unit="st")
    [measure] = adopt_templates(plan=plan, templates=[template], units=[ortopedi], user=admin_user).measures
    assert measure.indicator_id != foreign.pk
    assert (measure.indicator.responsible_unit_id, measure.indicator.unit) == (ortopedi.pk, "%")


@pytest.mark.parametrize(
    "odd",
    [
        {"plan": "9" * 30},
        {"plan": "abc"},
        {"units": ["9" * 30]},
        {"units": ["abc"]},
        {"goal_area": "9" * 30},
        {"reason": "a\x00b"},
    ],
)
def test_odd_input_to_the_library_action_is_a_form_error(admin_client_sv, odd):
    template = IndicatorTemplate.objects.first()
    before = Measure.objects.count()
    response = admin_client_sv.post(
        reverse("admin:kpis_indicatortemplate_changelist"),
        {
            "action": "adopt_in_plan",
            "_selected_action": [template.pk],
            "adopt": "1",
            "plan": Plan.objects.first().pk,
            "whole_scope": "on",
            **odd,
        },
    )
    assert response.status_code == 200 and Measure.objects.count() == before


def test_a_reporter_cannot_make_next_years_plan(shared):
    _indicator, plans, _unit, _reporter, client = shared
    plan = plans["NA"][0]
    before = (Plan.objects.count(), Measure.objects.count())
    response = client.post(
        reverse("admin:goalplan_plan_changelist"), {"action": "create_next_year_plan", "_selected_action": [plan.pk]}
    )
    assert response.status_code in (200, 302, 403)
    assert (Plan.objects.count(), Measure.objects.count()) == before
    listing = client.get(reverse("admin:goalplan_plan_changelist"))
    assert "create_next_year_plan" not in listing.content.decode()
