"""Production refuses a public secret key; lockouts are per user name and address; signed-in pages
are never kept by shared caches."""

import os
import re
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from config.middleware import client_ip_address
from config.settings import DEVELOPMENT_SECRET_KEY
from kpis.models import Measure
from meetings.models import FollowUpReport
from tests.selectors import hsn_plan, rs_plan_2018
from tests.test_production import PRODUCTION_ENV

LOGIN_URL = "/konto/logga-in/"
ADDRESS_A, ADDRESS_B = "203.0.113.10", "198.51.100.20"  # documentation ranges (RFC 5737)
LOAD_BALANCER = "10.0.0.2"


def run_manage(*args: str, **env: str | None) -> subprocess.CompletedProcess:
    """manage.py in a fresh process with the given environment (None removes a variable)."""
    # The browser tests lift Django's async guard for their own process only.
    dropped = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SECRET_KEY"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    merged = {k: v for k, v in {**base, **env}.items() if v is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env=merged,
        check=False,
    )


@pytest.mark.parametrize(
    "secret_key", [None, "", "   ", DEVELOPMENT_SECRET_KEY], ids=["missing", "empty", "blank", "development-key"]
)
def test_production_refuses_to_start_without_a_secret_key_of_its_own(secret_key):
    result = run_manage("check", "--deploy", **{**PRODUCTION_ENV, "DJANGO_SECRET_KEY": secret_key})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_development_still_starts_without_any_setting():
    result = run_manage("check", DJANGO_DEBUG=None, DJANGO_SECRET_KEY=None)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.fixture
def fast_passwords(settings):
    """A quick hasher for the login-heavy tests (Argon2 takes a third of a second a try)."""
    # Requested before admin_user, so the user's password is hashed with it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client: Client, password: str, **meta):
    return client.post(LOGIN_URL, {"username": "admin", "password": password}, HTTP_ACCEPT_LANGUAGE="sv", **meta)


def attempt_addresses() -> set[str]:
    """The addresses axes recorded for the failed logins of "admin"."""
    return set(AccessAttempt.objects.filter(username="admin").values_list("ip_address", flat=True))


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_five_failures_lock_the_account_from_that_address_but_not_another(fast_passwords, admin_user):
    attacker = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        assert log_in(attacker, "fel", REMOTE_ADDR=ADDRESS_A).status_code in (200, 429)
    locked = log_in(Client(), "password", REMOTE_ADDR=ADDRESS_A)
    assert locked.status_code == 429
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"kontot är spärrat härifrån i {minutes} minuter" in locked.content.decode()
    colleague = Client()
    response = log_in(colleague, "password", REMOTE_ADDR=ADDRESS_B)
    assert response.status_code == 302 and logged_in(colleague)
    # The colleague's success does not lift the lock on the attacker's address.
    assert log_in(Client(), "password", REMOTE_ADDR=ADDRESS_A).status_code == 429


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_the_forwarded_header_neither_dodges_nor_frames(fast_passwords, admin_user):
    attacker = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # A new claimed address every time, and the colleague's address among them.
        claimed = ADDRESS_B if attempt == 0 else f"192.0.2.{attempt}"
        log_in(attacker, "fel", REMOTE_ADDR=ADDRESS_A, HTTP_X_FORWARDED_FOR=claimed)
    assert attempt_addresses() == {ADDRESS_A}
    dodge = log_in(Client(), "password", REMOTE_ADDR=ADDRESS_A, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert dodge.status_code == 429
    colleague = Client()
    response = log_in(colleague, "password", REMOTE_ADDR=ADDRESS_B)
    assert response.status_code == 302 and logged_in(colleague)


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_load_balancer_the_client_address_comes_from_its_header(fast_passwords, admin_user):
    def via_balancer(client, password, forwarded):
        return log_in(client, password, REMOTE_ADDR=LOAD_BALANCER, HTTP_X_FORWARDED_FOR=forwarded)

    attacker = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        # The attacker claims the colleague's address; the balancer appends the real one.
        via_balancer(attacker, "fel", f"{ADDRESS_B}, {ADDRESS_A}")
    # The attempts are logged with the client's address, not the balancer's.
    assert attempt_addresses() == {ADDRESS_A}
    assert via_balancer(Client(), "password", ADDRESS_A).status_code == 429
    colleague = Client()
    response = via_balancer(colleague, "password", ADDRESS_B)
    assert response.status_code == 302 and logged_in(colleague)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.20", "10.0.0.2"),  # no proxy of ours: the header is the client's own claim
        (1, "198.51.100.20", "198.51.100.20"),
        (1, "192.0.2.1, 198.51.100.20", "198.51.100.20"),  # the left entry was written by the client
        (2, "192.0.2.1, 198.51.100.20, 10.0.0.9", "198.51.100.20"),
        (2, "198.51.100.20", "10.0.0.2"),  # shorter than our chain: it did not come through our proxies
        (1, "not-an-address", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_is_read_from_the_right_end_of_the_chain(proxies, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_ip_address(request) == expected


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.django_db
def test_every_page_for_a_signed_in_person_is_private(admin_client_sv):
    plan = hsn_plan(2025)
    measure = Measure.objects.filter(plan=plan).first()
    report = FollowUpReport.objects.filter(plan=rs_plan_2018()).first()
    urls = {
        "committee page": "/planer/",
        "dashboard": f"/planer/{plan.pk}/?year=2025&period=tertial-1",
        "dashboard export": f"/planer/{plan.pk}/?year=2025&period=tertial-1&_export=xlsx",
        "measure export": f"/matetal/{measure.pk}/?year=2025&period=tertial-1&_export=csv",
        "report PDF": f"/rapporter/{report.pk}/pdf/",
        "admin": "/admin/",
    }
    for name, url in urls.items():
        response = admin_client_sv.get(url)
        assert response.status_code == 200, name
        assert "private" in cache_control(response), (name, response.get("Cache-Control"))
        assert "public" not in cache_control(response), name


@pytest.mark.django_db
def test_anonymous_pages_are_not_marked_private_and_logging_in_is(admin_user):
    anonymous = Client()
    # The committee page that is private once signed in is, for a stranger, a plain redirect.
    to_login = anonymous.get("/planer/")
    assert to_login.status_code == 302 and "private" not in cache_control(to_login)
    # The login form is never cached at all (Django's never_cache) ...
    assert "no-store" in cache_control(anonymous.get(LOGIN_URL))
    # ... and the answer that signs the person in is private.
    assert "private" in cache_control(log_in(anonymous, "password"))


@pytest.mark.django_db
@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_stay_publicly_cacheable_for_a_signed_in_person(admin_user):
    client = Client()  # a new client builds its middleware under these settings
    client.force_login(admin_user)
    response = client.get(f"{settings.STATIC_URL}css/app.css")  # "/static/…": Django adds the "/"
    assert response.status_code == 200
    assert "public" in cache_control(response) and "private" not in cache_control(response)
    assert re.search(r"max-age=\d+", response["Cache-Control"])
