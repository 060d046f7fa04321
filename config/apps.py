"""The admin site of the project."""

from django.contrib.admin.apps import AdminConfig


class FollowUpAdminConfig(AdminConfig):
    default_site = "config.admin_site.FollowUpAdminSite"
