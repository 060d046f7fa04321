"""The project is consistent: migrations match the models and the system checks pass."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    output = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=output)
    assert "No changes detected" in output.getvalue()


@pytest.mark.django_db  # the JSONField check asks the database whether it supports JSON
def test_system_checks_pass():
    output = io.StringIO()
    call_command("check", stdout=output)
    assert "no issues" in output.getvalue()
