"""The outcome import never guesses which indicator a row means. Every reading of the text counts
(indicator code, Kolada id, name; the measure's number, name, short name; the id): a text two
indicators answer to is refused, even when one reading comes first, since a measure that keeps
its name in next year's plan but follows a new indicator would otherwise land last year's. A
measure's number is read in the plans of the row's year (each year numbers its measures anew),
and an Excel number cell (1.10 stored as 1.1) is refused rather than read as another number.
Found by an adversarial review."""

import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from goalplan.models import Body, Plan
from kpis.imports import ImportFailed, import_outcomes
from kpis.models import Indicator, Measure, Outcome

pytestmark = pytest.mark.django_db

HEADING = "mätetal;år;period;enhet;kön;värde;kommentar"


@pytest.fixture
def redefined():
    body = Body.objects.create(name="Tandvårdsnämnden i Västerby", short_name="TN-VB", kind="committee")
    plans = {
        year: Plan.objects.create(
            title=f"Tandvårdsplan {year}", kind=Plan.Kind.OPERATIONAL_PLAN, body=body, start_year=year, end_year=year
        )
        for year in (2028, 2029)
    }
    old = Indicator.objects.create(name="Väntetid")
    new = Indicator.objects.create(name="Väntetid till första besök (ny definition)")
    Measure.objects.create(plan=plans[2028], indicator=old, code="2.1", name="Väntetid", unit="dagar")
    Measure.objects.create(plan=plans[2029], indicator=new, code="2.1", name="Väntetid", unit="dagar")
    return old, new


def test_a_measure_name_that_two_indicators_answer_to_is_refused_not_given_to_the_first(admin_user, redefined):
    old, new = redefined
    data = f"{HEADING}\nVäntetid;2029;month-1;;T;12;\n".encode()
    with translation.override("sv"), pytest.raises(ImportFailed) as failure:
        import_outcomes(data, "utfall.csv", user=admin_user)
    assert "”Väntetid” passar in på flera nyckeltal" in str(failure.value.errors[0])
    assert not Outcome.objects.filter(year=2029).exists()
    # Its Kolada id or the measure's id names the new one.
    measure = Measure.objects.get(indicator=new)
    import_outcomes(f"{HEADING}\n{measure.pk};2029;month-1;;T;12;\n".encode(), "utfall.csv", user=admin_user)
    assert Outcome.objects.get(year=2029).indicator == new


def test_an_excel_number_cell_is_not_read_as_another_measures_number(admin_user):
    """In an XLSX file a measure number typed as a number is a float: 1.10 is read as "1.1",
    which is another measure's number. Refused, asking for the number as text; a whole number
    (an id, stored by Excel as 12.0) is still read."""
    body = Body.objects.create(name="Kulturnämnden i Österby", short_name="KN-OB", kind="committee")
    plan = Plan.objects.create(
        title="Kulturplan 2029", kind=Plan.Kind.OPERATIONAL_PLAN, body=body, start_year=2029, end_year=2029
    )
    first = Measure.objects.create(plan=plan, code="1.1", name="Antal besökare", unit="st")
    tenth = Measure.objects.create(plan=plan, code="1.10", name="Antal utlån", unit="st")
    with translation.override("sv"), pytest.raises(ImportFailed) as failure:
        import_outcomes(workbook([1.10, 2029, "month-1", None, "T", 500]), "utfall.xlsx", user=admin_user)
    assert str(failure.value.errors[0]) == (
        "Rad 2, kolumn ”mätetal”: ”1.1” är ett tal i kalkylbladet, och Excel tar bort nollor på slutet "
        "(1.10 blir 1.1); skriv mätetalets nummer som text, eller använd dess namn eller kod."
    )
    assert not Outcome.objects.filter(year=2029).exists()
    import_outcomes(workbook([float(tenth.pk), 2029, "month-1", None, "T", 500]), "utfall.xlsx", user=admin_user)
    import_outcomes(workbook(["1.1", 2029, "month-2", None, "T", 400]), "utfall.xlsx", user=admin_user)
    assert Outcome.objects.get(year=2029, period_number=1).indicator == tenth.indicator
    assert Outcome.objects.get(year=2029, period_number=2).indicator == first.indicator


def workbook(row: list) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["mätetal", "år", "period", "enhet", "kön", "värde"])
    sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_measure_number_is_read_in_the_plan_of_the_rows_year(admin_user):
    """Each year's plan numbers its measures anew, so "2.1" of the 2028 plan and "2.1" of the
    2029 plan are different indicators. The row's year names one plan, yet the lookup ignores
    it and refuses the number, asking for "its code" — which most indicators do not have (50
    of the seeds' 73). The measure number then works only in a region with one plan."""
    body = Body.objects.create(name="Tandvårdsnämnden i Norrby", short_name="TN-NB", kind="committee")
    measures = {}
    for year in (2028, 2029):
        plan = Plan.objects.create(
            title=f"Tandvårdsplan {year}", kind=Plan.Kind.OPERATIONAL_PLAN, body=body, start_year=year, end_year=year
        )
        measures[year] = Measure.objects.create(plan=plan, code="2.1", name=f"Besök {year}", unit="st")
    data = f"{HEADING}\n2.1;2029;month-1;;T;12;\n".encode()
    import_outcomes(data, "utfall.csv", user=admin_user)
    assert Outcome.objects.get(year=2029, period_number=1).indicator == measures[2029].indicator
