"""Small builders for status-engine tests: a measure with a target, and its outcomes."""

from decimal import Decimal

from goalplan.choices import Sex
from goalplan.periods import PeriodKind
from kpis.models import Measure, Outcome, Target
from tests.selectors import hsn_plan


def measure_with_target(
    *,
    wording="Minst 80 %",
    kind="at_least",
    value="80",
    year=2025,
    base_year=None,
    base_value=None,
    tolerance=None,
    **measure_fields,
) -> Measure:
    fields = {"name": "Testmått", "unit": "%", "decimals": 0, "direction": "higher", "aggregation": "latest"}
    fields.update(measure_fields)
    measure = Measure.objects.create(plan=hsn_plan(2025), **fields)
    Target.objects.create(
        measure=measure,
        year=year,
        kind=kind,
        value=None if value is None else Decimal(value),
        wording=wording,
        base_year=base_year,
        base_value=None if base_value is None else Decimal(base_value),
        tolerance=None if tolerance is None else Decimal(tolerance),
    )
    return measure


def store(measure, year, kind, number, value=None, *, sex=Sex.TOTAL, unit=None, accomplished=None, count=None):
    return Outcome.objects.create(
        indicator=measure.indicator,
        year=year,
        period_kind=kind,
        period_number=number,
        sex=sex,
        unit=unit,
        value=None if value is None else Decimal(str(value)),
        accomplished=accomplished,
        count=count,
    )


def store_months(measure, values_by_month, *, sex=Sex.TOTAL, unit=None):
    """values_by_month: {(year, month): value}."""
    Outcome.objects.bulk_create(
        Outcome(
            indicator=measure.indicator,
            year=year,
            period_kind=PeriodKind.MONTH,
            period_number=month,
            sex=sex,
            unit=unit,
            value=Decimal(str(value)),
        )
        for (year, month), value in values_by_month.items()
    )
