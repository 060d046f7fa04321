"""A goal's status from its measures, assessment and sub-goals; counts per plan."""

import pytest
from django.utils import translation

from goalplan.choices import Status
from goalplan.models import Goal
from goalplan.periods import Period, PeriodKind
from kpis.status import combine_statuses, count_goals, evaluate_goals
from tests.selectors import rs_plan_2018


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ([Status.GREEN, Status.YELLOW], (Status.YELLOW, False)),
        ([Status.GREEN, Status.RED, Status.YELLOW], (Status.RED, False)),
        ([Status.GREEN, Status.MISSING], (Status.GREEN, True)),
        ([Status.MISSING, Status.MISSING], (Status.MISSING, True)),
        ([], (Status.MISSING, False)),
    ],
)
def test_the_worst_known_status_wins_and_missing_is_flagged(inputs, expected):
    assert combine_statuses(inputs) == expected


@pytest.mark.django_db
def test_rs_2018_six_of_eight_active_goals_do_not_reach_their_target():
    goals = evaluate_goals(rs_plan_2018(), Period(2018, PeriodKind.YEAR_TO_DATE, 4))
    counts = count_goals(goals, Goal.Kind.ACTIVE_GOAL)
    assert (counts.total, counts.not_met) == (8, 6)
    with translation.override("sv"):
        assert counts.sentence == "6 av 8 aktiva mål når inte målvärdet"


@pytest.mark.django_db
def test_rs_2018_success_factors_follow_their_assessments():
    goals = evaluate_goals(rs_plan_2018(), Period(2018, PeriodKind.YEAR_TO_DATE, 4), kind=Goal.Kind.SUCCESS_FACTOR)
    counts = count_goals(goals, Goal.Kind.SUCCESS_FACTOR)
    assert (counts.total, counts.red, counts.missing) == (41, 4, 1)
    assert counts.green + counts.yellow == 36
