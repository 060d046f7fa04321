"""Spreadsheet import in the admin under the write rule: the reason travels from the upload to
the confirmation, and a confirmation the rule refuses says so instead of "Import finished"."""

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from import_export.forms import ConfirmImportForm, ImportForm, SelectableFieldsExportForm

from config.admin_forms import reason_field
from kpis.access import (
    REASON_MAX_LENGTH,
)
from kpis.admin_imports import LimitedImportExportMixin


class ReasonImportForm(ImportForm):
    """The admin import form with the reason the write rule asks for locked figures."""

    change_reason = reason_field()


class ReasonConfirmImportForm(ConfirmImportForm):
    """The confirmation step carries the reason given with the file."""

    change_reason = forms.CharField(required=False, max_length=REASON_MAX_LENGTH, widget=forms.HiddenInput)


class SwedishExportForm(SelectableFieldsExportForm):
    """The export page's field list in the model's own (Swedish) words: "Mätetal", "År",
    "Basvärde", not the library's titled attribute names "Measure", "Year", "Base Value"."""

    def _get_field_label(self, resource, field_name: str) -> str:
        try:
            return capfirst(str(resource._meta.model._meta.get_field(field_name).verbose_name))
        except FieldDoesNotExist:
            return super()._get_field_label(resource, field_name)


class GuardedImportExportMixin(LimitedImportExportMixin):
    """Spreadsheet import/export in the admin: checked files (kpis.admin_imports) and the write
    rule on every row (kpis.resources.SafeResource), with the person's reason."""

    import_form_class = ReasonImportForm
    confirm_form_class = ReasonConfirmImportForm
    export_form_class = SwedishExportForm

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["change_reason"] = import_form.cleaned_data.get("change_reason", "")
        return initial

    def process_result(self, result, request):
        # The confirmed import was rolled back (e.g. a figure locked since the preview): say so,
        # instead of the library's "Import finished" with zero rows.
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _(
                    "Nothing was imported: the file no longer passes the checks "
                    "(for example, a figure was locked after the preview). Upload it again."
                ),
                messages.ERROR,
            )
            app_label, model_name = self.get_model_info()
            return HttpResponseRedirect(
                reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)
            )
        return super().process_result(result, request)

    def get_import_data_kwargs(self, **kwargs):
        form = kwargs.get("form")
        reason = form.cleaned_data.get("change_reason", "") if form is not None and form.is_valid() else ""
        return {**super().get_import_data_kwargs(**kwargs), "change_reason": reason}
