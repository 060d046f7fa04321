"""Import/export of measures and targets (django-import-export), all or nothing, formula-safe."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from import_export import resources

from kpis.access import guard_of, write_rules_for
from kpis.exports import neutralised
from kpis.models import Measure, Target


class SafeResource(resources.ModelResource):
    """A resource whose imports are all or nothing and whose exports cannot run as formulas.

    django-import-export commits the valid rows of a file with invalid ones unless told otherwise
    (rollback_on_validation_errors), and only strips a leading "=" on export.
    """

    def import_data(self, dataset, **kwargs):
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        # The write rule for the importing person (None: a system import, like the commands).
        self.write_rules = write_rules_for(kwargs.get("user"))
        self.change_reason = kwargs.get("change_reason", "") or ""
        return super().import_data(dataset, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        """Refuse a row the write rule refuses (locked figures without a reason), as a row error."""
        super().before_save_instance(instance, row, **kwargs)
        if guard_of(type(instance)) is None:
            return
        stored = type(instance)._base_manager.filter(pk=instance.pk).first() if instance.pk else None
        try:
            self.write_rules.check_write(stored=stored, new=instance, reason=self.change_reason)
        except PermissionDenied as denied:
            raise ValidationError(str(denied)) from denied
        instance._change_reason = self.change_reason.strip() or None

    def export_field(self, field, instance, **kwargs):
        raw = field.get_value(instance) if field.attribute else None
        if isinstance(raw, (Decimal, int, float)) and not isinstance(raw, bool):
            return raw  # numbers stay numbers (not "16 920,0" text) so spreadsheets can count with them
        value = super().export_field(field, instance, **kwargs)
        if isinstance(value, str) and value:
            try:
                Decimal(value)  # a number such as "-0.7" stays a number
            except InvalidOperation:
                return neutralised(value)
        return value


class MeasureResource(SafeResource):
    class Meta:
        model = Measure
        fields = (
            "id",
            "plan",
            "indicator",
            "goal_area",
            "goal",
            "code",
            "name",
            "short_name",
            "description",
            "kind",
            "horizon",
            "decided_by",
            "order",
        )
        import_id_fields = ("id",)
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = True


class TargetResource(SafeResource):
    class Meta:
        model = Target
        fields = (
            "measure",
            "year",
            "kind",
            "value",
            "base_year",
            "base_value",
            "wording",
            "tolerance",
            "note",
            "decided_by",
            "decision_reference",
        )
        import_id_fields = ("measure", "year")
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = True
