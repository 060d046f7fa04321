"""Traffic lights for the seeds' own cases, target form by target form (table-driven)."""

from decimal import Decimal

import pytest
from django.utils import translation

from goalplan.choices import Sex, Status
from goalplan.periods import Period, PeriodKind
from kpis.models import Measure
from kpis.status import evaluate_measures, evaluate_plan
from tests.selectors import hsn_plan, rs_plan_2018
from tests.status_helpers import measure_with_target, store, store_months

pytestmark = pytest.mark.django_db

APRIL_2018_YTD = Period(2018, PeriodKind.YEAR_TO_DATE, 4)


def rs_evaluation(name_start: str, period: Period = APRIL_2018_YTD, sex: str = Sex.TOTAL):
    evaluations = evaluate_plan(rs_plan_2018(), period)
    return next(e for e in evaluations if e.measure.name.startswith(name_start) and e.sex == sex)


def test_sick_leave_6_2_against_5_8_lower_is_better_is_red():
    evaluation = rs_evaluation("Sjukfrånvaro")
    assert (evaluation.value.value, evaluation.target.value) == (Decimal("6.2"), Decimal("5.8"))
    assert evaluation.measure.direction == Measure.Direction.LOWER_IS_BETTER
    assert evaluation.status == Status.RED


def test_care_injuries_7_against_13_or_lower_is_green():
    evaluation = rs_evaluation("Andel vårdskador")
    assert evaluation.target.wording == "Minska till 13 % eller lägre"
    assert evaluation.value.value == Decimal("7")
    assert evaluation.status == Status.GREEN


@pytest.mark.parametrize(
    ("period", "value"),
    [
        (APRIL_2018_YTD, Decimal("61")),
        (Period(2018, PeriodKind.MONTH, 4), Decimal("82")),
    ],
)
def test_bup_first_visit_is_red_on_both_the_month_and_the_cumulative_value(period, value):
    evaluation = rs_evaluation("Andel barn och unga", period)
    assert evaluation.value.value == value
    assert evaluation.status == Status.RED


LOWER_THAN_2020 = "Minska definierad dygnsdos"
MINUS_10_PERCENT = "Minska regionens tjänsteresor"


def hsn_2021_measure(name_start: str) -> Measure:
    return Measure.objects.get(plan=hsn_plan(2021), name__startswith=name_start)


@pytest.mark.parametrize(
    ("outcome_2020", "outcome_2021", "expected"),
    [
        ("18000", "17000", Status.GREEN),
        ("18000", "18000", Status.YELLOW),  # not lower, but within the 5 % band
        ("18000", "19500", Status.RED),
    ],
)
def test_lower_than_2020_against_the_stored_2020_outcome(outcome_2020, outcome_2021, expected):
    measure = hsn_2021_measure(LOWER_THAN_2020)
    assert (measure.targets.get(year=2021).wording, measure.targets.get(year=2021).base_year) == ("Lägre än 2020", 2020)
    store(measure, 2020, PeriodKind.YEAR_TO_DATE, 4, outcome_2020)
    store(measure, 2021, PeriodKind.YEAR_TO_DATE, 4, outcome_2021)
    [evaluation] = evaluate_measures([measure], Period(2021, PeriodKind.YEAR_TO_DATE, 4))
    assert evaluation.reference.value == Decimal(outcome_2020)
    assert evaluation.status == expected


@pytest.mark.parametrize(
    ("outcome_2021", "expected"),
    [
        ("880", Status.GREEN),  # −12 %
        ("905", Status.YELLOW),  # −9,5 %: within half a percentage point (5 % of 10)
        ("950", Status.RED),  # −5 %
    ],
)
def test_minus_10_percent_against_the_stored_2018_base(outcome_2021, expected):
    measure = hsn_2021_measure(MINUS_10_PERCENT)
    target = measure.targets.get(year=2021)
    assert (target.wording, target.kind, target.value, target.base_year) == (
        "-10 %",
        "change_from_base",
        Decimal("-10"),
        2018,
    )
    store(measure, 2018, PeriodKind.YEAR, 0, "1000")
    store(measure, 2021, PeriodKind.YEAR, 0, outcome_2021)
    [evaluation] = evaluate_measures([measure], Period(2021, PeriodKind.YEAR))
    assert evaluation.reference.value == Decimal("1000")
    assert evaluation.status == expected


@pytest.mark.parametrize(
    ("accomplished", "period", "expected"),
    [
        (True, Period(2021, PeriodKind.TERTIAL, 1), Status.GREEN),
        (False, Period(2021, PeriodKind.TERTIAL, 1), Status.YELLOW),  # there is still time
        (False, Period(2021, PeriodKind.YEAR), Status.RED),
        (None, Period(2021, PeriodKind.YEAR), Status.MISSING),
    ],
)
def test_accomplished_yes_no(accomplished, period, expected):
    measure = hsn_2021_measure("Under 2021 ska verksamheten kunna mäta kontinuitet")
    assert measure.targets.get(year=2021).wording == "Genomfört ja/nej"
    if accomplished is not None:
        store(measure, 2021, period.kind, period.number, accomplished=accomplished)
    [evaluation] = evaluate_measures([measure], period)
    assert evaluation.status == expected


@pytest.mark.parametrize(("minutes", "expected"), [("9,5", Status.GREEN), ("10", Status.YELLOW), ("12", Status.RED)])
def test_shorter_than_10_minutes(minutes, expected):
    measure = Measure.objects.get(plan=hsn_plan(2025), name__startswith="Medelväntetid för besvarade samtal")
    assert measure.targets.get(year=2025).wording == "Kortare än 10 minuter"
    store(measure, 2025, PeriodKind.MONTH, 4, minutes.replace(",", "."))
    [evaluation] = evaluate_measures([measure], Period(2025, PeriodKind.MONTH, 4))
    assert evaluation.status == expected


def twelve_months_ending_april_2025(average: int) -> dict:
    months = [(2024, m) for m in range(5, 13)] + [(2025, m) for m in range(1, 5)]
    # A seasonal series around the average: the R12 mean must still be the average.
    swing = [300, -300, 200, -200, 100, -100, 0, 0, 50, -50, 150, -150]
    return {month: average + delta for month, delta in zip(months, swing)}


@pytest.mark.parametrize(("average", "expected"), [(2850, Status.GREEN), (2700, Status.YELLOW), (2500, Status.RED)])
def test_2800_hours_per_month_r12_over_twelve_stored_months(average, expected):
    measure = Measure.objects.get(plan=hsn_plan(2025), name__startswith="Antal timmar bokad tid för vuxna")
    assert measure.targets.get(year=2025).wording == "2 800 tim i snitt/mån (R12)"
    assert measure.aggregation == Measure.Aggregation.ROLLING_12_MEAN
    store_months(measure, twelve_months_ending_april_2025(average))
    [evaluation] = evaluate_measures([measure], Period(2025, PeriodKind.MONTH, 4))
    assert evaluation.value.value == Decimal(average)
    assert evaluation.value.coverage.months_with_data == 12 and evaluation.value.complete
    assert evaluation.status == expected


def test_r12_with_a_month_missing_is_missing_not_a_guess():
    measure = Measure.objects.get(plan=hsn_plan(2025), name__startswith="Antal timmar bokad tid för vuxna")
    series = twelve_months_ending_april_2025(2850)
    del series[(2024, 9)]
    store_months(measure, series)
    [evaluation] = evaluate_measures([measure], Period(2025, PeriodKind.MONTH, 4))
    assert evaluation.value.value is None
    assert evaluation.status == Status.MISSING


def test_missing_outcome_is_saknas():
    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    [evaluation] = evaluate_measures([measure], Period(2025, PeriodKind.MONTH, 4))
    assert evaluation.status == Status.MISSING
    with translation.override("sv"):
        assert "saknas" in evaluation.status.text
        assert evaluation.value_text == "–"


@pytest.mark.parametrize(("county", "expected"), [("9,3", Status.GREEN), ("9,9", Status.RED)])
def test_relative_to_national_value(county, expected):
    from kpis.models import NationalValue

    measure = measure_with_target(
        name="Sjukpenningtal",
        unit="dagar",
        decimals=1,
        direction="lower",
        wording="Minst 0,5 dagar lägre än riket",
        kind="vs_national",
        value="-0.5",
    )
    NationalValue.objects.create(
        indicator=measure.indicator,
        year=2025,
        period_kind=PeriodKind.YEAR_TO_DATE,
        period_number=4,
        value=Decimal("9.9"),
    )
    store(measure, 2025, PeriodKind.YEAR_TO_DATE, 4, county.replace(",", "."))
    [evaluation] = evaluate_measures([measure], Period(2025, PeriodKind.YEAR_TO_DATE, 4))
    assert evaluation.reference.value == Decimal("9.9")
    assert evaluation.status == expected
