"""National comparison values from a Kolada data file (fixtures/kolada/sample.json)."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from kpis.models import Measure, NationalValue
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db

SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "kolada" / "sample.json"


@pytest.fixture
def measure():
    measure = Measure.objects.get(plan=hsn_plan(2025), name__startswith="Andelen patienter som når hälsocentralen")
    measure.kolada_id = "N79036"
    measure.split_by_sex = True
    measure.save()
    return measure


def test_sample_file_imports_and_again_changes_nothing(measure):
    output = io.StringIO()
    call_command("import_kolada", str(SAMPLE), stdout=output)
    national = NationalValue.objects.get(indicator=measure.indicator, area_code="0000", year=2024, sex="T")
    assert (national.value, national.area_name, national.source) == (Decimal("82.3"), "Riket", "Kolada")
    assert NationalValue.objects.filter(indicator=measure.indicator).count() == 5  # the null value is skipped
    call_command("import_kolada", str(SAMPLE), stdout=output)
    assert NationalValue.objects.filter(indicator=measure.indicator).count() == 5
    assert "nya 0" in output.getvalue() or "0 new" in output.getvalue()


def test_national_value_appears_on_the_measure_page(measure, admin_client_sv):
    call_command("import_kolada", str(SAMPLE), stdout=io.StringIO())
    page = admin_client_sv.get(f"/matetal/{measure.pk}/?year=2024&period=year").content.decode()
    assert "Riket" in page and "82\xa0%" in page and "Kolada" in page


def test_admin_upload(measure, admin_client_sv):
    with SAMPLE.open("rb") as handle:
        response = admin_client_sv.post("/admin/kpis/nationalvalue/kolada/", {"file": handle})
    assert response.status_code == 302
    assert NationalValue.objects.filter(indicator=measure.indicator, source="Kolada").count() == 5
