"""References: the base year's value for the same span (like with like), and the national value."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from goalplan.periods import MonthSpan, Period, PeriodKind
from kpis.models import Measure, NationalValue, Target, TargetKind
from kpis.status.targets import BASE_YEAR_KINDS, Reference
from kpis.status.values import Key, PeriodValue, adopters_of, window_of

Aggregation = Measure.Aggregation


def base_year_spans(measure: Measure, target: Target | None, window: MonthSpan) -> list[MonthSpan]:
    """The base year's spans a target may be compared with: the same months, and the full year."""
    if target is None or target.kind not in BASE_YEAR_KINDS or not target.base_year:
        return []
    return [window.in_year(target.base_year), window_of(Period(target.base_year, PeriodKind.YEAR), measure.aggregation)]


def base_reference(
    *,
    measure: Measure,
    target: Target,
    window: MonthSpan,
    values: Mapping[MonthSpan, Mapping[Key, PeriodValue]],
    key: Key,
    for_full_year: bool,
) -> Reference | None:
    """The base-year value to compare a value for ``window`` with (``for_full_year``: a value for
    the whole year, e.g. the forecast).

    Like with like: the base year's value for the same months, whether the base year was entered
    as months or as a figure for the period. A level (a share, a mean, a point in time) may also be
    compared with the value the plan states or with the base year's full year; a cumulative
    measure's months are compared with the same months of the base year only, and its forecast
    for the year with the base year's full year (stated, stored or the sum of its twelve months).
    """
    year = target.base_year
    full_year_span = window_of(Period(year, PeriodKind.YEAR), measure.aggregation)
    same_span = full_year_span if for_full_year else window.in_year(year)
    cumulative = measure.aggregation == Aggregation.SUM_YEAR_TO_DATE
    stated = Reference(target.base_value, str(year), stated=True) if target.base_value is not None else None
    if stated and (not cumulative or same_span == full_year_span):
        return stated

    def found(span: MonthSpan) -> PeriodValue | None:
        by_key = values.get(span, {})
        # A unit's target is compared with the unit's own base value, else (for a level, which
        # does not grow with the unit's size) the whole scope's; a unit's sum never with the region's.
        value = by_key.get(key) or (None if cumulative else by_key.get((key[0], None, key[2])))
        if value is None or value.value is None or (cumulative and not value.complete):
            return None
        return value

    same = found(same_span)
    if same is not None:
        return Reference(same.value, same_span.label())
    if not cumulative:
        full = found(full_year_span)
        if full is not None:
            return Reference(full.value, _("%(year)s (full year)") % {"year": year})
    return None


def national_references(
    measures: Sequence[Measure], targets: Mapping[int, Target], period: Period
) -> dict[tuple[int, str], Reference]:
    """The national value (riket) per (measure, sex) for targets relative to it: the same period
    if stored, else the latest of this year or the year before (one query)."""
    national = [m for m in measures if targets.get(m.pk) and targets[m.pk].kind == TargetKind.RELATIVE_TO_NATIONAL]
    if not national:
        return {}
    rows = (
        NationalValue.objects.in_years(range(period.year - 1, period.year + 1))
        .filter(
            indicator_id__in={m.indicator_id for m in national},
            area_code=NationalValue.NATIONAL_AREA_CODE,
        )
        .order_by("indicator_id", "sex", "year", "period_kind", "period_number")
    )
    best: dict[tuple[int, str], tuple[tuple, Decimal, str]] = {}
    for row in rows:
        exact = (row.year, row.period_kind, row.period_number) == (period.year, period.kind, period.number)
        rank = (exact, row.year, row.period.end_month)
        current = best.get((row.indicator_id, row.sex))
        if current is None or rank > current[0]:
            best[(row.indicator_id, row.sex)] = (rank, row.value, row.period_label)
    # Comparison values belong to the indicator: each measure adopting it compares with them.
    adopters = adopters_of(national)
    return {
        (measure_id, sex): Reference(value, _("national %(period)s") % {"period": label})
        for (indicator_id, sex), (_rank, value, label) in best.items()
        for measure_id in adopters.get(indicator_id, ())
    }
