"""Swedish working days: properties over many dates, and the days of the 2025 calendar by hand."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalplan.workdays import (
    is_working_day,
    working_days_after,
    working_days_before,
    working_days_between,
)

D = datetime.date
dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31))
counts = st.integers(min_value=0, max_value=40)

# Written out from the Swedish calendar (lag 1989:253 and the days offices take off), not from
# the library under test.
DAYS_OFF_2025 = {
    D(2025, 1, 1): "nyårsdagen",
    D(2025, 1, 6): "trettondedag jul",
    D(2025, 4, 18): "långfredagen",
    D(2025, 4, 21): "annandag påsk",
    D(2025, 5, 1): "första maj",
    D(2025, 5, 29): "Kristi himmelsfärdsdag",
    D(2025, 6, 6): "nationaldagen",
    D(2025, 6, 20): "midsommarafton",
    D(2025, 12, 24): "julafton",
    D(2025, 12, 25): "juldagen",
    D(2025, 12, 26): "annandag jul",
    D(2025, 12, 31): "nyårsafton",
}


def midsummer_eve(year: int) -> D:
    """The Friday between 19 and 25 June."""
    return next(D(year, 6, day) for day in range(19, 26) if D(year, 6, day).weekday() == 4)


@given(dates, counts)
def test_a_deadline_counted_back_is_a_working_day(day, count):
    deadline = working_days_before(day, count)
    assert deadline.weekday() < 5
    assert is_working_day(deadline)
    assert deadline <= day


@given(dates, counts)
def test_counting_forward_lands_on_a_working_day(day, count):
    assert is_working_day(working_days_after(day, count))


@given(dates, st.integers(min_value=1, max_value=40))
def test_counting_back_n_days_passes_exactly_n_working_days(day, count):
    start = working_days_before(day, count)
    assert working_days_between(start, working_days_after(day, 0)) == count


@given(dates, st.integers(min_value=1, max_value=40))
def test_back_and_forth_are_inverse_on_working_days(day, count):
    working = working_days_after(day, 0)
    assert working_days_after(working_days_before(working, count), count) == working


@given(st.integers(min_value=2000, max_value=2060))
def test_midsummer_christmas_and_new_years_eve_are_days_off(year):
    for day in (midsummer_eve(year), D(year, 12, 24), D(year, 12, 31), D(year, 12, 25), D(year, 1, 1)):
        assert not is_working_day(day), day


def test_the_days_off_of_2025_are_exactly_these_weekdays():
    weekdays = [D(2025, 1, 1) + datetime.timedelta(days=n) for n in range(365)]
    off = {day for day in weekdays if day.weekday() < 5 and not is_working_day(day)}
    assert off == set(DAYS_OFF_2025)


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        # Papers 5 working days before Thursday's meeting go out the Thursday before.
        (D(2025, 5, 22), 5, D(2025, 5, 15)),
        (D(2025, 5, 15), 5, D(2025, 5, 8)),
        # Over Kristi himmelsfärdsdag (Thursday 29 May).
        (D(2025, 6, 2), 3, D(2025, 5, 27)),
        # Over midsommarafton and nationaldagen.
        (D(2025, 6, 26), 5, D(2025, 6, 18)),
        (D(2025, 6, 9), 1, D(2025, 6, 5)),
        # Over the new year and Christmas: 30 and 29 December, then 23 and 22.
        (D(2026, 1, 2), 4, D(2025, 12, 22)),
        # From a Sunday.
        (D(2025, 9, 28), 1, D(2025, 9, 26)),
    ],
)
def test_working_days_before(day, count, expected):
    assert working_days_before(day, count) == expected


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (D(2025, 4, 30), 1, D(2025, 5, 2)),  # 1 May is a public holiday
        (D(2024, 12, 31), 1, D(2025, 1, 2)),
        (D(2025, 8, 31), 1, D(2025, 9, 1)),
        (D(2025, 12, 23), 1, D(2025, 12, 29)),
        (D(2025, 6, 21), 0, D(2025, 6, 23)),  # Saturday: the next working day
        (D(2025, 6, 23), 0, D(2025, 6, 23)),
    ],
)
def test_working_days_after(day, count, expected):
    assert working_days_after(day, count) == expected


def test_working_days_between_counts_after_the_first_up_to_the_last():
    assert working_days_between(D(2025, 5, 8), D(2025, 5, 8)) == 0
    assert working_days_between(D(2025, 5, 7), D(2025, 5, 8)) == 1
    assert working_days_between(D(2025, 5, 2), D(2025, 5, 8)) == 4  # 5, 6, 7, 8 May
    assert working_days_between(D(2025, 5, 9), D(2025, 5, 8)) == -1


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        working_days_before(D(2025, 5, 8), -1)
