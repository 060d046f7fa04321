"""Period values from the database: every span's value for many measures in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter

from django.db import connections
from django.db.models import Count, DecimalField, ExpressionWrapper, F, IntegerField, Max, Q, Sum

from goalplan.periods import MonthSpan, Period, PeriodKind, year_month
from kpis.models import Measure, Outcome
from kpis.status.stored import stored_figures
from kpis.status.values import Aggregation, Key, PeriodValue, adopters_of, value_of, window_of

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
    one aggregate over every span's months (with each span's last month with data), and one
    query for the outcomes of those months when point-in-time measures ask for them, whatever
    the number of measures, units and sexes. A figure stored for a period covering exactly the
    span wins (the one stored under the ``asked`` period's own name first); otherwise the value
    is formed from monthly outcomes. ``yes_no``: the measures whose outcomes may be yes/no (None:
    any); a span that none of them asks for is not counted for it, nor weighted when no weighted
    mean asks for it.
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
    stored_figures(requests, scope, asked or {}, results)

    annotations, layouts = _span_columns(requests, yes_no)
    years = sorted({year for span in requests for year, _month in span.months()})
    rows_wanted = Q(pk__in=[])
    for (first, last), ids in _reaches(requests):
        months = Q(month_number__gte=first, month_number__lte=last)
        rows_wanted |= months if len(ids) == len(by_id) else months & Q(indicator_id__in=sorted(ids))
    # The plain year filter lets the database use the (indicator, year, kind, number) index.
    monthly = (
        Outcome.objects.filter(scope, indicator_id__in=list(by_id), period_kind=PeriodKind.MONTH, year__in=years)
        .annotate(month_number=_month_number())
        .filter(rows_wanted)
    )
    names = ["indicator_id", "unit_id", "sex", *annotations]
    rows = fetched(monthly.values(*names[:3]).annotate(**annotations).order_by().values_list(*names))

    # What each indicator asks of a row: the spans it needs, each read from its own columns.
    wants: dict[int, list[tuple]] = defaultdict(list)
    for span, indicators in requests.items():
        sums_of, last = layouts[span]
        for indicator in indicators:
            point_in_time = last is not None and indicator.aggregation == Aggregation.LATEST
            wants[indicator.pk].append(
                (results[span], sums_of, last if point_in_time else None, indicator.aggregation, span)
            )
    at_month = _values_at_months(rows, wants, scope, years)
    for row in rows:
        key, padded = row[:3], row + PADDING
        for values, sums_of, last, aggregation, span in wants[row[0]]:
            if key in values:  # a stored figure for the span won
                continue
            sums = sums_of(padded)
            if not sums[ROWS]:
                continue
            found = at_month.get((*key, row[last])) if last is not None else None
            values[key] = value_of(aggregation, span, *sums, (*found, row[last]) if found else None)
    return results


def _reaches(requests) -> list[tuple[tuple[int, int], set[int]]]:
    """The runs of months the spans cover, spans that overlap or touch merged, each with the
    indicators that ask for one of its spans: only these rows are read (a base year's months for
    the measures compared with it, not for every measure), in a few ORs rather than one per span."""
    runs: list[tuple[list[int], set[int]]] = []
    for span in sorted(requests, key=lambda span: span.first):
        ids = {indicator.pk for indicator in requests[span]}
        if runs and span.first <= runs[-1][0][1] + 1:
            runs[-1][0][1] = max(runs[-1][0][1], span.last)
            runs[-1][1].update(ids)
        else:
            runs.append(([span.first, span.last], ids))
    return [((first, last), ids) for (first, last), ids in runs]


def fetched(queryset) -> list[tuple]:
    """A values_list() queryset's rows. psycopg already returns an aggregate as the Decimal or int
    Django's per-cell converters would make of it (they are there for databases that do not, like
    SQLite's float sums), so on PostgreSQL the compiled query is run as it is: at region scale
    that saves two million calls."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return list(queryset)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Positions past a row's end for the sums a span does not ask for (no weighted mean: no weighted
# sum; no yes/no target: no answers counted).
PADDING = (None, 0)
ABSENT, NONE_COUNTED = -2, -1
ROWS = 5  # SpanSums.rows


def _within(span: MonthSpan) -> Q:
    """A span's months by year and month number: plain column comparisons, the cheapest condition
    for the database in each of the many conditional sums (an OR of every (year, month) pair, or
    a month index computed per row and sum, cost more)."""
    (first_year, first_month), (last_year, last_month) = year_month(span.first), span.end
    if first_year == last_year:
        return Q(year=first_year, period_number__gte=first_month, period_number__lte=last_month)
    months = Q(year=first_year, period_number__gte=first_month) | Q(year=last_year, period_number__lte=last_month)
    return months | Q(year__gt=first_year, year__lt=last_year) if last_year - first_year > 1 else months


def _span_columns(requests, yes_no) -> tuple[dict, dict[MonthSpan, tuple]]:
    """The conditional sums of the one pass over the months, and per span how to read its
    ``SpanSums`` from a row (a getter of its columns) and its last month with data (a column)."""
    annotations: dict = {}
    layouts: dict[MonthSpan, tuple] = {}
    for index, span in enumerate(requests):
        inside = _within(span)
        sums = {"sum": Sum("value", filter=inside), "n": Count("value", filter=inside)}
        if any(m.aggregation == Aggregation.WEIGHTED_MEAN for m in requests[span]):
            weighted = ExpressionWrapper(
                F("value") * F("count"), output_field=DecimalField(max_digits=30, decimal_places=4)
            )
            sums["weighted"] = Sum(weighted, filter=inside & Q(count__isnull=False))
            sums["weight"] = Sum("count", filter=inside & Q(value__isnull=False))
            sums["weighted_n"] = Count("count", filter=inside & Q(value__isnull=False))
        if yes_no is None or any(m.pk in yes_no for m in requests[span]):
            # Rows counted by a column every row has (not the key: the index then answers alone).
            sums["rows"] = Count("period_number", filter=inside)
            sums["yes"] = Count("period_number", filter=inside & Q(accomplished=True))
            sums["no"] = Count("period_number", filter=inside & Q(accomplished=False))
        if any(m.aggregation == Aggregation.LATEST for m in requests[span]):
            sums["last"] = Max("month_number", filter=inside & (Q(value__isnull=False) | Q(accomplished__isnull=False)))
        columns = {field: 3 + len(annotations) + position for position, field in enumerate(sums)}
        annotations.update((f"s{index}_{field}", aggregate) for field, aggregate in sums.items())
        sums_of = itemgetter(
            columns["sum"],
            columns["n"],
            columns.get("weighted", ABSENT),
            columns.get("weight", ABSENT),
            columns.get("weighted_n", ABSENT),
            columns.get("rows", columns["n"]),
            columns.get("yes", NONE_COUNTED),
            columns.get("no", NONE_COUNTED),
        )
        layouts[span] = (sums_of, columns.get("last"))
    return annotations, layouts


def _values_at_months(rows, wants, scope: Q, years: list[int]) -> dict[tuple, tuple]:
    """The outcome of each point-in-time key at the last month with data of its spans, in one
    query: (indicator, unit, sex, month index) → (value, accomplished, comment)."""
    months, indicator_ids = set(), set()
    for row in rows:
        for _values, _sums_of, last, _aggregation, _span in wants[row[0]]:
            if last is not None and row[last] is not None:
                months.add(row[last])
                indicator_ids.add(row[0])
    if not months:
        return {}
    found = (
        Outcome.objects.filter(
            scope, indicator_id__in=sorted(indicator_ids), period_kind=PeriodKind.MONTH, year__in=years
        )
        .annotate(month_number=_month_number())
        .filter(month_number__in=sorted(months))
        .values_list("indicator_id", "unit_id", "sex", "month_number", "value", "accomplished", "comment")
        .order_by()  # the model's default ordering would join measure, plan, goal and unit
    )
    return {(i, u, s, month): (value, done, comment) for i, u, s, month, value, done, comment in found}


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
