"""What a reporting round asks for: each indicator's figure for the round's period, for the whole
plan and, for an indicator reported per unit, for each unit of the plan's body; and whether it
has been entered.

A figure is due in a round when the indicator's frequency has a value for the period (a yearly
indicator only in the round that closes the year). It is entered as the period of its frequency
that ends the round's period (a monthly indicator in the tertial round per April: April; a
tertial one: T1; a yearly one: the year); a figure stored for the round's own period (T1, "Ack
april") counts too. It is reported when every sex the indicator is reported for has a value (or a
yes/no answer). Read in two queries, whatever the number of units and indicators.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q

from goalplan.choices import Sex
from goalplan.models import OrganisationalUnit, Plan
from goalplan.periods import Period, PeriodKind
from kpis.models import Indicator, Measure, Outcome
from kpis.status.queries import fetched
from kpis.status.spans import is_due

Frequency = Measure.Frequency


@dataclass(slots=True)
class Duty:
    """One figure a round asks for: an indicator's, for a unit (None: the whole plan)."""

    measure: Measure  # the plan's first measure adopting the indicator
    unit: OrganisationalUnit | None
    entry_period: Period  # the period the entry page enters it as
    reported: bool
    changed_late: bool = False  # changed at or after ``duties_of``'s ``late_after``

    @property
    def indicator(self) -> Indicator:
        return self.measure.indicator


def entry_period_of(indicator: Indicator, period: Period) -> Period:
    """The period of the indicator's own frequency that ends the round's period."""
    if indicator.frequency == Frequency.YEARLY:
        return Period.full_year(period.year)
    if indicator.frequency == Frequency.TERTIAL:
        return Period.tertial_containing(period.year, period.end_month)
    return Period(period.year, PeriodKind.MONTH, period.end_month)


def reporting_units(plan: Plan) -> list[OrganisationalUnit]:
    """The units that report in the plan's rounds: the active units of its body."""
    return list(OrganisationalUnit.objects.filter(body_id=plan.body_id, is_active=True).order_by("name", "pk"))


@dataclass
class RoundFigures:
    """What a round asks of a plan, as columns (its due measures, one per indicator) and scopes
    (the whole plan and the units): a region's round is 400 × 61 figures, read this way without
    an object per figure (``duties`` makes them, for a person's few)."""

    measures: list[Measure]
    units: list[OrganisationalUnit]
    whole_plan: bool
    entry_periods: dict[int, Period]  # by indicator
    reported: dict[tuple[int, int | None], bool]  # (indicator, unit) → changed late

    def asks(self, measure: Measure, unit: OrganisationalUnit | None) -> bool:
        return self.whole_plan if unit is None else measure.indicator.reported_per_unit

    @property
    def scopes(self) -> list[OrganisationalUnit | None]:
        return ([None] if self.whole_plan else []) + self.units

    def duties(self) -> list[Duty]:
        reported, duties = self.reported, []
        for measure in self.measures:
            for unit in self.scopes:
                if self.asks(measure, unit):
                    key = (measure.indicator_id, unit.pk if unit else None)
                    period = self.entry_periods[measure.indicator_id]
                    duties.append(Duty(measure, unit, period, key in reported, reported.get(key, False)))
        return duties


def round_figures(
    plan: Plan,
    period: Period,
    *,
    units: Iterable[OrganisationalUnit] | None = None,
    whole_plan: bool = True,
    late_after: datetime.datetime | None = None,
) -> RoundFigures:
    """What the plan's round for the period asks for: the whole plan's figures (unless
    ``whole_plan`` is false) and, for indicators reported per unit, each unit's (``units``; None:
    every reporting unit of the plan), and which are reported. ``late_after``: the moment from
    which a change is late (the end of the deadline day)."""
    measures = [measure for measure in _first_measure_per_indicator(plan) if is_due(measure.indicator, period)]
    units = reporting_units(plan) if units is None else list(units)
    if not any(measure.indicator.reported_per_unit for measure in measures):
        units = []
    entry_periods = {measure.indicator_id: entry_period_of(measure.indicator, period) for measure in measures}
    reported = _entered(measures, units, whole_plan, period, entry_periods, late_after)
    return RoundFigures(measures, units, whole_plan, entry_periods, reported)


def duties_of(plan: Plan, period: Period, **options) -> list[Duty]:
    """Every figure the plan's round for the period asks for, one Duty each (see
    ``round_figures``)."""
    return round_figures(plan, period, **options).duties()


def _first_measure_per_indicator(plan: Plan) -> list[Measure]:
    """The plan's measures in its order, one per indicator (an indicator adopted twice, like HSE
    under two goal areas, is one figure to report)."""
    measures = Measure.objects.filter(plan=plan).order_by(*Measure.DOCUMENT_ORDER)
    first: dict[int, Measure] = {}
    for measure in measures:
        first.setdefault(measure.indicator_id, measure)
    return list(first.values())


def _entered(measures, units, whole_plan, period, entry_periods, late_after) -> dict[tuple[int, int | None], bool]:
    """(indicator, unit) → whether it was changed late, for each one reported (for the round's
    period or the indicator's entry period, every sex it is split by); one query, counted by the
    database (a region's round is some 50 000 groups of rows)."""
    if not measures or not (units or whole_plan):
        return {}
    indicators = {measure.indicator_id: measure.indicator for measure in measures}
    asked = {
        indicator_id: {(p.year, p.kind, p.number) for p in (period, entry_periods[indicator_id])}
        for indicator_id in indicators
    }
    periods = sorted({Period(*named) for named_periods in asked.values() for named in named_periods})
    unit_ids = sorted(unit.pk for unit in units)
    scope = (Q(unit__isnull=True) if whole_plan else Q(pk__in=[])) | Q(unit_id__in=unit_ids)
    late = Q(updated_at__gte=late_after) if late_after is not None else Q(pk__in=[])
    rows = fetched(
        Outcome.objects.in_periods(periods)
        .filter(scope, Q(value__isnull=False) | Q(accomplished__isnull=False), indicator_id__in=sorted(indicators))
        .values("indicator_id", "unit_id", "year", "period_kind", "period_number")
        .annotate(
            totals=Count("pk", filter=Q(sex=Sex.TOTAL)),
            sexes=Count("pk", filter=Q(sex__in=[Sex.WOMEN, Sex.MEN])),
            late=Count("pk", filter=late),
        )
        .order_by()
        .values_list("indicator_id", "unit_id", "year", "period_kind", "period_number", "totals", "sexes", "late")
    )
    split = {indicator_id for indicator_id, indicator in indicators.items() if indicator.split_by_sex}
    reported: dict[tuple[int, int | None], bool] = {}
    for indicator_id, unit_id, year, kind, number, totals, sexes, changed_late in rows:
        complete = totals and (sexes >= 2 or indicator_id not in split)
        if complete and (year, kind, number) in asked[indicator_id]:
            # Complete for either period: late only if both were (the one in time counts).
            key = (indicator_id, unit_id)
            reported[key] = reported.get(key, True) and changed_late > 0
    return reported
