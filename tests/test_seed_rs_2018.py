"""The RS follow-up per April 2018 (seed 002) and the Regionplan 2018–2020 (seed 003)."""

from decimal import Decimal

import pytest

from goalplan.choices import Sex, Status
from goalplan.models import Goal, GoalArea, Plan
from goalplan.periods import PeriodKind
from kpis.models import Outcome, Target
from meetings.models import FollowUpReport, ProposedAdjustment
from tests.selectors import rs_plan_2018

pytestmark = pytest.mark.django_db


def sick_leave_goal() -> Goal:
    return Goal.objects.get(plan=rs_plan_2018(), kind=Goal.Kind.ACTIVE_GOAL, title__startswith="Sjukfrånvaron")


def test_regionplan_2018_has_four_perspectives_and_25_strategic_goals():
    plan = Plan.objects.get(kind=Plan.Kind.REGIONPLAN, start_year=2018, end_year=2020)
    assert list(GoalArea.objects.filter(plan=plan).values_list("name", flat=True)) == [
        "Samhälle",
        "Patient",
        "Medarbetare",
        "Verksamhetsresultat",
    ]
    assert Goal.objects.filter(plan=plan, kind=Goal.Kind.STRATEGIC_GOAL).count() == 25


def test_rs_plan_decision():
    plan = rs_plan_2018()
    assert (plan.decided_on.isoformat(), plan.decision_reference) == ("2017-11-08", "§ 267")
    assert plan.parent.start_year == 2018 and plan.parent.kind == Plan.Kind.REGIONPLAN


def test_eight_active_goals():
    assert Goal.objects.filter(plan=rs_plan_2018(), kind=Goal.Kind.ACTIVE_GOAL).count() == 8


def test_sick_leave_target_outcome_and_comment():
    measure = sick_leave_goal().measures.get()
    target = Target.objects.get(measure=measure, year=2018)
    assert target.value == Decimal("5.8")
    assert target.wording.startswith("5,8 %")
    outcome = Outcome.objects.get(
        indicator=measure.indicator, year=2018, period_kind=PeriodKind.YEAR_TO_DATE, period_number=4, sex=Sex.TOTAL
    )
    assert outcome.value == Decimal("6.2")
    assert "Sjuktalen bland Regionens anställda sjunker" in outcome.comment
    women = Outcome.objects.get(
        indicator=measure.indicator, year=2018, period_kind=PeriodKind.YEAR_TO_DATE, period_number=4, sex=Sex.WOMEN
    )
    assert women.value == Decimal("6.8")


def test_bup_first_visit_month_and_cumulative_outcomes():
    goal = Goal.objects.get(plan=rs_plan_2018(), kind=Goal.Kind.ACTIVE_GOAL, title__startswith="Andel barn och unga")
    values = dict(
        Outcome.objects.filter(indicator__measures__goal=goal, year=2018, period_number=4, sex=Sex.TOTAL).values_list(
            "period_kind", "value"
        )
    )
    assert values == {PeriodKind.MONTH: Decimal("82"), PeriodKind.YEAR_TO_DATE: Decimal("61")}


def test_success_factors_are_assessed_and_trace_to_strategic_goals():
    factors = Goal.objects.filter(plan=rs_plan_2018(), kind=Goal.Kind.SUCCESS_FACTOR)
    assert factors.count() >= 30
    assert not factors.filter(parent__isnull=True).exists()
    assert set(factors.values_list("parent__kind", flat=True)) == {Goal.Kind.STRATEGIC_GOAL}
    red = Goal.objects.filter(pk__in=factors, assessments__status=Status.RED)
    assert red.count() == 4


def test_follow_up_report_and_proposed_adjustments():
    report = FollowUpReport.objects.get(plan=rs_plan_2018(), period_end="2018-04-30")
    assert "sex mål som inte uppnår" in report.summary
    assert report.meeting.starts_on.isoformat() == "2018-05-28"
    proposal = ProposedAdjustment.objects.get(report=report, kind=ProposedAdjustment.Kind.TARGET_VALUE)
    assert proposal.proposed_value == Decimal("5.5")
    assert proposal.measure == sick_leave_goal().measures.get()
