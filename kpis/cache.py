"""Cached committee page fragments (the plan dashboard, the measure page), keyed by data versions.

The versions live in the database (kpis.models.DataVersion) and only database triggers move
them (kpis.triggers), on every insert, update and delete of what the pages read, in the same
transaction as the data: no writer can forget them. A reader takes them in one query from the
database the page's data is then read from (the replica, for a committee page when there is
one), before it reads the data, so a page is never stored under versions newer than its data; a
replica that lags serves its older versions and its older data together.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import router
from django.utils import translation
from django.utils.safestring import mark_safe

from goalplan.selectors import readable_body_ids
from kpis.models import DataVersion, Outcome

LOCK_SECONDS = 10


def data_versions(
    plan_id: int, *, whole_scope: bool = False, unit_id: int | None = None, indicator_id: int | None = None
) -> tuple[int, ...]:
    """(global version, the plan's version[, the unit's][, the indicator's]), in one query from the
    database the page's figures come from (kpis.triggers says what moves which). ``whole_scope``:
    the version of the plan's whole scope (its definition and the whole scope's figures) instead of
    the plan's (its definition only), for a page that reads the plan's figures for no unit or (with
    ``unit_id``) for that unit only. ``indicator_id``: for a page that reads that indicator's
    figures, every unit's."""
    database = router.db_for_read(Outcome)
    scopes = [DataVersion.GLOBAL_SCOPE, DataVersion.whole_scope_of(plan_id) if whole_scope else plan_id]
    if unit_id is not None:
        scopes.append(DataVersion.unit_scope_of(plan_id, unit_id))
    if indicator_id is not None:
        scopes.append(DataVersion.indicator_scope_of(indicator_id))
    found = dict(DataVersion.objects.using(database).filter(scope__in=scopes).values_list("scope", "version"))
    return tuple(found.get(scope, 0) for scope in scopes)


def reader_scope(user) -> tuple[int, ...] | None:
    """The bodies the person reads (None: all): a page lists only the other plans they may open."""
    body_ids = readable_body_ids(user)
    return None if body_ids is None else tuple(sorted(set(body_ids.values_list("pk", flat=True))))


def cached_fragment(
    request,
    *,
    name: str,
    plan_id: int,
    period,
    render,
    whole_scope: bool = False,
    unit_id: int | None = None,
    indicator_id: int | None = None,
) -> str:
    """A page fragment from the shared cache when enabled, else rendered now.

    Keyed by the data versions (taken before any data is read; see ``data_versions`` for
    ``whole_scope``, ``unit_id`` and ``indicator_id``), the page, the period shown (a default period moves with the
    data), the language, the query string and the bodies the reader may read; ``render()`` makes
    it on a miss.
    """
    if not settings.DASHBOARD_CACHE_ENABLED:
        return mark_safe(render())
    versions = data_versions(plan_id, whole_scope=whole_scope, unit_id=unit_id, indicator_id=indicator_id)
    query = sorted((key, value) for key, value in request.GET.items() if key != "_export")
    # The period's year too: a default period (no ?year= in the address) can move from "Ack april"
    # 2025 to "Ack april" 2026 on another indicator's figure, which moves no version of the key.
    identity = (versions, plan_id, period.query, translation.get_language(), query, reader_scope(request.user))
    key = f"{name}:" + hashlib.sha256(repr(identity).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        # One process computes a missing page; the others wait for it briefly instead of all
        # computing the same page at once (right after a change, fifty readers may ask for it).
        if cache.add(f"{key}:lock", 1, timeout=LOCK_SECONDS):
            try:
                html = render()
                cache.set(key, html, settings.DASHBOARD_CACHE_SECONDS)
            finally:
                cache.delete(f"{key}:lock")
        else:
            deadline = time.monotonic() + LOCK_SECONDS
            while html is None and time.monotonic() < deadline:
                time.sleep(0.05)
                html = cache.get(key)
            if html is None:
                html = render()
    return mark_safe(html)
