"""Period values from the database: every span's value for many measures in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.db.models import Count, DecimalField, ExpressionWrapper, F, IntegerField, Q, Sum, Window
from django.db.models.functions import RowNumber

from goalplan.periods import MONTHS_PER_TERTIAL, SPAN_KINDS, MonthSpan, Period, PeriodKind
from kpis.models import Measure, Outcome
from kpis.status.values import (
    Aggregation,
    Coverage,
    Key,
    PeriodValue,
    SpanSums,
    adopters_of,
    quantized,
    value_from_sums,
    window_of,
)

#: Pass as ``unit`` to evaluate every unit (and the whole scope) at once.
ALL_UNITS = "all-units"


def unit_filter(unit) -> Q:
    if unit == ALL_UNITS:
        return Q()
    if unit is None:
        return Q(unit__isnull=True)
    return Q(unit=unit)


def _month_number():
    return ExpressionWrapper(F("year") * 12 + F("period_number"), output_field=IntegerField())


def span_values(
    requests: Mapping[MonthSpan, Sequence[Measure]],
    *,
    unit=None,
    sexes: Sequence[str] | None = None,
    asked: Mapping[MonthSpan, Period] | None = None,
    yes_no: set[int] | None = None,
) -> dict[MonthSpan, dict[Key, PeriodValue]]:
    """Each span's value for the measures that ask for it, per (measure, unit, sex) with data.

    Outcomes belong to indicators: each indicator's values are read once, however many measures
    (of one plan or several) adopt it, and given to each of them. One query for stored figures,
    one aggregate over every span's months, and one "latest value" query per span that
    point-in-time measures ask for, whatever the number of measures, units and sexes. A figure
    stored for a period covering exactly the span wins (the one stored under the ``asked``
    period's own name first); otherwise the value is formed from monthly outcomes. ``yes_no``: the
    measures whose outcomes may be yes/no (None: any); a span that none of them asks for is not
    counted for it, nor weighted when no weighted mean asks for it.
    """
    indicator_requests = {
        span: list({m.indicator_id: m.indicator for m in measures}.values()) for span, measures in requests.items()
    }
    yes_no_indicators = (
        None
        if yes_no is None
        else {m.indicator_id for measures in requests.values() for m in measures if m.pk in yes_no}
    )
    by_indicator = _indicator_span_values(
        indicator_requests, unit=unit, sexes=sexes, asked=asked, yes_no=yes_no_indicators
    )
    results: dict[MonthSpan, dict[Key, PeriodValue]] = {}
    for span, measures in requests.items():
        adopters = adopters_of(measures)
        results[span] = {
            (measure_id, unit_id, sex): value
            for (indicator_id, unit_id, sex), value in by_indicator[span].items()
            for measure_id in adopters.get(indicator_id, ())
        }
    return results


def _indicator_span_values(requests, *, unit, sexes, asked, yes_no) -> dict[MonthSpan, dict[Key, PeriodValue]]:
    """``span_values`` for indicators: keys are (indicator, unit, sex)."""
    results: dict[MonthSpan, dict[Key, PeriodValue]] = {span: {} for span in requests}
    requests = {span: list(measures) for span, measures in requests.items() if measures}
    if not requests:
        return results
    by_id = {m.pk: m for measures in requests.values() for m in measures}
    scope = unit_filter(unit) & (Q(sex__in=list(sexes)) if sexes is not None else Q())
    _stored_figures(requests, scope, asked or {}, results)

    rows_wanted, years, annotations, spans = Q(pk__in=[]), set(), {}, list(requests)
    for index, span in enumerate(spans):
        # One month number compared with the span's ends: far cheaper for the database than an OR
        # of (year, month) pairs in each of the many conditional sums.
        inside = Q(month_number__gte=span.first, month_number__lte=span.last)
        years.update(year for year, _month in span.months())
        annotations[f"s{index}_sum"] = Sum("value", filter=inside)
        annotations[f"s{index}_n"] = Count("value", filter=inside)
        if any(m.aggregation == Aggregation.WEIGHTED_MEAN for m in requests[span]):
            weighted = ExpressionWrapper(
                F("value") * F("count"), output_field=DecimalField(max_digits=30, decimal_places=4)
            )
            annotations[f"s{index}_weighted"] = Sum(weighted, filter=inside & Q(count__isnull=False))
            annotations[f"s{index}_weight"] = Sum("count", filter=inside & Q(value__isnull=False))
            annotations[f"s{index}_weighted_n"] = Count("count", filter=inside & Q(value__isnull=False))
        if yes_no is None or any(m.pk in yes_no for m in requests[span]):
            annotations[f"s{index}_rows"] = Count("pk", filter=inside)
            annotations[f"s{index}_yes"] = Count("pk", filter=inside & Q(accomplished=True))
            annotations[f"s{index}_no"] = Count("pk", filter=inside & Q(accomplished=False))
    # Only the rows some span needs: per set of measures, the months from its first span's start
    # to its last span's end (a few ORs, not one per span with its list of measures).
    reach: dict[frozenset[int], tuple[int, int]] = {}
    for span in spans:
        ids = frozenset(m.pk for m in requests[span])
        first, last = reach.get(ids, (span.first, span.last))
        reach[ids] = (min(first, span.first), max(last, span.last))
    for ids, (first, last) in reach.items():
        months = Q(month_number__gte=first, month_number__lte=last)
        rows_wanted |= months if len(ids) == len(by_id) else months & Q(indicator_id__in=sorted(ids))
    # The plain year filter lets the database use the (indicator, year, kind, number) index.
    monthly = (
        Outcome.objects.filter(
            scope, indicator_id__in=list(by_id), period_kind=PeriodKind.MONTH, year__in=sorted(years)
        )
        .annotate(month_number=_month_number())
        .filter(rows_wanted)
    )
    sums = list(monthly.values("indicator_id", "unit_id", "sex").annotate(**annotations).order_by())

    for index, span in enumerate(spans):
        point_ids = [m.pk for m in requests[span] if m.aggregation == Aggregation.LATEST]
        latest = _latest_in_span(span, point_ids, scope) if point_ids else {}
        wanted = {m.pk for m in requests[span]}
        values, prefix = results[span], f"s{index}_"
        rows_key = prefix + ("rows" if prefix + "rows" in annotations else "n")
        for row in sums:
            key = (row["indicator_id"], row["unit_id"], row["sex"])
            if key[0] not in wanted or key in values or not row[rows_key]:
                continue
            values[key] = value_from_sums(
                by_id[key[0]].aggregation,
                span,
                SpanSums(
                    value_sum=row[prefix + "sum"],
                    value_n=row[prefix + "n"],
                    weighted_sum=row.get(prefix + "weighted"),
                    weight=row.get(prefix + "weight"),
                    weighted_n=row.get(prefix + "weighted_n"),
                    rows=row[rows_key],
                    yes=row.get(prefix + "yes", 0),
                    no=row.get(prefix + "no", 0),
                    latest=latest.get(key),
                ),
            )
    return results


COMPOSABLE = (Aggregation.SUM_YEAR_TO_DATE, Aggregation.MEAN_YEAR_TO_DATE, Aggregation.WEIGHTED_MEAN)


def _stored_figures(requests, scope: Q, asked: Mapping[MonthSpan, Period], results) -> None:
    """Figures stored for longer periods, in one query: those covering a span exactly (the reported
    "Ack april 61 %", the one stored under the asked period's own name first), then the spans that
    stored figures tile (``_composed``)."""
    exact_of: dict[Period, list[MonthSpan]] = defaultdict(list)
    plans = {span: _pieces(span) for span in requests}
    wanted_periods: set[Period] = set()
    for span in requests:
        candidates = span.stored_periods()
        if span in asked:
            # The figure a report printed for its period (or for another name of the same months:
            # T1 is "Ack april"), even where the measure's own span differs (an R12 measure's
            # "7 % per april").
            candidates += [p for p in asked[span].span.stored_periods() if p not in candidates]
        for period in candidates:
            exact_of[period].append(span)
        tertials, difference = plans[span]
        wanted_periods.update([*candidates, *tertials, *(p for p in difference or () if p is not None)])
    ids = list({m.pk for measures in requests.values() for m in measures})
    stored: dict[tuple, tuple] = {}
    # By year and kind (what the (indicator, year, kind, number) index answers at once), the exact
    # periods picked here: an OR of some thirty periods costs the database more than the few
    # rows of longer periods a year holds.
    for indicator_id, unit_id, sex, value, accomplished, comment, year, kind, number in (
        Outcome.objects.filter(
            scope,
            indicator_id__in=ids,
            year__in=sorted({p.year for p in wanted_periods}),
            period_kind__in=sorted({p.kind for p in wanted_periods}),
        )
        .values_list(
            "indicator_id", "unit_id", "sex", "value", "accomplished", "comment", "year", "period_kind", "period_number"
        )
        .order_by()
    ):
        period = Period(year, kind, number)
        if period in wanted_periods:
            stored[(indicator_id, unit_id, sex, period)] = (value, accomplished, comment)
    if not stored:
        return
    wanted_by_span = {span: {m.pk for m in measures} for span, measures in requests.items()}
    chosen: dict[tuple, tuple] = {}
    for (indicator_id, unit_id, sex, stored_as), (value, accomplished, comment) in stored.items():
        for span in exact_of.get(stored_as, ()):
            if indicator_id not in wanted_by_span[span]:
                continue
            key = (indicator_id, unit_id, sex)
            as_asked = asked.get(span)
            rank = (
                stored_as == as_asked,
                as_asked is not None and stored_as.span == as_asked.span,
                stored_as.span == span,
                -SPAN_KINDS.index(stored_as.kind),
            )
            if (span, key) in chosen and chosen[(span, key)] >= rank:
                continue
            chosen[(span, key)] = rank
            coverage = Coverage(span.length, span.length, reported=True)
            results[span][key] = PeriodValue(value, accomplished, comment, coverage, span)
    _composed(requests, plans, stored, results)


def _pieces(span: MonthSpan) -> tuple[list[Period], tuple[Period, Period | None] | None]:
    """How a span within one year is made of stored figures: the tertials that tile it, and (for
    sums) the difference of two year-to-date figures (Ack augusti − Ack april = May–August)."""
    (first_year, first), (year, last) = span.months()[0], span.end
    if first_year != year or span.length == 1:
        return [], None
    tertials = []
    if first % MONTHS_PER_TERTIAL == 1 and last % MONTHS_PER_TERTIAL == 0:
        tertials = [
            Period.tertial(year, t) for t in range(first // MONTHS_PER_TERTIAL + 1, last // MONTHS_PER_TERTIAL + 1)
        ]
    before = Period(year, PeriodKind.YEAR_TO_DATE, first - 1) if first > 1 else None
    return tertials, (Period(year, PeriodKind.YEAR_TO_DATE, last), before)


def _composed(requests, plans, stored: dict[tuple, tuple], results) -> None:
    """Spans no figure covers exactly, made of the figures stored for their parts: a measure
    reported per tertial has a Jan–Aug and a full-year value (a sum of its tertials, or their mean
    by months), a cumulative one reported year to date has a value for each tertial."""
    values = {key: value for key, (value, _done, _comment) in stored.items() if value is not None}
    keys_of: dict[int, set[tuple]] = defaultdict(set)
    for indicator_id, unit_id, sex, _period in values:
        keys_of[indicator_id].add((indicator_id, unit_id, sex))
    for span, measures in requests.items():
        tertials, difference = plans[span]
        for measure in measures:
            if measure.aggregation not in COMPOSABLE or measure.pk not in keys_of:
                continue
            cumulative = measure.aggregation == Aggregation.SUM_YEAR_TO_DATE
            for key in keys_of[measure.pk] - results[span].keys():
                parts = [values.get((*key, tertial)) for tertial in tertials]
                value = None
                if tertials and None not in parts:
                    value = sum(parts) if cumulative else quantized(sum(parts) / len(parts))
                elif (
                    cumulative
                    and difference
                    and (*key, difference[0]) in values
                    and (difference[1] is None or (*key, difference[1]) in values)
                ):
                    value = values[(*key, difference[0])] - (values[(*key, difference[1])] if difference[1] else 0)
                if value is not None:
                    results[span][key] = PeriodValue(value, None, "", Coverage(span.length, span.length, True), span)


def _latest_in_span(span: MonthSpan, indicator_ids: list[int], scope: Q) -> dict[Key, tuple]:
    """The last month with data in the span for each point-in-time key: one query."""
    rows = (
        Outcome.objects.filter(
            scope,
            indicator_id__in=indicator_ids,
            period_kind=PeriodKind.MONTH,
            year__in=sorted({year for year, _month in span.months()}),
        )
        .annotate(month_number=_month_number())
        .filter(month_number__gte=span.first, month_number__lte=span.last)
        .filter(Q(value__isnull=False) | Q(accomplished__isnull=False))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("indicator_id"), F("unit_id"), F("sex")],
                order_by=[F("year").desc(), F("period_number").desc()],
            )
        )
        .filter(rank=1)
        .values_list("indicator_id", "unit_id", "sex", "value", "accomplished", "comment", "month_number")
        .order_by()  # the model's default ordering would join measure, plan, goal and unit
    )
    return {(m, u, s): (value, done, comment, number) for m, u, s, value, done, comment, number in rows}


def period_values_many(
    measures: Sequence[Measure], periods: Iterable[Period], *, unit=None, sexes: Sequence[str] | None = None
) -> dict[Period, dict[Key, PeriodValue]]:
    """Every measure's value for each period (see ``span_values``), in one pass."""
    periods = list(dict.fromkeys(periods))
    requests: dict[MonthSpan, list[Measure]] = defaultdict(list)
    asked: dict[MonthSpan, Period] = {}
    for period in periods:
        for measure in measures:
            span = window_of(period, measure.aggregation)
            requests[span].append(measure)
            asked.setdefault(span, period)
    computed = span_values(requests, unit=unit, sexes=sexes, asked=asked)
    results: dict[Period, dict[Key, PeriodValue]] = {}
    for period in periods:
        ids_by_span: dict[MonthSpan, set[int]] = defaultdict(set)
        for measure in measures:
            ids_by_span[window_of(period, measure.aggregation)].add(measure.pk)
        results[period] = {
            key: value for span, ids in ids_by_span.items() for key, value in computed[span].items() if key[0] in ids
        }
    return results


def period_values(measures: Sequence[Measure], period: Period, *, unit=None) -> dict[Key, PeriodValue]:
    """Every measure's value for one period, per (measure, unit, sex) with data."""
    return period_values_many(measures, [period], unit=unit)[period]
