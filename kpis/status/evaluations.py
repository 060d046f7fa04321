"""What one evaluation says: a measure's value, target, status, trend and forecast for one
period, unit and sex, and how each reads for a person."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from goalplan.choices import Sex, Status
from goalplan.periods import MonthSpan, Period
from kpis.formatting import format_measure_value, format_period_value
from kpis.models import Measure, StatusOverride, Target, TargetKind
from kpis.status.forecast import Forecast, ForecastMethod
from kpis.status.targets import Reference, TargetResult
from kpis.status.trend import Trend
from kpis.status.values import PeriodValue


@dataclass
class Evaluation:
    """A measure for one period, unit and sex: value, target, status, trend and forecast."""

    measure: Measure
    period: Period
    unit_id: int | None
    sex: str
    target: Target | None
    value: PeriodValue
    result: TargetResult
    reference: Reference | None = None
    override: StatusOverride | None = None
    trend: Trend = Trend.UNKNOWN
    forecast: Forecast | None = None
    trend_compared_with: MonthSpan | None = None
    judged_on_forecast: bool = False

    @property
    def computed_status(self) -> Status:
        return self.result.status

    @property
    def status(self) -> Status:
        return Status(self.override.status) if self.override else self.result.status

    @property
    def needs_analysis(self) -> bool:
        """Red or yellow: what a follow-up round asks an analysis and planned actions of."""
        return self.status in (Status.RED, Status.YELLOW)

    @property
    def is_not_met(self) -> bool:
        """Red: the measures a report explains with a chart."""
        return self.status == Status.RED

    @property
    def sex_label(self) -> str:
        return str(Sex(self.sex).label)

    @property
    def target_text(self) -> str:
        return self.target.wording if self.target else "–"

    @cached_property
    def threshold_text(self) -> str:
        """The target as a limit in the unit, e.g. "högst 200 ton (−20 % jämfört med 2019: 250 ton)"."""
        threshold = self.result.threshold
        return threshold.text(self.measure) if threshold else ""

    @property
    def threshold_value(self):
        """The limit in the measure's unit (the chart's target line), or None."""
        return self.result.threshold.value if self.result.threshold else None

    @property
    def shows_threshold(self) -> bool:
        """Whether the limit says more than the wording (a relative target, or a different form)."""
        return self.result.threshold is not None and self.result.threshold.reference is not None

    @property
    def value_text(self) -> str:
        return format_period_value(self.value, self.measure)

    @property
    def coverage_text(self) -> str:
        """E.g. "3 av 4 månader" when the value rests on fewer months than it needs (a yes/no
        answer needs no months: it is done or not)."""
        accomplishment = self.target is not None and self.target.kind == TargetKind.ACCOMPLISHED
        return "" if self.value.is_missing or accomplishment else self.value.coverage.text

    @property
    def reference_text(self) -> str:
        return self.reference.text(self.measure) if self.reference else ""

    @property
    def forecast_text(self) -> str:
        return format_measure_value(self.forecast.value, self.measure) if self.forecast else "–"

    @property
    def explanation(self) -> str:
        """Why the status is what it is: the rule, the limit, the span and what the value rests on."""
        parts = [str(self.result.reason)]
        if self.result.threshold:
            parts.append(_("Limit: %(limit)s.") % {"limit": self.threshold_text})
        if self.value.described_span and not self.value.is_missing:
            parts.append(_("Value for %(span)s.") % {"span": self.value.described_span.label()})
        if self.judged_on_forecast and self.forecast.method == ForecastMethod.FINAL:
            parts.append(_("Judged on the year's outcome (the whole year, %(value)s).") % {"value": self.forecast_text})
        elif self.judged_on_forecast:
            parts.append(_("Judged on the forecast for the year (%(method)s).") % {"method": self.forecast.basis_text})
        if self.coverage_text:
            parts.append(capfirst(self.coverage_text) + ".")
        elif self.value.stored:
            parts.append(_("The figure reported for the period."))
        if self.trend_compared_with and self.trend != Trend.UNKNOWN:
            parts.append(_("Trend compared with %(span)s.") % {"span": self.trend_compared_with.label()})
        return " ".join(parts)
