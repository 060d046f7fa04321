"""Send the committee pages' reads to a PostgreSQL read replica when one is configured.

Only requests marked read-only (the dashboards, goal, measure, budget, calendar and report pages,
see config.middleware) read from the replica; every write, and every read in a request that may
write (the admin, imports, approvals), goes to the primary, so nobody reads their own change from
a replica that has not caught up yet.
"""

from asgiref.local import Local
from django.conf import settings

_state = Local()
# The label Django's database cache gives its table (django.core.cache.backends.db).
DATABASE_CACHE_APP_LABEL = "django_cache"


class use_replica:
    """Context in which reads may go to the replica (used by the read-only page middleware)."""

    def __enter__(self):
        _state.replica = True

    def __exit__(self, *exc):
        _state.replica = False


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label == DATABASE_CACHE_APP_LABEL:
            # The database cache is read where it is written: a lagging replica would miss the
            # pages just stored and make every reader wait for a lock it cannot see released.
            return "default"
        if getattr(_state, "replica", False) and "replica" in settings.DATABASES:
            return "replica"
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same data as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def reads_from_replica(view):
    """Mark a read-only view: its queries may be answered by the replica."""
    from functools import wraps

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with use_replica():
            return view(request, *args, **kwargs)

    return wrapper
