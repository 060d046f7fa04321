"""Properties of the status engine on random measures, targets and series (hypothesis)."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goalplan.choices import Sex, Status
from goalplan.periods import Period, PeriodKind
from kpis.models import Measure, Outcome, Target, TargetKind
from kpis.status import (
    Coverage,
    ForecastMethod,
    PeriodValue,
    Reference,
    Trend,
    evaluate_measures,
    evaluate_target,
    forecast_year,
    trend_between,
)
from kpis.status.targets import default_tolerance_percent
from tests.selectors import hsn_plan

D = Decimal
HIGHER, LOWER = Measure.Direction.HIGHER_IS_BETTER, Measure.Direction.LOWER_IS_BETTER
KINDS_FOR = {
    HIGHER: [
        TargetKind.AT_LEAST,
        TargetKind.MORE_THAN,
        TargetKind.HIGHER_THAN_YEAR,
        TargetKind.CHANGE_FROM_BASE_YEAR,
        TargetKind.RELATIVE_TO_NATIONAL,
    ],
    LOWER: [
        TargetKind.AT_MOST,
        TargetKind.LESS_THAN,
        TargetKind.LOWER_THAN_YEAR,
        TargetKind.CHANGE_FROM_BASE_YEAR,
        TargetKind.RELATIVE_TO_NATIONAL,
    ],
}
SEVERITY = {Status.GREEN: 0, Status.YELLOW: 1, Status.RED: 2}

amounts = st.decimals(min_value=D("0.5"), max_value=D("5000"), places=1, allow_nan=False, allow_infinity=False)
percents = st.decimals(min_value=D("-60"), max_value=D("60"), places=0).filter(lambda p: p != 0)


@st.composite
def measure_and_target(draw):
    direction = draw(st.sampled_from([HIGHER, LOWER]))
    decimals = draw(st.integers(min_value=0, max_value=2))
    kind = draw(st.sampled_from(KINDS_FOR[direction]))
    measure = Measure(name="m", unit="ton", decimals=decimals, direction=direction)
    value = draw(percents) if kind == TargetKind.CHANGE_FROM_BASE_YEAR else draw(amounts)
    if kind == TargetKind.RELATIVE_TO_NATIONAL:
        value = draw(st.decimals(min_value=D("-5"), max_value=D("5"), places=1))
    tolerance = draw(st.one_of(st.none(), st.decimals(min_value=D(0), max_value=D(50), places=1)))
    target = Target(kind=kind, value=value, base_year=2019, wording="x", tolerance=tolerance)
    reference = Reference(draw(amounts), "2019")
    return measure, target, reference


def expected_limit(target: Target, measure: Measure, reference: Reference) -> tuple[str, Decimal]:
    """The oracle: the limit written out from the target's own fields, independent of the engine."""
    better = "<=" if measure.direction == LOWER else ">="
    return {
        TargetKind.AT_LEAST: (">=", target.value),
        TargetKind.MORE_THAN: (">", target.value),
        TargetKind.AT_MOST: ("<=", target.value),
        TargetKind.LESS_THAN: ("<", target.value),
        TargetKind.LOWER_THAN_YEAR: ("<", reference.value),
        TargetKind.HIGHER_THAN_YEAR: (">", reference.value),
        TargetKind.CHANGE_FROM_BASE_YEAR: (better, reference.value + reference.value * target.value / 100),
        TargetKind.RELATIVE_TO_NATIONAL: (better, reference.value + target.value),
    }[target.kind]


def status_of(measure, target, reference, value, **options) -> Status:
    return evaluate_target(target=target, measure=measure, value=value, reference=reference, **options).status


@settings(max_examples=300)
@given(
    case=measure_and_target(),
    start=amounts,
    step=st.decimals(min_value=D(0), max_value=D(3000), places=1),
    on_track=st.booleans(),
)
def test_a_better_outcome_never_has_a_worse_status(case, start, step, on_track):
    measure, target, reference = case
    better = start + step if measure.direction == HIGHER else start - step
    before = status_of(measure, target, reference, start, on_track=on_track, final=False)
    after = status_of(measure, target, reference, better, on_track=on_track, final=False)
    assert SEVERITY[after] <= SEVERITY[before]


@settings(max_examples=300)
@given(case=measure_and_target(), offset=st.integers(min_value=-400, max_value=400))
def test_the_limit_and_the_bands_edges_agree_with_the_status(case, offset):
    measure, target, reference = case
    operator, exact_limit = expected_limit(target, measure, reference)
    # Compared as printed: the limit rounded half up to the measure's decimals, like the value.
    digit = D(1).scaleb(-measure.decimals)
    limit = exact_limit.quantize(digit, rounding=ROUND_HALF_UP)
    result = evaluate_target(target=target, measure=measure, value=limit, reference=reference)
    assert result.threshold.operator == operator
    assert result.threshold.value == limit
    band = target.tolerance if target.tolerance is not None else abs(limit) * default_tolerance_percent() / 100
    assert result.band == pytest.approx(band, abs=D("0.0001"))
    # A value a number of printed digits from the limit, as the engine rounds it.
    value = (result.threshold.value + offset * digit).quantize(digit)
    passes = {">=": value >= limit, ">": value > limit, "<=": value <= limit, "<": value < limit}[operator]
    expected = Status.GREEN if passes else (Status.YELLOW if abs(value - limit) <= band + D("0.0001") else Status.RED)
    found = status_of(measure, target, reference, value)
    if abs(abs(value - limit) - band) > D("0.0001") and abs(value - limit) > D("0.0001"):
        assert found == expected  # away from the edges themselves (the limit has four decimals)


@settings(max_examples=200)
@given(
    direction=st.sampled_from([HIGHER, LOWER]),
    start=amounts,
    step=st.decimals(min_value=D(0), max_value=D(2000), places=1),
    last_ytd=amounts,
    last_year=amounts,
    month=st.integers(min_value=1, max_value=11),
    aggregation=st.sampled_from(["ytd_sum", "ytd_mean", "latest", "r12_mean"]),
    limit=amounts,
)
def test_a_better_year_to_date_never_has_a_worse_forecast(
    direction, start, step, last_ytd, last_year, month, aggregation, limit
):
    measure = Measure(name="m", decimals=1, direction=direction, aggregation=aggregation)
    target = Target(kind=TargetKind.AT_LEAST if direction == HIGHER else TargetKind.AT_MOST, value=limit, wording="x")
    period = Period(2025, PeriodKind.YEAR_TO_DATE, month)
    better = start + step if direction == HIGHER else max(start - step, D("0.1"))

    def forecast_status(ytd):
        value, _method = forecast_year(
            measure=measure, period=period, year_to_date=ytd, last_year_to_date=last_ytd, last_year=last_year
        )
        return status_of(measure, target, None, value)

    assert SEVERITY[forecast_status(better)] <= SEVERITY[forecast_status(start)]


@given(before=amounts, now=amounts, decimals=st.integers(min_value=0, max_value=2))
def test_reversing_the_direction_reverses_the_trend(before, now, decimals):
    complete = Coverage(1, 1)
    trends = {
        direction: trend_between(
            PeriodValue(before, coverage=complete),
            PeriodValue(now, coverage=complete),
            Measure(name="m", decimals=decimals, direction=direction),
        )
        for direction in (HIGHER, LOWER)
    }
    mirror = {Trend.IMPROVING: Trend.WORSENING, Trend.WORSENING: Trend.IMPROVING, Trend.FLAT: Trend.FLAT}
    assert trends[LOWER] == mirror[trends[HIGHER]]


@given(case=measure_and_target(), final=st.booleans(), on_track=st.booleans())
def test_no_value_is_never_green(case, final, on_track):
    measure, target, reference = case
    assert status_of(measure, target, reference, None, final=final, on_track=on_track) == Status.MISSING


# -- On the database: random series, T1 against "Ack april", not due and incomplete never green --

months_of_two_years = st.dictionaries(
    st.tuples(st.sampled_from([2024, 2025]), st.integers(min_value=1, max_value=12)),
    st.decimals(min_value=D(0), max_value=D(1000), places=1),
    max_size=24,
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    series=months_of_two_years,
    aggregation=st.sampled_from([c for c, _l in Measure.Aggregation.choices]),
    direction=st.sampled_from([HIGHER, LOWER]),
    kind_index=st.integers(min_value=0, max_value=4),
    frequency=st.sampled_from([c for c, _l in Measure.Frequency.choices]),
    limit=amounts,
    stored_t1=st.one_of(st.none(), amounts),
)
def test_t1_and_year_to_date_april_agree_and_nothing_unknown_is_green(
    series, aggregation, direction, kind_index, frequency, limit, stored_t1
):
    with transaction.atomic():
        plan = hsn_plan(2025)
        kind = KINDS_FOR[direction][kind_index]
        measure = Measure.objects.create(
            plan=plan,
            name="Slumpmått",
            unit="ton",
            decimals=1,
            direction=direction,
            aggregation=aggregation,
            frequency=frequency,
        )
        value = (
            D(-10)
            if kind == TargetKind.CHANGE_FROM_BASE_YEAR
            else D(1)
            if kind == TargetKind.RELATIVE_TO_NATIONAL
            else limit
        )
        Target.objects.create(measure=measure, year=2025, kind=kind, value=value, base_year=2024, wording="x")
        Outcome.objects.bulk_create(
            Outcome(
                indicator=measure.indicator,
                year=year,
                period_kind=PeriodKind.MONTH,
                period_number=month,
                sex=Sex.TOTAL,
                value=amount,
            )
            for (year, month), amount in series.items()
        )
        if stored_t1 is not None:  # a figure reported for T1 stands for "Ack april" too
            Outcome.objects.create(
                indicator=measure.indicator,
                year=2025,
                period_kind=PeriodKind.TERTIAL,
                period_number=1,
                sex=Sex.TOTAL,
                value=stored_t1,
            )
        [tertial] = evaluate_measures([measure], Period.tertial(2025, 1))
        [april] = evaluate_measures([measure], Period(2025, PeriodKind.YEAR_TO_DATE, 4))
        assert (tertial.value.value, tertial.value.coverage) == (april.value.value, april.value.coverage)
        assert (tertial.status, tertial.trend) == (april.status, april.trend)
        assert (tertial.forecast.value if tertial.forecast else None) == (
            april.forecast.value if april.forecast else None
        )
        for period in (Period(2025, PeriodKind.MONTH, 2), Period.tertial(2025, 1), Period(2025, PeriodKind.YEAR)):
            [evaluation] = evaluate_measures([measure], period)
            if evaluation.value.is_missing or not evaluation.value.complete:
                assert evaluation.status != Status.GREEN
            if evaluation.status == Status.NOT_DUE:
                assert evaluation.value.is_missing
            if (
                evaluation.forecast
                and evaluation.forecast.method == ForecastMethod.LINEAR
                and not evaluation.value.complete
            ):
                assert evaluation.forecast.status != Status.GREEN
        transaction.set_rollback(True)
