"""What one measure's evaluation reads: the spans of months, whether a value is due, and the rules
resolved once per measure rather than for each unit and sex."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace

from goalplan.periods import MonthSpan, Period, PeriodKind
from kpis.models import Measure, Target, TargetKind
from kpis.status.targets import TargetRule
from kpis.status.trend import fallback_trend_span, trend_span
from kpis.status.values import MISSING_VALUE, ROLLING, Key, PeriodValue, window_of

Aggregation = Measure.Aggregation
Frequency = Measure.Frequency


def is_due(measure: Measure, period: Period) -> bool:
    """Whether the measure's frequency has a value due for the period: a yearly measure only in a
    period that closes the year, a tertial measure only in one that ends with a tertial."""
    if measure.frequency == Frequency.YEARLY:
        return period.closes_year
    if measure.frequency == Frequency.TERTIAL:
        return period.closes_tertial
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
    accomplishment = target is not None and target.kind == TargetKind.ACCOMPLISHED
    return _spans(period, measure.aggregation, measure.frequency, accomplishment, with_trend, with_forecast)


@functools.lru_cache(maxsize=1024)
def _spans(
    period: Period, aggregation: str, frequency: str, accomplishment: bool, with_trend: bool, with_forecast: bool
) -> Spans:
    """``spans_of``, from values alone: a plan's few combinations are worked out once each."""
    valued_period = period
    if frequency == Frequency.YEARLY and period.closes_year:
        valued_period = Period.full_year(period.year)  # a yearly measure's value is its year's
    elif accomplishment:
        valued_period = period.year_to_date  # done once in the year is done
    now = window_of(valued_period, aggregation)
    judged_on_year = with_forecast or aggregation == Aggregation.SUM_YEAR_TO_DATE
    ytd = window_of(period.year_to_date, aggregation) if judged_on_year else None
    # Last year's figures move a forecast from the year to date; an R12 measure's twelve months
    # already stand for a year (``forecast_year``), so it reads none of them.
    compared_with_last_year = ytd is not None and aggregation not in ROLLING
    return Spans(
        now=now,
        before=trend_span(now, aggregation, frequency) if with_trend else None,
        year_before=fallback_trend_span(now, aggregation) if with_trend else None,
        year_to_date=ytd,
        year_to_date_last_year=ytd.in_year(period.year - 1) if compared_with_last_year else None,
        last_year=window_of(Period(period.year - 1, PeriodKind.YEAR), aggregation) if compared_with_last_year else None,
    )


class MeasureRules:
    """One measure's evaluation for a period, as far as it does not depend on the unit or sex:
    worked out once per measure, then applied to each of a region's units and sexes."""

    def __init__(self, measure: Measure, period: Period, target: Target | None, **spans_options):
        self.measure, self.target = measure, target
        # The indicator holds the unit, decimals, direction, frequency and aggregation the
        # measure reads through to: the arithmetic reads them there, once per attribute.
        self.definition = measure.indicator
        self.spans = spans_of(measure, period, target, **spans_options)
        self.due = is_due(measure, period)
        self.target_rule = TargetRule(target, self.definition)
        self.accomplishment = target is not None and target.kind == TargetKind.ACCOMPLISHED
        self.missing = replace(MISSING_VALUE, span=self.spans.now)  # no value for the period's span
        self.values: dict[str, Mapping[Key, PeriodValue]] = {}

    def read_from(self, computed: Mapping[MonthSpan, Mapping[Key, PeriodValue]]) -> None:
        """Each of the measure's spans' values by key, looked up once rather than per unit and sex."""
        self.values = {name: computed.get(getattr(self.spans, name), {}) for name in Spans.__dataclass_fields__}
