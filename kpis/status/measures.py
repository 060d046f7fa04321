"""Evaluating measures: value, threshold, status, trend and forecast for one period, in one pass."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from goalplan.choices import Sex, Status
from goalplan.models import Plan
from goalplan.periods import MonthSpan, Period
from kpis.formatting import format_measure_value, format_period_value
from kpis.models import Measure, StatusOverride, Target, TargetKind
from kpis.status.forecast import Forecast, ForecastMethod, forecast_year
from kpis.status.queries import ALL_UNITS, span_values, unit_filter
from kpis.status.references import base_reference, base_year_spans, national_references
from kpis.status.spans import Spans, is_due, spans_of
from kpis.status.targets import BASE_YEAR_KINDS, Reason, Reference, TargetResult, evaluate_target
from kpis.status.trend import Trend, trend_between
from kpis.status.values import MISSING_VALUE, ROLLING, Key, PeriodValue, adopters_of

Aggregation = Measure.Aggregation
Frequency = Measure.Frequency


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


def _sexes(measure: Measure) -> list[str]:
    return [Sex.TOTAL, Sex.WOMEN, Sex.MEN] if measure.split_by_sex else [Sex.TOTAL]


def _forecast(measure, period, target, spans: Spans, get, key, reference: Reference | None) -> Forecast | None:
    if spans.year_to_date is None or target is None or target.kind == TargetKind.ACCOMPLISHED:
        return None
    ytd, last_ytd, last_year = (
        get(spans.year_to_date, key),
        get(spans.year_to_date_last_year, key),
        get(spans.last_year, key),
    )
    expected = forecast_year(
        measure=measure,
        period=period,
        year_to_date=ytd.value,
        last_year_to_date=last_ytd.value if last_ytd.complete else None,
        last_year=last_year.value if last_year.complete else None,
        months_with_data=None if ytd.coverage.reported else ytd.coverage.months_with_data,
    )
    if expected is None:
        return None
    result = evaluate_target(target=target, measure=measure, value=expected[0], reference=reference)
    status = result.status
    if status == Status.GREEN and not ytd.coverage.complete:
        status = Status.YELLOW  # a forecast from missing months is not a green one
    return Forecast(expected[0], expected[1], status, ytd.coverage)


def _reference(measure, target, spans: Spans, computed, key: Key, national, *, full_year: bool) -> Reference | None:
    if target is None:
        return None
    if target.kind in BASE_YEAR_KINDS:
        return base_reference(
            measure=measure,
            target=target,
            window=spans.now,
            values=computed,
            key=key,
            for_full_year=full_year or spans.now.is_calendar_year,
        )
    return national.get((key[0], key[2]))


def _evaluate_key(
    key: Key,
    measure: Measure,
    period: Period,
    target: Target | None,
    spans: Spans,
    computed,
    national,
    override: StatusOverride | None,
) -> Evaluation:
    """One (measure, unit, sex): the rules of the package's docstring, in their order."""

    def get(span: MonthSpan, one_key: Key) -> PeriodValue:
        return computed.get(span, {}).get(one_key, MISSING_VALUE)

    value = get(spans.now, key)
    if value.span is None:
        value = replace(value, span=spans.now)
    period_reference = _reference(measure, target, spans, computed, key, national, full_year=False)
    year_reference = (
        period_reference
        if measure.aggregation in ROLLING
        else _reference(measure, target, spans, computed, key, national, full_year=True)
    )
    forecast = _forecast(measure, period, target, spans, get, key, year_reference)
    # A cumulative measure's target is for the whole year: its sum for a month or a tertial says
    # nothing against it, so the forecast for the year is what is judged (the year's own sum once
    # the period closes the year).
    judged_on_forecast = bool(forecast and measure.aggregation == Aggregation.SUM_YEAR_TO_DATE)
    reference = year_reference if judged_on_forecast else period_reference
    if value.is_missing:
        # No value is never green, whatever the year to date says: not due, or missing.
        reason, status = (
            (Reason.NOT_DUE, Status.NOT_DUE) if not is_due(measure, period) else (Reason.NO_OUTCOME, Status.MISSING)
        )
        result = TargetResult(status, reason=reason)
    else:
        result = evaluate_target(
            target=target,
            measure=measure,
            value=forecast.value if judged_on_forecast else value.value,
            accomplished=value.accomplished,
            reference=reference,
            final=period.closes_year,
            on_track=bool(forecast and forecast.status == Status.GREEN and not period.closes_year),
        )
        basis = forecast.coverage if judged_on_forecast else value.coverage
        accomplishment = target is not None and target.kind == TargetKind.ACCOMPLISHED
        if result.status == Status.GREEN and not basis.complete and not accomplishment:
            # An incomplete value is never green: the missing months could change it.
            result = replace(result, status=Status.YELLOW, reason=Reason.MET_INCOMPLETE)
    trend, compared_with = Trend.UNKNOWN, None
    for span in (spans.before, spans.year_before):
        if span is not None and trend == Trend.UNKNOWN:
            previous = get(span, key)
            trend, compared_with = trend_between(previous, value, measure), previous.described_span or span
    return Evaluation(
        measure,
        period,
        key[1],
        key[2],
        target,
        value,
        result,
        reference,
        override,
        trend,
        forecast,
        trend_compared_with=compared_with,
        judged_on_forecast=judged_on_forecast,
    )


def evaluate_measures(
    measures: Sequence[Measure],
    period: Period,
    *,
    unit=None,
    with_trend: bool = True,
    with_forecast: bool = True,
    total_only: bool = False,
) -> list[Evaluation]:
    """Evaluate measures for a period, per unit and sex; the number of queries does not depend on
    how many measures, units or sexes there are. ``total_only``: only the total (T), for overviews.
    """
    sexes = [Sex.TOTAL] if total_only else None
    measures = list(measures)
    targets = {t.measure_id: t for t in Target.objects.filter(measure__in=measures, year=period.year)}
    spans_by_measure = {
        m.pk: spans_of(m, period, targets.get(m.pk), with_trend=with_trend, with_forecast=with_forecast)
        for m in measures
    }
    # Every span the evaluation reads (the period, the span before for the trend, the year to date
    # now and last year, last year, the base years) is computed in one pass.
    requests: dict[MonthSpan, list[Measure]] = defaultdict(list)
    for measure in measures:
        spans = spans_by_measure[measure.pk]
        wanted = [
            spans.now,
            spans.before,
            spans.year_before,
            spans.year_to_date,
            spans.year_to_date_last_year,
            spans.last_year,
        ]
        wanted += base_year_spans(measure, targets.get(measure.pk), spans.now)
        for span in dict.fromkeys(s for s in wanted if s is not None):
            requests[span].append(measure)
    computed = span_values(
        requests,
        unit=unit,
        sexes=sexes,
        asked={spans_by_measure[m.pk].now: period for m in measures},
        yes_no={pk for pk, target in targets.items() if target.kind == TargetKind.ACCOMPLISHED},
    )
    national = national_references(measures, targets, period)
    # An override set under another name of the same months (T1 for "Ack april") counts too;
    # the one under the period's own name first.
    same_months = [period, *(p for p in period.span.stored_periods() if p != period)]
    named = Q(pk__in=[])
    for one in same_months:
        named |= Q(year=one.year, period_kind=one.kind, period_number=one.number)
    adopters = adopters_of(measures)
    overrides: dict[Key, StatusOverride] = {}
    for o in sorted(
        StatusOverride.objects.filter(
            unit_filter(unit), named, indicator_id__in=list(adopters), **({"sex__in": sexes} if sexes else {})
        ),
        key=lambda o: same_months.index(o.period),
    ):
        for measure_id in adopters[o.indicator_id]:
            overrides.setdefault((measure_id, o.unit_id, o.sex), o)
    # Every measure is reported for the scope asked for, with or without data ("saknas").
    scope_unit_id = None if unit in (None, ALL_UNITS) else unit.pk
    ids_by_span: dict[MonthSpan, set[int]] = defaultdict(set)
    for measure in measures:
        ids_by_span[spans_by_measure[measure.pk].now].add(measure.pk)
    keys = {key for span, ids in ids_by_span.items() for key in computed.get(span, {}) if key[0] in ids}
    keys |= set(overrides)
    for measure in measures:
        keys.update((measure.pk, scope_unit_id, sex) for sex in (sexes or _sexes(measure)))
    by_id = {measure.pk: measure for measure in measures}
    position = {measure.pk: index for index, measure in enumerate(measures)}
    sex_order = {sex: index for index, sex in enumerate(Sex.values)}
    evaluations = []
    for key in sorted(keys, key=lambda k: (position[k[0]], k[1] is not None, k[1] or 0, sex_order[k[2]])):
        evaluations.append(
            _evaluate_key(
                key,
                by_id[key[0]],
                period,
                targets.get(key[0]),
                spans_by_measure[key[0]],
                computed,
                national,
                overrides.get(key),
            )
        )
    return evaluations


def evaluate_plan(plan: Plan, period: Period, *, unit=None, **options) -> list[Evaluation]:
    """Evaluate every measure of a plan for a period (see ``evaluate_measures``)."""
    measures = (
        Measure.objects.filter(plan=plan)
        .select_related("goal_area", "goal")
        .order_by("goal_area__order", "goal_area__pk", "goal__order", "goal__pk", "order", "pk")
    )
    return evaluate_measures(measures, period, unit=unit, **options)
