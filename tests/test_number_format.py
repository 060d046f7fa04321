"""kpis.formatting.format_number writes what Django's number_format writes, only faster."""

import random
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.formats import number_format

from kpis.formatting import format_number

SAMPLES = [
    Decimal("0"),
    Decimal("-0"),
    Decimal("0.04"),
    Decimal("-0.04"),
    Decimal("-0.05"),
    Decimal("0.09999"),
    Decimal("1234.5"),
    Decimal("-3158300"),
    Decimal("999.9999"),
    Decimal("1000"),
    Decimal("-1000.0001"),
    Decimal("12345678901234.5678"),
    Decimal("1E+3"),
    Decimal("2.5E-7"),
    Decimal("100.00"),
]


def random_decimals(seed: int, count: int) -> list[Decimal]:
    generator = random.Random(seed)
    return [Decimal(generator.randint(-(10**12), 10**12)).scaleb(-generator.randint(0, 6)) for _ in range(count)]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_same_text_as_django_for_every_number_of_decimals(language):
    with translation.override(language):
        for value in SAMPLES + random_decimals(seed=14, count=2000):
            for decimals in range(5):
                expected = number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
                assert format_number(value, decimals) == expected, (value, decimals)


def test_swedish_grouping_and_comma():
    with translation.override("sv"):
        assert format_number(Decimal("-1234567.25"), 2) == "-1\xa0234\xa0567,25"
        assert format_number(Decimal("2950"), 0) == "2\xa0950"


def test_other_inputs_go_to_django():
    with translation.override("sv"):
        assert format_number(2950, 0) == "2\xa0950"
        assert format_number(Decimal("Infinity"), 1) == number_format(Decimal("Infinity"), decimal_pos=1)


def test_numbers_of_more_than_200_digits_as_django_writes_them():
    with translation.override("sv"):
        for value in (Decimal("1e201"), Decimal("1e5000"), Decimal("-1e-300")):
            expected = number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)
            assert format_number(value, 0) == expected
