"""The database arithmetic equals the reference arithmetic, in a fixed number of queries."""

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goalplan.choices import Sex
from goalplan.models import OrganisationalUnit
from goalplan.periods import Period, PeriodKind
from kpis.models import Measure, Outcome
from kpis.status import ALL_UNITS, MonthValue, aggregate_series, evaluate_measures, period_values
from tests.status_helpers import measure_with_target

pytestmark = pytest.mark.django_db

AGGREGATIONS = [choice for choice, _label in Measure.Aggregation.choices]
PERIODS = [
    Period(2025, PeriodKind.MONTH, 3),
    Period(2025, PeriodKind.YEAR_TO_DATE, 4),
    Period(2025, PeriodKind.ROLLING_12, 2),
    Period(2025, PeriodKind.TERTIAL, 2),
    Period(2024, PeriodKind.YEAR),
]


def random_series(rng: random.Random) -> dict:
    series = {}
    for year in (2024, 2025):
        for month in range(1, 13):
            if rng.random() < 0.85:
                series[(year, month)] = MonthValue(Decimal(rng.randint(0, 100000)) / 100, rng.randint(1, 500))
    return series


@pytest.mark.parametrize("aggregation", AGGREGATIONS)
def test_database_values_equal_the_reference_for_every_aggregation_and_period(aggregation):
    rng = random.Random(aggregation)
    measures, series_of = [], {}
    for index in range(3):
        measure = measure_with_target(name=f"Mått {index}", aggregation=aggregation)
        series = random_series(rng)
        Outcome.objects.bulk_create(
            Outcome(
                indicator=measure.indicator,
                year=y,
                period_kind=PeriodKind.MONTH,
                period_number=m,
                value=v.value,
                count=v.count,
            )
            for (y, m), v in series.items()
        )
        measures.append(measure)
        series_of[measure.pk] = series
    for period in PERIODS:
        values = period_values(measures, period)
        for measure in measures:
            expected = aggregate_series(series_of[measure.pk], period, aggregation)
            found = values.get((measure.pk, None, Sex.TOTAL))
            assert (found.value if found else None) == expected.value, (aggregation, period)
            if found is not None:  # the months it rests on, too
                assert found.coverage == expected.coverage, (aggregation, period)


def test_query_count_does_not_grow_with_measures_units_or_sexes():
    units = list(OrganisationalUnit.objects.filter(kind="area")[:3])

    def make(count):
        measures = []
        for index in range(count):
            measure = measure_with_target(name=f"Skala {count} {index}", split_by_sex=True, aggregation="ytd_mean")
            Outcome.objects.bulk_create(
                Outcome(
                    indicator=measure.indicator,
                    year=year,
                    period_kind=PeriodKind.MONTH,
                    period_number=month,
                    sex=sex,
                    unit=unit,
                    value=Decimal(month),
                )
                for year in (2024, 2025)
                for month in range(1, 13)
                for sex in Sex.values
                for unit in [None, *units]
            )
            measures.append(measure)
        return measures

    def queries(measures):
        with CaptureQueriesContext(connection) as captured:
            evaluate_measures(measures, Period(2025, PeriodKind.YEAR_TO_DATE, 4), unit=ALL_UNITS)
        return len(captured.captured_queries)

    few, many = make(2), make(25)
    assert queries(few) == queries(many)
