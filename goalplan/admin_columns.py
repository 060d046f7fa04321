"""Admin list columns shared by the apps."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


def year_column(field: str = "year", description=_("year")):  # noqa: B008 (a lazy text, made once)
    """A list column showing a year as written ("2025"): the admin would group it as a number ("2 025")."""

    @admin.display(description=description, ordering=field)
    def column(obj):
        value = getattr(obj, field)
        return "–" if value is None else str(value)

    column.__name__ = f"{field}_as_written"
    return column
