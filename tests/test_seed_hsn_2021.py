"""The HSN verksamhetsplan 2021 (seed 000) reads back from the database as the document states it."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from budget.models import BudgetFrame, BudgetLine, Investment
from goalplan.models import Goal
from kpis.models import Measure, Target
from meetings.models import Meeting
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db

# The TOTALT row of "Budgetramar per område" (tkr).
TOTAL_ROW_2021 = {
    "Externa intäkter": Decimal("394036"),
    "Interna intäkter": Decimal("963869"),
    "Personalkostnader": Decimal("-2194727"),
    "Läkemedel": Decimal("-504005"),
    "Övriga externa omkostnader": Decimal("-863696"),
    "Avskrivningskostnader": Decimal("-48002"),
    "Interna kostnader": Decimal("-476775"),
}


def area_lines_2021():
    return BudgetLine.objects.filter(
        frame__plan=hsn_plan(2021), frame__body__short_name="HSN", frame__year=2021, unit__isnull=False
    )


def test_plan_has_13_result_goals():
    assert Goal.objects.filter(plan=hsn_plan(2021), kind=Goal.Kind.RESULT_GOAL).count() == 13


def test_plan_states_13_goals_and_44_measures_and_holds_the_42_its_text_prints():
    plan = hsn_plan(2021)
    assert (plan.stated_result_goal_count, plan.stated_measure_count) == (13, 44)
    # The plan's text says "13 resultatmål och 44 mätetal" but its tables print 42 measures;
    # all 42 are loaded and the stated count is kept beside them rather than invented.
    assert Measure.objects.filter(plan=plan).count() == 42


def test_every_measure_has_its_2021_target_with_wording():
    measures = Measure.objects.filter(plan=hsn_plan(2021))
    assert Target.objects.filter(measure__in=measures, year=2021).exclude(wording="").count() == measures.count()


def test_target_wordings_as_written():
    wordings = set(Target.objects.filter(measure__plan=hsn_plan(2021)).values_list("wording", flat=True))
    assert {"Genomfört ja/nej", "Lägre än 2020", "4,65", "4,6 %", "-0,7 %", "95 %"} <= wordings


def test_area_lines_sum_per_column_to_the_total_row():
    sums = dict(area_lines_2021().values_list("account_group__name").annotate(total=Sum("amount_tkr")))
    assert sums == TOTAL_ROW_2021


def test_area_lines_sum_to_net_frame():
    assert area_lines_2021().aggregate(net=Sum("amount_tkr"))["net"] == Decimal("-2729300")
    frame = BudgetFrame.objects.get(plan=hsn_plan(2021), body__short_name="HSN", year=2021)
    assert frame.net_frame_tkr == Decimal("-2729300")


def test_committee_table_sums_to_net_frame_in_both_years():
    for year, net in [(2020, Decimal("-2628900")), (2021, Decimal("-2729300"))]:
        lines = BudgetLine.objects.filter(
            frame__plan=hsn_plan(2021), frame__body__short_name="HSN", frame__year=year, unit__isnull=True
        )
        assert lines.aggregate(net=Sum("amount_tkr"))["net"] == net, year


def test_elected_representatives_frame_totals():
    frames = BudgetFrame.objects.filter(plan=hsn_plan(2021), elected_budget_tkr__isnull=False)
    totals = dict(frames.values_list("year").annotate(total=Sum("elected_budget_tkr")))
    assert totals == {2020: Decimal("-27300"), 2021: Decimal("-27819")}


def test_planned_investments():
    amounts = sorted(Investment.objects.filter(plan=hsn_plan(2021)).values_list("kind", "amount_tkr"))
    assert amounts == [("new", Decimal("6050")), ("reinvestment", Decimal("55810"))]


def test_meeting_calendar_2021():
    meetings = Meeting.objects.filter(plan=hsn_plan(2021))
    assert meetings.count() >= 12
    february = meetings.get(starts_on="2021-02-24")
    assert february.ends_on.isoformat() == "2021-02-25"
    titles = list(february.agenda_items.values_list("title", "responsible_role"))
    assert ("Plan internkontroll", "Regionstabschef") in titles
    assert meetings.filter(kind=Meeting.Kind.BUDGET_DAY).count() == 2
