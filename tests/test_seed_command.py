"""`manage.py seed` leaves an administrator to log in with and does not clobber existing data."""

import io

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
