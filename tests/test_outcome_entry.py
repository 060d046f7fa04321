"""Administrators enter a period's outcomes for a whole plan on one admin page."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from goalplan.choices import Sex
from goalplan.periods import PeriodKind
from kpis.models import Indicator, Measure, Outcome, Target
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db

ENTRY_URL = reverse("admin:kpis_outcome_entry")


def april_2025_query(plan) -> str:
    return f"?plan={plan.pk}&year=2025&period_kind=month&period_number=4&unit="


def post_data_from(formset, value_for) -> dict:
    """Form data for every row of the page; value_for(measure, sex) gives the typed value."""
    data = {
        "form-TOTAL_FORMS": str(formset.total_form_count()),
        "form-INITIAL_FORMS": str(formset.initial_form_count()),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    measures = Measure.objects.in_bulk([form.initial["measure_id"] for form in formset.forms])
    for index, form in enumerate(formset.forms):
        measure = measures[form.initial["measure_id"]]
        typed_value, accomplished = value_for(measure, form.initial["sex"])
        data.update(
            {
                f"form-{index}-measure_id": form.initial["measure_id"],
                f"form-{index}-sex": form.initial["sex"],
                f"form-{index}-version": form.initial["version"],
                f"form-{index}-value": typed_value,
                f"form-{index}-accomplished": accomplished,
                f"form-{index}-comment": f"Kommentar {measure.pk}",
            }
        )
    return data


def typed_swedish(measure, sex):
    """A Swedish-typed value per measure: accomplished targets get "yes" instead."""
    target = Target.objects.filter(measure=measure, year=2025).first()
    if target and target.kind == Target.Kind.ACCOMPLISHED:
        return "", "yes"
    return f"1 2{measure.pk % 10},5", ""


def test_entry_page_lists_every_measure_of_the_plan(admin_client_sv):
    plan = hsn_plan(2025)
    response = admin_client_sv.get(ENTRY_URL + april_2025_query(plan))
    assert response.status_code == 200
    rows = response.context["page"].rows
    # One row per indicator: HSE, adopted under two goal areas of the plan, is entered once.
    totals = [row for row, _form, _status, _questioned in rows if row.sex == Sex.TOTAL]
    indicator_ids = [row.measure.indicator_id for row in totals]
    assert sorted(indicator_ids) == sorted(
        set(Measure.objects.filter(plan=plan).values_list("indicator_id", flat=True))
    )
    assert len(totals) == Measure.objects.filter(plan=plan).count() - 1
    assert "Minst 88 %" in response.content.decode()


def test_entering_april_outcomes_for_every_measure_saves_them(admin_client_sv, admin_user):
    plan = hsn_plan(2025)
    page = admin_client_sv.get(ENTRY_URL + april_2025_query(plan))
    formset = page.context["page"].formset
    response = admin_client_sv.post(ENTRY_URL + april_2025_query(plan), post_data_from(formset, typed_swedish))
    assert response.status_code == 302, response.context and response.context["page"].formset.errors
    indicators = Indicator.objects.filter(measures__plan=plan)
    saved = Outcome.objects.filter(indicator__in=indicators, year=2025, period_kind=PeriodKind.MONTH, period_number=4)
    assert saved.count() == formset.total_form_count()
    assert saved.filter(sex=Sex.TOTAL).count() == indicators.distinct().count()
    numeric = saved.exclude(value=None).first()
    first_measure = (
        Measure.objects.filter(plan=plan, indicator_id=numeric.indicator_id)
        .order_by("goal_area__order", "goal_area__pk", "goal__order", "goal__pk", "order", "pk")
        .first()
    )
    assert numeric.value == Decimal(f"12{first_measure.pk % 10}.5")
    assert numeric.entered_by == admin_user
    assert numeric.comment == f"Kommentar {first_measure.pk}"
    # The page now shows the saved values the Swedish way, each with its status from the engine.
    page_after = admin_client_sv.get(ENTRY_URL + april_2025_query(plan))
    assert "12" in page_after.content.decode()
    statuses = [status for _row, _form, status, _questioned in page_after.context["page"].rows]
    assert all(status is not None for status in statuses)
    assert "● Uppfyllt" in page_after.content.decode()


def test_a_stale_page_is_refused_and_nothing_is_written(admin_client_sv):
    plan = hsn_plan(2025)
    stale_formset = admin_client_sv.get(ENTRY_URL + april_2025_query(plan)).context["page"].formset
    first = admin_client_sv.post(ENTRY_URL + april_2025_query(plan), post_data_from(stale_formset, typed_swedish))
    assert first.status_code == 302
    before = dict(Outcome.objects.filter(indicator__measures__plan=plan).values_list("pk", "version"))

    second = admin_client_sv.post(
        ENTRY_URL + april_2025_query(plan), post_data_from(stale_formset, lambda measure, sex: ("99", "no"))
    )
    assert second.status_code == 200
    assert "ändrats av någon annan" in second.content.decode()
    assert dict(Outcome.objects.filter(indicator__measures__plan=plan).values_list("pk", "version")) == before
    assert not Outcome.objects.filter(indicator__measures__plan=plan, value=Decimal("99")).exists()


def test_bad_number_names_the_field_and_saves_nothing(admin_client_sv):
    plan = hsn_plan(2025)
    formset = admin_client_sv.get(ENTRY_URL + april_2025_query(plan)).context["page"].formset
    data = post_data_from(formset, typed_swedish)
    data["form-0-value"] = "åttio"
    response = admin_client_sv.post(ENTRY_URL + april_2025_query(plan), data)
    assert response.status_code == 200
    assert response.context["page"].formset.forms[0].errors["value"]
    assert not Outcome.objects.filter(indicator__measures__plan=plan, year=2025, period_number=4).exists()


def test_duplicate_outcome_is_refused_in_the_admin_with_a_clear_message(admin_client_sv):
    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    Outcome.objects.create(
        indicator=measure.indicator, year=2025, period_kind=PeriodKind.MONTH, period_number=4, value=Decimal("80")
    )
    response = admin_client_sv.post(
        reverse("admin:kpis_outcome_add"),
        {
            "indicator": measure.indicator_id,
            "year": 2025,
            "period_kind": "month",
            "period_number": 4,
            "unit": "",
            "sex": "T",
            "value": "81",
            "accomplished": "unknown",
            "count": "",
            "comment": "",
        },
    )
    assert response.status_code == 200
    with translation.override("sv"):
        constraint = next(c for c in Outcome._meta.constraints if c.name == "outcome_unique_without_unit")
        expected = str(constraint.violation_error_message)
    assert expected in response.content.decode()
    assert "Det finns redan" in expected
    assert Outcome.objects.filter(indicator=measure.indicator, year=2025, period_number=4).count() == 1


def test_entry_page_requires_change_permission(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(viewer)
    assert client.get(ENTRY_URL).status_code == 403


def test_stored_values_are_shown_as_typed_the_swedish_way(admin_client_sv):
    plan = hsn_plan(2025)
    measure = Measure.objects.filter(plan=plan).first()
    Outcome.objects.create(
        indicator=measure.indicator, year=2025, period_kind=PeriodKind.MONTH, period_number=4, value=Decimal("4.1000")
    )
    page = admin_client_sv.get(ENTRY_URL + april_2025_query(plan)).content.decode()
    assert 'value="4,1"' in page
    assert "4.1000" not in page
