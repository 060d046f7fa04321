"""Request-level rules for running behind the region's load balancer and browser caches."""

import ipaddress

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found


def client_ip_address(request) -> str | None:
    """The client's address: from X-Forwarded-For as our own proxies wrote it, else REMOTE_ADDR."""
    # Used by django-axes (AXES_CLIENT_IP_CALLABLE) for lockouts and its log. Each proxy appends
    # the address it was contacted from, so with N trusted proxies the client is the N-th entry
    # from the right; entries further left were written by the client and could name anyone.
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        # Not the chain our proxies write (a request that bypassed them): trust only the socket.
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote


class PrivateCacheForUsersMiddleware:
    """Mark every response to a signed-in person ``Cache-Control: private``."""

    # Committee pages, exports and PDFs carry figures that may not yet be public records: a
    # shared cache (a proxy in a hospital network, a CDN) must never keep them and hand them to
    # someone else. ``no-store`` is not added: the person's own browser may keep the page for the
    # back button and a downloaded PDF, and sessions end when the browser closes. Existing
    # directives (the admin's ``no-cache, no-store``, any ``max-age``) are kept; ``public`` is
    # replaced. Static files never get here: WhiteNoise, earlier in MIDDLEWARE, answers them.

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True)
        return response


class RefuseNulInAddressMiddleware:
    """Answer 400 in Swedish to an address whose parameters hold a NUL character."""

    # PostgreSQL refuses NUL in any text it compares, so a "?sex__exact=%00" on an admin list
    # (or any filter, export or autocomplete) would end in a database error page. No page of ours
    # has a use for NUL in its address.

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in value for value in request.GET.getlist(key)) for key in request.GET):
            return HttpResponseBadRequest(
                _("The address holds a character that no page accepts (NUL). Go back and try again."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class FriendlyNotFoundMiddleware:
    """A page that does not exist answers our Swedish 404 page, with DEBUG too.

    ``make run`` runs with DEBUG for the developer's sake, and a person trying the product should
    not meet Django's technical "Page not found" listing every URL pattern for a mistyped address
    (an address that resolves to nothing never reaches a view, so this looks at the response).
    Errors (500) keep the debug page under DEBUG: that one is for the developer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and response.get("Content-Type", "").startswith("text/html"):
            return page_not_found(request, Http404())
        return response
