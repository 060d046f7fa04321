"""Invariants live in the database: bad rows are refused even when forms are bypassed."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from budget.models import Investment
from goalplan.models import Plan
from goalplan.periods import PeriodKind
from kpis.models import Measure, Outcome, Target
from tests.selectors import body, hsn_plan

pytestmark = pytest.mark.django_db


def a_measure() -> Measure:
    return Measure.objects.filter(plan=hsn_plan(2025)).first()


def refused(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_one_outcome_per_measure_period_and_sex_without_unit():
    measure = a_measure()
    Outcome.objects.create(
        indicator=measure.indicator, year=2025, period_kind=PeriodKind.MONTH, period_number=3, value=1
    )
    assert refused(
        lambda: Outcome.objects.create(
            indicator=measure.indicator, year=2025, period_kind=PeriodKind.MONTH, period_number=3, value=2
        )
    )


def test_one_outcome_per_measure_period_unit_and_sex():
    from goalplan.models import OrganisationalUnit

    measure, unit = a_measure(), OrganisationalUnit.objects.get(name="Division Medicin")
    Outcome.objects.create(
        indicator=measure.indicator, unit=unit, year=2025, period_kind=PeriodKind.MONTH, period_number=3, value=1
    )
    assert refused(
        lambda: Outcome.objects.create(
            indicator=measure.indicator, unit=unit, year=2025, period_kind=PeriodKind.MONTH, period_number=3, value=2
        )
    )


@pytest.mark.parametrize(
    ("kind", "number"),
    [(PeriodKind.MONTH, 13), (PeriodKind.MONTH, 0), (PeriodKind.TERTIAL, 4), (PeriodKind.YEAR, 4)],
)
def test_period_number_must_fit_kind(kind, number):
    assert refused(
        lambda: Outcome.objects.create(
            indicator=a_measure().indicator, year=2025, period_kind=kind, period_number=number, value=1
        )
    )


def test_year_must_be_in_range():
    assert refused(
        lambda: Outcome.objects.create(indicator=a_measure().indicator, year=1899, period_kind=PeriodKind.YEAR, value=1)
    )


def test_outcome_needs_a_value():
    assert refused(
        lambda: Outcome.objects.create(indicator=a_measure().indicator, year=2025, period_kind=PeriodKind.YEAR)
    )


def test_target_kinds_require_their_numbers():
    measure = a_measure()
    assert refused(
        lambda: Target.objects.create(measure=measure, year=2030, kind=Target.Kind.AT_LEAST, wording="Minst")
    )
    assert refused(
        lambda: Target.objects.create(measure=measure, year=2031, kind=Target.Kind.LOWER_THAN_YEAR, wording="Lägre än")
    )


def test_plan_years_must_be_ordered():
    assert refused(
        lambda: Plan.objects.create(
            title="x", kind=Plan.Kind.REGIONPLAN, body=body("RF"), start_year=2025, end_year=2024
        )
    )


def test_investment_amount_not_negative():
    assert refused(
        lambda: Investment.objects.create(
            plan=hsn_plan(2025), year=2025, unit_name="x", kind="new", holder=body("HSN"), amount_tkr=Decimal("-1")
        )
    )


def test_validation_message_is_swedish_and_names_the_problem():
    from django.utils import translation

    outcome = Outcome(
        indicator=a_measure().indicator, year=2025, period_kind=PeriodKind.TERTIAL, period_number=7, value=1
    )
    with translation.override("sv"), pytest.raises(ValidationError) as error:
        outcome.full_clean()
    assert "tertial 1–3" in " ".join(error.value.messages)


def test_sex_split_only_for_measures_split_by_sex():
    measure = Measure.objects.filter(indicator__split_by_sex=False).first()
    outcome = Outcome(indicator=measure.indicator, year=2025, period_kind=PeriodKind.YEAR, sex="K", value=1)
    with pytest.raises(ValidationError) as error:
        outcome.full_clean()
    assert "sex" in error.value.message_dict
