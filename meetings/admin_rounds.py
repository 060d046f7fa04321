"""Admin for the reporting rounds: each body's reporting rule, and the log of reminders sent."""

from django.contrib import admin

from config.admin_guard import GuardedModelAdmin
from meetings.models import ReportingRule, SentReminder


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


@admin.register(SentReminder)
class SentReminderAdmin(GuardedModelAdmin):
    """The log of reminders sent: written by the reminder command only, read here."""

    list_display = ["sent_at", "recipient", "address", "report", "missing"]
    list_filter = ["sent_on", "report__body"]
    list_select_related = ["recipient", "report"]
    search_fields = ["address", "recipient__username", "report__title"]
    date_hierarchy = "sent_on"
    readonly_fields = ["report", "recipient", "sent_on", "address", "missing", "text", "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
