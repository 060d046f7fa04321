"""Admin for account groups, budget frames and lines, frame changes, investments and savings plans."""

from django.contrib import admin

from budget.models import (
    AccountGroup,
    BudgetFrame,
    BudgetLine,
    BudgetOutcome,
    FrameChange,
    Investment,
    SavingsEffect,
    SavingsMeasure,
)
from budget.resources import BudgetLineResource, InvestmentResource
from config.admin_guard import (
    GuardedHistoryAdmin,
    GuardedModelAdmin,
    GuardedTabularInline,
)
from config.admin_import_guard import GuardedImportExportMixin
from goalplan.admin_columns import year_column


@admin.register(AccountGroup)
class AccountGroupAdmin(GuardedModelAdmin):
    list_display = ["name", "accounts", "kind", "is_internal", "order"]
    list_filter = ["kind", "is_internal"]
    search_fields = ["name", "accounts"]


class BudgetLineInline(GuardedTabularInline):
    model = BudgetLine
    extra = 0
    fields = ["unit", "account_group", "part", "amount_tkr", "source_unit", "source_text", "change_reason"]
    autocomplete_fields = ["unit"]


class FrameChangeInline(GuardedTabularInline):
    model = FrameChange
    fk_name = "frame"
    extra = 0
    fields = [
        "order",
        "kind",
        "amount_tkr",
        "percent",
        "source_unit",
        "counterpart",
        "unit",
        "parent",
        "text",
        "reference",
    ]
    autocomplete_fields = ["unit"]


@admin.register(BudgetFrame)
class BudgetFrameAdmin(GuardedHistoryAdmin):
    list_display = ["__str__", "plan", "stage", "net_frame_tkr", "officials_budget_tkr", "elected_budget_tkr"]
    list_filter = ["year", "body", "stage", "plan"]
    list_select_related = ["plan", "body"]
    search_fields = ["body__name", "plan__title"]
    autocomplete_fields = ["plan"]
    inlines = [BudgetLineInline, FrameChangeInline]


@admin.register(BudgetLine)
class BudgetLineAdmin(GuardedImportExportMixin, GuardedHistoryAdmin):
    resource_classes = [BudgetLineResource]
    list_display = ["frame", "unit", "account_group", "part", "amount_tkr", "source_unit", "source_text"]
    list_filter = ["frame__plan", "frame__year", "frame__body", "account_group", "part"]
    list_select_related = ["frame__body", "unit", "account_group"]
    search_fields = ["unit__name", "account_group__name"]
    autocomplete_fields = ["frame", "unit"]


@admin.register(BudgetOutcome)
class BudgetOutcomeAdmin(GuardedHistoryAdmin):
    list_display = ["line", "month", "outcome_tkr", "forecast_tkr", "updated_at"]
    list_filter = ["line__frame__year", "month"]
    list_select_related = ["line__frame__body", "line__unit", "line__account_group"]
    list_editable = ["outcome_tkr", "forecast_tkr"]
    autocomplete_fields = ["line"]


@admin.register(FrameChange)
class FrameChangeAdmin(GuardedHistoryAdmin):
    list_display = ["__str__", "frame", "kind", "amount_tkr", "percent", "counterpart", "reference"]
    list_filter = ["kind", "frame__year", "frame__body"]
    list_select_related = ["frame__body", "counterpart"]
    search_fields = ["text", "reference"]
    autocomplete_fields = ["frame", "unit", "parent"]


@admin.register(Investment)
class InvestmentAdmin(GuardedImportExportMixin, GuardedHistoryAdmin):
    resource_classes = [InvestmentResource]
    list_display = ["unit_name", "object_name", "kind", "holder", "holder_via", "amount_tkr", year_column(), "plan"]
    list_filter = ["year", "kind", "holder", "plan"]
    list_select_related = ["holder", "plan"]
    search_fields = ["unit_name", "object_name"]
    autocomplete_fields = ["plan", "unit"]


class SavingsEffectInline(GuardedTabularInline):
    model = SavingsEffect
    extra = 0
    fields = ["year", "amount_tkr", "source_unit", "target", "outcome_tkr", "comment"]


@admin.register(SavingsMeasure)
class SavingsMeasureAdmin(GuardedHistoryAdmin):
    list_display = ["title", "plan", "reference", "order"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["plan"]
    inlines = [SavingsEffectInline]


@admin.register(SavingsEffect)
class SavingsEffectAdmin(GuardedHistoryAdmin):
    list_display = ["measure", year_column(), "amount_tkr", "target", "outcome_tkr"]
    list_filter = ["year", "measure__plan"]
    list_select_related = ["measure"]
    search_fields = ["measure__title", "target", "comment"]
    autocomplete_fields = ["measure"]
