"""Reads for kpis pages, each in a constant number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from goalplan.choices import Sex
from goalplan.models import OrganisationalUnit, Plan
from goalplan.periods import MONTH_ABBREVIATIONS, MonthSpan, Period, PeriodKind, periods_ending_in
from kpis.models import Measure, Outcome, Target
from kpis.status.values import adopters_of


@dataclass
class EntryRow:
    """An indicator and sex on the entry page, as the plan's measure adopts it, with the plan's
    target, any stored outcome and the other plans the figure feeds."""

    measure: Measure
    sex: str
    target: Target | None
    outcome: Outcome | None = field(default=None)
    other_plans: list[Plan] = field(default_factory=list)

    @property
    def sex_label(self) -> str:
        return Sex(self.sex).label


def measures_of_plan(*, plan: Plan) -> QuerySet[Measure]:
    """A plan's measures in document order, with their area and goal."""
    return (
        Measure.objects.filter(plan=plan)
        .select_related("goal_area", "goal", "decided_by")
        .order_by(*Measure.DOCUMENT_ORDER)
    )


def plans_fed_by(indicator_ids) -> set[int]:
    """Every plan adopting any of these indicators (whoever reads them): what locks their figures."""
    return set().union(*Measure.objects.plans_by_indicator(indicator_ids).values())


def entry_measures(*, plan: Plan, period: Period) -> list[Measure]:
    """The measures the entry page enters, in document order, with their targets of the year: each
    indicator where the plan first adopts it (an indicator adopted under two goal areas is
    entered once)."""
    first_adoption: dict[int, Measure] = {}
    for measure in measures_of_plan(plan=plan).prefetch_related(
        Prefetch("targets", queryset=Target.objects.filter(year=period.year), to_attr="targets_of_year")
    ):
        first_adoption.setdefault(measure.indicator_id, measure)
    return list(first_adoption.values())


def entry_rows_for_period(
    *,
    plan: Plan,
    period: Period,
    unit: OrganisationalUnit | None,
    measures: list[Measure],
    readable_plans: QuerySet[Plan] | None = None,
) -> list[EntryRow]:
    """Rows for entering one period's outcomes, one per indicator and sex, of ``measures`` (those of
    ``entry_measures``, or some of them), in 2 queries."""
    other_plans: dict[int, list[Plan]] = defaultdict(list)
    adoptions = Measure.objects.filter(indicator_id__in=[m.indicator_id for m in measures]).exclude(plan=plan)
    if readable_plans is not None:  # another body's plan is named only to those who read it
        adoptions = adoptions.filter(plan__in=readable_plans)
    for adoption in adoptions.select_related("plan").order_by("plan__start_year", "plan__pk"):
        if adoption.plan not in other_plans[adoption.indicator_id]:
            other_plans[adoption.indicator_id].append(adoption.plan)
    outcomes = Outcome.objects.in_period(period).filter(
        indicator_id__in={measure.indicator_id for measure in measures}, unit=unit
    )
    stored = {(outcome.indicator_id, outcome.sex): outcome for outcome in outcomes}
    rows = []
    for measure in measures:
        target = measure.targets_of_year[0] if measure.targets_of_year else None
        for sex in measure.sexes:
            rows.append(
                EntryRow(
                    measure=measure,
                    sex=sex,
                    target=target,
                    outcome=stored.get((measure.indicator_id, sex)),
                    other_plans=other_plans.get(measure.indicator_id, []),
                )
            )
    return rows


# How many years back an entered figure's history reaches, by its kind of period: about two
# dozen earlier figures for the plausibility check (kpis.plausibility).
HISTORY_YEARS = {PeriodKind.TERTIAL: 8, PeriodKind.YEAR: 24}


def earlier_values(indicator_ids, *, unit: OrganisationalUnit | None, period: Period, length: int) -> dict:
    """(indicator, sex) → the latest ``length`` values stored before ``period`` for the same unit
    and kind of period, newest first; one query."""
    years_back = HISTORY_YEARS.get(period.kind, 2)
    rows = (
        Outcome.objects.filter(
            indicator_id__in=list(indicator_ids),
            period_kind=period.kind,
            year__gte=period.year - years_back,
            year__lte=period.year,
            value__isnull=False,
            **({"unit": unit} if unit else {"unit__isnull": True}),
        )
        .values_list("indicator_id", "sex", "year", "period_number", "value")
        .order_by("-year", "-period_number")
    )
    history: dict[tuple[int, str], list[Decimal]] = defaultdict(list)
    for indicator_id, sex, year, number, value in rows:
        if (year, number) < (period.year, period.number) and len(history[(indicator_id, sex)]) < length:
            history[(indicator_id, sex)].append(value)
    return history


def monthly_values(
    measures, *, end_year: int, end_month: int, months: int = 12, unit=None, sex: str = Sex.TOTAL
) -> dict[int, list[tuple[int, int, Decimal]]]:
    """Each measure's monthly outcomes over the months ending in (end_year, end_month); 1 query."""
    span = MonthSpan.ending(end_year, end_month, months)
    measures = list(measures)
    adopters = adopters_of(measures)
    rows = (
        Outcome.objects.months_in(span)
        .filter(indicator_id__in=list(adopters), sex=sex, value__isnull=False)
        .filter(Q(unit__isnull=True) if unit is None else Q(unit=unit))
        .values_list("indicator_id", "year", "period_number", "value")
        .order_by("indicator_id", "year", "period_number")
    )
    series: dict[int, list[tuple[int, int, Decimal]]] = defaultdict(list)
    for indicator_id, year, month, value in rows:
        for measure_id in adopters[indicator_id]:
            series[measure_id].append((year, month, value))
    return series


def latest_period_with_data(measures, *, years: range) -> Period | None:
    """The latest period within ``years`` that any of the measures has an outcome for, as year to
    date through its last month.

    Probes year by year and month by month with EXISTS queries that the (indicator, year, kind,
    number) index answers at once; a DISTINCT over all outcomes took a second at region scale.
    """
    outcomes = Outcome.objects.filter(indicator_id__in=list(adopters_of(measures)))
    for year in sorted(years, reverse=True):
        if not outcomes.in_years(range(year, year + 1)).exists():
            continue
        for month in range(12, 0, -1):
            if outcomes.in_periods(periods_ending_in(year, month)).exists():
                return Period(year, PeriodKind.YEAR_TO_DATE, month)
    return None


@dataclass
class ChartSeries:
    """What a measure's chart draws: the lines of the way it is reported, on one x axis."""

    reported_as: str  # a PeriodKind: month, ytd, tertial or year
    ticks: list[tuple[int, str]]  # (x, label)
    lines: list[tuple[str, dict[int, Decimal], str]]  # (legend, {x: value}, kind: this-year/last-year)


YEARS_ON_A_YEARLY_CHART = 6


def _reported_as(kinds: dict, year: int) -> str:
    """The finest kind of figure reported this year or last (months before year to date before
    tertials), else per year; monthly for a measure with nothing yet."""
    for kind in (PeriodKind.MONTH, PeriodKind.YEAR_TO_DATE, PeriodKind.TERTIAL):
        if any(kinds.get(kind, {}).get(y) for y in (year, year - 1)):
            return kind
    return PeriodKind.YEAR if kinds.get(PeriodKind.YEAR) else PeriodKind.MONTH


def _running_sum(values: dict[int, Decimal]) -> dict[int, Decimal]:
    """{1: 10, 2: 12, 4: 9} → {1: 10, 2: 22}: the sum so far, up to the first gap."""
    running, total = {}, Decimal(0)
    for number in range(1, max(values, default=0) + 1):
        if number not in values:
            break
        total += values[number]
        running[number] = total
    return running


def chart_series(measures, *, year: int) -> dict[int, ChartSeries]:
    """Each measure's chart for a year (whole scope, total), in the form it is reported: per month,
    year to date, per tertial (this year and last year, January–December) or per year (the last
    six years); 1 query. A measure with no outcomes gets an empty monthly chart."""
    first_year = year - YEARS_ON_A_YEARLY_CHART + 1
    measures = list(measures)
    adopters = adopters_of(measures)
    rows = (
        Outcome.objects.in_years(range(first_year, year + 1))
        .filter(indicator_id__in=list(adopters), unit__isnull=True, sex=Sex.TOTAL, value__isnull=False)
        .exclude(period_kind=PeriodKind.ROLLING_12)
        .values_list("indicator_id", "period_kind", "year", "period_number", "value")
        .order_by()
    )
    found: dict[int, dict[str, dict[int, dict[int, Decimal]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(dict))
    )
    for indicator_id, kind, row_year, number, value in rows:
        found[indicator_id][kind][row_year][number] = value
    months = [(m, str(MONTH_ABBREVIATIONS[m])) for m in range(1, 13)]
    charts = {}
    for measure in measures:
        kinds = found.get(measure.indicator_id, {})
        kind = _reported_as(kinds, year)
        if kind == PeriodKind.TERTIAL:
            ticks = [(4 * t, f"T{t}") for t in (1, 2, 3)]
        elif kind == PeriodKind.YEAR:
            values = kinds[PeriodKind.YEAR]
            charts[measure.pk] = ChartSeries(
                PeriodKind.YEAR,
                [(y, str(y)) for y in range(first_year, year + 1)],
                [(str(_("Per year")), {y: v[0] for y, v in values.items() if 0 in v}, "this-year")],
            )
            continue
        else:
            ticks = months
        by_year = kinds.get(kind, {})
        if measure.aggregation == Measure.Aggregation.SUM_YEAR_TO_DATE and kind != PeriodKind.YEAR_TO_DATE:
            # A cumulative measure's target is for the year: drawn as the running sum, so the
            # target line is met or missed where the line ends, not by every month's own value.
            by_year = {y: _running_sum(values) for y, values in by_year.items()}
            kind = PeriodKind.YEAR_TO_DATE if kind == PeriodKind.MONTH else kind
        step = 4 if kind == PeriodKind.TERTIAL else 1  # a tertial is drawn at its last month
        charts[measure.pk] = ChartSeries(
            kind,
            ticks,
            [
                (str(y), {step * n: v for n, v in by_year.get(y, {}).items()}, style)
                for y, style in ((year - 1, "last-year"), (year, "this-year"))
            ],
        )
    return charts
