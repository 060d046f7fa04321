"""`manage.py seed` leaves an administrator to log in with and does not clobber existing data."""

import io
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation

from goalplan.management.commands import seed
from goalplan.models import Plan

pytestmark = pytest.mark.django_db


def test_seed_prints_login_and_keeps_existing_plans(tmp_path, monkeypatch):
    monkeypatch.setattr(seed, "PASSWORD_FILE", tmp_path / ".admin-password")
    plans_before = Plan.objects.count()
    output = io.StringIO()
    with translation.override("en"):
        call_command("seed", stdout=output)
    text = output.getvalue()
    assert "not reloaded" in text
    password = (tmp_path / ".admin-password").read_text().strip()
    assert f"password '{password}'" in text
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)
    assert Plan.objects.count() == plans_before
    # A second run prints the same login instead of resetting it.
    again = io.StringIO()
    call_command("seed", stdout=again)
    assert f"'{password}'" in again.getvalue()
    assert "http://127.0.0.1:8000/admin/" in again.getvalue()


@pytest.mark.parametrize(
    ("host", "printed"),
    [
        ("127.0.0.1:8080", "http://127.0.0.1:8080/admin/"),
        ("8081", "http://127.0.0.1:8081/admin/"),
        ("0.0.0.0:9000", "http://127.0.0.1:9000/admin/"),
        ("[::]:8000", "http://[::1]:8000/admin/"),
        ("malstyrning.local:8000", "http://malstyrning.local:8000/admin/"),
    ],
)
def test_the_printed_login_names_the_address_make_run_serves(tmp_path, monkeypatch, host, printed):
    monkeypatch.setattr(seed, "PASSWORD_FILE", tmp_path / ".admin-password")
    output = io.StringIO()
    call_command("seed", "--address", host, stdout=output)
    assert printed in output.getvalue()


def test_make_run_passes_its_host_to_the_seed_command_and_runserver():
    root = Path(__file__).resolve().parent.parent
    dry_run = subprocess.run(
        ["make", "-n", "run", "HOST=0.0.0.0:9000"], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    assert "manage.py seed --address 0.0.0.0:9000" in dry_run
    assert "manage.py runserver 0.0.0.0:9000" in dry_run
