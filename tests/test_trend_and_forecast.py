"""Trend over the last periods and the full-year forecast, in the measure's direction."""

from decimal import Decimal

import pytest

from goalplan.choices import Status
from goalplan.periods import Period, PeriodKind
from kpis.models import Measure
from kpis.status import (
    Coverage,
    ForecastMethod,
    PeriodValue,
    Trend,
    evaluate_measures,
    forecast_year,
    trend_between,
)
from tests.status_helpers import measure_with_target, store_months

D = Decimal
COMPLETE = Coverage(1, 1)


def measure(direction="higher", decimals=0, aggregation="latest") -> Measure:
    return Measure(name="m", direction=direction, decimals=decimals, aggregation=aggregation)


def value(number, coverage=COMPLETE) -> PeriodValue:
    return PeriodValue(None if number is None else D(number), coverage=coverage)


@pytest.mark.parametrize(
    ("before", "now", "direction", "expected"),
    [
        ("80", "88", "higher", Trend.IMPROVING),
        ("80", "88", "lower", Trend.WORSENING),
        ("6.4", "6.2", "lower", Trend.IMPROVING),
        ("80", "80.2", "higher", Trend.FLAT),
        ("84", "82.5", "higher", Trend.WORSENING),  # fell 1,5 points: worsening, whatever came before
        (None, "90", "higher", Trend.UNKNOWN),
    ],
)
def test_trend_reads_the_last_change_in_the_measures_direction(before, now, direction, expected):
    assert trend_between(value(before), value(now), measure(direction, decimals=1)) == expected


def test_no_trend_from_an_incomplete_value():
    assert trend_between(value("80", Coverage(3, 4)), value("90"), measure()) == Trend.UNKNOWN


def test_cumulative_forecast_uses_last_years_seasonality_else_linear():
    cumulative = measure(aggregation="ytd_sum")
    april = Period(2025, PeriodKind.YEAR_TO_DATE, 4)
    assert forecast_year(
        measure=cumulative, period=april, year_to_date=D(400), last_year_to_date=D(300), last_year=D(1200)
    ) == (D(1600), ForecastMethod.SEASONAL)
    assert forecast_year(
        measure=cumulative, period=april, year_to_date=D(400), last_year_to_date=None, last_year=None
    ) == (D(1200), ForecastMethod.LINEAR)


def test_level_forecast_moves_by_last_years_change_else_holds():
    level = measure(aggregation="ytd_mean")
    april = Period(2025, PeriodKind.YEAR_TO_DATE, 4)
    assert forecast_year(
        measure=level, period=april, year_to_date=D("6.2"), last_year_to_date=D("6.8"), last_year=D("6.1")
    ) == (D("5.5"), ForecastMethod.LAST_YEAR_CHANGE)
    assert forecast_year(
        measure=level, period=april, year_to_date=D("6.2"), last_year_to_date=None, last_year=None
    ) == (D("6.2"), ForecastMethod.UNCHANGED)


@pytest.mark.django_db
def test_a_miss_whose_forecast_meets_the_target_is_yellow_on_track():
    # Sick leave, lower is better, target at most 5,8: January–April 2025 at 6,5 is a clear miss,
    # but last year fell by 1,2 from April to the full year, so the forecast is 5,3.
    sick_leave = measure_with_target(
        wording="5,8 % helår", kind="at_most", value="5.8", direction="lower", decimals=1, aggregation="ytd_mean"
    )
    store_months(sick_leave, {(2024, m): v for m, v in zip(range(1, 13), [7, 7, 7, 7, 6, 5, 4, 4, 5, 6, 6, 6])})
    store_months(sick_leave, {(2025, m): D("6.5") for m in range(1, 5)})
    [evaluation] = evaluate_measures([sick_leave], Period(2025, PeriodKind.YEAR_TO_DATE, 4))
    assert evaluation.value.value == D("6.5")
    assert evaluation.forecast.method == ForecastMethod.LAST_YEAR_CHANGE
    assert evaluation.forecast.value == D("6.5") + (D("5.8333") - D(7))
    assert evaluation.forecast.status == Status.GREEN
    assert evaluation.status == Status.YELLOW
    assert evaluation.trend == Trend.WORSENING  # January–April 6,5 against September–December 2024: 5,75


@pytest.mark.django_db
def test_a_cumulative_measure_is_judged_on_its_forecast_before_december():
    visits = measure_with_target(
        wording="Minst 30 000", kind="at_least", value="30000", unit="antal", aggregation="ytd_sum"
    )
    store_months(visits, {(2025, m): 2000 for m in range(1, 5)})
    [april] = evaluate_measures([visits], Period(2025, PeriodKind.YEAR_TO_DATE, 4))
    assert april.value.value == D(8000)
    assert (april.forecast.value, april.forecast.method) == (D(24000), ForecastMethod.LINEAR)
    assert april.status == Status.RED
