"""Spreadsheet import/export of targets, measures, budget lines and investments (django-import-export)."""

import pytest
import tablib

from budget.models import Investment
from budget.resources import InvestmentResource
from kpis.models import Measure, Target
from kpis.resources import MeasureResource, TargetResource
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db


def test_target_import_with_one_bad_row_imports_nothing():
    measures = list(Measure.objects.filter(plan=hsn_plan(2025))[:2])
    dataset = tablib.Dataset(headers=["measure", "year", "kind", "value", "wording"])
    dataset.append([measures[0].pk, 2026, "at_least", "90", "Minst 90 %"])
    dataset.append([measures[1].pk, 2026, "at_least", "inte ett tal", "Minst ? %"])
    result = TargetResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors() or result.has_errors()
    assert not Target.objects.filter(year=2026).exists()


def test_target_import_is_idempotent():
    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    dataset = tablib.Dataset(headers=["measure", "year", "kind", "value", "wording"])
    dataset.append([measure.pk, 2026, "at_least", "90", "Minst 90 %"])
    # The 2025 plan is decided: adding to its targets is a change that needs a reason.
    first = TargetResource().import_data(dataset, dry_run=False, change_reason="Beslut HSN 2025-11-20 § 7")
    assert not first.has_errors() and not first.has_validation_errors() and first.totals["new"] == 1
    again = TargetResource().import_data(dataset, dry_run=False, change_reason="Beslut HSN 2025-11-20 § 7")
    assert Target.objects.filter(measure=measure, year=2026).count() == 1
    assert again.totals["new"] == 0


def test_exports_neutralise_formulas_but_keep_numbers():
    investment = Investment.objects.filter(plan=hsn_plan(2025)).first()
    investment.object_name = '=HYPERLINK("http://x")'
    investment.save()
    exported = InvestmentResource().export(Investment.objects.filter(pk=investment.pk))
    row = dict(zip(exported.headers, exported[0]))
    assert row["object_name"].startswith("'=")
    assert str(row["amount_tkr"]) == str(investment.amount_tkr)
    measures = MeasureResource().export(Measure.objects.filter(plan=hsn_plan(2025)))
    assert len(measures) == Measure.objects.filter(plan=hsn_plan(2025)).count()


def test_admin_offers_import_and_export_to_administrators(admin_client_sv):
    for url in (
        "/admin/kpis/target/import/",
        "/admin/kpis/target/export/",
        "/admin/budget/budgetline/import/",
        "/admin/budget/investment/export/",
        "/admin/kpis/measure/import/",
    ):
        assert admin_client_sv.get(url).status_code == 200, url
