"""Numbers in the admin the Swedish way, with the indicator's decimals in lists and as typed in
forms ("82,0", "47 700", "-10"; never "82,0000" or "86.0000")."""

from decimal import Decimal

import pytest

from goalplan.periods import PeriodKind
from kpis.models import Measure, Outcome, Target
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db


def test_outcome_and_target_lists_show_the_indicators_decimals(admin_client_sv):
    measure = Measure.objects.filter(plan=hsn_plan(2025), indicator__decimals=1).first()
    Outcome.objects.create(
        indicator=measure.indicator, year=2025, period_kind=PeriodKind.MONTH, period_number=3, value=Decimal("82")
    )
    page = admin_client_sv.get("/admin/kpis/outcome/").content.decode()
    assert "82,0" in page and "82,0000" not in page
    targets = admin_client_sv.get("/admin/kpis/target/").content.decode()
    assert ",0000" not in targets


def test_budget_amounts_show_without_trailing_decimals(admin_client_sv):
    page = admin_client_sv.get("/admin/budget/budgetline/").content.decode()
    assert ",0000" not in page
    assert "\xa0" in page  # thousands grouped with a no-break space


def test_a_decimal_in_a_form_is_shown_and_read_the_swedish_way(admin_client_sv):
    target = Target.objects.filter(value__isnull=False, measure__plan=hsn_plan(2025)).first()
    page = admin_client_sv.get(f"/admin/kpis/target/{target.pk}/change/")
    field = page.context["adminform"].form["value"]
    shown = field.value()
    html = str(field)
    assert ".0000" not in html and ",0000" not in html
    assert isinstance(shown, Decimal)
    form_class = page.context["adminform"].form.__class__
    assert form_class.base_fields["value"].to_python("1 234,5") == Decimal("1234.5")


def test_the_export_page_names_the_fields_in_swedish(admin_client_sv):
    page = admin_client_sv.get("/admin/kpis/target/export/").content.decode()
    assert "Markera alla" in page and "Exporten tar med följande fält" in page
    for english in ("Base Value", "Decided By", ">Measure<", ">Year<"):
        assert english not in page, english
    assert "Basvärde" in page or "basvärde" in page.lower()
