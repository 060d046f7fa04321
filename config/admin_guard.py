"""The write rule (kpis.access) applied to every admin: forms, inlines, history revert, deletes,
bulk deletes and actions.

Django's admin checks permissions per model; the history revert page of django-simple-history
checks only the view permission; deletes bypass forms. This mixin closes each of those paths so
that an admin page cannot change what the rule forbids.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from import_export.forms import ConfirmImportForm, ImportForm
from simple_history.admin import SimpleHistoryAdmin

from kpis.access import (
    REASON_MAX_LENGTH,
    UnitNotAllowed,
    WriteLocked,
    WriteRules,
    guard_of,
    write_rules_for,
)
from kpis.admin_imports import LimitedImportExportMixin


def request_write_rules(request) -> WriteRules:
    """The rule for this request's person, built once per request."""
    if not hasattr(request, "_write_rules"):
        request._write_rules = write_rules_for(request.user)
    return request._write_rules


def reason_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Reason for the change"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=gettext_lazy("Required for figures in an approved report or a decided plan; kept in the history."),
    )


class GuardedModelForm(forms.ModelForm):
    """A model form that refuses what the write rule refuses, as form errors.

    ``rules`` is set by the admin for the request. The stored row is read from the database: the
    history revert page builds the form on an old version, and a change must be judged both by
    where the row is now (a locked period it would leave) and where it would be.
    """

    rules: WriteRules | None = None
    change_reason = reason_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        # A row the admin loaded from the database is the stored row as it is: keep its values
        # (no query for each inline row). The revert page's instance is an old version, built in
        # memory (no database state): read the stored row when it is needed.
        self._stored_values = None
        if instance.pk is not None and instance._state.db is not None:
            self._stored_values = {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}

    @cached_property
    def stored(self):
        model = self._meta.model
        if self._stored_values is not None:
            return model(**self._stored_values)
        pk = self.instance.pk
        return model._base_manager.filter(pk=pk).first() if pk is not None else None

    def _post_clean(self):
        super()._post_clean()
        guard = guard_of(self._meta.model)
        if guard is None or self.rules is None:
            return
        deleting = bool(self.cleaned_data.get("DELETE"))
        if not (deleting or self.has_changed()):
            return  # an untouched inline row
        reason = self.cleaned_data.get("change_reason") or ""
        try:
            if deleting:
                if self.stored is not None:
                    self.rules.check_delete([self.stored], reason=reason)
            else:
                self.rules.check_write(stored=self.stored, new=self.instance, reason=reason)
        except UnitNotAllowed as denied:
            field = guard.unit_field if guard.unit_field in self.fields else None
            self.add_error(field, str(denied))
        except (WriteLocked, PermissionDenied) as denied:
            self.add_error(None, str(denied))
        except ValidationError as error:
            self.add_error("change_reason" if "change_reason" in self.fields else None, error)


class GuardedAdminMixin:
    """Put before ModelAdmin (or SimpleHistoryAdmin): the write rule on every write path."""

    delete_confirmation_template = "admin/guarded_delete_confirmation.html"
    delete_selected_confirmation_template = "admin/guarded_delete_selected_confirmation.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if guard_of(self.model) is not None and self.form is forms.ModelForm:
            self.form = GuardedModelForm

    def write_rules(self, request) -> WriteRules:
        return request_write_rules(request)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"rules": self.write_rules(request), "user": request.user})

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
        context = {**(extra_context or {}), "reason_needed": obj is not None and rules.locked_rows([obj]),
                   "reason_max_length": REASON_MAX_LENGTH}
        return super().delete_view(request, object_id, context)

    def delete_model(self, request, obj):
        obj._change_reason = getattr(request, "_change_reason", "") or None
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # One by one, so the audit history records each row with the reason.
        reason = getattr(request, "_change_reason", "") or None
        with transaction.atomic():
            for obj in queryset:
                obj._change_reason = reason
                obj.delete()

    # --- History (django-simple-history) ----------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        # Only the history of a row the person may see: simple-history falls back to the
        # history of rows outside the person's queryset (another unit's outcomes).
        visible = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        if not visible and not self.write_rules(request).scope.is_administrator:
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        stored = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        if stored is None and not self.write_rules(request).scope.is_administrator:
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


class GuardedInlineMixin:
    """Inline rows of guarded models judged by the same rule (with a reason column)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if guard_of(self.model) is not None and self.form is forms.ModelForm:
            self.form = GuardedModelForm

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (formset.form,), {"rules": request_write_rules(request)})
        return formset


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


class ReasonImportForm(ImportForm):
    """The admin import form with the reason the write rule asks for locked figures."""

    change_reason = reason_field()


class ReasonConfirmImportForm(ConfirmImportForm):
    """The confirmation step carries the reason given with the file."""

    change_reason = forms.CharField(required=False, max_length=REASON_MAX_LENGTH, widget=forms.HiddenInput)


class GuardedImportExportMixin(LimitedImportExportMixin):
    """Spreadsheet import/export in the admin: checked files (kpis.admin_imports) and the write
    rule on every row (kpis.resources.SafeResource), with the person's reason."""

    import_form_class = ReasonImportForm
    confirm_form_class = ReasonConfirmImportForm

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["change_reason"] = import_form.cleaned_data.get("change_reason", "")
        return initial

    def get_import_data_kwargs(self, **kwargs):
        form = kwargs.get("form")
        reason = form.cleaned_data.get("change_reason", "") if form is not None and form.is_valid() else ""
        return {**super().get_import_data_kwargs(**kwargs), "change_reason": reason}
