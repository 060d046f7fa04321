"""The measure page's outcome table writes its cells itself: the same texts django-tables2's cells
give, in the same columns, on every page of the table and in every sort order."""

from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.utils import translation
from django_tables2 import RequestConfig

from goalplan.models import OrganisationalUnit
from goalplan.periods import PeriodKind
from kpis.models import Outcome
from kpis.tables import OutcomeTable
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db


def measure_with_outcomes():
    measure = hsn_plan(2025).measures.order_by("pk").first()
    unit = OrganisationalUnit.objects.order_by("pk").first()
    Outcome.objects.bulk_create(
        [
            Outcome(
                indicator=measure.indicator,
                unit=unit if month % 2 else None,
                sex="K" if month % 3 == 0 else "T",
                year=2024,
                period_kind=PeriodKind.MONTH,
                period_number=month,
                value=Decimal("1234.5") * month if month != 7 else None,
                accomplished=True if month == 7 else None,
                comment="=SUMMA(A1)" if month == 5 else ("Förklaring" if month == 6 else ""),
            )
            for month in range(1, 13)
        ]
    )
    return measure


@pytest.mark.parametrize("query", ["", "?sort=unit", "?sort=-value&per_page=5&page=2", "?sort=sex"])
def test_each_cell_is_what_django_tables2_renders(query):
    measure = measure_with_outcomes()
    request = RequestFactory().get(f"/matetal/{measure.pk}/{query}")
    table = OutcomeTable(
        Outcome.objects.filter(indicator_id=measure.indicator_id).select_related("unit"), measure=measure
    )
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    with translation.override("sv"):
        expected = [
            [(str(cell), column.name == "value") for column, cell in row.items()] for row in table.paginated_rows
        ]
        assert table.page_cells() == expected
    assert expected, "the table shows rows"
    texts = {text for row in expected for text, _number in row}
    if "page=" not in query:  # every row on one page: the grouped number and the yes/no answer
        assert "1\xa0234,5\xa0minuter" in texts or any(text.startswith("1\xa0234,5") for text in texts)
        assert "Ja" in texts


def test_the_time_of_a_change_reads_as_date_format_writes_it():
    import datetime

    from django.utils.formats import date_format
    from django.utils.timezone import localtime

    moment = datetime.datetime(2025, 3, 9, 7, 5, tzinfo=datetime.UTC)
    table = OutcomeTable(Outcome.objects.none(), measure=None)
    for language in ("sv", "en"):
        with translation.override(language):
            assert table.render_updated_at(moment) == date_format(localtime(moment), "Y-m-d H:i") == "2025-03-09 08:05"
