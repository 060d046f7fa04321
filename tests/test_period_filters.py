"""One way to filter rows by period (PeriodQuerySet) and the period arithmetic it rests on."""

from decimal import Decimal

import pytest

from goalplan.periods import MonthSpan, Period, PeriodKind, month_index, periods_ending_in
from kpis.models import Indicator, NationalValue, Outcome


@pytest.mark.parametrize(("month", "tertial"), [(1, 1), (4, 1), (5, 2), (8, 2), (9, 3), (12, 3)])
def test_the_tertial_a_month_falls_in(month, tertial):
    assert Period.tertial_containing(2025, month) == Period.tertial(2025, tertial)


def test_a_period_closes_a_tertial_when_its_last_month_ends_one():
    closing = {p for p in (Period(2025, PeriodKind.MONTH, m) for m in range(1, 13)) if p.closes_tertial}
    assert closing == {Period(2025, PeriodKind.MONTH, m) for m in (4, 8, 12)}
    assert Period.tertial(2025, 2).closes_tertial and Period.full_year(2025).closes_tertial
    assert not Period(2025, PeriodKind.YEAR_TO_DATE, 6).closes_tertial


def test_every_period_ending_in_a_month():
    assert periods_ending_in(2025, 12) == [
        Period(2025, PeriodKind.ROLLING_12, 12),
        Period(2025, PeriodKind.YEAR_TO_DATE, 12),
        Period.tertial(2025, 3),
        Period.full_year(2025),
        Period(2025, PeriodKind.MONTH, 12),
    ]
    assert all(p.end_month == 5 for p in periods_ending_in(2025, 5))
    assert len(periods_ending_in(2025, 5)) == 3


def test_a_span_knows_its_months():
    span = MonthSpan.ending(2025, 2, 12)
    assert span.start == (2024, 3)
    assert span.contains(2024, 3) and span.contains(2025, 2)
    assert not span.contains(2024, 2) and not span.contains(2025, 3)


@pytest.fixture
def outcomes(db):
    indicator = Indicator.objects.create(name="Väntetid", unit="dagar")
    periods = [
        Period(2024, PeriodKind.MONTH, 4),
        Period(2025, PeriodKind.MONTH, 4),
        Period(2025, PeriodKind.YEAR_TO_DATE, 4),
        Period.tertial(2025, 1),
        Period.full_year(2025),
    ]
    for period in periods:
        Outcome.objects.create(
            indicator=indicator,
            year=period.year,
            period_kind=period.kind,
            period_number=period.number,
            value=Decimal(1),
        )
    return Outcome.objects.filter(indicator=indicator)


def test_rows_of_exactly_one_period(outcomes):
    assert [o.period for o in outcomes.in_period(Period.tertial(2025, 1))] == [Period.tertial(2025, 1)]
    assert not outcomes.in_period(Period.tertial(2025, 2)).exists()


def test_rows_of_any_of_several_periods(outcomes):
    found = {o.period for o in outcomes.in_periods(periods_ending_in(2025, 4))}
    assert found == {
        Period(2025, PeriodKind.MONTH, 4),
        Period(2025, PeriodKind.YEAR_TO_DATE, 4),
        Period.tertial(2025, 1),
    }
    assert not outcomes.in_periods([]).exists()


def test_rows_of_years_and_kind(outcomes):
    assert outcomes.in_years(range(2024, 2025)).count() == 1
    assert outcomes.in_years(range(2024, 2026), kind=PeriodKind.MONTH).count() == 2


def test_every_period_model_and_related_manager_has_the_methods(outcomes):
    indicator = outcomes.first().indicator
    assert indicator.outcomes.in_period(Period.full_year(2025)).count() == 1
    assert not NationalValue.objects.in_period(Period.full_year(2025)).exists()


def test_the_tertials_that_tile_a_span():
    assert MonthSpan(month_index(2025, 1), month_index(2025, 8)).tertials() == [
        Period.tertial(2025, 1),
        Period.tertial(2025, 2),
    ]
    assert MonthSpan(month_index(2025, 9), month_index(2025, 12)).tertials() == [Period.tertial(2025, 3)]
    assert MonthSpan(month_index(2025, 2), month_index(2025, 8)).tertials() == []
    assert MonthSpan(month_index(2024, 9), month_index(2025, 4)).tertials() == []  # across a year


def test_the_database_numbers_months_as_month_index_does(outcomes):
    row = outcomes.in_period(Period(2025, PeriodKind.MONTH, 4)).with_month_index().get()
    assert row.month_index == month_index(2025, 4)


def test_monthly_rows_of_a_span(outcomes):
    twelve_months = MonthSpan.ending(2025, 4, 12)
    assert [o.period for o in outcomes.months_in(twelve_months)] == [Period(2025, PeriodKind.MONTH, 4)]
    assert outcomes.months_in(MonthSpan.ending(2025, 4, 13)).count() == 2
