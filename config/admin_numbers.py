"""What an admin page shows as Swedes read it. Numbers the Swedish way: "82,0" and "47 700", not "82,0000" and "47 700,0000" in
lists, and "86" rather than "86.0000" in forms (read back the Swedish way: "1 234,5").

Every decimal column of our models stores four decimals (a figure of any indicator fits); what a
person reads is the figure with its indicator's decimals (an outcome, a target, a national value),
else with as many as it has.
"""

from decimal import Decimal

from django.contrib import admin
from django.db import models

from kpis.formatting import format_number
from kpis.forms import SwedishDecimalField, SwedishDecimalInput

DECIMAL_FORM_FIELD = {models.DecimalField: {"form_class": SwedishDecimalField, "widget": SwedishDecimalInput}}


def decimals_of(obj, value: Decimal) -> int:
    """The decimals a row's figure is read with: its indicator's (or its measure's), when the row
    was read with it (list_select_related), else as many as the value has."""
    indicator = obj._state.fields_cache.get("indicator")
    if indicator is None and (measure := obj._state.fields_cache.get("measure")) is not None:
        indicator = measure._state.fields_cache.get("indicator")  # a plan's measure, read with it
    if indicator is not None and isinstance(getattr(indicator, "decimals", None), int):
        return indicator.decimals
    return max(0, -value.normalize().as_tuple().exponent)


def decimal_column(model, name: str):
    """A list column showing the decimal field ``name`` the Swedish way, sortable by it."""
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def column(obj):
        value = getattr(obj, name)
        if not isinstance(value, Decimal) or not value.is_finite():
            return "–" if value is None else value
        return format_number(value, decimals_of(obj, value))

    column.__name__ = name
    return column


def is_decimal_field(model, name) -> bool:
    if not isinstance(name, str):
        return False
    try:
        return isinstance(model._meta.get_field(name), models.DecimalField)
    except Exception:  # a method or an admin attribute, not a field
        return False


class SwedishNumbersMixin:
    """For every admin and inline of the product: decimal fields read and shown the Swedish way."""

    formfield_overrides = DECIMAL_FORM_FIELD

    def get_list_display(self, request):
        return [
            decimal_column(self.model, name) if is_decimal_field(self.model, name) else name
            for name in super().get_list_display(request)
        ]


class NoReasonForReadersMixin:
    """Someone who only reads a row (or an inline's rows) gives no reason: the change-reason field
    is left out of their read-only page, where it showed its bare English name."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        return [
            (name, {**options, "fields": [field for field in options["fields"] if field != "change_reason"]})
            for name, options in fieldsets
        ]
