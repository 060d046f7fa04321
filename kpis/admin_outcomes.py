"""The outcome admin: the list, the period entry page (one row per indicator and sex) and the
outcome import with its preview and confirmation."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from config.admin_forms import request_write_rules
from config.admin_guard import (
    GuardedHistoryAdmin,
)
from goalplan.selectors import visible_to
from kpis.access import outcome_scope_for
from kpis.entry_page import EntryPage, entry_page
from kpis.forms import (
    OutcomeAdminForm,
    OutcomeImportForm,
    PeriodSelectionForm,
)
from kpis.imports import ImportFailed, import_outcomes
from kpis.models import (
    PendingImport,
)
from kpis.pending_imports import PendingImportGone, pending_import_confirm, pending_import_of
from kpis.services import OutcomeEntry, outcome_save, outcomes_record_for_period
from kpis.uploads import format_size

# The person's latest preview (kpis.PendingImport), for a confirmation that does not name one.
PENDING_IMPORT_SESSION_KEY = "outcome_import"


class OutcomeAdmin(GuardedHistoryAdmin):
    list_display = ["indicator", "period_label", "unit", "sex", "value", "accomplished", "entered_by", "updated_at"]
    list_filter = ["year", "period_kind", "sex", "indicator__measures__plan"]
    list_select_related = ["indicator", "unit", "entered_by"]
    search_fields = ["indicator__name", "indicator__code", "indicator__kolada_id", "comment"]
    autocomplete_fields = ["indicator", "unit"]
    readonly_fields = ["entered_by", "entered_at", "updated_at", "version"]
    fields = [
        "indicator",
        "year",
        "period_kind",
        "period_number",
        "unit",
        "sex",
        "value",
        "accomplished",
        "count",
        "comment",
        "entered_by",
        "entered_at",
        "updated_at",
        "version",
        "expected_version",
        "change_reason",
    ]
    change_list_template = "admin/kpis/outcome/change_list.html"
    form = OutcomeAdminForm

    @admin.display(description=gettext_lazy("period"))
    def period_label(self, obj):
        return obj.period_label

    def get_urls(self):
        entry = path("enter/", self.admin_site.admin_view(self.entry_view), name="kpis_outcome_entry")
        upload = path("import/", self.admin_site.admin_view(self.import_view), name="kpis_outcome_import")
        return [entry, upload, *super().get_urls()]

    def import_view(self, request):
        """Upload a file, see what it would do (or every error), then confirm: all or nothing."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import outcomes from a file"),
            "max_size": format_size(settings.IMPORT_MAX_BYTES),
        }
        form = OutcomeImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and "confirm" in request.POST:
            # The form names the preview it confirms; the session's is for a form without it.
            posted = request.POST.get("pending", "")
            pending_id = int(posted) if posted.isdecimal() and len(posted) <= 18 else None
            if pending_id is None and not posted:
                remembered = request.session.get(PENDING_IMPORT_SESSION_KEY)
                # A session from before the move to the database holds a path: nothing to confirm.
                pending_id = remembered if isinstance(remembered, int) else None
            try:
                result = pending_import_confirm(user=request.user, pending_id=pending_id)
            except PendingImportGone as gone:
                request.session.pop(PENDING_IMPORT_SESSION_KEY, None)
                self.message_user(request, gone.message, messages.ERROR)
                return HttpResponseRedirect(request.path)
            except ImportFailed as failure:
                # The upload is kept: after a conflict with someone saving at the same time the
                # person confirms again without uploading anew.
                context.update(
                    {
                        "form": OutcomeImportForm(),
                        "errors": failure.errors,
                        "error_count": failure.error_count,
                        "more_errors": failure.more_errors_text(),
                        "retry": pending_import_of(user=request.user, pending_id=pending_id),
                    }
                )
                return TemplateResponse(request, "admin/kpis/outcome/import.html", context)
            request.session.pop(PENDING_IMPORT_SESSION_KEY, None)
            self.message_user(
                request,
                ngettext(
                    "Imported %(rows)s row: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.",
                    "Imported %(rows)s rows: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.",
                    result.rows,
                )
                % vars(result),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:kpis_outcome_changelist"))
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            reason = form.cleaned_data["reason"]
            try:
                preview = import_outcomes(data, upload.name, user=request.user, reason=reason, dry_run=True)
            except ImportFailed as failure:
                context.update(
                    {
                        "form": form,
                        "errors": failure.errors,
                        "error_count": failure.error_count,
                        "more_errors": failure.more_errors_text(),
                    }
                )
                return TemplateResponse(request, "admin/kpis/outcome/import.html", context)
            pending = PendingImport.objects.store(user=request.user, file_name=upload.name, content=data, reason=reason)
            request.session[PENDING_IMPORT_SESSION_KEY] = pending.pk
            context.update(
                {"preview": preview, "pending": pending, "pending_minutes": settings.IMPORT_PENDING_SECONDS // 60}
            )
        context["form"] = form
        return TemplateResponse(request, "admin/kpis/outcome/import.html", context)

    def get_queryset(self, request):
        scope = outcome_scope_for(request.user)
        queryset = super().get_queryset(request)
        return queryset if scope.unit_ids is None else queryset.filter(unit_id__in=scope.unit_ids)

    def save_model(self, request, obj, form, change):
        # The version the person saw travels in the form's initial data; a changed row is refused.
        expected = form.cleaned_data.get("expected_version") if change else None
        outcome_save(
            outcome=obj, user=request.user, expected_version=expected, reason=form.cleaned_data.get("change_reason", "")
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def entry_view(self, request):
        """Enter one period's outcomes for every measure of a plan on one page."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        selection = PeriodSelectionForm(request.GET or None)
        # The plans a person reads by body (as everywhere in the admin): no other plan's measures
        # are listed or entered here.
        selection.fields["plan"].queryset = visible_to(request.user, selection.fields["plan"].queryset, "body")
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "selection": selection}
        context["title"] = _("Enter outcomes for a period")
        if not selection.is_valid():
            return TemplateResponse(request, "admin/kpis/outcome/entry.html", context)
        page = self._entry_page(request, selection)
        if request.method == "POST" and (response := self._save_entry_page(request, page)):
            return response
        return TemplateResponse(
            request, "admin/kpis/outcome/entry.html", {**context, "page": page, "subtitle": page.subtitle}
        )

    def _entry_page(self, request, selection: PeriodSelectionForm) -> EntryPage:
        """The entry page for the chosen plan, period and unit; a unit outside the person's scope is refused."""
        unit = selection.cleaned_data["unit"]
        if not outcome_scope_for(request.user).allows_unit(unit.pk if unit else None):
            raise PermissionDenied
        return entry_page(
            plan=selection.cleaned_data["plan"],
            period=selection.selected_period,
            unit=unit,
            user=request.user,
            data=request.POST or None,
            write_rules=request_write_rules(request),
            change_reason=request.POST.get("change_reason", ""),
            area=request.GET.get("area"),
            query=request.GET,
            confirmed=request.POST.get("confirm_plausible") == "1",
        )

    def _save_entry_page(self, request, page: EntryPage):
        """Save the posted page all or nothing: a redirect when saved or when the plan's measures
        changed meanwhile, None (show the page with its errors) otherwise."""
        if not page.posted_rows_match():
            # The plan's measures changed since the page was opened, its parts moved (another
            # goal area is now the first), or the post was made up: nothing is saved, and the
            # page is shown anew.
            self.message_user(
                request,
                _("The plan's measures changed after you opened the page. Nothing was saved; enter the values again."),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
        if not page.formset.is_valid() or page.needs_confirmation:
            return None  # the page shows what is wrong or questioned, and that nothing was saved
        measures = page.measures
        entries = [
            OutcomeEntry(
                measure=measures[data["measure_id"]],
                sex=data["sex"],
                value=data["value"],
                accomplished=data["accomplished"],
                comment=data["comment"].strip(),
                expected_version=data["version"],
            )
            for data in page.formset.cleaned_data
            if data.get("measure_id") in measures
        ]
        try:
            result = outcomes_record_for_period(
                period=page.period, entries=entries, unit=page.unit, user=request.user, reason=page.change_reason
            )
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return None
        self.message_user(
            request,
            _("Saved outcomes for %(period)s: %(created)s new, %(updated)s changed, %(deleted)s removed.")
            % {
                "period": page.period.label(),
                "created": result.created,
                "updated": result.updated,
                "deleted": result.deleted,
            },
            messages.SUCCESS,
        )
        return HttpResponseRedirect(f"{reverse('admin:kpis_outcome_entry')}?{request.GET.urlencode()}")
