"""The status engine: outcomes and targets in, period values, traffic lights, trends and forecasts out.

Everything that forms a value for a period, compares it with a target, judges a trend or
forecasts the year lives in this package, so the admin, the dashboards, the PDF reports and the
exports cannot disagree. Views and templates only call it and show what it returns. Numbers are
written by ``kpis.formatting``; budget and savings statuses by ``budget.status``.

The rules, in the order they are applied:

Span (``values``, ``queries``)
    A value covers a span of months: the period's own months (T1 and "Ack april" are the same
    span, January–April, and get the same value, status and trend), or for R12 measures the
    twelve months ending in the period's last month. A figure stored for a period covering
    exactly the span (e.g. the reported "Ack april 61 %") wins; a span that stored figures tile
    is made of them (Jan–Aug from T1 and T2: their sum, or their mean by months; May–Aug of a
    cumulative measure as Ack augusti − Ack april); otherwise the value is formed
    from monthly outcomes by the measure's aggregation (latest month with data, sum, mean,
    count-weighted mean, R12 sum or mean). The database does the arithmetic in a fixed number
    of queries, whatever the number of measures, units and sexes.

Coverage
    Every value knows how many of the months it needs it had ("3 av 4 månader"); a point-in-time
    value needs the span's last month, a stored figure is complete, an R12 value needs all
    twelve months or is missing. An incomplete value is marked wherever it is shown and is never
    green: a value that meets the target on the months there are is yellow until complete.

Due
    A measure reported per year has nothing due before the period that closes the year, one
    reported per tertial nothing before a tertial ends: without a value it is "Rapporteras
    senare" (not due), never "saknas", and not counted as missing.

Threshold (``targets``)
    Every target resolves to a limit in the measure's unit, with the reference it came from:
    "-20 % jämfört med 2019" with a 2019 outcome of 250 ton is "högst 200 ton (−20 % jämfört med
    2019: 250 ton)". A change of p % from a base year gives base × (1 + p/100), passed from the
    better side (lower is better: a negative p is the reduction asked for, a positive p the most
    it may rise; higher is better: a positive p is the rise asked for, a negative p the most it
    may fall); a sign the wording contradicts is refused when the target is saved.
    "Lägre/Högre än <år>" is the year's value itself; relative to riket, riket ± the value.

Like for like (``references``)
    A value is compared with the base year's value for the same months (January–April with the
    base year's January–April), whether the base year was entered month by month or as a figure
    for the period; the full-year forecast with the base year's full year. A level (share, mean,
    point in time) may also be compared with the value the plan states or with the base year's
    full year; a cumulative measure only with the same months (complete), its forecast with the
    stated or the full base year. The explanation names the span used.

Status
    The value is rounded to the measure's decimals and compared with the limit. Met = green. Not
    met but within the tolerance band (the target's own tolerance in the measure's unit, else
    ``KPI_YELLOW_TOLERANCE_PERCENT`` of the limit) or on track (the full-year forecast meets the
    target) = yellow. Otherwise red. No value, no target, a target that is only words or a
    missing reference = "Uppgift saknas", never green. A yes/no target not yet accomplished is
    yellow until the period that closes the year, then red; it is met from the month it is reported
    done, and the latest answer in the year counts (a later "no" undoes it).
    A cumulative measure's target is for the year: it is judged on its forecast for the year, and
    on the year's own sum once the period closes the year (T3, December). The limit is compared
    as printed, rounded to the measure's decimals like the value. A measure reported per year is
    valued by its year's figure in a period that closes the year. No value for the period is never
    green, whatever the year to date says. A ``StatusOverride`` (a person's judgement with its
    reason) replaces the computed status, for every name of the same months (T1 and "Ack april");
    the computed one is kept beside it.

Trend (``trend``)
    The value against the value of the span just before it: for readings at a month (point in
    time, R12) the reading before (a month earlier, or a tertial earlier for a measure read per
    tertial; R12 January against R12 December the year before);
    for sums and means the span of the same length just before (a month against the month
    before, January–April against September–December, a year against the year before), so a
    cumulative measure trends on its months' own values. When the span just before has no value
    (a measure reported only year to date), sums and means are compared with the same months a
    year earlier. Both values must be there and complete;
    unchanged when the change is below half the last printed digit or 1 % of the level.

Forecast (``forecast``)
    From the year to date through the period's last month. Cumulative measures: scaled by last
    year's share of the full year reached by the same month when this year's months are all
    there, else the months there are extrapolated linearly. R12 measures: the twelve months
    ending now (the rest of the year as the same months last year), judged against the same
    reference as the value. Levels: moved by last year's
    change from the same month to the full year, else held. The forecast says what it rests on.

Goal (``goals``)
    A goal's status is the worst known status of its measures, its qualitative assessment for the
    period and its sub-goals in the same plan. Inputs not due are left out; missing inputs are
    ignored unless all are missing (the goal is then missing); ``incomplete`` says some were.

Counts (``counts``)
    Sentences that are honest about nothing: no measures, no outcomes, nothing due.
"""

from kpis.status.counts import GoalCounts, StatusCounts, count_goals, count_statuses
from kpis.status.forecast import Forecast, ForecastMethod, forecast_year
from kpis.status.goals import GoalEvaluation, combine_statuses, evaluate_goals
from kpis.status.measures import Evaluation, evaluate_measures, evaluate_plan
from kpis.status.queries import ALL_UNITS, period_values, period_values_many
from kpis.status.spans import is_due
from kpis.status.targets import (
    Reference,
    TargetResult,
    Threshold,
    evaluate_target,
    resolve_threshold,
)
from kpis.status.trend import Trend, trend_between, trend_span
from kpis.status.values import (
    MISSING_VALUE,
    Coverage,
    MonthValue,
    PeriodValue,
    aggregate_series,
    window_of,
)

__all__ = [
    "ALL_UNITS",
    "MISSING_VALUE",
    "Coverage",
    "Evaluation",
    "Forecast",
    "ForecastMethod",
    "GoalCounts",
    "GoalEvaluation",
    "MonthValue",
    "PeriodValue",
    "Reference",
    "StatusCounts",
    "TargetResult",
    "Threshold",
    "Trend",
    "aggregate_series",
    "combine_statuses",
    "count_goals",
    "count_statuses",
    "evaluate_goals",
    "evaluate_measures",
    "evaluate_plan",
    "evaluate_target",
    "forecast_year",
    "is_due",
    "period_values",
    "period_values_many",
    "resolve_threshold",
    "trend_between",
    "trend_span",
    "window_of",
]
