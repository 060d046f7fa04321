"""Admin for meetings, agenda items, follow-up reports and internal control."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.admin_guard import (
    GuardedHistoryAdmin,
    GuardedModelAdmin,
    GuardedStackedInline,
    GuardedTabularInline,
)
from goalplan.admin_columns import year_column
from meetings.admin_approval import ReportApprovalAdmin

# The reporting rounds' rules and the reminders' log are registered there.
from meetings.admin_rounds import ReportingRuleAdmin, SentReminderAdmin  # noqa: F401
from meetings.models import (
    AgendaItem,
    FollowUpReport,
    InternalControlFollowUp,
    InternalControlItem,
    Meeting,
    ProposedAdjustment,
)


class AgendaItemInline(GuardedTabularInline):
    model = AgendaItem
    extra = 0
    fields = ["category", "order", "title", "responsible_role", "presentation"]


@admin.register(Meeting)
class MeetingAdmin(GuardedModelAdmin):
    list_display = ["__str__", "body", "kind", "starts_on", "ends_on", "plan"]
    list_filter = ["body", "kind", "plan"]
    list_select_related = ["body", "plan"]
    search_fields = ["title", "note", "agenda_items__title"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["plan"]
    inlines = [AgendaItemInline]

    # The meeting of an approved report is frozen with it (its date is part of what the report
    # says): un-approve the report to change or delete it.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _has_approved_report(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _has_approved_report(obj)


def _has_approved_report(meeting) -> bool:
    return meeting is not None and meeting.reports.filter(state=FollowUpReport.State.APPROVED).exists()


@admin.register(AgendaItem)
class AgendaItemAdmin(GuardedModelAdmin):
    list_display = ["title", "meeting", "category", "responsible_role", "presentation"]
    list_filter = ["category", "presentation", "meeting__body"]
    list_select_related = ["meeting__body"]
    search_fields = ["title", "responsible_role"]
    autocomplete_fields = ["meeting", "goals", "measures"]


class ProposedAdjustmentInline(GuardedStackedInline):
    model = ProposedAdjustment
    extra = 0
    fields = [
        "order",
        "kind",
        "goal",
        "measure",
        "current_text",
        "proposed_text",
        "measurement",
        "proposed_value",
        "reason",
    ]
    autocomplete_fields = ["goal", "measure"]

    # The proposals are part of what an approved report says: frozen with it.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj is not None and obj.is_approved)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_approved)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_approved)


@admin.register(FollowUpReport)
class FollowUpReportAdmin(ReportApprovalAdmin, GuardedHistoryAdmin):
    list_display = ["title", "body", "kind", "period_end", "meeting", "deadline", "state", "pdf_link"]
    list_filter = ["kind", "state", "body"]
    list_select_related = ["body", "meeting__body", "body__reporting_rule"]
    search_fields = ["title", "diary_number", "summary"]
    date_hierarchy = "period_end"
    autocomplete_fields = ["plan", "meeting"]
    readonly_fields = ["state", "approved_at", "approved_by", "approval_override", "round_dates"]
    fieldsets = [
        (
            None,
            {"fields": ["body", "plan", "kind", "period_end", "meeting", "title", "diary_number", "author", "summary"]},
        ),
        (
            gettext_lazy("Reporting round"),
            {
                "fields": ["round_dates", "entry_opens_on", "entry_deadline", "locks_on"],
                "description": gettext_lazy(
                    "From the meeting and the body's reporting rule; a date set here wins over the rule."
                ),
            },
        ),
        (gettext_lazy("Approval"), {"fields": ["state", "approved_at", "approved_by", "approval_override"]}),
    ]

    @admin.display(description=gettext_lazy("entry deadline"))
    def deadline(self, obj):
        return obj.schedule().deadline or "–"

    @admin.display(description=gettext_lazy("reporting round"))
    def round_dates(self, obj):
        """The round's dates as they stand (from the meeting and the body's rule, or as set here)."""
        if obj is None or obj.pk is None:
            return "–"
        schedule = obj.schedule()
        return format_html(
            "{}: {} · {}: {} · {}: {} · {}: {}",
            _("Entry opens"),
            schedule.opens_on,
            _("deadline"),
            schedule.deadline or "–",
            _("locked from"),
            schedule.locks_on or "–",
            _("meeting"),
            schedule.meeting_on or "–",
        )

    inlines = [ProposedAdjustmentInline]
    change_form_template = "admin/meetings/followupreport/change_form.html"

    @admin.display(description=gettext_lazy("PDF"))
    def pdf_link(self, obj):
        if obj.plan_id is None:
            return "–"
        return format_html('<a href="{}">{}</a>', reverse("report_download", args=[obj.pk]), gettext_lazy("Download"))

    def get_readonly_fields(self, request, obj=None):
        # A round's approvals are of its plan and period: fixed once a unit has acted in it.
        fixed = list(FollowUpReport.ROUND_FIELDS) if obj is not None and obj.has_unit_steps() else []
        return [*super().get_readonly_fields(request, obj), *fixed]

    def has_change_permission(self, request, obj=None):
        # An approved report is frozen: nothing it says may change afterwards (its page is a
        # view; un-approving, with a reason, is the way back to a draft).
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_approved)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_approved)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A revert would restore the state, content and PDF of another version: approval and
        # un-approval happen only through their own steps, with the right and the reason.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True


class InternalControlFollowUpInline(GuardedTabularInline):
    model = InternalControlFollowUp
    extra = 0
    fields = ["followed_up_on", "meeting", "status", "comment"]
    autocomplete_fields = ["meeting"]


@admin.register(InternalControlItem)
class InternalControlItemAdmin(GuardedModelAdmin):
    list_display = ["process", "body", year_column(), "responsible_role"]
    list_filter = ["year", "body"]
    list_select_related = ["body"]
    search_fields = ["process", "risk", "control"]
    inlines = [InternalControlFollowUpInline]


class ProposedAdjustmentForm(forms.ModelForm):
    """A proposal belongs to a draft report: an approved report's proposals are frozen with it."""

    def clean_report(self):
        report = self.cleaned_data.get("report")
        if report is not None and report.is_approved:
            raise ValidationError(_("The report is approved; its proposals are frozen with it."))
        return report


@admin.register(ProposedAdjustment)
class ProposedAdjustmentAdmin(GuardedModelAdmin):
    form = ProposedAdjustmentForm
    list_display = ["__str__", "kind", "report", "goal", "measure", "proposed_value"]
    list_filter = ["kind", "report"]
    list_select_related = ["report", "goal", "measure"]
    search_fields = ["current_text", "proposed_text", "reason"]
    autocomplete_fields = ["report", "goal", "measure"]

    # The same freeze as the inline on the report's page.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and obj.report.is_approved)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.report.is_approved)


@admin.register(InternalControlFollowUp)
class InternalControlFollowUpAdmin(GuardedModelAdmin):
    list_display = ["item", "followed_up_on", "status", "meeting"]
    list_filter = ["status", "item__body"]
    list_select_related = ["item", "meeting__body"]
    search_fields = ["item__process", "comment"]
    autocomplete_fields = ["item", "meeting"]
