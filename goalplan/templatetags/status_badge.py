"""The status badge: symbol, Swedish word and colour class of a status, from the Status enum.

``{% status_badge value %}`` renders ``<span class="status status-red">▲ Ej uppfyllt</span>`` for
a Status, its code ("red"), or a status frozen in an approved report before version 2 of the
report content ({"code": "red", "text": "▲ Ej uppfyllt"}); nothing for None. The one place the
badge's markup is written.

A simple tag rather than an inclusion tag: a 400-measure dashboard shows some 800 badges, and
rendering a template for each cost it 20–45 ms.
"""

import functools

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from goalplan.choices import Status

register = template.Library()


def as_status(value) -> Status | None:
    """The Status a template was given, whatever its shape; None for no status."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):  # content frozen at approval before CONTENT_VERSION 2
        value = value["code"]
    return Status(value)


@register.simple_tag
def status_badge(value) -> str:
    status = as_status(value)
    return _badge(status, get_language()) if status else ""


@functools.cache
def _badge(status: Status, language: str | None) -> str:
    # Four statuses, a few languages: each badge is written once (a dashboard shows some 800).
    return format_html('<span class="status {}">{}</span>', status.css_class, status.text)


@register.filter
def status_text(value) -> str:
    """Symbol and word only, for text that is not a badge (a chart's title)."""
    status = as_status(value)
    return status.text if status else ""
