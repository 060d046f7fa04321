"""URL configuration: the admin is the administrators' workplace."""

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("Goal and KPI follow-up")
admin.site.site_title = _("Goal and KPI follow-up")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("admin/", admin.site.urls),
    # Until the dashboards exist, the front door is the administrators' workplace.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
