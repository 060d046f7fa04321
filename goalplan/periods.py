"""Follow-up periods: how a stored value's period is named and when it ends.

A period is (year, kind, number): a single month, year-to-date through a month
("Ack april"), rolling twelve months ending in a month ("R12"), a tertial (T1 = Jan–Apr,
T2 = May–Aug, T3 = Sep–Dec) or the whole year. The interim report per August is
year-to-date through month 8.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MONTHS_PER_TERTIAL = 4


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
    PeriodKind.YEAR: range(0, 1),
}


@dataclass(frozen=True, order=True)
class Period:
    """A follow-up period, e.g. Period(2025, PeriodKind.YEAR_TO_DATE, 4) = "Ack april 2025"."""

    year: int
    kind: str
    number: int = 0

    def __post_init__(self):
        if self.number not in NUMBER_RANGES[PeriodKind(self.kind)]:
            raise ValueError(f"{self.number} is not a valid number for a {self.kind} period")

    @property
    def end_month(self) -> int:
        """The last calendar month the period covers."""
        if self.kind == PeriodKind.YEAR:
            return 12
        if self.kind == PeriodKind.TERTIAL:
            return self.number * MONTHS_PER_TERTIAL
        return self.number

    @property
    def end_date(self) -> datetime.date:
        """The period's last day, e.g. 2025-04-30 for T1 2025."""
        month = self.end_month
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def label(self) -> str:
        """Human label in the active language, e.g. "Ack april 2025"."""
        kind = PeriodKind(self.kind)
        if kind == PeriodKind.YEAR:
            return str(self.year)
        if kind == PeriodKind.TERTIAL:
            return _("T%(number)s %(year)s") % {"number": self.number, "year": self.year}
        month = MONTH_NAMES[self.number]
        if kind == PeriodKind.YEAR_TO_DATE:
            return _("Year to date %(month)s %(year)s") % {"month": month, "year": self.year}
        if kind == PeriodKind.ROLLING_12:
            return _("R12 %(month)s %(year)s") % {"month": month, "year": self.year}
        return f"{str(month).capitalize()} {self.year}"

    def __str__(self) -> str:
        return self.label()
