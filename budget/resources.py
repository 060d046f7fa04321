"""Import/export of budget lines and investments (django-import-export), all or nothing, formula-safe."""

from budget.models import BudgetLine, Investment
from kpis.resources import SafeResource


class BudgetLineResource(SafeResource):
    class Meta:
        model = BudgetLine
        fields = ("frame", "unit", "account_group", "part", "amount_tkr", "source_unit", "source_text")
        import_id_fields = ("frame", "unit", "account_group", "part")
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = True


class InvestmentResource(SafeResource):
    class Meta:
        model = Investment
        fields = (
            "id",
            "plan",
            "year",
            "unit_name",
            "unit",
            "object_name",
            "kind",
            "holder",
            "holder_via",
            "amount_tkr",
            "order",
        )
        import_id_fields = ("id",)
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = True
