"""The status engine: outcomes and targets in, period values, traffic lights, trends and forecasts out.

Everything that compares a value with a target, forms a value for a period, judges a trend
or forecasts the year lives here, so the admin, the dashboards, the PDF reports and the
exports cannot disagree. Views and templates only call it and show what it returns.

Rules, in the order they are applied:

Period value (``period_values``)
    A figure stored for exactly the period asked for (e.g. "Ack april 61 %") is the reported
    figure and wins (for periods longer than a month; a month's row is the raw data). Otherwise
    the value is formed from monthly outcomes by the measure's
    aggregation: latest month with data (point in time), the sum or mean of the period's
    months, a count-weighted mean, or the sum/mean of the twelve months ending in the period's
    last month (R12; all twelve months must be there). The arithmetic is done by the database
    in a fixed number of queries, whatever the number of measures, units and sexes.

Target (``evaluate_target``)
    The outcome is rounded to the measure's decimals (as printed; a change from a base year to
    at least one decimal) and compared with the target in the target's own form. Met = green. Not met but within the tolerance (the
    target's own, else ``KPI_YELLOW_TOLERANCE_PERCENT`` of the threshold) or on track (the
    full-year forecast meets the year's target) = yellow. Otherwise red. No value, no target
    or a target that is only words = missing ("saknas"), never green. A yes/no target that is
    not yet accomplished is yellow until the period that closes the year, then red.

Override
    A ``StatusOverride`` (a person's judgement with its reason) replaces the computed status;
    the computed one is kept beside it.

Trend (``trend_of``)
    The least-squares slope of the value over the period and the two before it of the same
    kind, read in the measure's direction; flat when the change over those periods is smaller
    than half the last printed digit or 1 % of the mean level.

Forecast (``forecast_year``)
    From the year to date through the period's last month. Cumulative measures: scaled by
    last year's share of the full year reached by the same month (seasonality), else linearly
    (×12/months). Level measures (shares, means, R12, point values): the year-to-date value
    moved by last year's change from the same month to the full year, else unchanged.

Goal (``combine_statuses``, ``evaluate_goals``)
    A goal's status is the worst known status of its measures, its qualitative assessment for
    the period and its sub-goals in the same plan. Missing inputs are ignored unless all are
    missing; the goal is then missing. ``incomplete`` says that some input was missing.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, ExpressionWrapper, F, IntegerField, Prefetch, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from goalplan.choices import Sex, Status
from goalplan.models import Goal, GoalAssessment, Plan
from goalplan.periods import Period, PeriodKind, rolling_12_months
from kpis.models import Measure, NationalValue, Outcome, StatusOverride, Target, TargetKind

Aggregation = Measure.Aggregation
Direction = Measure.Direction

#: Pass as ``unit`` to evaluate every unit (and the whole scope) at once.
ALL_UNITS = "all-units"

#: (measure id, unit id or None, sex)
Key = tuple[int, int | None, str]

VALUE_PRECISION = Decimal("0.0001")
R12_MONTHS = 12
TREND_PERIODS = 3
FLAT_SHARE_OF_LEVEL = Decimal("0.01")


def default_tolerance_percent() -> Decimal:
    return Decimal(str(getattr(settings, "KPI_YELLOW_TOLERANCE_PERCENT", "5")))


# --------------------------------------------------------------------------------------------
# Period values
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthValue:
    """One monthly outcome, as the pure aggregation below sees it."""

    value: Decimal | None
    count: int | None = None


@dataclass(frozen=True)
class PeriodValue:
    """A measure's value for a period (for one unit and sex)."""

    value: Decimal | None
    accomplished: bool | None = None
    comment: str = ""
    stored: bool = False
    months: int = 0

    @property
    def is_missing(self) -> bool:
        return self.value is None and self.accomplished is None


MISSING_VALUE = PeriodValue(value=None)


def aggregation_months(period: Period, aggregation: str) -> list[tuple[int, int]]:
    """The months whose outcomes form the period value: R12 measures always look back twelve months."""
    if aggregation in (Aggregation.ROLLING_12_SUM, Aggregation.ROLLING_12_MEAN):
        return rolling_12_months(period.year, period.end_month)
    return period.months()


def _quantized(value: Decimal) -> Decimal:
    return value.quantize(VALUE_PRECISION, rounding=ROUND_HALF_UP)


def _value_from_sums(
    aggregation: str,
    *,
    own_sum: Decimal | None,
    own_n: int,
    own_weighted: Decimal | None,
    own_weight: int | None,
    r12_sum: Decimal | None,
    r12_n: int,
    latest: Decimal | None,
) -> tuple[Decimal | None, int]:
    """The period value from the sums over the period's months and the last twelve months."""
    if aggregation == Aggregation.LATEST:
        return latest, min(own_n, 1)
    if aggregation == Aggregation.SUM_YEAR_TO_DATE:
        return (own_sum, own_n) if own_n else (None, 0)
    if aggregation == Aggregation.MEAN_YEAR_TO_DATE:
        return (_quantized(own_sum / own_n), own_n) if own_n else (None, 0)
    if aggregation == Aggregation.WEIGHTED_MEAN:
        if own_weight:
            return _quantized(Decimal(own_weighted) / Decimal(own_weight)), own_n
        return (_quantized(own_sum / own_n), own_n) if own_n else (None, 0)
    if r12_n < R12_MONTHS:
        return None, r12_n
    if aggregation == Aggregation.ROLLING_12_SUM:
        return r12_sum, r12_n
    return _quantized(r12_sum / R12_MONTHS), r12_n


def aggregate_series(series: Mapping[tuple[int, int], MonthValue], period: Period, aggregation: str) -> Decimal | None:
    """The period value of a monthly series held in memory; the reference for the database version."""
    own = [series[m] for m in period.months() if m in series and series[m].value is not None]
    r12 = [series[m] for m in rolling_12_months(period.year, period.end_month) if m in series and series[m].value is not None]
    weighted = [m for m in own if m.count is not None]
    value, _months = _value_from_sums(
        aggregation,
        own_sum=sum((m.value for m in own), Decimal(0)),
        own_n=len(own),
        own_weighted=sum((m.value * m.count for m in weighted), Decimal(0)),
        own_weight=sum(m.count for m in weighted),
        r12_sum=sum((m.value for m in r12), Decimal(0)),
        r12_n=len(r12),
        latest=own[-1].value if own else None,
    )
    return value


def _month_index(year_month: tuple[int, int]) -> int:
    year, month = year_month
    return year * 12 + month


def _unit_q(unit) -> Q:
    if unit == ALL_UNITS:
        return Q()
    if unit is None:
        return Q(unit__isnull=True)
    return Q(unit=unit)


def period_values(measures: Sequence[Measure], period: Period, *, unit=None) -> dict[Key, PeriodValue]:
    """Every measure's value for a period, per (measure, unit, sex) with data; at most 3 queries.

    ``unit``: None for the plan's whole scope, an OrganisationalUnit, or ALL_UNITS.
    """
    return period_values_many(measures, [period], unit=unit)[period]


def period_values_many(
    measures: Sequence[Measure], periods: Iterable[Period], *, unit=None, sexes: Sequence[str] | None = None
) -> dict[Period, dict[Key, PeriodValue]]:
    """``period_values`` for several periods at once: one query for the stored figures, one
    aggregate over the months of all the periods, and one "latest value" query per period for
    point-in-time measures.
    """
    periods = list(dict.fromkeys(periods))
    results: dict[Period, dict[Key, PeriodValue]] = {period: {} for period in periods}
    by_id = {measure.pk: measure for measure in measures}
    if not by_id or not periods:
        return results
    scope = Q(measure_id__in=list(by_id)) & _unit_q(unit)
    if sexes is not None:
        scope &= Q(sex__in=list(sexes))

    longer = [period for period in periods if period.kind != PeriodKind.MONTH]
    if longer:
        # A single month's stored row is raw data that the measure's aggregation turns into its
        # value (an R12 measure looks back twelve months); longer periods may carry the figure
        # the report printed, which wins.
        exact = Q(pk__in=[])
        for period in longer:
            exact |= Q(year=period.year, period_kind=period.kind, period_number=period.number)
        stored = Outcome.objects.filter(scope).filter(exact).values_list(
            "measure_id", "unit_id", "sex", "value", "accomplished", "comment", "year", "period_kind", "period_number"
        ).order_by()
        for measure_id, unit_id, sex, value, accomplished, comment, year, kind, number in stored:
            results[Period(year, kind, number)][(measure_id, unit_id, sex)] = PeriodValue(
                value, accomplished, comment, stored=True, months=1
            )

    r12_ids = [pk for pk, m in by_id.items() if m.aggregation in (Aggregation.ROLLING_12_SUM, Aggregation.ROLLING_12_MEAN)]
    latest_ids = [pk for pk, m in by_id.items() if m.aggregation == Aggregation.LATEST]
    weighted_value = ExpressionWrapper(F("value") * F("count"), output_field=DecimalField(max_digits=30, decimal_places=4))
    ranges, rows_wanted, years, annotations = [], Q(pk__in=[]), set(), {}
    for index, period in enumerate(periods):
        # Every period is a run of consecutive months: compare one month number (year × 12 +
        # month) with its ends instead of OR-ing (year, month) pairs, which is far cheaper for the
        # database to evaluate for each of the many conditional sums.
        r12_months = rolling_12_months(period.year, period.end_month)
        own_months = period.months()
        own = Q(month_index__gte=_month_index(own_months[0]), month_index__lte=_month_index(own_months[-1]))
        r12 = Q(month_index__gte=_month_index(r12_months[0]), month_index__lte=_month_index(r12_months[-1]))
        ranges.append(own)
        # Only R12 measures read the twelve months back; the others read the period's own months.
        rows_wanted |= own | (r12 & Q(measure_id__in=r12_ids))
        years.update(year for year, _month in r12_months)
        annotations.update({
            f"p{index}_own_sum": Sum("value", filter=own),
            f"p{index}_own_n": Count("value", filter=own),
            f"p{index}_own_weighted": Sum(weighted_value, filter=own & Q(count__isnull=False)),
            f"p{index}_own_weight": Sum("count", filter=own & Q(value__isnull=False)),
            f"p{index}_r12_sum": Sum("value", filter=r12),
            f"p{index}_r12_n": Count("value", filter=r12),
            f"p{index}_own_yes": Count("pk", filter=own & Q(accomplished=True)),
            f"p{index}_own_no": Count("pk", filter=own & Q(accomplished=False)),
        })
    # The plain year filter lets the database use the (measure, year, kind, number) index
    # instead of scanning every outcome for the OR of month ranges.
    monthly = (
        Outcome.objects.filter(scope, period_kind=PeriodKind.MONTH, year__in=sorted(years))
        .annotate(month_index=ExpressionWrapper(F("year") * 12 + F("period_number"), output_field=IntegerField()))
        .filter(rows_wanted)
    )
    sums = list(monthly.values("measure_id", "unit_id", "sex").annotate(**annotations).order_by())

    for index, period in enumerate(periods):
        latest = {}
        if latest_ids:
            own_years = sorted({year for year, _month in period.months()})
            latest_rows = (
                Outcome.objects.filter(
                    _unit_q(unit), measure_id__in=latest_ids, period_kind=PeriodKind.MONTH, year__in=own_years,
                    **({"sex__in": list(sexes)} if sexes is not None else {}),
                )
                .annotate(month_index=ExpressionWrapper(F("year") * 12 + F("period_number"), output_field=IntegerField()))
                .filter(ranges[index])
                .filter(Q(value__isnull=False) | Q(accomplished__isnull=False))
                .annotate(
                    rank=Window(
                        RowNumber(),
                        partition_by=[F("measure_id"), F("unit_id"), F("sex")],
                        order_by=[F("year").desc(), F("period_number").desc()],
                    )
                )
                .filter(rank=1)
                .values_list("measure_id", "unit_id", "sex", "value", "accomplished", "comment")
                .order_by()  # the model's default ordering would join measure, plan, goal and unit
            )
            latest = {(m, u, s): (value, done, comment) for m, u, s, value, done, comment in latest_rows}
        values = results[period]
        prefix = f"p{index}_"
        for row in sums:
            key = (row["measure_id"], row["unit_id"], row["sex"])
            if key in values or not (row[prefix + "own_n"] or row[prefix + "r12_n"] or key in latest
                                     or row[prefix + "own_yes"] or row[prefix + "own_no"]):
                continue
            latest_value, latest_accomplished, comment = latest.get(key, (None, None, ""))
            value, months = _value_from_sums(
                by_id[key[0]].aggregation,
                own_sum=row[prefix + "own_sum"],
                own_n=row[prefix + "own_n"],
                own_weighted=row[prefix + "own_weighted"],
                own_weight=row[prefix + "own_weight"],
                r12_sum=row[prefix + "r12_sum"],
                r12_n=row[prefix + "r12_n"],
                latest=latest_value,
            )
            # Yes/no: the latest answer for point-in-time measures; otherwise done once is done.
            accomplished = latest_accomplished
            if key not in latest:
                accomplished = True if row[prefix + "own_yes"] else (False if row[prefix + "own_no"] else None)
            values[key] = PeriodValue(
                value, accomplished, comment if months else "", stored=False, months=months or int(accomplished is not None)
            )
    return results


# --------------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetResult:
    """How a value stands against a target."""

    status: Status
    threshold: Decimal | None = None
    compared_value: Decimal | None = None
    # Lazy: translated when shown, not for each of the many evaluations nobody reads.
    explanation: str = ""


class Explanation:
    """Why a status is what it is, in words (translated when shown)."""

    NO_TARGET = gettext_lazy("No target for the year.")
    ONLY_WORDED = gettext_lazy("The target is only worded; set the status by hand.")
    NO_OUTCOME = gettext_lazy("No outcome.")
    ACCOMPLISHED = gettext_lazy("Accomplished.")
    NOT_ACCOMPLISHED = gettext_lazy("Not accomplished.")
    NOT_ACCOMPLISHED_YET = gettext_lazy("Not accomplished yet.")
    NO_REFERENCE = gettext_lazy("The comparison value (base year or national) is missing.")
    ZERO_BASE = gettext_lazy("The base year's value is zero.")
    MET = gettext_lazy("Target met.")
    CLOSE = gettext_lazy("Close to the target.")
    ON_TRACK = gettext_lazy("Not met yet; the forecast for the year meets the target.")
    NOT_MET = gettext_lazy("Target not met.")


def rounded_to_measure(value: Decimal, measure: Measure) -> Decimal:
    """The value as printed: rounded half up to the measure's decimals."""
    return value.quantize(Decimal(1).scaleb(-measure.decimals), rounding=ROUND_HALF_UP)


def _comparison(target: Target, measure: Measure, reference: Decimal | None) -> tuple[str, Decimal] | None:
    """The test the value must pass: an operator and a threshold, or None when it cannot be formed."""
    kind, value = target.kind, target.value
    lower_is_better = measure.direction == Direction.LOWER_IS_BETTER
    if kind == TargetKind.AT_LEAST:
        return ">=", value
    if kind == TargetKind.MORE_THAN:
        return ">", value
    if kind == TargetKind.AT_MOST:
        return "<=", value
    if kind == TargetKind.LESS_THAN:
        return "<", value
    if reference is None:
        return None
    if kind == TargetKind.LOWER_THAN_YEAR:
        return "<", reference
    if kind == TargetKind.HIGHER_THAN_YEAR:
        return ">", reference
    if kind == TargetKind.CHANGE_FROM_BASE_YEAR:
        return ("<=" if lower_is_better else ">="), value
    if kind == TargetKind.RELATIVE_TO_NATIONAL:
        return ("<=" if lower_is_better else ">="), reference + value
    return None


def _passes(value: Decimal, operator: str, threshold: Decimal) -> bool:
    return {
        ">=": value >= threshold,
        ">": value > threshold,
        "<=": value <= threshold,
        "<": value < threshold,
    }[operator]


def evaluate_target(
    *,
    target: Target | None,
    measure: Measure,
    value: Decimal | None,
    accomplished: bool | None = None,
    reference: Decimal | None = None,
    final: bool = True,
    on_track: bool = False,
) -> TargetResult:
    """The traffic light for one value against one target.

    ``reference``: the base year's value (change from base, lower/higher than a year) or the
    national value (relative to the nation). ``final``: the period closes the year, so a yes/no
    target not yet accomplished is red rather than yellow. ``on_track``: the full-year forecast
    meets the year's target, which makes a miss yellow rather than red.
    """
    if target is None:
        return TargetResult(Status.MISSING, explanation=Explanation.NO_TARGET)
    if target.kind == TargetKind.WORDING_ONLY:
        return TargetResult(Status.MISSING, explanation=Explanation.ONLY_WORDED)
    if target.kind == TargetKind.ACCOMPLISHED:
        if accomplished is None:
            return TargetResult(Status.MISSING, explanation=Explanation.NO_OUTCOME)
        if accomplished:
            return TargetResult(Status.GREEN, explanation=Explanation.ACCOMPLISHED)
        if final:
            return TargetResult(Status.RED, explanation=Explanation.NOT_ACCOMPLISHED)
        return TargetResult(Status.YELLOW, explanation=Explanation.NOT_ACCOMPLISHED_YET)
    if value is None:
        return TargetResult(Status.MISSING, explanation=Explanation.NO_OUTCOME)
    comparison = _comparison(target, measure, reference)
    if comparison is None:
        return TargetResult(Status.MISSING, explanation=Explanation.NO_REFERENCE)
    operator, threshold = comparison
    compared = rounded_to_measure(value, measure)
    if target.kind == TargetKind.CHANGE_FROM_BASE_YEAR:
        if reference == 0:
            return TargetResult(Status.MISSING, explanation=Explanation.ZERO_BASE)
        change = (value - reference) / reference * 100
        compared = change.quantize(Decimal(1).scaleb(-max(measure.decimals, 1)), rounding=ROUND_HALF_UP)
    if _passes(compared, operator, threshold):
        return TargetResult(Status.GREEN, threshold, compared, Explanation.MET)
    tolerance = target.tolerance
    if tolerance is None:
        tolerance = abs(threshold) * default_tolerance_percent() / 100
    if abs(compared - threshold) <= tolerance:
        return TargetResult(Status.YELLOW, threshold, compared, Explanation.CLOSE)
    if on_track:
        return TargetResult(Status.YELLOW, threshold, compared, Explanation.ON_TRACK)
    return TargetResult(Status.RED, threshold, compared, Explanation.NOT_MET)


# --------------------------------------------------------------------------------------------
# Trend and forecast
# --------------------------------------------------------------------------------------------


class Trend(enum.Enum):
    """The direction of a measure over its last periods, read in the measure's direction."""

    IMPROVING = "improving"
    WORSENING = "worsening"
    FLAT = "flat"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return str(TREND_LABELS[self])

    @property
    def symbol(self) -> str:
        return TREND_SYMBOLS[self]

    @property
    def text(self) -> str:
        return f"{self.symbol} {self.label}"


TREND_LABELS = {
    Trend.IMPROVING: gettext_lazy("Improving"),
    Trend.WORSENING: gettext_lazy("Worsening"),
    Trend.FLAT: gettext_lazy("Unchanged"),
    Trend.UNKNOWN: gettext_lazy("Too few periods for a trend"),
}
TREND_SYMBOLS = {Trend.IMPROVING: "↗", Trend.WORSENING: "↘", Trend.FLAT: "→", Trend.UNKNOWN: "·"}


def trend_of(values: Sequence[Decimal | None], measure: Measure) -> Trend:
    """The trend of a series of period values, oldest first (None = no value for that period)."""
    points = [(index, value) for index, value in enumerate(values) if value is not None]
    if len(points) < 2:
        return Trend.UNKNOWN
    n = len(points)
    mean_x = sum(x for x, _ in points) / Decimal(n)
    mean_y = sum(y for _, y in points) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)
    change = slope * (points[-1][0] - points[0][0])
    flat_below = max(Decimal(1).scaleb(-measure.decimals) / 2, abs(mean_y) * FLAT_SHARE_OF_LEVEL)
    if abs(change) < flat_below:
        return Trend.FLAT
    rising = change > 0
    if rising == (measure.direction == Direction.HIGHER_IS_BETTER):
        return Trend.IMPROVING
    return Trend.WORSENING


class ForecastMethod(enum.Enum):
    SEASONAL = "seasonal"
    LINEAR = "linear"
    LAST_YEAR_CHANGE = "last_year_change"
    UNCHANGED = "unchanged"
    FINAL = "final"

    @property
    def label(self) -> str:
        return str(FORECAST_METHOD_LABELS[self])


FORECAST_METHOD_LABELS = {
    ForecastMethod.SEASONAL: gettext_lazy("year to date scaled by last year's share reached by the same month"),
    ForecastMethod.LINEAR: gettext_lazy("year to date extrapolated linearly to twelve months"),
    ForecastMethod.LAST_YEAR_CHANGE: gettext_lazy("year to date moved by last year's change to the full year"),
    ForecastMethod.UNCHANGED: gettext_lazy("year to date value held for the rest of the year"),
    ForecastMethod.FINAL: gettext_lazy("the year's outcome"),
}


@dataclass(frozen=True)
class Forecast:
    value: Decimal
    method: ForecastMethod
    status: Status


def forecast_year(
    *, measure: Measure, period: Period, year_to_date: Decimal | None, last_year_to_date: Decimal | None,
    last_year: Decimal | None,
) -> tuple[Decimal, ForecastMethod] | None:
    """The full-year value expected from the year to date through the period's last month."""
    if year_to_date is None:
        return None
    if period.closes_year:
        return year_to_date, ForecastMethod.FINAL
    if measure.aggregation == Aggregation.SUM_YEAR_TO_DATE:
        if last_year_to_date and last_year is not None:
            return _quantized(year_to_date * last_year / last_year_to_date), ForecastMethod.SEASONAL
        return _quantized(year_to_date * 12 / period.end_month), ForecastMethod.LINEAR
    if last_year_to_date is not None and last_year is not None:
        return year_to_date + (last_year - last_year_to_date), ForecastMethod.LAST_YEAR_CHANGE
    return year_to_date, ForecastMethod.UNCHANGED


# --------------------------------------------------------------------------------------------
# Evaluating a plan's measures
# --------------------------------------------------------------------------------------------


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
    reference: Decimal | None = None
    override: StatusOverride | None = None
    trend: Trend = Trend.UNKNOWN
    forecast: Forecast | None = None

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

    @property
    def value_text(self) -> str:
        return format_period_value(self.value, self.measure)

    @property
    def reference_text(self) -> str:
        return format_measure_value(self.reference, self.measure)

    @property
    def forecast_text(self) -> str:
        return format_measure_value(self.forecast.value, self.measure) if self.forecast else "–"


def _targets_of_year(measures: Sequence[Measure], year: int) -> dict[int, Target]:
    targets = Target.objects.filter(measure__in=measures, year=year)
    return {target.measure_id: target for target in targets}


def _sexes(measure: Measure) -> list[str]:
    return [Sex.TOTAL, Sex.WOMEN, Sex.MEN] if measure.split_by_sex else [Sex.TOTAL]


def _reference_values(
    measures: Sequence[Measure], targets: Mapping[int, Target], period: Period, unit
) -> dict[Key, Decimal]:
    """Base-year values and national values the targets are compared with (a few queries per base year)."""
    references: dict[Key, Decimal] = {}
    by_base_year = defaultdict(list)
    for measure in measures:
        target = targets.get(measure.pk)
        if target and target.kind in (TargetKind.CHANGE_FROM_BASE_YEAR, TargetKind.LOWER_THAN_YEAR, TargetKind.HIGHER_THAN_YEAR):
            if target.base_value is not None:
                for sex in _sexes(measure):
                    references[(measure.pk, None, sex)] = target.base_value
            elif target.base_year:
                by_base_year[target.base_year].append(measure)
    for base_year, base_measures in by_base_year.items():
        # Like with like: the same period of the base year, else the base year's full-year value.
        same_period = period_values(base_measures, period.in_year(base_year), unit=unit)
        full_year = period_values(base_measures, Period(base_year, PeriodKind.YEAR), unit=unit)
        for key, found in {**full_year, **same_period}.items():
            if found.value is not None and key not in references:
                references[key] = found.value

    national = [m for m in measures if targets.get(m.pk) and targets[m.pk].kind == TargetKind.RELATIVE_TO_NATIONAL]
    if national:
        rows = NationalValue.objects.filter(
            measure__in=national, area_code=NationalValue.NATIONAL_AREA_CODE, year__in=[period.year, period.year - 1]
        ).order_by("measure_id", "sex", "year", "period_kind", "period_number")
        best: dict[tuple[int, str], tuple[tuple, Decimal]] = {}
        for row in rows:
            exact = (row.year, row.period_kind, row.period_number) == (period.year, period.kind, period.number)
            rank = (exact, row.year, row.period.end_month)
            current = best.get((row.measure_id, row.sex))
            if current is None or rank > current[0]:
                best[(row.measure_id, row.sex)] = (rank, row.value)
        for (measure_id, sex), (_rank, value) in best.items():
            references.setdefault((measure_id, None, sex), value)
    return references


def _reference_for(references: Mapping[Key, Decimal], key: Key) -> Decimal | None:
    # A unit's target is compared with the unit's own base value, else with the whole scope's.
    return references.get(key, references.get((key[0], None, key[2])))


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
    # Every period the evaluation reads (this one, the trend's earlier ones, the forecast's year to
    # date now and last year, last year's outcome) is computed in one pass.
    wanted = [period]
    earlier: Period | None = period
    for _step in range(TREND_PERIODS - 1 if with_trend else 0):
        earlier = earlier.previous() if earlier else None
        if earlier:
            wanted.append(earlier)
    if with_forecast:
        ytd = period.year_to_date
        wanted += [ytd, ytd.in_year(period.year - 1), Period(period.year - 1, PeriodKind.YEAR)]
    computed = period_values_many(measures, wanted, unit=unit, sexes=sexes)

    def values_for(one: Period) -> dict[Key, PeriodValue]:
        return computed[one]

    targets = _targets_of_year(measures, period.year)
    current = values_for(period)
    references = _reference_values(measures, targets, period, unit)
    overrides = {
        (o.measure_id, o.unit_id, o.sex): o
        for o in StatusOverride.objects.filter(
            _unit_q(unit), measure__in=measures, year=period.year, period_kind=period.kind,
            period_number=period.number, **({"sex__in": sexes} if sexes else {}),
        )
    }
    history: list[dict[Key, PeriodValue]] = []
    if with_trend:
        earlier: Period | None = period
        for _step in range(TREND_PERIODS - 1):
            earlier = earlier.previous() if earlier else None
            history.insert(0, values_for(earlier) if earlier else {})
    forecast_inputs = None
    if with_forecast:
        ytd = period.year_to_date
        forecast_inputs = (
            values_for(ytd),
            values_for(ytd.in_year(period.year - 1)),
            values_for(Period(period.year - 1, PeriodKind.YEAR)),
        )

    # Every measure is reported for the scope asked for, with or without data ("saknas").
    scope_unit_id = None if unit in (None, ALL_UNITS) else unit.pk
    keys = set(current) | set(overrides)
    for measure in measures:
        keys.update((measure.pk, scope_unit_id, sex) for sex in (sexes or _sexes(measure)))
    by_id = {measure.pk: measure for measure in measures}
    position = {measure.pk: index for index, measure in enumerate(measures)}
    sex_order = {sex: index for index, sex in enumerate(Sex.values)}
    evaluations = []
    for key in sorted(keys, key=lambda k: (position[k[0]], k[1] is not None, k[1] or 0, sex_order[k[2]])):
        measure = by_id[key[0]]
        target = targets.get(measure.pk)
        value = current.get(key, MISSING_VALUE)
        reference = _reference_for(references, key)
        forecast = None
        if forecast_inputs and target and target.kind != TargetKind.ACCOMPLISHED:
            now, last_now, last_year = (inputs.get(key, MISSING_VALUE).value for inputs in forecast_inputs)
            expected = forecast_year(
                measure=measure, period=period, year_to_date=now, last_year_to_date=last_now, last_year=last_year
            )
            if expected:
                status = evaluate_target(target=target, measure=measure, value=expected[0], reference=reference).status
                forecast = Forecast(expected[0], expected[1], status)
        # A cumulative measure's target is for the whole year: before December, its sum so far
        # says nothing against it, so the forecast for the year is what is judged.
        judged_on_forecast = bool(
            forecast and measure.aggregation == Aggregation.SUM_YEAR_TO_DATE and not period.closes_year
        )
        result = evaluate_target(
            target=target,
            measure=measure,
            value=forecast.value if judged_on_forecast else value.value,
            accomplished=value.accomplished,
            reference=reference,
            final=period.closes_year,
            on_track=bool(forecast and forecast.status == Status.GREEN and not period.closes_year),
        )
        if judged_on_forecast:
            note = _("Judged on the forecast for the year.")
            result = replace(result, explanation=f"{result.explanation} {note}")
        trend = Trend.UNKNOWN
        if with_trend:
            series = [h.get(key, MISSING_VALUE).value for h in history] + [value.value]
            trend = trend_of(series, measure)
        evaluations.append(
            Evaluation(measure, period, key[1], key[2], target, value, result, reference, overrides.get(key), trend, forecast)
        )
    return evaluations


def evaluate_plan(plan: Plan, period: Period, *, unit=None, **options) -> list[Evaluation]:
    """Evaluate every measure of a plan for a period (see ``evaluate_measures``)."""
    measures = Measure.objects.filter(plan=plan).select_related("goal_area", "goal").order_by(
        "goal_area__order", "goal_area__pk", "goal__order", "goal__pk", "order", "pk"
    )
    return evaluate_measures(measures, period, unit=unit, **options)


# --------------------------------------------------------------------------------------------
# Goals
# --------------------------------------------------------------------------------------------


def combine_statuses(statuses: Iterable[Status]) -> tuple[Status, bool]:
    """The worst known status, and whether any input was missing (see the module's rules)."""
    statuses = [Status(status) for status in statuses]
    known = [status for status in statuses if status != Status.MISSING]
    if not known:
        return Status.MISSING, bool(statuses)
    return max(known, key=lambda status: status.severity), len(known) < len(statuses)


@dataclass
class GoalEvaluation:
    goal: Goal
    status: Status
    incomplete: bool
    measures: list[Evaluation] = field(default_factory=list)
    assessment: GoalAssessment | None = None

    @property
    def partly_missing(self) -> bool:
        """Known status, but some of its inputs had no data (worth saying beside the status)."""
        return self.incomplete and self.status != Status.MISSING


def evaluate_goals(
    plan: Plan, period: Period, *, kind: str | None = None, evaluations: Sequence[Evaluation] | None = None
) -> list[GoalEvaluation]:
    """Every goal of a plan (or of one kind) with its status for a period, for the whole scope.

    Pass the plan's ``evaluations`` when they are already computed (a dashboard), to not
    evaluate twice.
    """
    if evaluations is None:
        evaluations = evaluate_plan(plan, period, with_trend=False)
    by_goal = defaultdict(list)
    for evaluation in evaluations:
        if evaluation.unit_id is None and evaluation.sex == Sex.TOTAL and evaluation.measure.goal_id:
            by_goal[evaluation.measure.goal_id].append(evaluation)
    goals = list(
        Goal.objects.filter(plan=plan).select_related("goal_area", "parent__plan").prefetch_related(
            Prefetch(
                "assessments",
                queryset=GoalAssessment.objects.filter(
                    year=period.year, period_kind=period.kind, period_number=period.number
                ),
                to_attr="assessments_of_period",
            )
        )
    )
    children = defaultdict(list)
    for goal in goals:
        if goal.parent_id:
            children[goal.parent_id].append(goal)
    results: dict[int, GoalEvaluation] = {}

    def evaluate(goal: Goal) -> GoalEvaluation:
        if goal.pk not in results:
            assessment = goal.assessments_of_period[0] if goal.assessments_of_period else None
            inputs = [e.status for e in by_goal[goal.pk]]
            inputs += [Status(assessment.status)] if assessment else []
            inputs += [evaluate(child).status for child in children[goal.pk]]
            status, incomplete = combine_statuses(inputs)
            results[goal.pk] = GoalEvaluation(goal, status, incomplete, by_goal[goal.pk], assessment)
        return results[goal.pk]

    return [evaluate(goal) for goal in goals if kind is None or goal.kind == kind]


GOAL_KIND_PLURAL = {
    Goal.Kind.STRATEGIC_GOAL: gettext_lazy("strategic goals"),
    Goal.Kind.PRIORITY_AREA: gettext_lazy("priority areas"),
    Goal.Kind.RESULT_GOAL: gettext_lazy("result goals"),
    Goal.Kind.ACTIVE_GOAL: gettext_lazy("active goals"),
    Goal.Kind.SUCCESS_FACTOR: gettext_lazy("success factors"),
}


@dataclass(frozen=True)
class GoalCounts:
    kind: str
    total: int
    green: int
    yellow: int
    red: int
    missing: int

    @property
    def not_met(self) -> int:
        return self.yellow + self.red

    @property
    def sentence(self) -> str:
        """E.g. "6 av 8 aktiva mål når inte målvärdet"."""
        return ngettext(
            "%(not_met)s of %(total)s %(kind)s does not reach its target",
            "%(not_met)s of %(total)s %(kind)s do not reach their targets",
            self.not_met,
        ) % {"not_met": self.not_met, "total": self.total, "kind": GOAL_KIND_PLURAL[self.kind]}


def count_goals(goal_evaluations: Iterable[GoalEvaluation], kind: str) -> GoalCounts:
    statuses = [e.status for e in goal_evaluations if e.goal.kind == kind]
    return GoalCounts(
        kind=kind,
        total=len(statuses),
        green=statuses.count(Status.GREEN),
        yellow=statuses.count(Status.YELLOW),
        red=statuses.count(Status.RED),
        missing=statuses.count(Status.MISSING),
    )


@dataclass(frozen=True)
class StatusCounts:
    """How many of something are green, yellow, red and missing."""

    green: int = 0
    yellow: int = 0
    red: int = 0
    missing: int = 0

    @property
    def total(self) -> int:
        return self.green + self.yellow + self.red + self.missing

    def items(self) -> list[tuple[Status, int]]:
        """(status, count) from met to missing."""
        return [(Status.GREEN, self.green), (Status.YELLOW, self.yellow), (Status.RED, self.red),
                (Status.MISSING, self.missing)]

    @property
    def segments(self) -> list[tuple[Status, str, str]]:
        """(status, x, width) in per cent of a bar, for drawing the shares without inline styles."""
        segments, x = [], Decimal(0)
        for status, count in ((Status.GREEN, self.green), (Status.YELLOW, self.yellow), (Status.RED, self.red),
                              (Status.MISSING, self.missing)):
            if count:
                width = Decimal(count * 100) / self.total
                segments.append((status, f"{x:.2f}", f"{width:.2f}"))
                x += width
        return segments

    @property
    def sentence(self) -> str:
        """E.g. "12 uppfyllda, 9 på väg, 7 ej uppfyllda, 3 saknar utfall"."""
        parts = [
            ngettext("%(count)s met", "%(count)s met", self.green) % {"count": self.green},
            ngettext("%(count)s on track", "%(count)s on track", self.yellow) % {"count": self.yellow},
            ngettext("%(count)s not met", "%(count)s not met", self.red) % {"count": self.red},
            ngettext("%(count)s without outcome", "%(count)s without outcome", self.missing) % {"count": self.missing},
        ]
        return ", ".join(parts)


def count_statuses(statuses: Iterable[Status]) -> StatusCounts:
    statuses = [Status(status) for status in statuses]
    return StatusCounts(
        green=statuses.count(Status.GREEN),
        yellow=statuses.count(Status.YELLOW),
        red=statuses.count(Status.RED),
        missing=statuses.count(Status.MISSING),
    )


# --------------------------------------------------------------------------------------------
# Budget and savings
# --------------------------------------------------------------------------------------------


def default_budget_tolerance_percent() -> Decimal:
    return Decimal(str(getattr(settings, "KPI_BUDGET_TOLERANCE_PERCENT", "1")))


@dataclass(frozen=True)
class BudgetResult:
    """A budget (net, tkr; costs negative) against its full-year forecast."""

    status: Status
    deviation_tkr: Decimal | None = None


def evaluate_budget(*, budget_tkr: Decimal | None, forecast_tkr: Decimal | None) -> BudgetResult:
    """Green when the forecast keeps the budget; yellow when it misses by at most
    ``KPI_BUDGET_TOLERANCE_PERCENT`` of the budget; red beyond; missing without a forecast.

    Amounts are net (income positive, costs negative), so the deviation forecast − budget is
    positive when the result is better than budgeted.
    """
    if budget_tkr is None or forecast_tkr is None:
        return BudgetResult(Status.MISSING)
    deviation = forecast_tkr - budget_tkr
    if deviation >= 0:
        return BudgetResult(Status.GREEN, deviation)
    if -deviation <= abs(budget_tkr) * default_budget_tolerance_percent() / 100:
        return BudgetResult(Status.YELLOW, deviation)
    return BudgetResult(Status.RED, deviation)


def evaluate_savings(*, planned_tkr: Decimal | None, achieved_tkr: Decimal | None) -> Status:
    """A savings measure's effect for a year: achieved against planned, same tolerance as targets."""
    if planned_tkr is None or achieved_tkr is None:
        return Status.MISSING
    if achieved_tkr >= planned_tkr:
        return Status.GREEN
    if planned_tkr - achieved_tkr <= abs(planned_tkr) * default_tolerance_percent() / 100:
        return Status.YELLOW
    return Status.RED


# --------------------------------------------------------------------------------------------
# Text for a person
# --------------------------------------------------------------------------------------------

# Units that are not printed after the number ("4,01", not "4,01 index").
SILENT_UNITS = {"", "index", "antal"}


def format_amount_tkr(value: Decimal | None) -> str:
    """An amount in tkr as the plans print it: "-1 117 400", "–" when missing."""
    return "–" if value is None else format_number(value, 0)


def format_number(value: Decimal, decimals: int) -> str:
    """A number the Swedish way: 1 234,5 (the one place numbers are rendered)."""
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def format_measure_value(value: Decimal | None, measure: Measure) -> str:
    """An outcome with the measure's decimals and unit: "6,2 %", "9,5 minuter", "–" when missing."""
    if value is None:
        return "–"
    number = format_number(rounded_to_measure(value, measure), measure.decimals)
    unit = measure.unit.strip()
    return number if unit.lower() in SILENT_UNITS else f"{number}\xa0{unit}"


def format_period_value(value: PeriodValue, measure: Measure) -> str:
    """A period value for a person: the number with unit, or yes/no for accomplishment targets."""
    if value.value is None and value.accomplished is not None:
        return _("Yes") if value.accomplished else _("No")
    return format_measure_value(value.value, measure)
