"""DATABASE_URL parsing picks SQLite or PostgreSQL and refuses anything else."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.database import database_from_url


def test_sqlite_relative_path():
    config = database_from_url("sqlite:///db.sqlite3", base_dir=Path("/srv/app"))
    assert config == {"ENGINE": "django.db.backends.sqlite3", "NAME": Path("/srv/app/db.sqlite3")}


def test_postgres_url():
    config = database_from_url("postgres://postgres:s%40cret@127.0.0.1:5432/malstyrning?sslmode=disable", base_dir=Path("."))
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("malstyrning", "postgres", "s@cret")
    assert (config["HOST"], config["PORT"], config["OPTIONS"]) == ("127.0.0.1", "5432", {"sslmode": "disable"})


@pytest.mark.parametrize("url", ["mysql://root@localhost/db", "postgres://postgres@127.0.0.1:5432/"])
def test_unsupported_or_incomplete_urls_are_refused(url):
    with pytest.raises(ImproperlyConfigured):
        database_from_url(url, base_dir=Path("."))
