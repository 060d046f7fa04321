"""Production behaviour: deploy checks, login lockout, read replica routing, cache freshness, backups."""

import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

from config import routers
from goalplan.periods import PeriodKind
from kpis.models import DataVersion, Measure, Outcome
from kpis.services import outcome_save
from tests.selectors import hsn_plan

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-only-secret-key-for-the-check-0123456789",
    "DJANGO_ALLOWED_HOSTS": "malstyrning.regionen.se",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://malstyrning.regionen.se",
}


def test_deploy_check_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        # The browser tests lift Django's async guard for their own process only.
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **PRODUCTION_ENV},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout


@pytest.mark.django_db
def test_health_endpoint_checks_the_database(client):
    response = client.get("/healthz/")
    assert response.status_code == 200 and response.json()["checks"]["database:default"] == "ok"


@pytest.mark.django_db
def test_five_failed_logins_lock_the_account_and_the_right_password_is_then_refused(client):
    get_user_model().objects.create_user(username="ledamot", password="rätt-lösenord-2025")
    for _attempt in range(5):
        response = client.post("/konto/logga-in/", {"username": "ledamot", "password": "fel"})
        assert response.status_code in (200, 429)  # the form with an error; the fifth locks
        assert "_auth_user_id" not in client.session
    sixth = client.post(
        "/konto/logga-in/", {"username": "ledamot", "password": "rätt-lösenord-2025"}, HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert sixth.status_code == 429
    assert "spärrat" in sixth.content.decode()
    assert "_auth_user_id" not in client.session


def label_of(model) -> str:
    """app_label.model_name, also for the database cache's stand-in model (it has no label)."""
    return f"{model._meta.app_label}.{model._meta.model_name}"


@pytest.fixture
def replica(monkeypatch):
    """A replica alias on the same test database, and a record of where the router sends queries."""
    monkeypatch.setitem(settings.DATABASES, "replica", settings.DATABASES["default"])
    connections["replica"] = connections["default"]
    decisions = []
    router = routers.ReplicaRouter
    original_read, original_write = router.db_for_read, router.db_for_write
    monkeypatch.setattr(
        router,
        "db_for_read",
        lambda self, model, **h: (
            decisions.append(("read", label_of(model), original_read(self, model, **h))) or decisions[-1][2]
        ),
    )
    monkeypatch.setattr(
        router,
        "db_for_write",
        lambda self, model, **h: (
            decisions.append(("write", label_of(model), original_write(self, model, **h))) or decisions[-1][2]
        ),
    )
    yield decisions
    del connections["replica"]


@pytest.mark.django_db
def test_dashboard_reads_go_to_the_replica_and_writes_to_the_primary(replica, admin_client_sv, admin_user):
    url = f"/planer/{hsn_plan(2025).pk}/?year=2025&period=tertial-1"
    replica.clear()
    assert admin_client_sv.get(url).status_code == 200
    reads = {
        (label, alias) for kind, label, alias in replica if kind == "read" and label.startswith(("kpis.", "goalplan."))
    }
    assert {alias for _label, alias in reads} == {"replica"}, reads
    # The database cache is read where it is written, never from a replica that may lag.
    assert {alias for kind, label, alias in replica if label.startswith("django_cache.")} == {"default"}
    replica.clear()
    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    outcome_save(
        outcome=Outcome(
            indicator=measure.indicator, year=2025, period_kind=PeriodKind.MONTH, period_number=4, value=Decimal(70)
        ),
        user=admin_user,
        expected_version=None,
    )
    assert {alias for kind, _label, alias in replica if kind == "write"} == {"default"}
    assert {alias for kind, _label, alias in replica if kind == "read"} <= {"default"}
    replica.clear()
    admin_client_sv.get("/admin/kpis/outcome/")
    assert {alias for kind, _label, alias in replica if kind == "read"} == {"default"}  # the admin may write


@pytest.mark.django_db
@override_settings(DASHBOARD_CACHE_ENABLED=True)
def test_a_cached_dashboard_never_shows_a_value_after_it_changed(
    admin_client_sv, admin_user, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    cache.clear()
    measure = Measure.objects.get(plan=hsn_plan(2025), name__startswith="Medelväntetid för besvarade samtal")
    url = f"/planer/{hsn_plan(2025).pk}/?year=2025&period=month-4"
    with django_capture_on_commit_callbacks(execute=True):
        outcome = outcome_save(
            outcome=Outcome(
                indicator=measure.indicator,
                year=2025,
                period_kind=PeriodKind.MONTH,
                period_number=4,
                value=Decimal("12.5"),
            ),
            user=admin_user,
            expected_version=None,
        )
    assert "12,5\xa0minuter" in admin_client_sv.get(url).content.decode()
    assert "12,5\xa0minuter" in admin_client_sv.get(url).content.decode()  # served from the cache
    with django_capture_on_commit_callbacks(execute=True):
        outcome.value = Decimal("8.5")
        outcome_save(outcome=outcome, user=admin_user, expected_version=outcome.version)
    page = admin_client_sv.get(url).content.decode()
    assert "8,5\xa0minuter" in page and "12,5\xa0minuter" not in page
    with django_capture_on_commit_callbacks(execute=True):
        Outcome.objects.filter(pk=outcome.pk).delete()
    assert "8,5\xa0minuter" not in admin_client_sv.get(url).content.decode()


BACKED_UP_APPS = ["goalplan", "kpis", "budget", "meetings"]
# The data versions are not data: the triggers set them while the rows load (README, Backups).
NOT_BACKED_UP = ["kpis.DataVersion"]


@pytest.mark.django_db
def test_dumpdata_restores_every_seed_row_into_an_empty_database(tmp_path):
    models = [
        m
        for label in BACKED_UP_APPS
        for m in apps.get_app_config(label).get_models()
        if m._meta.label not in NOT_BACKED_UP
    ]
    before = {m._meta.label: sorted(m.objects.values_list("pk", flat=True)) for m in models}
    assert sum(len(pks) for pks in before.values()) > 1000
    dump = tmp_path / "backup.json"
    call_command("dumpdata", *BACKED_UP_APPS, exclude=NOT_BACKED_UP, output=str(dump), verbosity=0)
    versions_full = dict(DataVersion.objects.values_list("scope", "version"))
    for model in reversed(models):  # empty the database (children first)
        model.objects.all()._raw_delete(model.objects.db)
    assert all(not m.objects.exists() for m in models)
    versions_emptied = dict(DataVersion.objects.values_list("scope", "version"))
    call_command("loaddata", str(dump), verbosity=0)
    after = {m._meta.label: sorted(m.objects.values_list("pk", flat=True)) for m in models}
    assert after == before
    # Loading moved every version the deletes had moved: no page cached before is served. (Not
    # every version there is: one of data no longer there, e.g. an indicator whose figures an
    # earlier test wrote and took away, has nothing to move it.)
    versions_loaded = dict(DataVersion.objects.values_list("scope", "version"))
    moved_by_deletes = {scope for scope, version in versions_emptied.items() if version != versions_full.get(scope)}
    assert DataVersion.GLOBAL_SCOPE in moved_by_deletes and len(moved_by_deletes) > 10
    assert sorted(scope for scope in moved_by_deletes if versions_loaded[scope] <= versions_emptied[scope]) == []
