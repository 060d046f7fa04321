"""Cached dashboards and their invalidation.

Every change to what a dashboard shows (outcomes, targets, overrides, assessments, comparison
values, measures, goals, plans, reports) bumps one data version in the shared cache after the
transaction commits; cached dashboards are keyed by that version, so none is ever served after
a change. A reader takes the version before it reads the data: a page computed from data older
than the version it is stored under cannot happen, because the version only moves after commit.
"""

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "kpi-data-version"


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY) or 1
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the key expired or was evicted: any new number invalidates the old entries
        cache.set(VERSION_KEY, 1_000_000 + (cache.get(VERSION_KEY) or 0), timeout=None)


def data_changed(*args, **kwargs) -> None:
    """Invalidate every cached dashboard once the current transaction has committed."""
    transaction.on_commit(_bump)
