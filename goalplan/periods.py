"""Follow-up periods: how a stored value's period is named and when it ends.

A period is (year, kind, number): a single month, year-to-date through a month
("Ack april"), rolling twelve months ending in a month ("R12"), a tertial (T1 = Jan–Apr,
T2 = May–Aug, T3 = Sep–Dec) or the whole year. The interim report per August is
year-to-date through month 8.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# The vocabulary (kinds, valid numbers, month names) is goalplan.period_kinds, named here too.
from goalplan.period_kinds import MONTH_ABBREVIATIONS as MONTH_ABBREVIATIONS
from goalplan.period_kinds import MONTH_NAMES as MONTH_NAMES
from goalplan.period_kinds import NUMBER_RANGES as NUMBER_RANGES
from goalplan.period_kinds import PeriodKind as PeriodKind

MONTHS_PER_TERTIAL = 4
MONTHS_PER_YEAR = 12


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

    @classmethod
    def tertial(cls, year: int, number: int) -> "Period":
        """T1 = January–April, T2 = May–August, T3 = September–December."""
        return cls(year, PeriodKind.TERTIAL, number)

    @classmethod
    def tertial_containing(cls, year: int, month: int) -> "Period":
        """The tertial a month falls in: April is in T1, May in T2."""
        return cls.tertial(year, (month - 1) // MONTHS_PER_TERTIAL + 1)

    @classmethod
    def interim(cls, year: int) -> "Period":
        """The interim report's period: January–August (year to date through August)."""
        return cls(year, PeriodKind.YEAR_TO_DATE, 8)

    @classmethod
    def full_year(cls, year: int) -> "Period":
        return cls(year, PeriodKind.YEAR)

    @property
    def start_month(self) -> int:
        """The first calendar month of the period's own stretch (R12 reaches into last year)."""
        if self.kind == PeriodKind.TERTIAL:
            return self.end_month - MONTHS_PER_TERTIAL + 1
        if self.kind == PeriodKind.MONTH:
            return self.number
        return 1

    @property
    def span(self) -> "MonthSpan":
        """The months the period covers as one run (T1 2025 and Ack april 2025 are the same span)."""
        months = self.months()
        return MonthSpan(month_index(*months[0]), month_index(*months[-1]))

    def months(self) -> list[tuple[int, int]]:
        """The (year, month) pairs the period covers, oldest first.

        Month n: [n]; year to date n: 1..n; tertial t: 4t-3..4t; year: 1..12; R12 n: the twelve
        months ending in month n (into the previous year).
        """
        if self.kind == PeriodKind.ROLLING_12:
            return rolling_12_months(self.year, self.number)
        return [(self.year, month) for month in range(self.start_month, self.end_month + 1)]

    def previous(self) -> "Period | None":
        """The period before this one of the same kind, for trends (None for year to date January)."""
        if self.kind == PeriodKind.YEAR:
            return Period(self.year - 1, self.kind)
        if self.kind == PeriodKind.TERTIAL:
            if self.number == 1:
                return Period(self.year - 1, self.kind, 3)
            return Period(self.year, self.kind, self.number - 1)
        if self.kind == PeriodKind.YEAR_TO_DATE:
            return Period(self.year, self.kind, self.number - 1) if self.number > 1 else None
        if self.number == 1:
            return Period(self.year - 1, self.kind, 12)
        return Period(self.year, self.kind, self.number - 1)

    def in_year(self, year: int) -> "Period":
        """The same period in another year (e.g. Ack april 2017 for Ack april 2018)."""
        return Period(year, self.kind, self.number)

    @property
    def year_to_date(self) -> "Period":
        """Year to date through this period's last month (the interim report per August = YTD 8)."""
        return Period(self.year, PeriodKind.YEAR_TO_DATE, self.end_month)

    @property
    def closes_tertial(self) -> bool:
        """Whether the period ends with a tertial (April, August, December): a tertial figure is then due."""
        return self.end_month % MONTHS_PER_TERTIAL == 0

    @property
    def closes_year(self) -> bool:
        """Whether the period ends in December: a yearly target is then final, not in progress."""
        return self.end_month == 12

    @property
    def token(self) -> str:
        """The period within its year as a URL value: "month-4", "ytd-4", "tertial-1", "year"."""
        return "year" if self.kind == PeriodKind.YEAR else f"{self.kind}-{self.number}"

    @property
    def query(self) -> str:
        """The period as GET parameters of the committee pages: "year=2025&period=tertial-1"."""
        return f"year={self.year}&period={self.token}"

    @classmethod
    def from_token(cls, year: int, token: str) -> "Period":
        """The inverse of ``token``; raises ValueError for anything else."""
        kind, _, number = token.partition("-")
        if kind == PeriodKind.YEAR and not number:
            return cls(year, PeriodKind.YEAR)
        if kind not in PeriodKind.values or kind == PeriodKind.YEAR or not number.isdigit():
            raise ValueError(f"not a period: {token!r}")
        return cls(year, kind, int(number))

    def short_label(self) -> str:
        """The period within its year, e.g. "Ack april", "T1", "Delår jan–aug", "Helår"."""
        if self == Period.interim(self.year):
            return str(_("Interim Jan–Aug"))
        if self.kind == PeriodKind.YEAR:
            return str(_("Full year"))
        if self.kind == PeriodKind.TERTIAL:
            return f"T{self.number}"
        month = MONTH_NAMES[self.number]
        if self.kind == PeriodKind.YEAR_TO_DATE:
            return _("Year to date %(month)s") % {"month": month}
        if self.kind == PeriodKind.ROLLING_12:
            return _("R12 %(month)s") % {"month": month}
        return str(month).capitalize()

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
        # As the language writes it mid-sentence ("Mata in april 2026", "per April 2026"); a
        # heading that starts with it gives it a capital (|capfirst).
        return f"{month} {self.year}"

    def __str__(self) -> str:
        return self.label()


def month_index(year: int, month: int) -> int:
    """A month as one number (year × 12 + month), as the database computes it for range filters
    (``PeriodQuerySet.with_month_index``)."""
    return year * MONTHS_PER_YEAR + month


def year_month(index: int) -> tuple[int, int]:
    """The inverse of ``month_index``."""
    return (index - 1) // MONTHS_PER_YEAR, (index - 1) % MONTHS_PER_YEAR + 1


# Stored kinds whose figure covers a whole span of months (a single month's row is raw data).
SPAN_KINDS = (PeriodKind.YEAR_TO_DATE, PeriodKind.TERTIAL, PeriodKind.YEAR, PeriodKind.ROLLING_12)


@dataclass(frozen=True, order=True)
class MonthSpan:
    """A run of consecutive calendar months: what a value covers, whatever its period is called.

    ``first`` and ``last`` are month indexes (``month_index``). T1 2025 and "Ack april 2025" are
    the same span, so they get the same value, status and trend.
    """

    first: int
    last: int

    def __post_init__(self):
        if self.last < self.first:
            raise ValueError("a span ends after it starts")

    @classmethod
    def ending(cls, year: int, month: int, length: int) -> "MonthSpan":
        """The ``length`` months ending in (year, month)."""
        last = month_index(year, month)
        return cls(last - length + 1, last)

    @property
    def length(self) -> int:
        return self.last - self.first + 1

    @property
    def end(self) -> tuple[int, int]:
        return year_month(self.last)

    @property
    def start(self) -> tuple[int, int]:
        return year_month(self.first)

    def months(self) -> list[tuple[int, int]]:
        """The (year, month) pairs, oldest first."""
        return [year_month(index) for index in range(self.first, self.last + 1)]

    def contains(self, year: int, month: int) -> bool:
        """Whether (year, month) is one of the span's months."""
        return self.first <= month_index(year, month) <= self.last

    def before(self, months: int | None = None) -> "MonthSpan":
        """The span moved back by ``months`` (by default its own length: the span just before)."""
        step = self.length if months is None else months
        return MonthSpan(self.first - step, self.last - step)

    def in_year(self, year: int) -> "MonthSpan":
        """The same months in another year (the span's last month falling in ``year``)."""
        step = (year - self.end[0]) * 12
        return MonthSpan(self.first + step, self.last + step)

    def tertials(self) -> list[Period]:
        """The tertials that tile the span exactly, within one year (Jan–Aug: T1, T2); else none."""
        (first_year, first), (year, last) = self.start, self.end
        if first_year != year or first % MONTHS_PER_TERTIAL != 1 or last % MONTHS_PER_TERTIAL != 0:
            return []
        return [Period.tertial(year, t) for t in range(first // MONTHS_PER_TERTIAL + 1, last // MONTHS_PER_TERTIAL + 1)]

    @property
    def is_calendar_year(self) -> bool:
        return self.length == 12 and year_month(self.first)[1] == 1

    def stored_periods(self) -> list[Period]:
        """Periods longer than a month that cover exactly these months (their stored figure is this
        span's reported value), e.g. T1 and Ack april for January–April."""
        return [p for p in periods_ending_in(*self.end) if p.kind != PeriodKind.MONTH and p.span == self]

    def label(self) -> str:
        """E.g. "jan–apr 2025", "sep–dec 2024", "dec 2024–mar 2025", "april 2025", "2024"."""
        (first_year, first_month), (last_year, last_month) = year_month(self.first), self.end
        if self.is_calendar_year:
            return str(last_year)
        if self.length == 1:
            return f"{MONTH_NAMES[last_month]} {last_year}"
        first = str(MONTH_ABBREVIATIONS[first_month]).lower()
        last = str(MONTH_ABBREVIATIONS[last_month]).lower()
        if first_year == last_year:
            return f"{first}–{last} {last_year}"
        return f"{first} {first_year}–{last} {last_year}"

    def __str__(self) -> str:
        return self.label()


def rolling_12_months(year: int, month: int) -> list[tuple[int, int]]:
    """The twelve (year, month) pairs ending in (year, month), oldest first."""
    return MonthSpan.ending(year, month, 12).months()


def periods_ending_in(year: int, month: int) -> list[Period]:
    """Every period whose last month is (year, month): R12 and year to date, the tertial when the
    month closes one, the full year in December, and the month itself (last)."""
    periods = [Period(year, PeriodKind.ROLLING_12, month), Period(year, PeriodKind.YEAR_TO_DATE, month)]
    if month % MONTHS_PER_TERTIAL == 0:
        periods.append(Period(year, PeriodKind.TERTIAL, month // MONTHS_PER_TERTIAL))
    if month == 12:
        periods.append(Period(year, PeriodKind.YEAR))
    return [*periods, Period(year, PeriodKind.MONTH, month)]


def periods_of_year(year: int) -> list[Period]:
    """The periods a person can follow a year by, in the order a menu lists them."""
    return [
        *(Period(year, PeriodKind.MONTH, month) for month in range(1, 13)),
        *(Period(year, PeriodKind.YEAR_TO_DATE, month) for month in range(1, 13)),
        *(Period(year, PeriodKind.TERTIAL, number) for number in (1, 2, 3)),
        Period(year, PeriodKind.YEAR),
    ]
