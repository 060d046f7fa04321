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

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from goalplan.models import OrganisationalUnit, Plan
from goalplan.periods import Period, PeriodKind
from kpis.models import Indicator, Measure, Outcome
from kpis.status.spans import is_due

Frequency = Measure.Frequency


@dataclass(frozen=True)
class Duty:
    """One figure a round asks for: an indicator's, for a unit (None: the whole plan)."""

    measure: Measure  # the plan's first measure adopting the indicator
    unit: OrganisationalUnit | None
    entry_period: Period  # the period the entry page enters it as
    reported: bool

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


def duties_of(
    plan: Plan,
    period: Period,
    *,
    units: Iterable[OrganisationalUnit] | None = None,
    whole_plan: bool = True,
) -> list[Duty]:
    """Every figure the plan's round for the period asks for: the whole plan's (unless
    ``whole_plan`` is false) and, for indicators reported per unit, each unit's (``units``; None:
    every reporting unit of the plan)."""
    measures = _first_measure_per_indicator(plan)
    wanted: list[tuple[Measure, OrganisationalUnit | None]] = []
    all_units = reporting_units(plan) if units is None else list(units)
    for measure in measures:
        if not is_due(measure.indicator, period):
            continue
        if whole_plan:
            wanted.append((measure, None))
        if measure.indicator.reported_per_unit:
            wanted.extend((measure, unit) for unit in all_units)
    entered = _entered(wanted, period)
    duties = []
    for measure, unit in wanted:
        key = (measure.indicator_id, unit.pk if unit else None)
        duties.append(
            Duty(
                measure=measure,
                unit=unit,
                entry_period=entry_period_of(measure.indicator, period),
                reported=set(measure.sexes) <= entered.get(key, set()),
            )
        )
    return duties


def _first_measure_per_indicator(plan: Plan) -> list[Measure]:
    measures = Measure.objects.filter(plan=plan).order_by(
        "goal_area__order", "goal_area__pk", "goal__order", "goal__pk", "order", "pk"
    )
    return list({measure.indicator_id: measure for measure in reversed(list(measures))}.values())[::-1]


def _entered(wanted, period: Period) -> dict[tuple[int, int | None], set[str]]:
    """(indicator, unit) → the sexes with a value or an answer, for the round's period or each
    indicator's entry period; one query."""
    if not wanted:
        return {}
    indicators = {measure.indicator_id: measure.indicator for measure, _unit in wanted}
    periods = {period, *(entry_period_of(indicator, period) for indicator in indicators.values())}
    unit_ids = {unit.pk for _measure, unit in wanted if unit is not None}
    scope = Q(unit__isnull=True) | Q(unit_id__in=sorted(unit_ids))
    rows = (
        Outcome.objects.in_periods(sorted(periods))
        .filter(scope, Q(value__isnull=False) | Q(accomplished__isnull=False), indicator_id__in=sorted(indicators))
        .values_list("indicator_id", "unit_id", "sex", "year", "period_kind", "period_number")
        .order_by()
    )
    entered: dict[tuple[int, int | None], set[str]] = defaultdict(set)
    for indicator_id, unit_id, sex, year, kind, number in rows:
        row_period = Period(year, kind, number)
        if row_period in (period, entry_period_of(indicators[indicator_id], period)):
            entered[(indicator_id, unit_id)].add(sex)
    return entered
