"""The write rule (kpis.access) applied to every admin: forms, inlines, history revert, deletes,
bulk deletes and actions.

Django's admin checks permissions per model; the history revert page of django-simple-history
checks only the view permission; deletes bypass forms. This mixin closes each of those paths so
that an admin page cannot change what the rule forbids. The forms and related-row choices are in
config.admin_forms, the spreadsheet import in config.admin_import_guard.
"""

from decimal import InvalidOperation

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from config.admin_forms import (
    BODY_PATHS,
    GuardedModelForm,
    ReadableRelatedOnlyFieldListFilter,
    RelatedChoicesMixin,
    request_write_rules,
)
from config.admin_numbers import NoReasonForReadersMixin, SwedishNumbersMixin
from goalplan.selectors import readable_body_ids, visible_to
from kpis.access import (
    REASON_MAX_LENGTH,
    WriteRules,
    is_guarded,
    reason_in_history,
)


class GuardedAdminMixin(NoReasonForReadersMixin, SwedishNumbersMixin, RelatedChoicesMixin):
    """Put before ModelAdmin (or SimpleHistoryAdmin): the write rule on every write path."""

    delete_confirmation_template = "admin/guarded_delete_confirmation.html"
    delete_selected_confirmation_template = "admin/guarded_delete_selected_confirmation.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if is_guarded(self.model) and self.form is forms.ModelForm:
            self.form = GuardedModelForm

    def write_rules(self, request) -> WriteRules:
        return request_write_rules(request)

    def get_queryset(self, request):
        # The same reading rule as the committee pages: lists, change pages, history, exports and
        # autocomplete all start here.
        queryset = super().get_queryset(request)
        paths = BODY_PATHS.get(self.model._meta.label_lower)
        return visible_to(request.user, queryset, *paths) if paths else queryset

    def get_list_filter(self, request):
        # A related filter lists every row of its model; when the person reads only some bodies,
        # it lists only the rows the (already limited) list holds.
        filters = super().get_list_filter(request)
        if readable_body_ids(request.user) is None:
            return filters
        return [self._related_only(item) for item in filters]

    def _related_only(self, item):
        if not isinstance(item, str):
            return item
        field = None
        try:
            field = get_fields_from_path(self.model, item)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return item
        return (item, ReadableRelatedOnlyFieldListFilter) if field.is_relation else item

    def changelist_view(self, request, extra_context=None):
        # Django answers an impossible date in the date hierarchy (year 10^20, month 13, year 9999
        # whose next year it cannot form) with an error page: say it, and show the list without it.
        if self.date_hierarchy and not _date_hierarchy_valid(request.GET, self.date_hierarchy):
            self.message_user(
                request, _("The date in the address is not valid; the list is shown without it."), messages.WARNING
            )
            return HttpResponseRedirect(request.path)
        # Any other filter in the address the database cannot take (a 10^20 year, a broken regular
        # expression, a number past PostgreSQL's range): rendered here, so that its error is ours.
        try:
            with transaction.atomic():
                response = super().changelist_view(request, extra_context)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
        except (OverflowError, ValueError, InvalidOperation, DatabaseError):
            if request.method != "GET" or not request.GET:
                raise  # not a filter in the address (an action's or a save's own error)
            self.message_user(
                request, _("The filter in the address is not valid; the list is shown without it."), messages.WARNING
            )
            return HttpResponseRedirect(request.path)
        return response

    def get_search_results(self, request, queryset, search_term):
        # PostgreSQL refuses NUL in a text comparison (the autocomplete passes the term as typed).
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))

    def response_action(self, request, queryset, **kwargs):
        # Only row numbers are selected rows: anything else in a crafted post is dropped, not a 500.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        numbers = [value for value in selected if value.isdigit()]
        if numbers != selected:
            post = request.POST.copy()
            post.setlist(helpers.ACTION_CHECKBOX_NAME, numbers)
            request.POST = post
        return super().response_action(request, queryset, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"rules": self.write_rules(request), "user": request.user})

    def get_changelist_form(self, request, **kwargs):
        # Django builds the list_editable rows' form without self.form: give it the rule too.
        if is_guarded(self.model):
            kwargs.setdefault("form", GuardedModelForm)
        form = super().get_changelist_form(request, **kwargs)
        return type(form.__name__, (form,), {"rules": self.write_rules(request)})

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.write_rules(request).may_write(obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.write_rules(request).may_write(obj))

    def save_model(self, request, obj, form, change):
        obj._change_reason = (form.cleaned_data.get("change_reason") or "").strip() or None
        super().save_model(request, obj, form, change)

    # --- Deletes ----------------------------------------------------------------------------

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        rules = self.write_rules(request)
        if request.method == "POST" and obj is not None and self.has_delete_permission(request, obj):
            reason = request.POST.get("change_reason", "")
            try:
                rules.check_delete([obj], reason=reason)
            except (ValidationError, PermissionDenied) as refusal:
                self.message_user(request, " ".join(_messages(refusal)), messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
            request._change_reason = reason.strip()
        context = {
            **(extra_context or {}),
            "reason_needed": obj is not None and rules.locked_rows([obj]),
            "reason_max_length": REASON_MAX_LENGTH,
        }
        return super().delete_view(request, object_id, context)

    def delete_model(self, request, obj):
        # The reason goes to the row's history and to every row the database deletes with it.
        with reason_in_history(getattr(request, "_change_reason", "")):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # One by one, so the audit history records each row (and its cascade) with the reason.
        with transaction.atomic(), reason_in_history(getattr(request, "_change_reason", "")):
            for obj in queryset:
                obj.delete()

    def save_formset(self, request, form, formset, change):
        # Each inline row's own reason goes to its history, changed or deleted (the formset saves
        # and deletes the rows' instances).
        for inline_form in formset.forms:
            reason = (getattr(inline_form, "cleaned_data", None) or {}).get("change_reason")
            if reason:
                inline_form.instance._change_reason = reason.strip()
        with reason_in_history(form.cleaned_data.get("change_reason") if hasattr(form, "cleaned_data") else ""):
            super().save_formset(request, form, formset, change)

    # --- History (django-simple-history) ----------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        # Only the history of a row the person may see: simple-history falls back to the
        # history of rows outside the person's queryset (another unit's outcomes).
        visible = self.get_object(request, unquote(object_id)) is not None
        if not visible and not (self.write_rules(request).scope.is_administrator and _is_number(object_id)):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        stored = self.get_object(request, unquote(object_id))
        if not _is_number(version_id) or (
            stored is None and not (self.write_rules(request).scope.is_administrator and _is_number(object_id))
        ):
            raise Http404
        if request.method == "POST":
            # A revert is a change of the stored row: the change permission on it, then the
            # same form checks (unit, locks, reason) as the change page.
            if stored is None or not self.has_change_permission(request, stored):
                raise PermissionDenied
            try:
                return super().history_form_view(request, object_id, version_id, extra_context)
            except ValidationError as refusal:
                self.message_user(request, " ".join(refusal.messages), messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        stored = self.get_queryset(request).filter(pk=obj.pk).first() if obj is not None else None
        return stored is None or not self.has_change_permission(request, stored)


def _date_hierarchy_valid(query, field: str) -> bool:
    limits = {"year": (1, 9998), "month": (1, 12), "day": (1, 31)}
    for part, (low, high) in limits.items():
        value = query.get(f"{field}__{part}")
        if value is not None and not (value.isdigit() and low <= int(value) <= high):
            return False
    return True


class GuardedInlineMixin(NoReasonForReadersMixin, SwedishNumbersMixin, RelatedChoicesMixin):
    """Inline rows of guarded models judged by the same rule (with a reason column)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if is_guarded(self.model) and self.form is forms.ModelForm:
            self.form = GuardedModelForm

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        rules = request_write_rules(request)
        form = type(formset.form.__name__, (formset.form,), {"rules": rules})
        return type(formset.__name__, (GuardedFormSetMixin, formset), {"form": form, "rules": rules})


class GuardedFormSetMixin:
    """Rows marked for deletion pass the write rule too: Django ignores a deleted row's errors."""

    rules: WriteRules | None = None

    def clean(self):
        super().clean()
        if self.rules is None:
            return
        for form in self.deleted_forms:
            stored = getattr(form, "stored", None)
            if stored is None:
                continue
            try:
                self.rules.check_delete([stored], reason=form.cleaned_data.get("change_reason") or "")
            except (ValidationError, PermissionDenied) as refusal:
                raise ValidationError([f"{stored}: {message}" for message in _messages(refusal)]) from refusal


def _is_number(text) -> bool:
    return str(text).isdigit()


def _messages(refusal: Exception) -> list[str]:
    return refusal.messages if isinstance(refusal, ValidationError) else [str(refusal)]


def guarded_delete_selected(modeladmin, request, queryset):
    """Django's bulk delete, refused (nothing deleted) when a row or its cascade is locked and no
    administrator's reason is given."""
    rules = request_write_rules(request)
    if request.POST.get("post"):
        reason = request.POST.get("change_reason", "")
        try:
            rules.check_delete(queryset, reason=reason)
        except (ValidationError, PermissionDenied) as refusal:
            modeladmin.message_user(request, " ".join(_messages(refusal)), messages.ERROR)
            return None
        request._change_reason = reason.strip()
    response = delete_selected(modeladmin, request, queryset)
    if isinstance(response, TemplateResponse):
        response.context_data["reason_needed"] = rules.locked_rows(queryset)
        response.context_data["reason_max_length"] = REASON_MAX_LENGTH
    return response


guarded_delete_selected.allowed_permissions = ("delete",)
guarded_delete_selected.short_description = delete_selected.short_description


class GuardedModelAdmin(GuardedAdminMixin, admin.ModelAdmin):
    """The project's ModelAdmin: every admin page passes the write rule."""


class GuardedHistoryAdmin(GuardedAdminMixin, SimpleHistoryAdmin):
    """The project's admin for models with an audit history."""


class GuardedTabularInline(GuardedInlineMixin, admin.TabularInline):
    """A tabular inline whose rows pass the write rule."""


class GuardedStackedInline(GuardedInlineMixin, admin.StackedInline):
    """A stacked inline whose rows pass the write rule."""
