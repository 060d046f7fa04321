"""URL configuration: committee pages for everyone logged in, the admin for administrators."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from budget.views import budget_detail, budget_index
from config.views import accessibility, favicon, healthz
from goalplan.models import SHORT_NAME_IN_ADDRESS
from goalplan.views import plan_list
from kpis.diff_views import plan_diff_page
from kpis.plan_views import goal_detail, plan_detail
from kpis.reporting_views import my_reporting
from kpis.views import measure_detail
from meetings.views import (
    calendar,
    calendar_index,
    completeness,
    report_detail,
    report_download,
    report_list,
    round_unit,
)


class ShortNameConverter:
    """A body's short name in an address ("HSN", "RS"): letters, digits and hyphens only, so odd
    bytes (a NUL, which PostgreSQL refuses in a query) answer 404."""

    regex = SHORT_NAME_IN_ADDRESS

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ShortNameConverter, "short_name")

admin.site.site_header = _("Goal and KPI follow-up")
admin.site.site_title = _("Goal and KPI follow-up")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says: the site's icon.
    path("favicon.ico", favicon),
    path("konto/logga-in/", auth_views.LoginView.as_view(), name="login"),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    # "Glömt lösenordet?": Django's password reset through the e-mail settings (MAILERS).
    path("konto/glomt-losenord/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("konto/glomt-losenord/skickat/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "konto/nytt-losenord/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("konto/nytt-losenord/klart/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("tillganglighet/", accessibility, name="accessibility"),
    path("", RedirectView.as_view(pattern_name="plan_list", permanent=False)),
    path("planer/", plan_list, name="plan_list"),
    path("planer/<int:pk>/", plan_detail, name="plan_detail"),
    path("planer/jamfor/", plan_diff_page, name="plan_diff"),
    path("mal/<int:pk>/", goal_detail, name="goal_detail"),
    path("matetal/<int:pk>/", measure_detail, name="measure_detail"),
    path("budget/", budget_index, name="budget_index"),
    path("budget/<short_name:body>/<int:year>/", budget_detail, name="budget_detail"),
    path("sammantraden/", calendar_index, name="calendar_index"),
    path("sammantraden/<short_name:body>/<int:year>/", calendar, name="calendar"),
    path("rapporter/", report_list, name="report_list"),
    path("rapporter/<int:pk>/", report_detail, name="report_detail"),
    path("rapporter/<int:pk>/pdf/", report_download, name="report_download"),
    path("rapporter/<int:pk>/inrapportering/", completeness, name="completeness_board"),
    path("rapporter/<int:pk>/rapportering/", round_unit, name="round_whole_plan"),
    path("rapporter/<int:pk>/rapportering/<int:unit>/", round_unit, name="round_unit"),
    path("min-rapportering/", my_reporting, name="my_reporting"),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
