"""Period naming and end dates."""

import datetime

import pytest
from django.utils import translation

from goalplan.periods import Period, PeriodKind


@pytest.mark.parametrize(
    ("period", "end"),
    [
        (Period(2025, PeriodKind.TERTIAL, 1), datetime.date(2025, 4, 30)),
        (Period(2025, PeriodKind.TERTIAL, 2), datetime.date(2025, 8, 31)),
        (Period(2025, PeriodKind.TERTIAL, 3), datetime.date(2025, 12, 31)),
        (Period(2024, PeriodKind.MONTH, 2), datetime.date(2024, 2, 29)),
        (Period(2018, PeriodKind.YEAR_TO_DATE, 4), datetime.date(2018, 4, 30)),
        (Period(2021, PeriodKind.YEAR), datetime.date(2021, 12, 31)),
    ],
)
def test_end_date(period, end):
    assert period.end_date == end


def test_invalid_number_is_refused():
    with pytest.raises(ValueError):
        Period(2025, PeriodKind.TERTIAL, 4)


def test_swedish_labels():
    with translation.override("sv"):
        assert Period(2025, PeriodKind.YEAR_TO_DATE, 4).label() == "Ack april 2025"
        # Written as mid-sentence ("Mata in april 2025"); a heading capitalises it itself.
        assert Period(2025, PeriodKind.MONTH, 4).label() == "april 2025"
        assert Period(2025, PeriodKind.TERTIAL, 1).label() == "T1 2025"
        assert Period(2025, PeriodKind.ROLLING_12, 3).label() == "R12 mars 2025"
        assert Period(2025, PeriodKind.YEAR).label() == "2025"


def test_named_follow_up_periods():
    assert Period.tertial(2025, 1).end_date == datetime.date(2025, 4, 30)
    assert Period.interim(2025).end_date == datetime.date(2025, 8, 31)
    assert Period.interim(2025).months() == [(2025, month) for month in range(1, 9)]
    assert Period.full_year(2025).closes_year
    assert not Period.tertial(2025, 2).closes_year
