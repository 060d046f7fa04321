"""Admin for measures, targets, outcomes and comparison values, with the period entry page."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kpis.forms import OutcomeAdminForm, OutcomeEntryFormSet, PeriodSelectionForm
from kpis.evaluation import evaluate_measures
from kpis.models import Measure, NationalValue, Outcome, StatusOverride, Target
from kpis.selectors import entry_rows_for_period
from kpis.services import OutcomeEntry, outcome_save, outcomes_record_for_period
from goalplan.admin_columns import year_column


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["year", "kind", "value", "base_year", "base_value", "wording", "tolerance", "decided_by"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "goal_area", "unit", "direction", "frequency", "decided_by"]
    list_filter = ["plan", "kind", "horizon", "frequency", "direction", "split_by_sex", "decided_by"]
    list_select_related = ["plan", "goal_area", "decided_by"]
    search_fields = ["name", "short_name", "kolada_id", "code"]
    autocomplete_fields = ["plan", "goal_area", "goal"]
    inlines = [TargetInline]
    fieldsets = [
        (None, {"fields": ["plan", "goal_area", "goal", "code", "name", "short_name", "description"]}),
        (
            gettext_lazy("How it is measured"),
            {"fields": ["kind", "horizon", "unit", "decimals", "direction", "frequency", "aggregation", "split_by_sex"]},
        ),
        (gettext_lazy("Source and decision"), {"fields": ["source", "kolada_id", "decided_by", "order"]}),
    ]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["wording", "measure", year_column(), "kind", "value", year_column("base_year", gettext_lazy("base year")), "tolerance", "decided_by"]
    list_filter = ["year", "kind", "measure__plan", "decided_by"]
    list_select_related = ["measure", "decided_by"]
    search_fields = ["wording", "measure__name", "measure__short_name"]
    autocomplete_fields = ["measure"]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["measure", "period_label", "unit", "sex", "value", "accomplished", "entered_by", "updated_at"]
    list_filter = ["year", "period_kind", "sex", "measure__plan"]
    list_select_related = ["measure", "unit", "entered_by"]
    search_fields = ["measure__name", "measure__short_name", "comment"]
    autocomplete_fields = ["measure", "unit"]
    readonly_fields = ["entered_by", "entered_at", "updated_at", "version"]
    fields = [
        "measure", "year", "period_kind", "period_number", "unit", "sex", "value", "accomplished", "count",
        "comment", "entered_by", "entered_at", "updated_at", "version", "expected_version",
    ]
    change_list_template = "admin/kpis/outcome/change_list.html"
    form = OutcomeAdminForm

    @admin.display(description=gettext_lazy("period"))
    def period_label(self, obj):
        return obj.period_label

    def get_urls(self):
        entry = path("enter/", self.admin_site.admin_view(self.entry_view), name="kpis_outcome_entry")
        return [entry, *super().get_urls()]

    def save_model(self, request, obj, form, change):
        # The version the person saw travels in the form's initial data; a changed row is refused.
        expected = form.cleaned_data.get("expected_version") if change else None
        outcome_save(outcome=obj, user=request.user, expected_version=expected)

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
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Enter outcomes for a period"),
            "selection": selection,
        }
        if not selection.is_valid():
            return TemplateResponse(request, "admin/kpis/outcome/entry.html", context)
        plan, period, unit = selection.cleaned_data["plan"], selection.period, selection.cleaned_data["unit"]
        rows = entry_rows_for_period(plan=plan, period=period, unit=unit)
        initial = [
            {
                "measure_id": row.measure.pk,
                "sex": row.sex,
                "version": row.outcome.version if row.outcome else 0,
                "value": row.outcome.value if row.outcome else None,
                "accomplished": {True: "yes", False: "no"}.get(row.outcome.accomplished) if row.outcome else "",
                "comment": row.outcome.comment if row.outcome else "",
            }
            for row in rows
        ]
        formset = OutcomeEntryFormSet(request.POST or None, initial=initial)
        if request.method == "POST" and formset.is_valid():
            measures = {row.measure.pk: row.measure for row in rows}
            entries = [
                OutcomeEntry(
                    measure=measures[data["measure_id"]],
                    sex=data["sex"],
                    value=data["value"],
                    accomplished=data["accomplished"],
                    comment=data["comment"].strip(),
                    expected_version=data["version"],
                )
                for data in formset.cleaned_data
                if data.get("measure_id") in measures
            ]
            try:
                result = outcomes_record_for_period(period=period, entries=entries, unit=unit, user=request.user)
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Saved outcomes for %(period)s: %(created)s new, %(updated)s changed, %(deleted)s removed.")
                    % {
                        "period": period.label(),
                        "created": result.created,
                        "updated": result.updated,
                        "deleted": result.deleted,
                    },
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(f"{reverse('admin:kpis_outcome_entry')}?{request.GET.urlencode()}")
        # The status of what is stored now, from the status engine (never computed here).
        evaluations = evaluate_measures(
            list({row.measure.pk: row.measure for row in rows}.values()), period, unit=unit, with_trend=False
        )
        status_of = {(e.measure.pk, e.sex): e.status for e in evaluations}
        statuses = [status_of.get((row.measure.pk, row.sex)) for row in rows]
        context.update(
            {
                "plan": plan,
                "period": period,
                "unit": unit,
                "formset": formset,
                "rows": list(zip(rows, formset.forms, statuses, strict=True)),
                "subtitle": f"{plan} – {period.label()}",
            }
        )
        return TemplateResponse(request, "admin/kpis/outcome/entry.html", context)


@admin.register(NationalValue)
class NationalValueAdmin(admin.ModelAdmin):
    list_display = ["measure", "area_name", year_column(), "period_kind", "period_number", "sex", "value", "source"]
    list_filter = ["year", "period_kind", "sex", "area_name", "measure__plan"]
    list_select_related = ["measure"]
    search_fields = ["measure__name", "measure__short_name", "measure__kolada_id", "area_name"]
    autocomplete_fields = ["measure"]


@admin.register(StatusOverride)
class StatusOverrideAdmin(admin.ModelAdmin):
    list_display = ["measure", "period_label", "unit", "sex", "status", "comment", "decided_by", "updated_at"]
    list_filter = ["status", "year", "period_kind", "measure__plan"]
    list_select_related = ["measure", "unit", "decided_by"]
    search_fields = ["measure__name", "comment"]
    autocomplete_fields = ["measure", "unit"]
    readonly_fields = ["decided_by", "updated_at"]

    @admin.display(description=gettext_lazy("period"))
    def period_label(self, obj):
        return obj.period_label

    def save_model(self, request, obj, form, change):
        obj.decided_by = request.user
        super().save_model(request, obj, form, change)
