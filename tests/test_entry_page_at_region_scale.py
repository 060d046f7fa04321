"""The entry page saves a region-sized plan: every row is posted at once, past Django's default
limit of 1000 fields (found by the load test: the page answered 400 for the 400-measure plan)."""

import pytest
from django.conf import settings
from django.urls import reverse

from goalplan.choices import Sex
from goalplan.models import Body, Plan
from goalplan.periods import PeriodKind
from kpis.forms import OutcomeEntryFormSet
from kpis.models import Indicator, Measure, Outcome
from tests.entry_forms import entry_post_data

pytestmark = pytest.mark.django_db

ENTRY_URL = reverse("admin:kpis_outcome_entry")
INDICATORS = 80  # × K/M/T = 240 rows × 5–6 fields: well past 1000


def test_a_plan_with_hundreds_of_rows_is_saved_in_one_post(admin_client_sv):
    body = Body.objects.create(name="Regionnämnden", short_name="RN")
    plan = Plan.objects.create(
        title="Regionplan", kind=Plan.Kind.OPERATIONAL_PLAN, body=body, start_year=2025, end_year=2025
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(name=f"Nyckeltal {i:03d}", unit="%", decimals=1, split_by_sex=True) for i in range(INDICATORS)
    )
    Measure.objects.bulk_create(
        Measure(plan=plan, indicator=indicator, name=f"Mätetal {i:03d}", order=i)
        for i, indicator in enumerate(indicators)
    )
    query = f"?plan={plan.pk}&year=2025&period_kind=month&period_number=5&unit="
    formset = admin_client_sv.get(ENTRY_URL + query).context["page"].formset
    data = entry_post_data(formset, lambda _form: "42,5")
    assert len(data) > 1000  # Django's default DATA_UPLOAD_MAX_NUMBER_FIELDS

    response = admin_client_sv.post(ENTRY_URL + query, data)

    assert response.status_code == 302
    saved = Outcome.objects.filter(indicator__in=indicators, year=2025, period_kind=PeriodKind.MONTH, period_number=5)
    assert saved.count() == INDICATORS * 3
    assert saved.filter(sex=Sex.WOMEN).count() == INDICATORS


def test_the_field_limit_covers_the_largest_entry_page_the_formset_takes():
    # The formset takes at most absolute_max rows (Django: max_num + 1000 = 2000), six fields each.
    assert OutcomeEntryFormSet.absolute_max * 6 + 10 <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
