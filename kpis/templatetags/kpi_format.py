"""Template filters that render values through the one number renderer (kpis.formatting)."""

from django import template

from kpis.formatting import format_measure_value

register = template.Library()


@register.filter
def measure_value(value, measure):
    """A value with the measure's decimals and unit, the Swedish way ("82,3 %")."""
    return format_measure_value(value, measure)
