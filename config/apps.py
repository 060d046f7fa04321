"""The admin site of the project, and django-axes under a Swedish name."""

from axes.apps import AppConfig as AxesConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class FollowUpAdminConfig(AdminConfig):
    default_site = "config.admin_site.FollowUpAdminSite"


class LoginAttemptsConfig(AxesConfig):
    """django-axes under a Swedish name in the admin index (its own is "Axes", untranslated)."""

    verbose_name = _("Login attempts")
