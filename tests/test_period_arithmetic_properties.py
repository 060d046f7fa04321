"""Property-based tests of the period arithmetic (hypothesis)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from goalplan.periods import Period, PeriodKind, rolling_12_months
from kpis.models import Measure
from kpis.status import MonthValue, aggregate_series

Aggregation = Measure.Aggregation

years = st.integers(min_value=2001, max_value=2099)
months = st.integers(min_value=1, max_value=12)
amounts = st.decimals(min_value=Decimal("-100000"), max_value=Decimal("100000"), places=2, allow_nan=False)


def constant_series(value, year, month):
    return {key: MonthValue(value) for key in rolling_12_months(year, month)}


@given(value=amounts, year=years, month=months)
def test_r12_of_a_constant_series_is_the_constant(value, year, month):
    series = constant_series(value, year, month)
    period = Period(year, PeriodKind.ROLLING_12, month)
    assert aggregate_series(series, period, Aggregation.ROLLING_12_MEAN).value == value.quantize(Decimal("0.0001"))
    assert aggregate_series(series, period, Aggregation.ROLLING_12_SUM).value == value * 12


@given(values=st.lists(amounts, min_size=12, max_size=12), year=years, month=months)
def test_year_to_date_sum_is_the_sum_of_its_months(values, year, month):
    series = {(year, m): MonthValue(v) for m, v in zip(range(1, 13), values)}
    assert aggregate_series(
        series, Period(year, PeriodKind.YEAR_TO_DATE, month), Aggregation.SUM_YEAR_TO_DATE
    ).value == sum(values[:month], Decimal(0))


@given(values=st.lists(amounts, min_size=12, max_size=12), year=years)
def test_the_tertials_add_up_to_the_year(values, year):
    series = {(year, m): MonthValue(v) for m, v in zip(range(1, 13), values)}
    tertials = [
        aggregate_series(series, Period(year, PeriodKind.TERTIAL, t), Aggregation.SUM_YEAR_TO_DATE).value
        for t in (1, 2, 3)
    ]
    assert sum(tertials) == aggregate_series(series, Period(year, PeriodKind.YEAR), Aggregation.SUM_YEAR_TO_DATE).value


@given(year=years, month=months)
def test_every_month_is_in_exactly_one_tertial_and_t1_is_year_to_date_april(year, month):
    owners = [t for t in (1, 2, 3) if (year, month) in Period(year, PeriodKind.TERTIAL, t).months()]
    assert owners == [(month - 1) // 4 + 1]
    assert Period(year, PeriodKind.TERTIAL, 1).months() == Period(year, PeriodKind.YEAR_TO_DATE, 4).months()
    interim = Period(year, PeriodKind.YEAR_TO_DATE, 8).months()
    assert interim == Period(year, PeriodKind.TERTIAL, 1).months() + Period(year, PeriodKind.TERTIAL, 2).months()


@given(year=years, month=months)
def test_tertial_boundaries_fall_on_april_august_and_december(year, month):
    tertial = Period(year, PeriodKind.TERTIAL, (month - 1) // 4 + 1)
    assert tertial.end_month in (4, 8, 12)
    assert tertial.start_month <= month <= tertial.end_month
    assert tertial.end_month - tertial.start_month == 3


@given(year=years, month=months)
def test_rolling_12_is_twelve_consecutive_months_ending_in_the_month(year, month):
    window = rolling_12_months(year, month)
    assert len(set(window)) == 12
    assert window[-1] == (year, month)
    indexes = [y * 12 + m for y, m in window]
    assert indexes == list(range(indexes[0], indexes[0] + 12))


@given(values=st.lists(amounts, min_size=1, max_size=12), year=years)
def test_latest_is_the_last_month_with_data(values, year):
    series = {(year, m): MonthValue(v) for m, v in enumerate(values, start=1)}
    assert aggregate_series(series, Period(year, PeriodKind.YEAR), Aggregation.LATEST).value == values[-1]
