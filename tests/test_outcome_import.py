"""Outcome import from CSV/XLSX: all or nothing, errors by row and column, idempotent."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from goalplan.models import OrganisationalUnit
from kpis.imports import ImportFailed, import_outcomes
from kpis.models import Measure, Outcome
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db

HEADING = "mätetal;år;period;enhet;kön;värde;kommentar"


def ten_thousand_rows() -> list[str]:
    """10 000 rows: 22 indicators × 12 months × 36 units/scopes (and more), all distinct (by the
    number of each indicator's first measure: HSE is adopted twice in the plan)."""
    first_measure = {}
    for pk, indicator_id in (
        Measure.objects.filter(plan=hsn_plan(2025)).order_by("pk").values_list("pk", "indicator_id")
    ):
        first_measure.setdefault(indicator_id, pk)
    measures = list(first_measure.values())
    units = [""] + list(OrganisationalUnit.objects.values_list("name", flat=True))
    rows = []
    for year in (2024, 2025):
        for month in range(1, 13):
            for unit in units:
                for measure in measures:
                    rows.append(f"{measure};{year};month-{month};{unit};T;{month * 3 + 10},5;")
                    if len(rows) == 10_000:
                        return rows
    return rows


def as_csv(rows: list[str]) -> bytes:
    return ("\n".join([HEADING, *rows]) + "\n").encode("utf-8")


@pytest.mark.parametrize(
    ("column", "bad_cell", "expected"),
    [
        ("mätetal", 0, "Det finns inget nyckeltal eller mätetal med kod, Kolada-id, nummer, namn eller id ”99999”"),
        ("värde", 5, "”12,3,4” är inte ett tal"),
        ("period", 2, "”month-13” är ingen period"),
    ],
)
def test_one_bad_row_imports_nothing_and_names_row_and_column(column, bad_cell, expected):
    rows = ten_thousand_rows()
    assert len(rows) == 10_000
    cells = rows[4711].split(";")
    cells[bad_cell] = {0: "99999", 5: "12,3,4", 2: "month-13"}[bad_cell]
    rows[4711] = ";".join(cells)
    with translation.override("sv"), pytest.raises(ImportFailed) as failure:
        import_outcomes(as_csv(rows), "utfall.csv", user=None)
    [error] = failure.value.errors
    assert (error.row, error.column) == (4713, column)  # heading is row 1
    assert expected in error.message
    assert not Outcome.objects.filter(year=2024).exists()


def test_the_corrected_file_imports_every_row_and_again_changes_nothing():
    data = as_csv(ten_thousand_rows())
    before = Outcome.objects.count()
    first = import_outcomes(data, "utfall.csv", user=None)
    assert (first.rows, first.created, first.updated, first.unchanged) == (10_000, 10_000, 0, 0)
    assert Outcome.objects.count() == before + 10_000
    created = Outcome.history.filter(history_type="+", history_change_reason="Importerat från fil")
    assert created.count() == 10_000  # every imported row is in the audit history (COPY on PostgreSQL)
    second = import_outcomes(data, "utfall.csv", user=None)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 10_000)
    assert Outcome.objects.count() == before + 10_000


def test_swedish_messages_and_xlsx(settings):
    from django.utils import translation
    from openpyxl import Workbook

    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    book = Workbook()
    book.active.append(["mätetal", "år", "period", "kön", "värde"])
    book.active.append([measure.pk, 2025, "april", "T", "82,5 %"])
    book.active.append([measure.pk, 2025, "T1", "X", "1"])
    buffer = io.BytesIO()
    book.save(buffer)
    with translation.override("sv"), pytest.raises(ImportFailed) as failure:
        import_outcomes(buffer.getvalue(), "utfall.xlsx", user=None)
    assert str(failure.value.errors[0]) == "Rad 3, kolumn ”kön”: ”X” är inte T, K eller M."
    book.active.delete_rows(3)
    buffer = io.BytesIO()
    book.save(buffer)
    import_outcomes(buffer.getvalue(), "utfall.xlsx", user=None)
    assert (
        Outcome.objects.get(indicator=measure.indicator, year=2025, period_kind="month", period_number=4).value == 82.5
    )


def test_admin_import_previews_then_writes_only_on_confirmation(admin_client_sv):
    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    upload = SimpleUploadedFile("utfall.csv", as_csv([f"{measure.pk};2025;month-4;;T;77;ok"]))
    preview = admin_client_sv.post("/admin/kpis/outcome/import/", {"file": upload})
    assert preview.status_code == 200
    assert "1 rad – nya: 1, ändrade: 0, oförändrade: 0" in preview.content.decode()
    assert not Outcome.objects.filter(indicator=measure.indicator, year=2025).exists()
    confirmed = admin_client_sv.post("/admin/kpis/outcome/import/", {"confirm": "1"})
    assert confirmed.status_code == 302
    assert Outcome.objects.get(indicator=measure.indicator, year=2025).comment == "ok"


def test_import_outcomes_command(tmp_path):
    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    path = tmp_path / "utfall.csv"
    path.write_bytes(as_csv([f"{measure.pk};2025;month-3;;T;70;"]))
    output = io.StringIO()
    call_command("import_outcomes", str(path), stdout=output)
    assert Outcome.objects.filter(indicator=measure.indicator, year=2025, period_number=3).exists()
    assert "1" in output.getvalue()
    get_user_model()  # the command also accepts --user; rights are tested in test_roles


def test_the_unit_column_means_a_code_before_a_name_before_a_number(admin_user):
    """A unit whose code is another unit's number in the system gets the rows of its code."""
    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    numbered = OrganisationalUnit.objects.order_by("pk").first()
    coded = OrganisationalUnit.objects.exclude(pk=numbered.pk).order_by("pk").first()
    coded.code = str(numbered.pk)
    coded.save()
    twin = [
        OrganisationalUnit.objects.create(name="Tvillingenheten", parent=parent, kind=coded.kind, body=coded.body)
        for parent in (numbered, coded)
    ]  # two units, one name
    rows = [f"{measure.pk};2025;month-1;{numbered.pk};T;10", f"{measure.pk};2025;month-2;{coded.name};T;20"]
    import_outcomes(as_csv(rows), "utfall.csv", user=admin_user)
    january = Outcome.objects.get(indicator=measure.indicator, year=2025, period_kind="month", period_number=1)
    february = Outcome.objects.get(indicator=measure.indicator, year=2025, period_kind="month", period_number=2)
    assert january.unit_id == coded.pk and february.unit_id == coded.pk
    with pytest.raises(ImportFailed) as failure:
        import_outcomes(as_csv([f"{measure.pk};2025;month-3;{twin[0].name};T;30"]), "utfall.csv", user=admin_user)
    assert "enhet" in str(failure.value.errors[0])


def test_a_reason_longer_than_the_history_keeps_is_refused_before_reading(admin_user):
    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    with translation.override("sv"), pytest.raises(ImportFailed) as failure:
        import_outcomes(as_csv([f"{measure.pk};2025;month-1;;T;10"]), "utfall.csv", user=admin_user, reason="x" * 101)
    assert "100" in str(failure.value.errors[0])
    assert not Outcome.objects.filter(indicator=measure.indicator, year=2025).exists()
