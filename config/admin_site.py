"""The admin site: administrators' and reporters' workplace; committee members get 403."""

from functools import update_wrapper

from django.contrib import admin
from django.core.exceptions import PermissionDenied


class FollowUpAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def refuse_non_staff(request, *args, **kwargs):
            # A logged-in committee member has no business in the admin: say so (403) rather
            # than showing the admin's login page as if they were not logged in.
            if request.user.is_authenticated and not request.user.is_staff:
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(refuse_non_staff, view)
