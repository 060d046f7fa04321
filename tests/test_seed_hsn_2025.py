"""The HSN plan med budget 2025 (seed 004) reads back from the database as the document states it."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from budget.models import BudgetFrame, BudgetLine, Investment, SavingsEffect, SavingsMeasure
from goalplan.models import Assignment, GoalArea
from kpis.models import Measure, Target
from meetings.models import AgendaItem, Meeting
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db


def test_plan_identity():
    plan = hsn_plan(2025)
    assert plan.diary_number == "HSN/1528/2024"
    assert (plan.decided_on.isoformat(), plan.revised_on.isoformat()) == ("2024-11-04", "2024-12-19")
    assert plan.parent.body.short_name == "RF"


def test_goal_areas_carry_political_intent_and_trace_to_regionplan():
    areas = GoalArea.objects.filter(plan=hsn_plan(2025)).select_related("source_area__plan")
    assert areas.count() == 3
    for area in areas:
        assert area.political_intent
        assert area.source_area.plan.kind == "regionplan"


def test_short_term_indicators_with_decided_by_and_targets():
    indicators = Measure.objects.filter(plan=hsn_plan(2025), kind=Measure.Kind.KEY_INDICATOR)
    assert indicators.count() == 21
    assert not indicators.filter(decided_by__isnull=True).exists()
    wordings = set(Target.objects.filter(measure__in=indicators, year=2025).values_list("wording", flat=True))
    assert {
        "Minst 88 %",
        "Kortare än 10 minuter",
        "2 800 tim i snitt/mån (R12)",
        "Lägre än 1,75 utlok/100 vpl",
    } <= wordings


def test_financial_goals():
    goals = Measure.objects.filter(plan=hsn_plan(2025), kind=Measure.Kind.FINANCIAL_GOAL)
    assert set(Target.objects.filter(measure__in=goals).values_list("wording", flat=True)) == {"-22,4 %", "95 %"}


def test_assignments_with_decided_by():
    assignments = Assignment.objects.filter(plan=hsn_plan(2025))
    assert assignments.count() == 26
    assert assignments.filter(decided_by__short_name="RF").exists()
    assert assignments.filter(decided_by__short_name="HSN").exists()


def test_division_table_sums_to_officials_net_frame():
    lines = BudgetLine.objects.filter(frame__plan=hsn_plan(2025), frame__year=2025)
    officials = lines.filter(part=BudgetLine.Part.OFFICIALS).aggregate(net=Sum("amount_tkr"))["net"]
    assert officials == Decimal("-3158300")
    assert lines.aggregate(net=Sum("amount_tkr"))["net"] == Decimal("-3161800")
    frame = BudgetFrame.objects.get(plan=hsn_plan(2025), body__short_name="HSN", year=2025)
    assert (frame.net_frame_tkr, frame.officials_budget_tkr, frame.elected_budget_tkr) == (
        Decimal("-3161800"),
        Decimal("-3158300"),
        Decimal("-3500"),
    )


def test_division_medicin_net():
    lines = BudgetLine.objects.filter(frame__plan=hsn_plan(2025), unit__name="Division Medicin")
    assert lines.aggregate(net=Sum("amount_tkr"))["net"] == Decimal("-1117400")


def test_all_19_investments_sum_to_47_363_tkr():
    investments = Investment.objects.filter(plan=hsn_plan(2025))
    assert investments.count() == 19
    assert investments.aggregate(total=Sum("amount_tkr"))["total"] == Decimal("47363")
    assert investments.get(object_name="Datortomograf till akuten").amount_tkr == Decimal("16920")


def test_savings_action_plan_effects():
    measures = SavingsMeasure.objects.filter(plan=hsn_plan(2025))
    assert measures.count() == 6
    effects = dict(
        SavingsEffect.objects.filter(measure__in=measures).values_list("year").annotate(total=Sum("amount_tkr"))
    )
    assert effects == {2025: Decimal("51000"), 2026: Decimal("65000"), 2027: Decimal("75000")}


def test_meeting_calendar_2025():
    meetings = Meeting.objects.filter(plan=hsn_plan(2025))
    assert meetings.count() == 10
    may = meetings.get(starts_on="2025-05-22")
    assert may.reports.get().period_end.isoformat() == "2025-04-30"
    assert AgendaItem.objects.filter(meeting__plan=hsn_plan(2025), presentation=AgendaItem.Presentation.ORAL).exists()
