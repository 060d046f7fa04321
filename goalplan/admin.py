"""Admin for bodies, organisation, plans, goal areas, goals, assessments and assignments."""

import re

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from config.admin_forms import GuardedModelForm
from config.admin_guard import (
    GuardedHistoryAdmin,
    GuardedModelAdmin,
    GuardedStackedInline,
    GuardedTabularInline,
)
from goalplan import admin_users
from goalplan.admin_columns import PlanScopedFormMixin, year_column
from goalplan.forms import PlanNamedChoiceField, PlanScopedChoicesMixin
from goalplan.models import (
    SHORT_NAME_IN_ADDRESS,
    Assignment,
    AssignmentFollowUp,
    Body,
    Goal,
    GoalArea,
    GoalAssessment,
    OrganisationalUnit,
    Plan,
)
from goalplan.selectors import related_count


class BodyAdminForm(GuardedModelForm):
    class Meta:
        model = Body
        fields = "__all__"
        help_texts = {
            "short_name": _(
                "Letters, digits and hyphens, e.g. HSN. It names the body in the addresses of its "
                "budget and meeting pages (/budget/HSN/2025/), so no two bodies of the region may share it."
            ),
        }
        error_messages = {
            "short_name": {
                "unique": _(
                    "Another body already has this abbreviation. It names the body in page addresses "
                    "(/budget/HSN/2025/), so each body needs its own; add a letter, e.g. HSN-N."
                ),
            },
            "name": {"unique": _("Another body already has this name.")},
        }

    def clean_short_name(self):
        # "HSN / Nord" would leave the body's budget and meeting pages without an address.
        short_name = self.cleaned_data["short_name"].strip()
        if not re.fullmatch(SHORT_NAME_IN_ADDRESS, short_name):
            raise forms.ValidationError(_("Use only letters, digits and hyphens (no spaces or slashes), e.g. HSN-N."))
        return short_name


@admin.register(Body)
class BodyAdmin(GuardedModelAdmin):
    form = BodyAdminForm
    list_display = ["name", "short_name", "kind", "order"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    # Members read the body's committee pages when COMMITTEE_PAGES_VISIBILITY is "members".
    filter_horizontal = ["members"]


@admin.register(OrganisationalUnit)
class OrganisationalUnitAdmin(GuardedModelAdmin):
    list_display = ["name", "kind", "parent", "body", "code", "is_active"]
    list_filter = ["kind", "body", "is_active"]
    list_select_related = ["parent", "body"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


class GoalAreaInline(GuardedStackedInline):
    model = GoalArea
    fk_name = "plan"
    extra = 0
    fields = ["kind", "name", "order", "source_area", "description", "political_intent", "change_reason"]
    autocomplete_fields = ["source_area"]


@admin.register(Plan)
class PlanAdmin(GuardedHistoryAdmin):
    list_display = [
        "title",
        "kind",
        "body",
        "years_label",
        "diary_number",
        "decided_on",
        "state",
        "goal_count",
        "measure_count",
        "entry_link",
    ]
    list_filter = ["kind", "body", "state"]
    list_select_related = ["body"]
    search_fields = ["title", "diary_number"]
    autocomplete_fields = ["parent"]
    inlines = [GoalAreaInline]
    fieldsets = [
        (None, {"fields": ["title", "kind", "body", ("start_year", "end_year"), "parent", "state", "change_reason"]}),
        (_("Decision"), {"fields": ["diary_number", "decided_on", "decision_reference", "revised_on"]}),
        (_("Text"), {"fields": ["introduction", "planning_conditions"], "classes": ["collapse"]}),
        (
            _("Reconciliation"),
            {"fields": ["stated_result_goal_count", "stated_measure_count"], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(goal_total=related_count("goals"), measure_total=related_count("measures"))
        )

    @admin.display(description=_("years"), ordering="start_year")
    def years_label(self, obj):
        return obj.years_label

    @admin.display(description=_("goals"), ordering="goal_total")
    def goal_count(self, obj):
        return obj.goal_total

    @admin.display(description=_("measures"), ordering="measure_total")
    def measure_count(self, obj):
        return obj.measure_total

    @admin.display(description=_("outcomes"))
    def entry_link(self, obj):
        """A link to enter the last month's outcomes (or the plan's last month if it is over)."""
        if not obj.measure_total:
            return "–"
        today = timezone.localdate()
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        if year > obj.end_year:
            year, month = obj.end_year, 12
        elif year < obj.start_year:
            year, month = obj.start_year, 1
        url = reverse("admin:kpis_outcome_entry")
        return format_html(
            '<a href="{}?plan={}&amp;year={}&amp;period_kind=month&amp;period_number={}">{}</a>',
            url,
            obj.pk,
            year,
            month,
            _("Enter outcomes"),
        )


@admin.register(GoalArea)
class GoalAreaAdmin(GuardedHistoryAdmin):
    list_display = ["name", "kind", "plan", "order"]
    list_filter = ["kind", "plan"]
    list_select_related = ["plan"]
    search_fields = ["name", "plan__title"]
    autocomplete_fields = ["plan", "source_area"]


class GoalAssessmentInline(GuardedTabularInline):
    model = GoalAssessment
    extra = 0
    fields = ["year", "period_kind", "period_number", "status", "result", "comment", "change_reason"]


class GoalAdminForm(PlanScopedChoicesMixin, GuardedModelForm):
    plan_scoped_fields = ("goal_area",)

    class Meta:
        model = Goal
        fields = "__all__"
        field_classes = {"goal_area": PlanNamedChoiceField}


class AssignmentAdminForm(PlanScopedChoicesMixin, GuardedModelForm):
    plan_scoped_fields = ("goal_area",)

    class Meta:
        model = Assignment
        fields = "__all__"
        field_classes = {"goal_area": PlanNamedChoiceField}


@admin.register(Goal)
class GoalAdmin(PlanScopedFormMixin, GuardedHistoryAdmin):
    form = GoalAdminForm
    list_display = ["__str__", "kind", "plan", "goal_area", "parent", "analysis_owner"]
    list_filter = ["kind", "plan", "shared_with"]
    list_select_related = ["plan", "goal_area", "parent", "analysis_owner"]
    search_fields = ["title", "description", "code"]
    # The goal area a plain list of the plan's own; the goal served is searched (another plan's).
    autocomplete_fields = ["plan", "parent"]
    filter_horizontal = ["shared_with"]
    inlines = [GoalAssessmentInline]


@admin.register(GoalAssessment)
class GoalAssessmentAdmin(GuardedHistoryAdmin):
    list_display = ["goal", "period_label", "status", "updated_at"]
    list_filter = ["status", "year", "period_kind", "goal__plan"]
    list_select_related = ["goal"]
    search_fields = ["goal__title", "comment", "result"]
    autocomplete_fields = ["goal"]
    readonly_fields = ["assessed_by", "updated_at"]

    @admin.display(description=_("period"))
    def period_label(self, obj):
        return obj.period_label

    def save_model(self, request, obj, form, change):
        obj.assessed_by = request.user
        super().save_model(request, obj, form, change)


class AssignmentFollowUpInline(GuardedTabularInline):
    model = AssignmentFollowUp
    extra = 0
    fields = ["year", "period_kind", "period_number", "status", "comment"]


@admin.register(Assignment)
class AssignmentAdmin(PlanScopedFormMixin, GuardedHistoryAdmin):
    form = AssignmentAdminForm
    list_display = ["__str__", "plan", "goal_area", "decided_by"]
    list_filter = ["plan", "decided_by"]
    list_select_related = ["plan", "goal_area", "decided_by"]
    search_fields = ["text"]
    autocomplete_fields = ["plan"]
    inlines = [AssignmentFollowUpInline]


@admin.register(AssignmentFollowUp)
class AssignmentFollowUpAdmin(GuardedModelAdmin):
    list_display = ["assignment", year_column(), "period_kind", "period_number", "status"]
    list_filter = ["status", "year", "assignment__plan"]
    list_select_related = ["assignment"]
    search_fields = ["assignment__text", "comment"]
    autocomplete_fields = ["assignment"]


admin_users.register(admin.site)
