"""Swedish working days: deadlines are counted in them ("handlingar skickas fem arbetsdagar före
sammanträdet").

A working day is a weekday that is neither a public holiday (lag 1989:253 om allmänna helgdagar)
nor one of the days Swedish offices take off in practice: midsommarafton, julafton and nyårsafton.
The dates come from the maintained ``holidays`` package (Easter and midsummer move every year), not
from a list of our own.
"""

import datetime
import functools

import holidays

SATURDAY = 5


@functools.lru_cache(maxsize=64)
def days_off(year: int) -> frozenset[datetime.date]:
    """The weekdays without work in a year: public holidays and the de facto days off."""
    calendar = holidays.Sweden(years=year, categories=(holidays.PUBLIC, holidays.DE_FACTO))
    return frozenset(day for day in calendar if day.weekday() < SATURDAY)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < SATURDAY and day not in days_off(day.year)


def working_days_before(day: datetime.date, count: int) -> datetime.date:
    """The working day ``count`` working days before ``day`` (``day`` itself need not be one):
    papers sent 5 working days before a Thursday meeting go out the Thursday before."""
    return _step(day, count, -1)


def working_days_after(day: datetime.date, count: int) -> datetime.date:
    """The working day ``count`` working days after ``day``; for 0, ``day`` if it is one, else
    the next working day."""
    return _step(day, count, 1)


def _step(day: datetime.date, count: int, direction: int) -> datetime.date:
    if count < 0:
        raise ValueError("count must not be negative")
    one_day = datetime.timedelta(days=direction)
    if count == 0:
        while not is_working_day(day):
            day += one_day
        return day
    while count:
        day += one_day
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(first: datetime.date, last: datetime.date) -> int:
    """The working days after ``first`` up to and including ``last`` (negative when ``last`` is
    before ``first``): "3 arbetsdagar kvar"."""
    if last < first:
        return -working_days_between(last, first)
    return sum(1 for offset in range(1, (last - first).days + 1) if is_working_day(first + datetime.timedelta(offset)))
