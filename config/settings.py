"""Settings for the målstyrning project, read from the environment.

Defaults give a zero-setup development instance on SQLite in Swedish; set
``DATABASE_URL`` for PostgreSQL and ``DJANGO_SECRET_KEY``/``DJANGO_DEBUG`` in production.
"""

import os
import warnings
from datetime import timedelta
from pathlib import Path

import plotly
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.database import database_from_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", True)
# Public in the repository: good for a development instance only.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-3f9a1c7e5b"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip() or DEVELOPMENT_SECRET_KEY
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    # Anyone could forge sessions, password-reset links and signed values with the public key:
    # production refuses to start rather than run on it.
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a long random value when DJANGO_DEBUG is false "
        "(it is missing, empty or the public development key)."
    )
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    # The admin refuses committee members with 403 instead of sending them to its login page.
    "config.apps.FollowUpAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "import_export",
    "simple_history",
    "config.apps.LoginAttemptsConfig",  # django-axes, named in Swedish
    "goalplan",
    "kpis",
    "budget",
    "meetings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Our Swedish 404 page rather than Django's technical one, under DEBUG too: outside the rest,
    # so it sees every response (the security headers and CSP still wrap it).
    "config.middleware.FriendlyNotFoundMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A NUL in an address is refused before any page or filter sends it to the database.
    "config.middleware.RefuseNulInAddressMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages for a signed-in person are never kept by shared caches (after auth, so it knows who;
    # after WhiteNoise, which answers static files itself and keeps them public).
    "config.middleware.PrivateCacheForUsersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the audit history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Locks an account out after repeated failed logins (last, as django-axes asks).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL") or "sqlite:///db.sqlite3",
        base_dir=BASE_DIR,  # empty = unset
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first: new and re-hashed passwords use it; older hashes still verify.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out account before checking its password
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Swedish first: the users are Swedish civil servants and politicians.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
# Swedish formats: decimal comma, non-breaking space as thousands separator, ISO dates.
USE_THOUSAND_SEPARATOR = True
# Dates as ISO (2025-04-30), the way the plans write them; see config/formats/sv.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
# Where collectstatic puts the hashed files WhiteNoise serves; elsewhere than the checkout when
# it is read-only, or for a run (the load test) that must write nothing outside /tmp.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
# plotly.js is served from the installed plotly package (no CDN: hospital networks are offline).
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor/plotly", Path(plotly.__file__).parent / "package_data")]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plan_list"
LOGOUT_REDIRECT_URL = "login"

# Status engine (kpis/status/): a miss within this share of the target's threshold is
# yellow rather than red, unless the target sets its own tolerance.
KPI_YELLOW_TOLERANCE_PERCENT = os.environ.get("KPI_YELLOW_TOLERANCE_PERCENT", "5")

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# Who reads which committee pages (goalplan/selectors.py): "all" lets every logged-in person
# read every plan; "members" lets a person read only the bodies they are a member of (reporters
# also the bodies of their units; administrators everything). A typo must not open every plan,
# so an unknown value stops the start.
COMMITTEE_PAGES_VISIBILITY = os.environ.get("DJANGO_COMMITTEE_PAGES_VISIBILITY", "all").strip().lower()
if COMMITTEE_PAGES_VISIBILITY not in {"all", "members"}:
    raise ValueError('DJANGO_COMMITTEE_PAGES_VISIBILITY must be "all" or "members".')
# A draft report's PDF costs seconds of CPU: it is made once per content and kept this long
# (meetings/pdf_cache.py), and one person may have at most this many made per minute.
REPORT_PDF_RENDERS_PER_MINUTE = int(os.environ.get("REPORT_PDF_RENDERS_PER_MINUTE", "6"))
REPORT_PDF_CACHE_SECONDS = int(os.environ.get("REPORT_PDF_CACHE_SECONDS", str(60 * 60)))

# Imports are all-or-nothing (see shared PITFALLS): never commit the good rows of a bad file.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_CONFIRM = False
# Importing needs the change permission and exporting the view permission (the default lets
# anyone with admin access import).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False  # our resources neutralise every formula start, not just "="

# Limits on imported files (kpis/uploads.py; outcome, Kolada and admin imports). They are checked
# before any parser runs, so a wrong or hostile file is refused in Swedish instead of exhausting
# memory: DATA_UPLOAD_MAX_MEMORY_SIZE does not cover files, and an XLSX is a zip that can unpack
# to a thousand times its size.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "200000"))
IMPORT_MAX_LISTED_ERRORS = int(os.environ.get("IMPORT_MAX_LISTED_ERRORS", "100"))
# The import preview lists each row as read, up to this many (the counts cover every row).
IMPORT_PREVIEW_MAX_ROWS = int(os.environ.get("IMPORT_PREVIEW_MAX_ROWS", "10000"))
IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", str(100 * 1024 * 1024)))
# The entry page posts a whole plan at once, six fields per indicator and sex: Django's default of
# 1000 fields answered 400 to any plan past about 55 indicators split by sex (a region's has
# hundreds). This covers the most rows the entry formset takes (2000, Django's absolute_max); the
# body stays bounded by DATA_UPLOAD_MAX_MEMORY_SIZE.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000 * 6 + 100

# An uploaded outcome file waits this long (in the database, kpis.PendingImport) for its confirmation.
IMPORT_PENDING_SECONDS = int(os.environ.get("IMPORT_PENDING_SECONDS", str(2 * 60 * 60)))
# A plan with more rows than this (an indicator per sex) is entered one goal area at a time.
ENTRY_PAGE_MAX_ROWS = int(os.environ.get("ENTRY_PAGE_MAX_ROWS", "300"))

# E-mail (the reporting reminders, meetings/reminders.py): Django's mailers from the environment.
# In development without EMAIL_HOST the messages are written to the console, so nothing is sent
# by surprise; in production they go by SMTP (to the machine's own mail server unless EMAIL_HOST
# names another).
if os.environ.get("EMAIL_HOST") or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "timeout": 30,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "malstyrning@localhost")
# The address of the site in e-mails (a command has no request to take it from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Where the accessibility statement tells people to report a problem (lag 2018:1937).
ACCESSIBILITY_CONTACT = os.environ.get("ACCESSIBILITY_CONTACT", DEFAULT_FROM_EMAIL)


# --- Production hardening (see README "Running in production") -------------------------------
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_SECONDS", str(8 * 60 * 60)))  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # TLS ends at the load balancer
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # the load balancer checks health over plain HTTP
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (Django's own middleware). Nothing is loaded from elsewhere. The
# pages have no inline scripts; plotly.js needs 'unsafe-eval' (its strict bundle is not shipped
# with the Python package) and sets inline styles on the chart.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.UNSAFE_EVAL],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# In development the static files come from the finders; WhiteNoise need not warn that the
# collected directory (made by collectstatic for production) does not exist.
warnings.filterwarnings("ignore", message="No directory at")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed static files served by the app itself (no separate file server needed).
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Failed logins: five in a row lock that user name from that client address for
# AXES_COOLOFF_MINUTES. The pair, not either alone: a lock per user name lets anyone on the
# internet lock a colleague (or the administrator) out with five guesses, and a lock per address
# would lock out a whole hospital behind one NAT address after five typos. See README.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# How many proxies we own in front of the app (the load balancer = 1). Only they may name the
# client in X-Forwarded-For; with 0 the header is ignored, since anyone can send it.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
# Our own reader rather than django-ipware's settings: ipware is not installed, and axes then
# silently falls back to REMOTE_ADDR (the balancer's address) whatever AXES_IPWARE_* say.
AXES_CLIENT_IP_CALLABLE = "config.middleware.client_ip_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# Shared cache: Redis when REDIS_URL is set (several app servers share it); else a table in the
# database, which every gunicorn worker of the machine shares (a per-process cache could not be
# emptied in the other workers). The table is made by the migrations (kpis 0013).
DATABASE_CACHE_TABLE = "malstyrning_cache"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    if os.environ.get("REDIS_URL")
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": DATABASE_CACHE_TABLE,
        # Django's default of 300 entries is a few plans' periods and filters; a cull drops a third.
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("DATABASE_CACHE_MAX_ENTRIES", "2000"))},
    }
}
DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "300"))
# Dashboards and measure pages are cached unless DASHBOARD_CACHE=0: the data versions that key
# them are moved by database triggers on every write (kpis.triggers), in either cache.
DASHBOARD_CACHE_ENABLED = env_bool("DASHBOARD_CACHE", True)

# A read replica for the committee pages when DATABASE_REPLICA_URL is set (see config/routers.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_from_url(os.environ["DATABASE_REPLICA_URL"], base_dir=BASE_DIR)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]

# Structured logs: one JSON object per line on stderr, for the log collector.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.logging.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint reports every layout step at INFO; only its warnings matter here.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Optional single sign-on (OpenID Connect), off unless configured. SAML-only identity providers
# are usually reached through an OIDC bridge (e.g. Keycloak); see README.
OIDC_ENABLED = bool(os.environ.get("OIDC_RP_CLIENT_ID"))
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.insert(1, "mozilla_django_oidc.auth.OIDCAuthenticationBackend")
    OIDC_RP_CLIENT_ID = os.environ["OIDC_RP_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["OIDC_OP_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["OIDC_OP_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
    OIDC_CREATE_USER = env_bool("OIDC_CREATE_USER", False)  # accounts and roles are given in the admin
