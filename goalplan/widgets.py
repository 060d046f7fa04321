"""Widgets written without the template engine, for the forms of pages that show many of them.

Django renders every widget through its widget templates (input.html, attrs.html, select.html),
about 0,15 ms apiece, an option of a select included one by one. A 400-measure plan's entry page
has some 6 000 widgets (two thirds of its time), and the plan dashboard's filters a select of
every unit on every visit (as much as the rest of a cached page). These widgets write the same
markup directly from the same context (``Widget.get_context``), so ids, ``aria-*`` and
``required`` attributes and value formatting stay Django's; tests/test_widgets.py holds
their output equal to Django's own.
"""

import html

from django import forms
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime


def _escaped(value) -> str:
    """``conditional_escape`` without its lazy-argument wrapper (6 000 widgets × a few values)."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _label(value) -> str:
    """An option's label as ``{{ widget.label }}`` writes it: numbers and dates localized."""
    return _escaped(value if isinstance(value, str) else localize(template_localtime(value)))


def _attributes(attrs: dict) -> str:
    """attrs.html: a bare name for True, nothing for False, else name="value" (escaped)."""
    return "".join(
        f" {name}" if value is True else f' {name}="{_escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class DirectlyRendered:
    """A widget whose ``render`` writes its markup itself (see the module docstring)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        context = self.get_context(name, value, attrs)
        if not self.renders_directly(context["widget"]):
            return self._render(self.template_name, context, renderer)
        return mark_safe(self.markup(context["widget"]))

    def renders_directly(self, widget: dict) -> bool:
        return True

    def markup(self, widget: dict) -> str:
        raise NotImplementedError


class DirectInput(DirectlyRendered):
    def markup(self, widget: dict) -> str:
        value = "" if widget["value"] is None else f' value="{_escaped(widget["value"])}"'
        return (
            f'<input type="{_escaped(widget["type"])}" name="{_escaped(widget["name"])}"'
            f"{value}{_attributes(widget['attrs'])}>"
        )


class HiddenInput(DirectInput, forms.HiddenInput):
    pass


class TextInput(DirectInput, forms.TextInput):
    pass


class Select(DirectlyRendered, forms.Select):
    """select.html for flat choices; grouped choices are left to Django's template."""

    def renders_directly(self, widget: dict) -> bool:
        return not any(group for group, _options, _index in widget["optgroups"])

    def markup(self, widget: dict) -> str:
        options = "".join(
            f'\n  <option value="{_escaped(option["value"])}"{_attributes(option["attrs"])}>'
            # select_option.html ends with a newline, which the include keeps.
            f"{_label(option['label'])}</option>\n"
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        )
        return f'<select name="{_escaped(widget["name"])}"{_attributes(widget["attrs"])}>{options}\n</select>'
