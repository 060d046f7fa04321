"""Turn a ``DATABASE_URL`` into a Django ``DATABASES`` entry.

A dozen lines of our own rather than a dependency: we accept exactly two schemes
(``sqlite`` and ``postgres``/``postgresql``) and want a clear error for anything else.
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SQLITE_BUSY_TIMEOUT_SECONDS = 20
# PostgreSQL session settings for the app's queries, unless the URL gives its own ``options``:
# no JIT (it costs a page's short aggregates 25–400 ms to compile and wins nothing back), and
# room to sort and group a region's round in memory (with the default 4 MB the completeness
# board's 50 000 groups spill to disk: 254 ms against 82 ms). work_mem is per sort or hash in a
# query, so 32 MB for a few nodes per connection.
POSTGRESQL_SESSION_OPTIONS = "-c jit=off -c work_mem=32MB"


def sqlite_test_database_path() -> Path:
    """A test database file of this process in shared memory where there is some (no disk syncs)."""
    directory = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    return directory / f"malstyrning-test-{os.getpid()}.sqlite3"


def database_from_url(url: str, *, base_dir: Path) -> dict:
    """Return a DATABASES["default"] dict for a sqlite:/// or postgres:// URL."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative.db or sqlite:////absolute/path.db
        path = unquote(parts.path[1:]) if parts.path.startswith("/") else unquote(parts.path)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": base_dir / path if path else ":memory:",
            # Two people saving at once: without a busy timeout the second gets "database is
            # locked" at once, and a deferred transaction that reads and then writes can fail
            # even with one. BEGIN IMMEDIATE takes the write lock first, so the second saver
            # waits its turn and then sees the first one's rows (a conflict message, not a 500).
            "OPTIONS": {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "transaction_mode": "IMMEDIATE"},
            # The test database is a file rather than Django's shared-cache memory database,
            # whose table locks ignore the busy timeout: the concurrency tests need real locking.
            # One file per test process, so two runs in the same checkout do not clobber each other.
            "TEST": {"NAME": sqlite_test_database_path()},
        }
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(
                "DATABASE_URL must name a database, e.g. postgres://postgres@127.0.0.1:5432/malstyrning"
            )
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": {"options": POSTGRESQL_SESSION_OPTIONS, **dict(parse_qsl(parts.query))},
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"Unsupported DATABASE_URL scheme {parts.scheme!r}: use sqlite:/// or postgres://")
