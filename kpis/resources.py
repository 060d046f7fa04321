"""Import/export of measures and targets (django-import-export), all or nothing, formula-safe."""

from decimal import Decimal, InvalidOperation

from import_export import resources

from kpis.models import Measure, Target
from kpis.tables import safe_cell


class SafeResource(resources.ModelResource):
    """A resource whose imports are all or nothing and whose exports cannot run as formulas.

    django-import-export commits the valid rows of a file with invalid ones unless told otherwise
    (rollback_on_validation_errors), and only strips a leading "=" on export.
    """

    def import_data(self, dataset, **kwargs):
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    def export_field(self, field, instance, **kwargs):
        raw = field.get_value(instance) if field.attribute else None
        if isinstance(raw, (Decimal, int, float)) and not isinstance(raw, bool):
            return raw  # numbers stay numbers (not "16 920,0" text) so spreadsheets can count with them
        value = super().export_field(field, instance, **kwargs)
        if isinstance(value, str) and value:
            try:
                Decimal(value)  # a number such as "-0.7" stays a number
            except InvalidOperation:
                return safe_cell(value)
        return value


class MeasureResource(SafeResource):
    class Meta:
        model = Measure
        fields = ("id", "plan", "goal_area", "goal", "code", "name", "short_name", "description", "kind", "horizon",
                  "unit", "decimals", "direction", "frequency", "aggregation", "split_by_sex", "source", "kolada_id",
                  "decided_by", "order")
        import_id_fields = ("id",)
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = True


class TargetResource(SafeResource):
    class Meta:
        model = Target
        fields = ("measure", "year", "kind", "value", "base_year", "base_value", "wording", "tolerance", "note",
                  "decided_by", "decision_reference")
        import_id_fields = ("measure", "year")
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = True
