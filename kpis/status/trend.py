"""Trend: the period's value against the value of the span just before it, in the measure's direction."""

from __future__ import annotations

import enum
from decimal import Decimal

from django.utils.translation import gettext_lazy

from goalplan.periods import MonthSpan
from kpis.models import Measure
from kpis.status.values import READINGS, PeriodValue

FLAT_SHARE_OF_LEVEL = Decimal("0.01")


class Trend(enum.Enum):
    """The direction of a measure since the span before, read in the measure's direction."""

    IMPROVING = "improving"
    WORSENING = "worsening"
    FLAT = "flat"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return str(TREND_LABELS[self])

    @property
    def symbol(self) -> str:
        return TREND_SYMBOLS[self]

    @property
    def text(self) -> str:
        return f"{self.symbol} {self.label}"


TREND_LABELS = {
    Trend.IMPROVING: gettext_lazy("Improving"),
    Trend.WORSENING: gettext_lazy("Worsening"),
    Trend.FLAT: gettext_lazy("Unchanged"),
    Trend.UNKNOWN: gettext_lazy("No trend yet"),
}
TREND_SYMBOLS = {Trend.IMPROVING: "↗", Trend.WORSENING: "↘", Trend.FLAT: "→", Trend.UNKNOWN: "·"}


# How far back the reading before lies, by the measure's frequency (a tertial measure is read in
# April, August and December).
READING_STEP_MONTHS = {"monthly": 1, "tertial": 4, "yearly": 12}


def trend_span(span: MonthSpan, aggregation: str, frequency: str = "monthly") -> MonthSpan:
    """The span a value is compared with for its trend.

    Readings at a month (point in time, R12) are compared with the reading before (a month earlier
    for a monthly measure, a tertial earlier for one read per tertial; so R12
    January is compared with R12 December of the year before); sums and means with the span of the
    same length just before (a month with the month before, January–April with September–December,
    a year with the year before). A cumulative measure thus trends on its months' own values,
    never on a year-to-date sum that can only rise.
    """
    return span.before(READING_STEP_MONTHS.get(frequency, 1)) if aggregation in READINGS else span.before()


def fallback_trend_span(span: MonthSpan, aggregation: str) -> MonthSpan | None:
    """When the span just before has no value (a measure reported only year to date has no
    September–December), sums and means are compared with the same months a year earlier."""
    return None if aggregation in READINGS else span.before(12)


def trend_between(previous: PeriodValue | None, current: PeriodValue, measure: Measure) -> Trend:
    """Improving, worsening or unchanged from ``previous`` to ``current``; unknown unless both
    values are there and complete. Unchanged when the change is smaller than half the last
    printed digit or 1 % of the level."""
    if previous is None or previous.value is None or current.value is None:
        return Trend.UNKNOWN
    if not (previous.complete and current.complete):
        return Trend.UNKNOWN
    change = current.value - previous.value
    level = (abs(current.value) + abs(previous.value)) / 2
    flat_below = max(Decimal(1).scaleb(-measure.decimals) / 2, level * FLAT_SHARE_OF_LEVEL)
    if abs(change) < flat_below:
        return Trend.FLAT
    if (change > 0) == (measure.direction == Measure.Direction.HIGHER_IS_BETTER):
        return Trend.IMPROVING
    return Trend.WORSENING
