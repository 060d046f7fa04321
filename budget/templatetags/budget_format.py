"""Template filters that show amounts through the one number renderer (kpis.formatting)."""

from django import template

from kpis.formatting import format_amount_tkr

register = template.Library()


@register.filter
def tkr(value):
    """An amount in tkr the Swedish way: -1 117 400; "–" when missing."""
    return format_amount_tkr(value)


@register.filter
def amount_for(amounts: dict, key):
    """The amount of one account group in a row (None when the row has none)."""
    return amounts.get(key)
