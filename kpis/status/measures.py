"""Evaluating measures: value, threshold, status, trend and forecast for one period, in one pass."""

from __future__ import annotations

import gc
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

from goalplan.choices import Sex, Status
from goalplan.models import Plan
from goalplan.periods import MonthSpan, Period
from kpis.models import Measure, StatusOverride, Target, TargetKind
from kpis.status.evaluations import Evaluation
from kpis.status.forecast import Forecast, forecast_year
from kpis.status.queries import ALL_UNITS, span_values, unit_filter
from kpis.status.references import base_reference, base_year_spans, national_references
from kpis.status.spans import MeasureRules
from kpis.status.targets import BASE_YEAR_KINDS, NO_OUTCOME, NOT_DUE, Reason, Reference
from kpis.status.trend import Trend, trend_between
from kpis.status.values import MISSING_VALUE, ROLLING, Key, adopters_of

__all__ = ["Evaluation", "evaluate_measures", "evaluate_plan"]

Aggregation = Measure.Aggregation


def _forecast(rules: MeasureRules, period: Period, key: Key, reference: Reference | None) -> Forecast | None:
    if rules.spans.year_to_date is None or rules.target is None or rules.accomplishment:
        return None
    values = rules.values
    ytd = values["year_to_date"].get(key, MISSING_VALUE)
    last_ytd = values["year_to_date_last_year"].get(key, MISSING_VALUE)
    last_year = values["last_year"].get(key, MISSING_VALUE)
    expected = forecast_year(
        measure=rules.definition,
        period=period,
        year_to_date=ytd.value,
        last_year_to_date=last_ytd.value if last_ytd.complete else None,
        last_year=last_year.value if last_year.complete else None,
        months_with_data=None if ytd.coverage.reported else ytd.coverage.months_with_data,
    )
    if expected is None:
        return None
    status = rules.target_rule.judge(expected[0], reference=reference).status
    if status == Status.GREEN and not ytd.coverage.complete:
        status = Status.YELLOW  # a forecast from missing months is not a green one
    return Forecast(expected[0], expected[1], status, ytd.coverage)


def _reference(rules: MeasureRules, computed, key: Key, national, *, full_year: bool) -> Reference | None:
    target = rules.target
    if target is None:
        return None
    if target.kind in BASE_YEAR_KINDS:
        return base_reference(
            measure=rules.definition,
            target=target,
            window=rules.spans.now,
            values=computed,
            key=key,
            for_full_year=full_year or rules.spans.now.is_calendar_year,
        )
    return national.get((key[0], key[2]))


def _evaluate_key(
    key: Key, rules: MeasureRules, period: Period, computed, national, override: StatusOverride | None
) -> Evaluation:
    """One (measure, unit, sex): the rules of the package's docstring, in their order."""
    spans, definition, closes_year = rules.spans, rules.definition, period.closes_year
    value = rules.values["now"].get(key, rules.missing)
    period_reference = _reference(rules, computed, key, national, full_year=False)
    year_reference = (
        period_reference
        if definition.aggregation in ROLLING
        else _reference(rules, computed, key, national, full_year=True)
    )
    forecast = _forecast(rules, period, key, year_reference)
    # A cumulative measure's target is for the whole year: its sum for a month or a tertial says
    # nothing against it, so the forecast for the year is what is judged (the year's own sum once
    # the period closes the year).
    judged_on_forecast = bool(forecast and definition.aggregation == Aggregation.SUM_YEAR_TO_DATE)
    reference = year_reference if judged_on_forecast else period_reference
    if value.is_missing:
        # No value is never green, whatever the year to date says: not due, or missing.
        result = NO_OUTCOME if rules.due else NOT_DUE
    else:
        result = rules.target_rule.judge(
            forecast.value if judged_on_forecast else value.value,
            value.accomplished,
            reference,
            final=closes_year,
            on_track=bool(forecast and forecast.status == Status.GREEN and not closes_year),
        )
        basis = forecast.coverage if judged_on_forecast else value.coverage
        if result.status == Status.GREEN and not basis.complete and not rules.accomplishment:
            # An incomplete value is never green: the missing months could change it.
            result = replace(result, status=Status.YELLOW, reason=Reason.MET_INCOMPLETE)
    trend, compared_with = Trend.UNKNOWN, None
    for name, span in (("before", spans.before), ("year_before", spans.year_before)):
        if span is not None and trend == Trend.UNKNOWN:
            previous = rules.values[name].get(key, MISSING_VALUE)
            trend, compared_with = trend_between(previous, value, definition), previous.described_span or span
    return Evaluation(
        rules.measure,
        period,
        key[1],
        key[2],
        rules.target,
        value,
        result,
        reference,
        override,
        trend,
        forecast,
        trend_compared_with=compared_with,
        judged_on_forecast=judged_on_forecast,
    )


# Pauses in progress (threads of one process share the collector): the first turns it off, the
# last turns it back on if it was on; under a lock, since "is it on? turn it off" is two steps.
_pause_lock = threading.Lock()
_pauses = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the duration: an evaluation makes hundreds of
    thousands of small objects (rows, values, results) that hold no reference cycles, and as they
    pile up the collector scans them again and again, a quarter of the CPU time of evaluating
    every unit of a region's plan. Back on when the last pause in progress ends, if it was on
    before the first; what cycles there are are collected then."""
    global _pauses, _was_enabled
    with _pause_lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()


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
    with collector_paused():
        return _evaluate_measures(list(measures), period, unit, with_trend, with_forecast, total_only)


def _evaluate_measures(measures, period, unit, with_trend, with_forecast, total_only) -> list[Evaluation]:
    sexes = [Sex.TOTAL] if total_only else None
    targets = {
        t.measure_id: t for t in Target.objects.filter(measure_id__in=[m.pk for m in measures], year=period.year)
    }
    rules = {
        m.pk: MeasureRules(m, period, targets.get(m.pk), with_trend=with_trend, with_forecast=with_forecast)
        for m in measures
    }
    # Every span the evaluation reads (the period, the span before for the trend, the year to date
    # now and last year, last year, the base years) is computed in one pass.
    requests: dict[MonthSpan, list[Measure]] = defaultdict(list)
    for measure in measures:
        spans = rules[measure.pk].spans
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
        asked={rules[m.pk].spans.now: period for m in measures},
        yes_no={pk for pk, target in targets.items() if target.kind == TargetKind.ACCOMPLISHED},
    )
    for one in rules.values():
        one.read_from(computed)
    national = national_references(measures, targets, period)
    # An override set under another name of the same months (T1 for "Ack april") counts too;
    # the one under the period's own name first.
    same_months = [period, *(p for p in period.span.stored_periods() if p != period)]
    adopters = adopters_of(measures)
    overrides: dict[Key, StatusOverride] = {}
    for o in sorted(
        StatusOverride.objects.in_periods(same_months).filter(
            unit_filter(unit), indicator_id__in=list(adopters), **({"sex__in": sexes} if sexes else {})
        ),
        key=lambda o: same_months.index(o.period),
    ):
        for measure_id in adopters[o.indicator_id]:
            overrides.setdefault((measure_id, o.unit_id, o.sex), o)
    # Every measure is reported for the scope asked for, with or without data ("saknas").
    scope_unit_id = None if unit in (None, ALL_UNITS) else unit.pk
    ids_by_span: dict[MonthSpan, set[int]] = defaultdict(set)
    for measure in measures:
        ids_by_span[rules[measure.pk].spans.now].add(measure.pk)
    keys = {key for span, ids in ids_by_span.items() for key in computed.get(span, {}) if key[0] in ids}
    keys |= set(overrides)
    for measure in measures:
        keys.update((measure.pk, scope_unit_id, sex) for sex in (sexes or measure.sexes))
    position = {measure.pk: index for index, measure in enumerate(measures)}
    sex_order = {sex: index for index, sex in enumerate(Sex.values)}
    return [
        _evaluate_key(key, rules[key[0]], period, computed, national, overrides.get(key))
        for key in sorted(keys, key=lambda k: (position[k[0]], k[1] is not None, k[1] or 0, sex_order[k[2]]))
    ]


def evaluate_plan(plan: Plan, period: Period, *, unit=None, **options) -> list[Evaluation]:
    """Evaluate every measure of a plan for a period (see ``evaluate_measures``)."""
    measures = Measure.objects.filter(plan=plan).select_related("goal_area", "goal").order_by(*Measure.DOCUMENT_ORDER)
    return evaluate_measures(measures, period, unit=unit, **options)
