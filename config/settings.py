"""Settings for the målstyrning project, read from the environment.

Defaults give a zero-setup development instance on SQLite in Swedish; set
``DATABASE_URL`` for PostgreSQL and ``DJANGO_SECRET_KEY``/``DJANGO_DEBUG`` in production.
"""

import os
from pathlib import Path

import plotly

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
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-in-production-3f9a1c7e5b"
)
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]

INSTALLED_APPS = [
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
    "goalplan",
    "kpis",
    "budget",
    "meetings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the audit history.
    "simple_history.middleware.HistoryRequestMiddleware",
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
        os.environ.get("DATABASE_URL") or "sqlite:///db.sqlite3", base_dir=BASE_DIR  # empty = unset
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
STATIC_ROOT = BASE_DIR / "staticfiles"
# plotly.js is served from the installed plotly package (no CDN: hospital networks are offline).
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor/plotly", Path(plotly.__file__).parent / "package_data")]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plan_list"
LOGOUT_REDIRECT_URL = "login"

# Status engine (kpis/evaluation.py): a miss within this share of the target's threshold is
# yellow rather than red, unless the target sets its own tolerance.
KPI_YELLOW_TOLERANCE_PERCENT = os.environ.get("KPI_YELLOW_TOLERANCE_PERCENT", "5")

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# Imports are all-or-nothing (see shared PITFALLS): never commit the good rows of a bad file.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_CONFIRM = False
# Importing needs the change permission and exporting the view permission (the default lets
# anyone with admin access import).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False  # our resources neutralise every formula start, not just "="
