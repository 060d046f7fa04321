"""Admin for the reporting rounds: each body's reporting rule, the log of reminders sent, and the
units' approvals, their steps and analyses (read-only: written on the round's page)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from config.admin_guard import GuardedModelAdmin
from meetings.models import ApprovalEvent, MeasureAnalysis, ReportingRule, SentReminder, UnitApproval


@admin.register(ReportingRule)
class ReportingRuleAdmin(GuardedModelAdmin):
    list_display = [
        "body",
        "opens_after",
        "entry_closes_before_papers",
        "papers_before_meeting",
        "reminder_days",
    ]
    list_select_related = ["body"]


class ReadOnlyLogAdmin(GuardedModelAdmin):
    """Rows written by the product's own steps only (the reminder command, meetings.approvals,
    meetings.analyses): read here; approvals and analyses change on the round's page, where the
    write rule and the log apply."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SentReminder)
class SentReminderAdmin(ReadOnlyLogAdmin):
    """The log of reminders sent: written by the reminder command only, read here."""

    list_display = ["sent_at", "recipient", "address", "report", "missing"]
    list_filter = ["sent_on", "report__body"]
    list_select_related = ["recipient", "report"]
    search_fields = ["address", "recipient__username", "report__title"]
    date_hierarchy = "sent_on"
    readonly_fields = ["report", "recipient", "sent_on", "address", "missing", "text", "sent_at"]


class ApprovalEventInline(admin.TabularInline):
    model = ApprovalEvent
    extra = 0
    fields = readonly_fields = ["at", "action", "by", "comment"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UnitApproval)
class UnitApprovalAdmin(ReadOnlyLogAdmin):
    list_display = ["report", "unit", "state", "approved_at", "approved_by", "updated_at"]
    list_filter = ["state", "report__body", "report"]
    list_select_related = ["report", "unit", "approved_by"]
    search_fields = ["report__title", "unit__name", "comment"]
    readonly_fields = ["report", "unit", "state", "comment", "approved_at", "approved_by", "updated_at", "round_link"]
    inlines = [ApprovalEventInline]

    @admin.display(description=gettext_lazy("round page"))
    def round_link(self, obj):
        args = [obj.report_id, obj.unit_id] if obj.unit_id else [obj.report_id]
        url = reverse("round_unit" if obj.unit_id else "round_whole_plan", args=args)
        return format_html('<a href="{}">{}</a>', url, gettext_lazy("Open the unit's page in the round"))


@admin.register(ApprovalEvent)
class ApprovalEventAdmin(ReadOnlyLogAdmin):
    list_display = ["at", "approval", "action", "by", "comment"]
    list_filter = ["action", "approval__report"]
    list_select_related = ["approval__report", "approval__unit", "by"]
    search_fields = ["comment", "approval__report__title", "approval__unit__name"]
    readonly_fields = ["approval", "action", "by", "comment", "at"]


@admin.register(MeasureAnalysis)
class MeasureAnalysisAdmin(ReadOnlyLogAdmin):
    list_display = ["measure", "unit", "report", "written_by", "updated_at"]
    list_filter = ["report"]
    list_select_related = ["measure", "unit", "report", "written_by"]
    search_fields = ["analysis", "actions", "measure__name", "unit__name"]
    readonly_fields = ["report", "measure", "unit", "analysis", "actions", "written_by", "updated_at"]
