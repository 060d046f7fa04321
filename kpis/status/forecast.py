"""Forecast: the full-year value expected from the year to date, and what it rests on."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy

from goalplan.choices import Status
from goalplan.periods import MONTHS_PER_YEAR, Period
from kpis.models import Measure
from kpis.status.values import ROLLING, Coverage, quantized

Aggregation = Measure.Aggregation


class ForecastMethod(enum.Enum):
    SEASONAL = "seasonal"
    LINEAR = "linear"
    LAST_YEAR_CHANGE = "last_year_change"
    UNCHANGED = "unchanged"
    ROLLING = "rolling"
    FINAL = "final"

    @property
    def label(self) -> str:
        return str(FORECAST_METHOD_LABELS[self])


FORECAST_METHOD_LABELS = {
    ForecastMethod.SEASONAL: gettext_lazy("year to date scaled by last year's share reached by the same month"),
    ForecastMethod.LINEAR: gettext_lazy("the months there are extrapolated linearly to twelve months"),
    ForecastMethod.LAST_YEAR_CHANGE: gettext_lazy("year to date moved by last year's change to the full year"),
    ForecastMethod.UNCHANGED: gettext_lazy("year to date value held for the rest of the year"),
    ForecastMethod.ROLLING: gettext_lazy(
        "the twelve months ending in the period: the rest of the year as the same months last year"
    ),
    ForecastMethod.FINAL: gettext_lazy("the year's outcome"),
}


@dataclass(frozen=True)
class Forecast:
    value: Decimal
    method: ForecastMethod
    status: Status
    coverage: Coverage | None = None

    @property
    def basis_text(self) -> str:
        """The method, and the coverage when the year to date is incomplete."""
        coverage = self.coverage.text if self.coverage else ""
        return f"{self.method.label} ({coverage})" if coverage else self.method.label


def forecast_year(
    *,
    measure: Measure,
    period: Period,
    year_to_date: Decimal | None,
    last_year_to_date: Decimal | None,
    last_year: Decimal | None,
    months_with_data: int | None = None,
) -> tuple[Decimal, ForecastMethod] | None:
    """The full-year value expected from the year to date through the period's last month.

    Cumulative measures: scaled by last year's share of the full year reached by the same month
    (seasonality) when this year's months are complete, else the months there are extrapolated
    linearly. R12 measures: the twelve months ending now already stand for a year, the rest of
    the year counted as the same months last year. Levels: the year to date moved by last year's
    change from the same month to the full year, else held.
    """
    if year_to_date is None:
        return None
    if period.closes_year:
        return year_to_date, ForecastMethod.FINAL
    if measure.aggregation in ROLLING:
        return year_to_date, ForecastMethod.ROLLING
    if measure.aggregation == Aggregation.SUM_YEAR_TO_DATE:
        months = months_with_data or period.end_month
        if months == period.end_month and last_year_to_date and last_year is not None:
            return quantized(year_to_date * last_year / last_year_to_date), ForecastMethod.SEASONAL
        return quantized(year_to_date * MONTHS_PER_YEAR / months), ForecastMethod.LINEAR
    if last_year_to_date is not None and last_year is not None:
        return year_to_date + (last_year - last_year_to_date), ForecastMethod.LAST_YEAR_CHANGE
    return year_to_date, ForecastMethod.UNCHANGED
