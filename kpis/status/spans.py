"""What one measure's evaluation reads: the spans of months, and whether a value is due."""

from __future__ import annotations

from dataclasses import dataclass

from goalplan.periods import MonthSpan, Period, PeriodKind
from kpis.models import Measure, Target, TargetKind
from kpis.status.trend import fallback_trend_span, trend_span
from kpis.status.values import window_of

Aggregation = Measure.Aggregation
Frequency = Measure.Frequency


def is_due(measure: Measure, period: Period) -> bool:
    """Whether the measure's frequency has a value due for the period: a yearly measure only in a
    period that closes the year, a tertial measure only in one that ends with a tertial."""
    if measure.frequency == Frequency.YEARLY:
        return period.closes_year
    if measure.frequency == Frequency.TERTIAL:
        return period.end_month % 4 == 0
    return True


@dataclass(frozen=True)
class Spans:
    """The spans one measure's evaluation reads."""

    now: MonthSpan
    before: MonthSpan | None
    year_before: MonthSpan | None  # the trend's comparison when ``before`` has no value
    year_to_date: MonthSpan | None
    year_to_date_last_year: MonthSpan | None
    last_year: MonthSpan | None


def spans_of(
    measure: Measure, period: Period, target: Target | None, *, with_trend: bool, with_forecast: bool
) -> Spans:
    valued_period = period
    if measure.frequency == Frequency.YEARLY and period.closes_year:
        valued_period = Period.full_year(period.year)  # a yearly measure's value is its year's
    elif target is not None and target.kind == TargetKind.ACCOMPLISHED:
        valued_period = period.year_to_date  # done once in the year is done
    now = window_of(valued_period, measure.aggregation)
    judged_on_year = with_forecast or measure.aggregation == Aggregation.SUM_YEAR_TO_DATE
    ytd = window_of(period.year_to_date, measure.aggregation) if judged_on_year else None
    return Spans(
        now=now,
        before=trend_span(now, measure.aggregation, measure.frequency) if with_trend else None,
        year_before=fallback_trend_span(now, measure.aggregation) if with_trend else None,
        year_to_date=ytd,
        year_to_date_last_year=ytd.in_year(period.year - 1) if ytd else None,
        last_year=window_of(Period(period.year - 1, PeriodKind.YEAR), measure.aggregation) if ytd else None,
    )
