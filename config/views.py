"""Operational endpoints, the favicon and the accessibility statement."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """200 when every database answers, and the cache; 503 with the failing part."""
    checks = {}
    for alias in settings.DATABASES:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
            checks[f"database:{alias}"] = "ok"
        except Exception as error:  # noqa: BLE001 - any failure makes the instance unhealthy
            checks[f"database:{alias}"] = f"error: {error.__class__.__name__}"
    try:
        cache.set("healthz", "ok", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "error"
    except Exception as error:  # noqa: BLE001
        checks["cache"] = f"error: {error.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: the site's icon, named at request time
    (the static files' manifest exists only once collectstatic has run)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


# The day the accessibility statement was last reviewed against the service (DIGG asks for it).
ACCESSIBILITY_REVIEWED = datetime.date(2026, 12, 2)


def accessibility(request):
    """The accessibility statement (lag 2018:1937): public, linked from every page's footer."""
    context = {"contact": settings.ACCESSIBILITY_CONTACT, "updated": ACCESSIBILITY_REVIEWED.isoformat()}
    return render(request, "accessibility.html", context)
