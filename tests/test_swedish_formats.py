"""Dates and numbers are shown the Swedish way: 2025-04-30 and 1 234,5."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, number_format

from tests.selectors import hsn_plan


def test_dates_are_iso_in_swedish():
    with translation.override("sv"):
        assert date_format(datetime.date(2025, 4, 30)) == "2025-04-30"
        assert Template("{{ day }}").render(Context({"day": datetime.date(2025, 4, 30)})) == "2025-04-30"


def test_numbers_have_decimal_comma_and_thousand_spaces_in_swedish():
    with translation.override("sv"):
        assert number_format(Decimal("1234.5"), use_l10n=True, force_grouping=True) == "1\xa0234,5"


@pytest.mark.django_db
def test_admin_lists_show_iso_dates(admin_client_sv):
    response = admin_client_sv.get(f"/admin/meetings/meeting/?plan__id__exact={hsn_plan(2025).pk}")
    page = response.content.decode()
    assert "2025-05-22" in page
    assert "22 maj 2025" not in page
