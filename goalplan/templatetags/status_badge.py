"""The status badge: symbol, Swedish word and colour class of a status, from the Status enum.

``{% status_badge value %}`` renders templates/partials/status.html for a Status, its code
("red"), or a status frozen in an approved report before version 2 of the report content
({"code": "red", "text": "▲ Ej uppfyllt"}); nothing for None.
"""

from django import template

from goalplan.choices import Status

register = template.Library()


def as_status(value) -> Status | None:
    """The Status a template was given, whatever its shape; None for no status."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):  # content frozen at approval before CONTENT_VERSION 2
        value = value["code"]
    return Status(value)


@register.inclusion_tag("partials/status.html")
def status_badge(value) -> dict:
    return {"status": as_status(value)}


@register.filter
def status_text(value) -> str:
    """Symbol and word only, for text that is not a badge (a chart's title)."""
    status = as_status(value)
    return status.text if status else ""
