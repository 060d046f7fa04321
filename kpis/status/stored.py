"""Stored figures: values reported for a whole span (the report's "Ack april 61 %"), and spans
that stored figures tile (Jan–Aug from T1 and T2)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from django.db.models import Q

from goalplan.periods import MONTHS_PER_TERTIAL, SPAN_KINDS, MonthSpan, Period, PeriodKind
from kpis.models import Outcome
from kpis.status.values import Aggregation, Coverage, PeriodValue, quantized

COMPOSABLE = (Aggregation.SUM_YEAR_TO_DATE, Aggregation.MEAN_YEAR_TO_DATE, Aggregation.WEIGHTED_MEAN)


def stored_figures(requests, scope: Q, asked: Mapping[MonthSpan, Period], results) -> None:
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
