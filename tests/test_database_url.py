"""DATABASE_URL parsing picks SQLite or PostgreSQL and refuses anything else."""

import os
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.database import database_from_url


def test_sqlite_relative_path():
    config = database_from_url("sqlite:///db.sqlite3", base_dir=Path("/srv/app"))
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == Path("/srv/app/db.sqlite3")


def test_sqlite_waits_for_the_write_lock_instead_of_failing():
    config = database_from_url("sqlite:///db.sqlite3", base_dir=Path("/srv/app"))
    assert config["OPTIONS"] == {"timeout": 20, "transaction_mode": "IMMEDIATE"}


def test_sqlite_tests_run_on_a_file_of_their_own():
    test_name = database_from_url("sqlite:///db.sqlite3", base_dir=Path("/srv/app"))["TEST"]["NAME"]
    assert test_name.suffix == ".sqlite3" and str(os.getpid()) in test_name.name
    assert test_name != Path("/srv/app/db.sqlite3")


def test_postgres_url():
    config = database_from_url(
        "postgres://postgres:s%40cret@127.0.0.1:5432/malstyrning?sslmode=disable", base_dir=Path(".")
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("malstyrning", "postgres", "s@cret")
    assert (config["HOST"], config["PORT"]) == ("127.0.0.1", "5432")
    assert config["OPTIONS"] == {"sslmode": "disable", "options": "-c jit=off -c work_mem=32MB"}


def test_the_url_s_own_session_options_win():
    config = database_from_url("postgres://postgres@127.0.0.1:5432/m?options=-c%20work_mem%3D8MB", base_dir=Path("."))
    assert config["OPTIONS"] == {"options": "-c work_mem=8MB"}


@pytest.mark.parametrize("url", ["mysql://root@localhost/db", "postgres://postgres@127.0.0.1:5432/"])
def test_unsupported_or_incomplete_urls_are_refused(url):
    with pytest.raises(ImproperlyConfigured):
        database_from_url(url, base_dir=Path("."))
