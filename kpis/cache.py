"""Cached dashboards and their invalidation.

A cached dashboard is keyed by two data versions kept in the shared cache: the global one,
bumped by any change to plans, goals, measures or reports, and the one of its plan and year,
bumped by changes to that year's (or the year before's, which trends and forecasts read)
outcomes, targets, overrides, assessments and comparison values. Versions move only after the
transaction commits, and a reader takes them before it reads the data, so a page computed from
older data than the versions it is stored under cannot be served.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation
from django.utils.safestring import mark_safe

from kpis.models import Measure

GLOBAL_KEY = "kpi-data-version"
LOCK_SECONDS = 10


def _key(plan_id: int | None, year: int | None) -> str:
    return GLOBAL_KEY if plan_id is None else f"{GLOBAL_KEY}:{plan_id}:{year}"


def data_version(plan_id: int | None = None, year: int | None = None) -> tuple[int, int]:
    """(global version, version of the plan and year)."""
    versions = []
    for key in (GLOBAL_KEY, _key(plan_id, year)):
        value = cache.get(key)
        if value is None:
            cache.add(key, 1, timeout=None)
            value = cache.get(key) or 1
        versions.append(value)
    return versions[0], versions[1]


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # expired or evicted: any new number invalidates the old entries
        cache.set(key, 1_000_000 + (cache.get(key) or 0), timeout=None)


def data_changed(*, plan_years: set[tuple[int, int]] | None = None) -> None:
    """Invalidate cached dashboards after commit: those of the given (plan, year)s, else all."""
    if plan_years is None:
        transaction.on_commit(lambda: _bump(GLOBAL_KEY))
        return
    keys = {_key(plan, year + offset) for plan, year in plan_years for offset in (0, 1)}
    transaction.on_commit(lambda: [_bump(key) for key in keys])


def on_model_change(sender, instance, raw=False, **kwargs) -> None:
    """Signal receiver: narrow the invalidation to a plan and year where the row says which."""
    year = getattr(instance, "year", None)
    if raw or year is None:  # fixtures, and rows without a year: invalidate everything once
        data_changed()
        return
    if getattr(instance, "indicator_id", None) is not None:
        # An indicator's figures are shown by every plan adopting it.
        data_changed(plan_years=plan_years_of_indicators({instance.indicator_id}, {year}))
        return
    if getattr(instance, "measure_id", None) is not None:
        plan_id = Measure.objects.filter(pk=instance.measure_id).values_list("plan_id", flat=True).first()
    elif getattr(instance, "goal_id", None) is not None:
        plan_id = instance.goal.plan_id
    else:
        plan_id = None
    data_changed(plan_years={(plan_id, year)} if plan_id is not None else None)


def plan_years_of_indicators(indicator_ids, years) -> set[tuple[int, int]]:
    """The (plan, year)s whose pages show these indicators' figures of these years."""
    plan_ids = set().union(*Measure.objects.plans_by_indicator(indicator_ids).values())
    return {(plan_id, year) for plan_id in plan_ids for year in years}


def cached_fragment(request, *, name: str, plan_id: int, year: int, render) -> str:
    """A page fragment from the shared cache when enabled, else rendered now.

    Keyed by the data versions (taken before any data is read), the page, the language and the
    query string; ``render()`` makes it on a miss.
    """
    if not settings.DASHBOARD_CACHE_ENABLED:
        return mark_safe(render())
    version = data_version(plan_id, year)
    query = sorted((key, value) for key, value in request.GET.items() if key != "_export")
    key = f"{name}:" + hashlib.sha256(repr((version, plan_id, translation.get_language(), query)).encode()).hexdigest()
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
