"""Admin for meetings, agenda items, follow-up reports and internal control."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy, ngettext

from meetings.models import (
    AgendaItem,
    FollowUpReport,
    InternalControlFollowUp,
    InternalControlItem,
    Meeting,
    ProposedAdjustment,
)
from goalplan.admin_columns import year_column
from meetings.services import approve_report


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["category", "order", "title", "responsible_role", "presentation"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "body", "kind", "starts_on", "ends_on", "plan"]
    list_filter = ["body", "kind", "plan"]
    list_select_related = ["body", "plan"]
    search_fields = ["title", "note", "agenda_items__title"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["plan"]
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "category", "responsible_role", "presentation"]
    list_filter = ["category", "presentation", "meeting__body"]
    list_select_related = ["meeting__body"]
    search_fields = ["title", "responsible_role"]
    autocomplete_fields = ["meeting", "goals", "measures"]


class ProposedAdjustmentInline(admin.StackedInline):
    model = ProposedAdjustment
    extra = 0
    fields = ["order", "kind", "goal", "measure", "current_text", "proposed_text", "measurement", "proposed_value", "reason"]
    autocomplete_fields = ["goal", "measure"]

    # The proposals are part of what an approved report says: frozen with it.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj is not None and obj.is_approved)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_approved)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_approved)


@admin.register(FollowUpReport)
class FollowUpReportAdmin(admin.ModelAdmin):
    list_display = ["title", "body", "kind", "period_end", "meeting", "state", "pdf_link"]
    list_filter = ["kind", "state", "body"]
    list_select_related = ["body", "meeting__body"]
    search_fields = ["title", "diary_number", "summary"]
    date_hierarchy = "period_end"
    autocomplete_fields = ["plan", "meeting"]
    readonly_fields = ["state", "approved_at", "approved_by"]
    inlines = [ProposedAdjustmentInline]
    actions = ["approve_selected"]

    @admin.display(description=gettext_lazy("PDF"))
    def pdf_link(self, obj):
        if obj.plan_id is None:
            return "–"
        return format_html('<a href="{}">{}</a>', reverse("report_download", args=[obj.pk]), gettext_lazy("Download"))

    def get_readonly_fields(self, request, obj=None):
        # An approved report is frozen: nothing it says may change afterwards.
        if obj is not None and obj.is_approved:
            return [field.name for field in obj._meta.fields if field.editable] + list(self.readonly_fields)
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_approved)

    @admin.action(description=gettext_lazy("Approve the selected reports (freezes their content and PDF)"))
    def approve_selected(self, request, queryset):
        approved = 0
        for report in queryset:
            try:
                approve_report(report=report, user=request.user)
                approved += 1
            except ValidationError as error:
                self.message_user(request, f"{report}: {' '.join(error.messages)}", messages.ERROR)
        if approved:
            self.message_user(request, ngettext("%(count)d report approved.", "%(count)d reports approved.", approved)
                              % {"count": approved}, messages.SUCCESS)


class InternalControlFollowUpInline(admin.TabularInline):
    model = InternalControlFollowUp
    extra = 0
    fields = ["followed_up_on", "meeting", "status", "comment"]
    autocomplete_fields = ["meeting"]


@admin.register(InternalControlItem)
class InternalControlItemAdmin(admin.ModelAdmin):
    list_display = ["process", "body", year_column(), "responsible_role"]
    list_filter = ["year", "body"]
    list_select_related = ["body"]
    search_fields = ["process", "risk", "control"]
    inlines = [InternalControlFollowUpInline]


@admin.register(ProposedAdjustment)
class ProposedAdjustmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "report", "goal", "measure", "proposed_value"]
    list_filter = ["kind", "report"]
    list_select_related = ["report", "goal", "measure"]
    search_fields = ["current_text", "proposed_text", "reason"]
    autocomplete_fields = ["report", "goal", "measure"]


@admin.register(InternalControlFollowUp)
class InternalControlFollowUpAdmin(admin.ModelAdmin):
    list_display = ["item", "followed_up_on", "status", "meeting"]
    list_filter = ["status", "item__body"]
    list_select_related = ["item", "meeting__body"]
    search_fields = ["item__process", "comment"]
    autocomplete_fields = ["item", "meeting"]
