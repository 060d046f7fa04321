"""The vocabulary of follow-up periods: the kinds a stored value's period can be, the numbers each
kind takes, and the month names the labels are made of. The arithmetic is goalplan.periods."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PeriodKind(models.TextChoices):
    """What stretch of time a stored value covers."""

    MONTH = "month", _("Month")
    YEAR_TO_DATE = "ytd", _("Year to date")
    ROLLING_12 = "r12", _("Rolling 12 months")
    TERTIAL = "tertial", _("Tertial")
    YEAR = "year", _("Full year")


MONTH_NAMES = {
    1: pgettext_lazy("month", "January"),
    2: pgettext_lazy("month", "February"),
    3: pgettext_lazy("month", "March"),
    4: pgettext_lazy("month", "April"),
    5: pgettext_lazy("month", "May"),
    6: pgettext_lazy("month", "June"),
    7: pgettext_lazy("month", "July"),
    8: pgettext_lazy("month", "August"),
    9: pgettext_lazy("month", "September"),
    10: pgettext_lazy("month", "October"),
    11: pgettext_lazy("month", "November"),
    12: pgettext_lazy("month", "December"),
}

# Valid `number` for each kind; the database holds the same rule as a check constraint.
NUMBER_RANGES = {
    PeriodKind.MONTH: range(1, 13),
    PeriodKind.YEAR_TO_DATE: range(1, 13),
    PeriodKind.ROLLING_12: range(1, 13),
    PeriodKind.TERTIAL: range(1, 4),
    PeriodKind.YEAR: range(1),
}


MONTH_ABBREVIATIONS = {
    1: pgettext_lazy("month abbreviation", "Jan"),
    2: pgettext_lazy("month abbreviation", "Feb"),
    3: pgettext_lazy("month abbreviation", "Mar"),
    4: pgettext_lazy("month abbreviation", "Apr"),
    5: pgettext_lazy("month abbreviation", "May"),
    6: pgettext_lazy("month abbreviation", "Jun"),
    7: pgettext_lazy("month abbreviation", "Jul"),
    8: pgettext_lazy("month abbreviation", "Aug"),
    9: pgettext_lazy("month abbreviation", "Sep"),
    10: pgettext_lazy("month abbreviation", "Oct"),
    11: pgettext_lazy("month abbreviation", "Nov"),
    12: pgettext_lazy("month abbreviation", "Dec"),
}
