"""Text for a person: target as written, value the Swedish way with unit, status not by colour alone."""

from decimal import Decimal

import pytest
from django.utils import translation

from goalplan.choices import Status
from kpis.formatting import format_measure_value, format_number, format_period_value
from kpis.models import Measure
from kpis.status import PeriodValue, Trend


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "text"),
    [
        (Decimal("6.2"), "%", 1, "6,2\xa0%"),
        (Decimal("82"), "%", 0, "82\xa0%"),
        (Decimal("2850.25"), "tim/mån", 0, "2\xa0850\xa0tim/mån"),
        (Decimal("4.005"), "index", 2, "4,01"),
        (Decimal("30000"), "antal", 0, "30\xa0000"),
        (None, "%", 0, "–"),
    ],
)
def test_values_are_written_the_swedish_way_with_unit(value, unit, decimals, text):
    with translation.override("sv"):
        assert format_measure_value(value, Measure(unit=unit, decimals=decimals)) == text


def test_numbers_group_thousands_and_use_a_decimal_comma():
    with translation.override("sv"):
        assert format_number(Decimal("-3158300"), 0) == "-3\xa0158\xa0300"
        assert format_number(Decimal("1234.5"), 1) == "1\xa0234,5"


def test_yes_no_outcomes():
    with translation.override("sv"):
        assert format_period_value(PeriodValue(None, accomplished=True), Measure()) == "Ja"


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (Status.GREEN, "● Uppfyllt"),
        (Status.YELLOW, "◆ På väg"),
        (Status.RED, "▲ Ej uppfyllt"),
        (Status.MISSING, "○ Uppgift saknas"),
    ],
)
def test_status_text_carries_a_symbol_and_a_swedish_word(status, text):
    with translation.override("sv"):
        assert status.text == text


def test_trend_text_in_swedish():
    with translation.override("sv"):
        assert Trend.IMPROVING.text == "↗ Förbättras"
