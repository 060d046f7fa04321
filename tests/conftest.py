"""Shared test fixtures: the seed documents are loaded once into the test database."""

import io

import pytest
from django.core.management import call_command

from goalplan.seeds import seed_fixture_paths


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load every seed fixture once per test session; each test runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        call_command("loaddata", *[str(path) for path in seed_fixture_paths()], verbosity=0)
        call_command("populate_history", auto=True, stdout=io.StringIO())


@pytest.fixture
def admin_client_sv(client, admin_user):
    """A logged-in superuser client that asks for Swedish pages."""
    client.force_login(admin_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    return client
