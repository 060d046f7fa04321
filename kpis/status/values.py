"""Period values: a measure's figure for a span of months, with how much of the span it rests on."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _

from goalplan.periods import MonthSpan, Period, month_index
from kpis.models import Measure

Aggregation = Measure.Aggregation

#: (measure id, unit id or None, sex)
Key = tuple[int, int | None, str]

VALUE_PRECISION = Decimal("0.0001")
R12_MONTHS = 12
ROLLING = (Aggregation.ROLLING_12_SUM, Aggregation.ROLLING_12_MEAN)
# Measures read at a month (a point in time, or the twelve months ending in it): their value for
# any period is their reading at its last month.
READINGS = (Aggregation.LATEST, *ROLLING)
# Plain strings, compared for every key and span of a region (an enum member is a lookup each time).
LATEST, SUM_YEAR_TO_DATE = Aggregation.LATEST.value, Aggregation.SUM_YEAR_TO_DATE.value
MEAN_YEAR_TO_DATE, WEIGHTED_MEAN = Aggregation.MEAN_YEAR_TO_DATE.value, Aggregation.WEIGHTED_MEAN.value


@dataclass(frozen=True)
class Coverage:
    """How many of the months a value needs it had: "3 av 4 månader"."""

    months_with_data: int
    months_needed: int
    reported: bool = False  # a figure stored for the whole span (e.g. the report's "Ack april")
    point_in_time: bool = False
    last_month_present: bool = True

    @property
    def complete(self) -> bool:
        # A point-in-time value needs only the span's last month; every other value every month.
        if self.reported:
            return True
        if self.point_in_time:
            return self.last_month_present
        return self.months_with_data >= self.months_needed

    @property
    def text(self) -> str:
        """E.g. "bygger på 3 av 4 månader"; empty for a complete value."""
        if self.complete:
            return ""
        if self.point_in_time:
            return _("the period's last month is missing")
        return _("rests on %(had)s of %(needed)s months") % {"had": self.months_with_data, "needed": self.months_needed}


NO_COVERAGE = Coverage(0, 1)


@dataclass(frozen=True)
class MonthValue:
    """One monthly outcome, as the pure aggregation below sees it."""

    value: Decimal | None
    count: int | None = None


@dataclass(frozen=True)
class PeriodValue:
    """A measure's value for a span of months (for one unit and sex)."""

    value: Decimal | None
    accomplished: bool | None = None
    comment: str = ""
    coverage: Coverage = NO_COVERAGE
    span: MonthSpan | None = None
    as_of: int | None = None  # a point-in-time value: the month (index) it was read in

    @property
    def described_span(self) -> MonthSpan | None:
        """The months the value speaks for: its month for a point-in-time value, else its span."""
        return MonthSpan(self.as_of, self.as_of) if self.as_of else self.span

    @property
    def is_missing(self) -> bool:
        return self.value is None and self.accomplished is None

    @property
    def stored(self) -> bool:
        return self.coverage.reported

    @property
    def complete(self) -> bool:
        return not self.is_missing and self.coverage.complete


MISSING_VALUE = PeriodValue(value=None)


def window_of(period: Period, aggregation: str) -> MonthSpan:
    """The months a measure's value for a period covers: R12 measures always the twelve ending in
    the period's last month, every other measure the period's own months."""
    if aggregation in ROLLING:
        return MonthSpan.ending(period.year, period.end_month, R12_MONTHS)
    return period.span


def quantized(value: Decimal) -> Decimal:
    return value.quantize(VALUE_PRECISION, rounding=ROUND_HALF_UP)


class SpanSums(NamedTuple):
    """What the database (or the reference below) adds up over a span's months for one key: a
    tuple, made from a row's columns for every key and span of a region."""

    value_sum: Decimal | None = None
    value_n: int = 0
    weighted_sum: Decimal | None = None
    weight: int | None = None
    weighted_n: int | None = None  # months with both a value and a count
    rows: int = 0
    yes: int = 0
    no: int = 0
    latest: tuple | None = None  # (value, accomplished, comment, month index) of the last month with data


@functools.cache
def _coverage(months_with_data: int, months_needed: int, point_in_time: bool, last_month_present: bool) -> Coverage:
    # The same few coverages recur for every key of a region: made once each.
    return Coverage(months_with_data, months_needed, point_in_time=point_in_time, last_month_present=last_month_present)


def value_from_sums(aggregation: str, span: MonthSpan, sums: SpanSums) -> PeriodValue:
    """A span's value by the measure's aggregation (see ``value_of``)."""
    return value_of(aggregation, span, *sums)


def value_of(
    aggregation: str,
    span: MonthSpan,
    value_sum: Decimal | None,
    value_n: int,
    weighted_sum: Decimal | None,
    weight: int | None,
    weighted_n: int | None,
    rows: int,
    yes: int,
    no: int,
    latest: tuple | None,
) -> PeriodValue:
    """A span's value from its ``SpanSums`` fields, by the measure's aggregation: the one place the
    arithmetic is decided (its fields as arguments: it runs for every key and span of a region)."""
    point_in_time = aggregation == LATEST
    months_with_data = rows if point_in_time else value_n or rows
    if aggregation == WEIGHTED_MEAN and weight:
        # A month without its count is not in the weighted mean: the value rests on the others.
        months_with_data = weighted_n if weighted_n is not None else months_with_data
    length = span.last - span.first + 1
    coverage = _coverage(
        months_with_data,
        length,
        point_in_time,
        bool(latest and latest[3] == span.last) if point_in_time else True,
    )
    value, accomplished, comment, as_of = None, None, "", None
    if point_in_time:
        if latest:
            value, accomplished, comment, as_of = latest
    elif aggregation == SUM_YEAR_TO_DATE:
        value = value_sum if value_n else None
    elif aggregation == WEIGHTED_MEAN and weight:
        value = quantized(Decimal(weighted_sum) / Decimal(weight))
    elif aggregation in (MEAN_YEAR_TO_DATE, WEIGHTED_MEAN):
        value = quantized(value_sum / value_n) if value_n else None
    elif value_n >= length:  # R12: a rolling sum or mean needs every month
        value = value_sum if aggregation == Aggregation.ROLLING_12_SUM else quantized(value_sum / length)
    if not point_in_time:
        # Yes/no: done once in the span is done.
        accomplished = True if yes else (False if no else None)
    if value is None and accomplished is None:
        return PeriodValue(None, coverage=coverage, span=span)
    return PeriodValue(value, accomplished, comment, coverage, span, as_of)


def aggregate_series(
    series: Mapping[tuple[int, int], MonthValue], period: Period | MonthSpan, aggregation: str
) -> PeriodValue:
    """The value of a monthly series held in memory: the reference for the database version."""
    span = window_of(period, aggregation) if isinstance(period, Period) else period
    present = [(month_index(*ym), series[ym]) for ym in span.months() if ym in series and series[ym].value is not None]
    weighted = [m for _i, m in present if m.count is not None]
    return value_from_sums(
        aggregation,
        span,
        SpanSums(
            value_sum=sum((m.value for _i, m in present), Decimal(0)),
            value_n=len(present),
            weighted_sum=sum((m.value * m.count for m in weighted), Decimal(0)),
            weight=sum(m.count for m in weighted),
            weighted_n=len(weighted),
            rows=len(present),
            latest=(present[-1][1].value, None, "", present[-1][0]) if present else None,
        ),
    )


def adopters_of(measures) -> dict[int, list[int]]:
    """The measures of each indicator among ``measures``: figures are read per indicator, once,
    and given to every measure that adopts it."""
    adopters: dict[int, list[int]] = {}
    for measure in measures:
        adopters.setdefault(measure.indicator_id, []).append(measure.pk)
    return adopters
