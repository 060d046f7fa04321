"""The outcome import names a measure the way its user does: by the measure's number in the plan,
its name, or the indicator's code or Kolada id, as well as the id in the system. The preview
lists every row as it was read, before anything is saved."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from goalplan.models import Body, OrganisationalUnit, Plan
from kpis.imports import ImportFailed, import_outcomes
from kpis.models import Indicator, Measure, Outcome

pytestmark = pytest.mark.django_db

HEADING = "mätetal;år;period;enhet;kön;värde;kommentar"


def as_csv(rows, heading=HEADING) -> bytes:
    return ("\n".join([heading, *rows]) + "\n").encode("utf-8")


@pytest.fixture
def region():
    """Two yearly plans of another region's committee that follow one indicator each year, and a
    measure of its own in the second year."""
    body = Body.objects.create(name="Tandvårdsnämnden i Österby", short_name="TN-OB", kind="committee")
    unit = OrganisationalUnit.objects.create(name="Klinik Öst", code="K-OST", body=body)
    plans = [
        Plan.objects.create(
            title=f"Tandvårdsplan {year}", kind=Plan.Kind.OPERATIONAL_PLAN, body=body, start_year=year, end_year=year
        )
        for year in (2028, 2029)
    ]
    revisits = Indicator.objects.create(name="Andel återbesök inom måldatum", code="TV-ATERBESOK", kolada_id="U99001")
    for plan in plans:
        Measure.objects.create(
            plan=plan, indicator=revisits, code="2.1", name="Andel återbesök inom måldatum", unit="%", decimals=1
        )
    waits = Measure.objects.create(
        plan=plans[1], code="2.2", name="Väntetid  till första besök", short_name="Väntetid", unit="dagar"
    )
    return {"unit": unit, "plans": plans, "revisits": revisits, "waits": waits}


def stored(indicator, month):
    return Outcome.objects.get(indicator=indicator, year=2029, period_kind="month", period_number=month).value


@pytest.mark.parametrize(
    "named_as",
    ["2.1", "Andel återbesök inom måldatum", "ANDEL ÅTERBESÖK  inom måldatum", "TV-ATERBESOK", "u99001"],
)
def test_the_measure_column_takes_the_number_name_code_or_kolada_id(admin_user, region, named_as):
    # The measure is in both years' plans: one indicator, so its number and name are no ambiguity.
    import_outcomes(as_csv([f"{named_as};2029;month-3;K-OST;T;81,5;"]), "utfall.csv", user=admin_user)
    assert stored(region["revisits"], 3) == Decimal("81.5")


def test_the_short_name_and_a_name_with_odd_spacing_find_the_measure(admin_user, region):
    rows = ["Väntetid;2029;month-1;;T;12;", "väntetid till första besök;2029;month-2;;T;14;"]
    import_outcomes(as_csv(rows), "utfall.csv", user=admin_user)
    assert (stored(region["waits"].indicator, 1), stored(region["waits"].indicator, 2)) == (12, 14)


def test_the_id_in_the_system_still_works(admin_user, region):
    import_outcomes(as_csv([f"{region['waits'].pk};2029;month-4;;T;9;"]), "utfall.csv", user=admin_user)
    assert stored(region["waits"].indicator, 4) == 9


def test_a_name_two_indicators_share_is_refused_naming_the_row(admin_user, region):
    Measure.objects.create(plan=region["plans"][0], code="9.9", name="Väntetid", unit="dagar")
    with translation.override("sv"), pytest.raises(ImportFailed) as failure:
        import_outcomes(as_csv(["Väntetid;2029;month-1;;T;12;"]), "utfall.csv", user=admin_user)
    assert (
        str(failure.value.errors[0])
        == "Rad 2, kolumn ”mätetal”: ”Väntetid” passar in på flera nyckeltal; använd nyckeltalets kod eller Kolada-id, eller mätetalets id i systemet (administrationens lista över mätetal visar det)."
    )
    assert not Outcome.objects.filter(year=2029).exists()


def test_a_number_that_is_one_measures_number_and_anothers_id_is_refused(admin_user, region):
    """A file of ids written before numbers were read must not land on another indicator."""
    region["waits"].code = str(region["plans"][0].measures.get().pk)  # "the id of the 2028 measure"
    region["waits"].save()
    with translation.override("sv"), pytest.raises(ImportFailed) as failure:
        import_outcomes(as_csv([f"{region['waits'].code};2029;month-1;;T;12;"]), "utfall.csv", user=admin_user)
    assert "passar in på flera nyckeltal" in str(failure.value.errors[0])


def test_an_empty_measure_cell_says_so(admin_user, region):
    with translation.override("sv"), pytest.raises(ImportFailed) as failure:
        import_outcomes(as_csv([";2029;month-1;;T;12;"]), "utfall.csv", user=admin_user)
    assert str(failure.value.errors[0]) == "Rad 2, kolumn ”mätetal”: Cellen är tom; ange mätetalet eller nyckeltalet."


def test_the_preview_lists_every_row_as_read_and_what_confirming_does(admin_user, region):
    Outcome.objects.create(
        indicator=region["revisits"],
        unit=region["unit"],
        year=2029,
        period_kind="month",
        period_number=1,
        value=Decimal("80"),
    )
    Outcome.objects.create(
        indicator=region["waits"].indicator, year=2029, period_kind="month", period_number=1, value=Decimal("12")
    )
    rows = ["2.1;2029;januari;Klinik Öst;T;80,25;nytt värde", "2.2;2029;month-1;;T;12;", "2.2;2029;T1;;T;1 234,5;"]
    with translation.override("sv"):
        result = import_outcomes(as_csv(rows), "utfall.csv", user=admin_user, dry_run=True)
        table = [
            (r.row_number, r.indicator, r.period, r.unit, r.sex, r.value, r.comment, r.change_label, r.previous)
            for r in result.preview
        ]
    assert table == [
        (
            2,
            "Andel återbesök inom måldatum (TV-ATERBESOK)",
            "januari 2029",
            "Klinik Öst",
            "Totalt",
            "80,25",
            "nytt värde",
            "Ändrad",
            "80",
        ),
        (3, "Väntetid", "januari 2029", "Hela planen", "Totalt", "12", "", "Oförändrad", ""),
        (4, "Väntetid", "T1 2029", "Hela planen", "Totalt", "1\u00a0234,5", "", "Ny", ""),
    ]
    assert stored(region["revisits"], 1) == 80  # a dry run writes nothing


def test_the_admin_preview_page_shows_the_rows(admin_client_sv, region):
    upload = SimpleUploadedFile("utfall.csv", as_csv(["Väntetid;2029;april;;T;7,5;första"]))
    html = admin_client_sv.post("/admin/kpis/outcome/import/", {"file": upload}).content.decode()
    assert "Varje rad som den lästes" in html
    assert (
        '<td>april 2029</td><td>Hela planen</td><td>Totalt</td><td class="number">7,5</td><td>första</td><td>Ny</td>'
        in html
    )
    assert not Outcome.objects.filter(year=2029).exists()


def test_the_preview_stops_listing_at_its_limit_and_says_so(admin_client_sv, region, settings):
    settings.IMPORT_PREVIEW_MAX_ROWS = 2
    rows = [f"Väntetid;2029;month-{month};;T;{month};" for month in range(1, 6)]
    html = admin_client_sv.post(
        "/admin/kpis/outcome/import/", {"file": SimpleUploadedFile("u.csv", as_csv(rows))}
    ).content.decode()
    assert "de första 2 raderna" in html
    assert html.count('<tr class="preview-new">') == 2
    assert "5 rader" in html
