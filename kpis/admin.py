"""Admin for indicators, the measure library, plans' next year, measures, targets, comparison values
and status overrides; the outcome admin (entry page, import) is kpis.admin_outcomes."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.admin_forms import ReadableRelatedOnlyFieldListFilter
from config.admin_guard import (
    GuardedHistoryAdmin,
    GuardedModelAdmin,
    GuardedTabularInline,
)
from config.admin_import_guard import GuardedImportExportMixin
from goalplan.admin import PlanAdmin
from goalplan.admin_columns import PlanScopedFormMixin, year_column
from goalplan.models import Plan
from goalplan.selectors import visible_to
from kpis.admin_outcomes import OutcomeAdmin
from kpis.forms import (
    AdoptTemplatesForm,
    KoladaImportForm,
    MeasureAdminForm,
)
from kpis.kolada import KoladaFileError, import_kolada
from kpis.models import (
    Indicator,
    IndicatorTemplate,
    Measure,
    NationalValue,
    Outcome,
    StatusOverride,
    Target,
)
from kpis.planning import adopt_templates, create_next_year_plan
from kpis.resources import MeasureResource, TargetResource


class TargetInline(GuardedTabularInline):
    model = Target
    extra = 0
    fields = ["year", "kind", "value", "base_year", "base_value", "wording", "tolerance", "decided_by", "change_reason"]


@admin.register(Indicator)
class IndicatorAdmin(GuardedHistoryAdmin):
    # Narrow enough for 1 366 pixels: the plans it feeds are what the list is for.
    list_display = ["__str__", "unit", "direction", "aggregation", "used_in_plans"]
    list_filter = [
        "frequency",
        "direction",
        "aggregation",
        "split_by_sex",
        "reported_per_unit",
        # The units that answer for an indicator, not every unit of the region.
        ("responsible_unit", ReadableRelatedOnlyFieldListFilter),
    ]
    search_fields = ["code", "name", "kolada_id"]
    autocomplete_fields = ["responsible_unit", "responsible_person"]
    readonly_fields = ["used_in_plans"]
    fieldsets = [
        (None, {"fields": ["code", "name", "description", "used_in_plans", "change_reason"]}),
        (
            gettext_lazy("Reporting"),
            {"fields": ["responsible_unit", "responsible_person", "reported_per_unit"]},
        ),
        (
            gettext_lazy("How it is measured"),
            {"fields": ["unit", "decimals", "direction", "frequency", "aggregation", "split_by_sex"]},
        ),
        (gettext_lazy("Source"), {"fields": ["source", "kolada_id"]}),
    ]

    def get_queryset(self, request):
        # The plans it feeds, of those the person reads (another body's plan is not named).
        adoptions = visible_to(request.user, Measure.objects.select_related("plan"), "plan__body")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("measures", queryset=adoptions.order_by("plan__start_year", "pk")))
        )

    @admin.display(description=gettext_lazy("used in plans"))
    def used_in_plans(self, obj):
        plans = list(dict.fromkeys(measure.plan for measure in obj.measures.all())) if obj.pk else []
        return format_html_join(", ", "{}", ((plan,) for plan in plans)) or "–"


@admin.register(IndicatorTemplate)
class IndicatorTemplateAdmin(GuardedModelAdmin):
    """The measure library: standard indicators with their usual targets, adopted into a plan
    per division in one action."""

    list_display = ["name", "group", "code", "unit", "target_wording", "kolada_id"]
    list_filter = ["group"]
    search_fields = ["name", "code", "kolada_id"]
    actions = ["adopt_in_plan"]

    @admin.action(description=gettext_lazy("Adopt in a plan …"), permissions=["adopt"])
    def adopt_in_plan(self, request, queryset):
        plans = visible_to(request.user, Plan.objects.select_related("body"), "body").order_by("-start_year", "title")
        form = AdoptTemplatesForm(request.POST if "adopt" in request.POST else None, plans=plans)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = adopt_templates(
                    plan=data["plan"],
                    templates=list(queryset),
                    units=list(data["units"]),
                    whole_scope=data["whole_scope"],
                    goal_area=data["goal_area"],
                    user=request.user,
                    reason=data["reason"],
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
            else:
                if result.measures:
                    self.message_user(
                        request,
                        _("%(count)s measures adopted in %(plan)s.")
                        % {"count": len(result.measures), "plan": data["plan"]},
                        messages.SUCCESS,
                    )
                if result.already_adopted:
                    self.message_user(
                        request,
                        _("Already followed in the plan, not adopted again: %(names)s")
                        % {"names": "; ".join(result.already_adopted)},
                        messages.WARNING,
                    )
                return HttpResponseRedirect(
                    reverse("admin:kpis_measure_changelist") + f"?plan__id__exact={data['plan'].pk}"
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "templates": queryset,
            "title": _("Adopt measures from the library"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/kpis/indicatortemplate/adopt.html", context)

    def has_adopt_permission(self, request):
        # Adopting writes measures and targets: the right to add measures.
        return request.user.has_perm("kpis.add_measure") and request.user.has_perm("kpis.add_target")


admin.site.unregister(Plan)


@admin.register(Plan)
class PlanWithNextYearAdmin(PlanAdmin):
    """The plan admin, with "Skapa nästa års plan" (it copies measures and targets, which this app
    owns)."""

    actions = [*PlanAdmin.actions, "create_next_year_plan"] if PlanAdmin.actions else ["create_next_year_plan"]

    @admin.action(description=gettext_lazy("Create next year's plan"), permissions=["add"])
    def create_next_year_plan(self, request, queryset):
        for plan in queryset:
            try:
                new_plan = create_next_year_plan(plan, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{plan}: {text}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    format_html(
                        _(
                            "Created the draft {link} from {plan}: goal areas, goals, measures and targets copied "
                            "as proposals."
                        ),
                        link=format_html(
                            '<a href="{}">{}</a>', reverse("admin:goalplan_plan_change", args=[new_plan.pk]), new_plan
                        ),
                        plan=plan,
                    ),
                    messages.SUCCESS,
                )


@admin.register(Measure)
class MeasureAdmin(PlanScopedFormMixin, GuardedImportExportMixin, GuardedHistoryAdmin):
    resource_classes = [MeasureResource]
    form = MeasureAdminForm
    # The id too: the outcome import takes it where a number or name fits more than one indicator.
    list_display = ["__str__", "code", "id", "plan", "goal_area", "indicator", "decided_by"]
    list_filter = ["plan", "kind", "horizon", "indicator__frequency", "indicator__direction", "decided_by"]
    list_select_related = ["plan", "goal_area", "decided_by", "indicator"]
    search_fields = ["name", "short_name", "code", "indicator__code", "indicator__name", "indicator__kolada_id"]
    autocomplete_fields = ["plan", "indicator"]
    inlines = [TargetInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "plan",
                    "indicator",
                    "goal_area",
                    "goal",
                    "code",
                    "name",
                    "short_name",
                    "description",
                    "change_reason",
                ]
            },
        ),
        (gettext_lazy("In the plan"), {"fields": ["kind", "horizon", "decided_by", "order"]}),
    ]


@admin.register(Target)
class TargetAdmin(GuardedImportExportMixin, GuardedHistoryAdmin):
    resource_classes = [TargetResource]
    list_display = [
        "wording",
        "measure",
        year_column(),
        "kind",
        "value",
        year_column("base_year", gettext_lazy("base year")),
        "tolerance",
        "decided_by",
    ]
    list_filter = ["year", "kind", "measure__plan", "decided_by"]
    list_select_related = ["measure__indicator", "decided_by"]
    search_fields = ["wording", "measure__name", "measure__short_name"]
    autocomplete_fields = ["measure"]


# The outcome admin lives in its own module (the entry page and the import make it long).
admin.site.register(Outcome, OutcomeAdmin)


@admin.register(NationalValue)
class NationalValueAdmin(GuardedModelAdmin):
    list_display = ["indicator", "area_name", year_column(), "period_kind", "period_number", "sex", "value", "source"]
    list_filter = ["year", "period_kind", "sex", "area_name", "indicator__measures__plan"]
    list_select_related = ["indicator"]
    search_fields = ["indicator__name", "indicator__code", "indicator__kolada_id", "area_name"]
    autocomplete_fields = ["indicator"]
    change_list_template = "admin/kpis/nationalvalue/change_list.html"

    def get_urls(self):
        upload = path("kolada/", self.admin_site.admin_view(self.kolada_view), name="kpis_nationalvalue_kolada")
        return [upload, *super().get_urls()]

    def kolada_view(self, request):
        """Upload a Kolada data file; values are matched to measures by their Kolada id."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = KoladaImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = import_kolada(form.cleaned_data["file"].read())
            except KoladaFileError as error:
                form.add_error("file", str(error))
            else:
                self.message_user(
                    request,
                    _(
                        "Kolada: %(created)s new, %(updated)s changed, %(unchanged)s unchanged, "
                        "%(skipped)s without value."
                    )
                    % vars(result),
                    messages.SUCCESS,
                )
                if result.unknown_kpis:
                    self.message_user(
                        request,
                        _("No indicator has the Kolada id: %(ids)s") % {"ids": ", ".join(result.unknown_kpis)},
                        messages.WARNING,
                    )
                return HttpResponseRedirect(reverse("admin:kpis_nationalvalue_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import comparison values from Kolada"),
            "form": form,
        }
        return TemplateResponse(request, "admin/kpis/nationalvalue/kolada.html", context)


@admin.register(StatusOverride)
class StatusOverrideAdmin(GuardedHistoryAdmin):
    list_display = ["indicator", "period_label", "unit", "sex", "status", "comment", "decided_by", "updated_at"]
    list_filter = ["status", "year", "period_kind", "indicator__measures__plan"]
    list_select_related = ["indicator", "unit", "decided_by"]
    search_fields = ["indicator__name", "indicator__code", "comment"]
    autocomplete_fields = ["indicator", "unit"]
    readonly_fields = ["decided_by", "updated_at"]

    @admin.display(description=gettext_lazy("period"))
    def period_label(self, obj):
        return obj.period_label

    def save_model(self, request, obj, form, change):
        obj.decided_by = request.user
        super().save_model(request, obj, form, change)
