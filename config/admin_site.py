"""The admin site: administrators' and reporters' workplace; committee members get 403."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied


class NamedChoicesAutocompleteView(AutocompleteJsonView):
    """The admin's search boxes name a row as a list of choices would: a goal with its plan
    (``choice_label``), since each year's plan has goals and goal areas of the same name."""

    def get_queryset(self):
        queryset = super().get_queryset()
        # Each result's label names its plan: read with the results, not once per result.
        return queryset.select_related("plan") if hasattr(queryset.model, "choice_label") else queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(obj, "choice_label", None)
        return {**result, "text": str(label)} if label is not None else result


class FollowUpAdminSite(admin.AdminSite):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from config.admin_guard import guarded_delete_selected

        # Bulk delete on every admin page passes the write rule (locked rows, cascades, reason).
        self.add_action(guarded_delete_selected, "delete_selected")

    def autocomplete_view(self, request):
        return NamedChoicesAutocompleteView.as_view(admin_site=self)(request)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def refuse_non_staff(request, *args, **kwargs):
            # A logged-in committee member has no business in the admin: say so (403) rather
            # than showing the admin's login page as if they were not logged in.
            if request.user.is_authenticated and not request.user.is_staff:
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(refuse_non_staff, view)
