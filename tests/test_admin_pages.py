"""Every admin list, add and change page of our apps renders for an administrator, in Swedish."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Historical (audit) models are shown through their model's history page, not on their own.
# The data versions are written by database triggers alone (kpis.triggers): nobody edits them. A
# pending import is one person's upload awaiting their confirmation: kept out of the admin on
# purpose (tests/test_pending_import.py checks that it stays out).
NOT_IN_ADMIN = {"DataVersion", "PendingImport"}
# Logs the product writes itself (the reminder command): read in the admin, never added there.
WRITTEN_BY_THE_PRODUCT = {"SentReminder", "UnitApproval", "ApprovalEvent", "MeasureAnalysis"}
OUR_MODELS = [
    model
    for label in ("goalplan", "kpis", "budget", "meetings")
    for model in apps.get_app_config(label).get_models()
    if not model.__name__.startswith("Historical") and model.__name__ not in NOT_IN_ADMIN
]


def test_every_model_is_registered():
    assert [model.__name__ for model in OUR_MODELS if model not in admin.site._registry] == []


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda model: model.__name__)
def test_changelist_add_and_change_pages_render(admin_client_sv, model):
    opts = model._meta
    changelist = admin_client_sv.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    assert 'lang="sv"' in changelist.content.decode()
    add = admin_client_sv.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == (403 if model.__name__ in WRITTEN_BY_THE_PRODUCT else 200)
    instance = model.objects.first()
    if instance is not None:
        change = admin_client_sv.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk]))
        assert change.status_code == 200


def test_changelist_search_and_filters(admin_client_sv):
    response = admin_client_sv.get(reverse("admin:kpis_measure_changelist"), {"q": "BUP", "kind__exact": "measure"})
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 0
