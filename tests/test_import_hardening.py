"""Every file import survives hostile and ordinary wrong files: limits, encodings, conflicts."""

import io
import json
import os
import subprocess
import sys
import textwrap
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.urls import path
from django.utils import timezone, translation
from openpyxl import Workbook

from goalplan.models import OrganisationalUnit, Plan
from kpis import import_writes
from kpis.admin import TargetAdmin
from kpis.imports import ImportConflict, ImportFailed, import_outcomes
from kpis.kolada import KoladaFileError, import_kolada
from kpis.models import Measure, Outcome, Target
from kpis.uploads import UnreadableFile
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db

HEADING = "mätetal;år;period;enhet;kön;värde;kommentar"
# No seed has outcomes or targets this year, and no report locks it.
YEAR = 2031
MB = 1024 * 1024
HEADING_ROW_XML = "".join(
    ['<row r="1">', *(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in HEADING.split(";")), "</row>"]
).encode()


@pytest.fixture
def measure() -> Measure:
    return Measure.objects.filter(plan=hsn_plan(2025), indicator__split_by_sex=False).order_by("pk").first()


def as_csv(rows: list[str], encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([HEADING, *rows]) + "\r\n").encode(encoding)


def month_rows(measure: Measure, count: int, value: str = "10") -> list[str]:
    """``count`` distinct valid rows for one measure: months × units."""
    units = [""] + list(OrganisationalUnit.objects.order_by("pk").values_list("name", flat=True))
    rows = [f"{measure.pk};{YEAR};month-{month};{unit};T;{value};" for unit in units for month in range(1, 13)]
    assert len(rows) >= count
    return rows[:count]


def small_xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet_xml(xlsx: bytes, write_sheet) -> bytes:
    """The workbook with its first sheet's XML replaced by what ``write_sheet(member)`` writes."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with archive.open(info.filename, "w", force_zip64=True) as member:
                    member.write(
                        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                    )
                    write_sheet(member)
                    member.write(b"</sheetData></worksheet>")
            else:
                archive.writestr(info, source.read(info.filename))
    return out.getvalue()


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> Path:
    """A valid-looking XLSX of ~300 kB whose sheet unpacks to 300 MB (like the adversarial one)."""

    def write_sheet(member):
        # Whitespace between rows is valid XML and compresses about a thousand to one.
        block = b" " * MB
        for _ in range(300):
            member.write(block)

    heading = small_xlsx([["mätetal", "år", "period", "värde"]])
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    path.write_bytes(with_sheet_xml(heading, write_sheet))
    return path


# a) zip bomb ---------------------------------------------------------------------------------


def test_zip_bomb_is_refused_at_once_in_swedish(zip_bomb, monkeypatch):
    data = zip_bomb.read_bytes()
    assert len(data) < 400 * 1024

    def never(*args, **kwargs):
        raise AssertionError("openpyxl opened the zip bomb")

    monkeypatch.setattr("openpyxl.load_workbook", never)  # refused from the zip directory alone
    with translation.override("sv"), pytest.raises(UnreadableFile) as failure:
        import_outcomes(data, "bomb.xlsx", user=None)
    assert "Kalkylarket packas upp till 300\xa0MB, mer än de 100\xa0MB" in failure.value.message
    assert isinstance(failure.value, ImportFailed) and failure.value.error_count == 1


def test_zip_bomb_refusal_uses_bounded_memory(zip_bomb):
    """Measured in a fresh interpreter: peak RSS before and after the refused import."""
    script = textwrap.dedent(f"""
        import resource, sys, time
        import django
        django.setup()
        from kpis.imports import ImportFailed, import_outcomes
        data = open({str(zip_bomb)!r}, "rb").read()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        try:
            import_outcomes(data, "bomb.xlsx", user=None)
        except ImportFailed as failure:
            outcome = type(failure).__name__
        else:
            outcome = "imported"
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(outcome, before, after, seconds)
    """)
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    completed = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        env=environment,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    outcome, before_kb, after_kb, seconds = completed.stdout.split()
    extra_mb = (int(after_kb) - int(before_kb)) / 1024
    print(
        f"zip bomb: refused in {float(seconds):.4f} s, peak RSS +{extra_mb:.1f} MB (peak {int(after_kb) / 1024:.0f} MB)"
    )
    assert outcome == "UnreadableFile"
    assert extra_mb < 200  # the bomb unpacks to 300 MB


def test_zip_with_a_huge_directory_is_refused_before_zipfile_parses_it(monkeypatch):
    """A 20 MB upload can list 200 000 members: zipfile alone would take seconds and 100 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for number in range(30_000):
            archive.writestr(f"{number}", b"")

    def never(*args, **kwargs):
        raise AssertionError("zipfile read the huge directory")

    monkeypatch.setattr("kpis.xlsx_files.zipfile.ZipFile", never)
    with translation.override("sv"), pytest.raises(UnreadableFile) as failure:
        import_outcomes(buffer.getvalue(), "mapp.xlsx", user=None)
    assert "Filen är inte en Excel-fil (.xlsx)" in failure.value.message


def test_sheet_claiming_a_million_rows_stops_at_the_row_limit(settings, measure):
    """One row numbered 1 048 576: openpyxl fills the gap with empty rows; we stop counting."""
    settings.IMPORT_MAX_ROWS = 1000

    def write_sheet(member):
        member.write(HEADING_ROW_XML + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')

    data = with_sheet_xml(small_xlsx([["x"]]), write_sheet)
    with translation.override("sv"), pytest.raises(UnreadableFile) as failure:
        import_outcomes(data, "luckor.xlsx", user=None)
    assert "Filen har fler än 1\xa0000 rader" in failure.value.message


def test_xml_entity_expansion_in_a_sheet_is_refused():
    """ "Billion laughs": 10⁹ characters from 1 kB of entities (expat ≥ 2.4 stops it)."""
    entities = '<!ENTITY a0 "xxxxxxxxxx">' + "".join(
        f'<!ENTITY a{level} "{f"&a{level - 1};" * 10}">' for level in range(1, 10)
    )
    heading = small_xlsx([["a"]])
    source = zipfile.ZipFile(io.BytesIO(heading))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = (
                    f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]><worksheet '
                    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is>'
                    "</c></row></sheetData></worksheet>"
                )
            archive.writestr(info, content)
    with translation.override("sv"), pytest.raises(UnreadableFile) as failure:
        import_outcomes(out.getvalue(), "skratt.xlsx", user=None)
    assert "Excel-filen är skadad" in failure.value.message


# b) size, rows and listed errors -------------------------------------------------------------


def test_a_50_mb_csv_is_refused_by_its_size_before_parsing(measure, monkeypatch):
    row = f"{measure.pk};{YEAR};month-1;;T;10;{'x' * 60}\r\n".encode()
    data = HEADING.encode() + b"\r\n" + row * (50 * MB // len(row))
    assert len(data) > 49 * MB

    def never(*args, **kwargs):
        raise AssertionError("the oversized file was decoded")

    monkeypatch.setattr("kpis.uploads.decode_text", never)
    with translation.override("sv"), pytest.raises(UnreadableFile) as failure:
        import_outcomes(data, "stor.csv", user=None)
    assert failure.value.message.startswith("Filen är större än 20\xa0MB (den är 50\xa0MB)")
    assert not Outcome.objects.filter(year=YEAR).exists()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_row_limit_just_under_imports_and_just_over_is_refused(settings, measure, kind):
    settings.IMPORT_MAX_ROWS = 5

    def file(count: int) -> bytes:
        rows = month_rows(measure, count)
        if kind == "csv":
            return as_csv(rows)
        return small_xlsx([HEADING.split(";"), *[row.split(";") for row in rows]])

    result = import_outcomes(file(5), f"utfall.{kind}", user=None)
    assert result.created == 5
    assert Outcome.objects.filter(indicator=measure.indicator, year=YEAR).count() == 5
    with translation.override("sv"), pytest.raises(UnreadableFile) as failure:
        import_outcomes(file(6), f"utfall.{kind}", user=None)
    assert "fler än 5 rader" in failure.value.message
    assert Outcome.objects.filter(indicator=measure.indicator, year=YEAR).count() == 5


def test_errors_are_listed_up_to_the_limit_with_the_total(settings, measure):
    settings.IMPORT_MAX_LISTED_ERRORS = 100
    rows = [f"99999;{YEAR};month-1;;T;{number};" for number in range(1500)]
    with translation.override("sv"), pytest.raises(ImportFailed) as failure:
        import_outcomes(as_csv(rows), "fel.csv", user=None)
    assert len(failure.value.errors) == 100
    assert failure.value.error_count == 1500
    assert failure.value.errors[-1].row == 101  # the first hundred, in file order
    with translation.override("sv"):
        assert str(failure.value).endswith("… och 1\xa0400 fel till")


# c) and d) encodings and files that are not what they say ------------------------------------


def test_windows_1252_csv_from_swedish_excel_imports_exactly(measure):
    comment = "Väntetid för åtgärd – mål 90 % (€)"
    data = as_csv([f"{measure.pk};{YEAR};april;;T;82,5;{comment}"], encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really not UTF-8
    result = import_outcomes(data, "utfall.csv", user=None)
    assert result.created == 1
    stored = Outcome.objects.get(indicator=measure.indicator, year=YEAR, period_kind="month", period_number=4)
    assert (stored.value, stored.comment) == (Decimal("82.5"), comment)


def test_utf8_with_bom_and_comma_separated_imports(measure):
    heading = HEADING.replace(";", ",")
    data = "\ufeff" + heading + f"\n{measure.pk},{YEAR},month-2,,T,77,Åtgärd klar\n"
    result = import_outcomes(data.encode("utf-8"), "utfall.csv", user=None)
    assert result.created == 1
    stored = Outcome.objects.get(indicator=measure.indicator, year=YEAR, period_number=2)
    assert (stored.value, stored.comment) == (Decimal(77), "Åtgärd klar")


def test_excel_unicode_text_utf16_tab_separated_imports(measure):
    text = HEADING.replace(";", "\t") + f"\r\n{measure.pk}\t{YEAR}\tmaj\t\tT\t3,5\tÖversyn\r\n"
    result = import_outcomes(text.encode("utf-16"), "utfall.txt", user=None)
    assert result.created == 1
    stored = Outcome.objects.get(indicator=measure.indicator, year=YEAR, period_number=5)
    assert (stored.value, stored.comment) == (Decimal("3.5"), "Översyn")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("slump.csv", os.urandom(200_000), "Filen är inte en CSV-fil"),
        ("slump.xlsx", os.urandom(200_000), "Filen är inte en Excel-fil (.xlsx)"),
        ("text.xlsx", "mätetal;år\n1;2025\n".encode(), "Filen är inte en Excel-fil (.xlsx)"),
        ("nollor.csv", b"m\x00\x00\x00" * 1000, "Filen är inte en CSV-fil"),
        ("bok.csv", small_xlsx([["mätetal"]]), "den ser ut att vara en Excel-fil"),
        ("gammal.xls", b"\xd0\xcf\x11\xe0" + os.urandom(1000), "Bara CSV- och Excel-filer (.xlsx)"),
        ("tom.csv", b"", "Filen är tom."),
        ("citat.csv", HEADING.encode() + b'\n"' + b"x" * 200_000, "Rad 2 i filen kan inte läsas"),
        ("trasig.xlsx", small_xlsx([["a"]])[:-200] + b"\0" * 200, "Filen är inte en Excel-fil"),
    ],
)
def test_wrong_files_give_one_swedish_message(name, content, expected):
    with translation.override("sv"), pytest.raises(ImportFailed) as failure:
        import_outcomes(content, name, user=None)
    assert type(failure.value) is UnreadableFile
    assert expected in failure.value.message
    assert [str(error) for error in failure.value.errors] == [failure.value.message]


def test_damaged_workbook_inside_a_valid_zip_gives_a_swedish_message():
    def write_sheet(member):
        member.write(HEADING_ROW_XML + b"<row><c><v>1</v></c></row><row><c")  # cut mid-element

    data = with_sheet_xml(small_xlsx([["a"]]), write_sheet)
    with translation.override("sv"), pytest.raises(UnreadableFile) as failure:
        import_outcomes(data, "trasig.xlsx", user=None)
    assert "Excel-filen är skadad" in failure.value.message


def test_values_too_large_once_rounded_and_control_characters_are_row_errors(measure):
    rows = [f"{measure.pk};{YEAR};month-1;;T;999999999999,99999;", f"{measure.pk};{YEAR};month-2;;T;1;Före\x07efter"]
    with translation.override("sv"), pytest.raises(ImportFailed) as failure:
        import_outcomes(as_csv(rows), "gränser.csv", user=None)
    assert [(error.row, error.column) for error in failure.value.errors] == [(2, "värde"), (3, "kommentar")]
    assert "kontrolltecken" in failure.value.errors[1].message


# e) management commands ----------------------------------------------------------------------


def test_import_outcomes_command_refuses_in_swedish_without_traceback(tmp_path, settings):
    settings.IMPORT_MAX_LISTED_ERRORS = 3
    random_file = tmp_path / "slump.xlsx"
    random_file.write_bytes(os.urandom(5000))
    bad_rows = tmp_path / "fel.csv"
    bad_rows.write_bytes(as_csv([f"99999;{YEAR};month-1;;T;1;"] * 1200))
    errors = io.StringIO()
    with translation.override("sv"):
        with pytest.raises(CommandError, match="Filen är inte en Excel-fil"):
            call_command("import_outcomes", str(random_file), stderr=errors)
        with pytest.raises(CommandError, match="Det finns ingen fil ”.*saknas.csv”"):
            call_command("import_outcomes", str(tmp_path / "saknas.csv"), stderr=errors)
        with pytest.raises(CommandError, match="Inget importerades: 1\xa0200 fel."):
            call_command("import_outcomes", str(bad_rows), stderr=errors)
    assert errors.getvalue().count("Det finns inget nyckeltal eller mätetal med") == 3
    assert "… och 1\xa0197 fel till" in errors.getvalue()
    assert "Traceback" not in errors.getvalue()


def test_import_kolada_command_refuses_in_swedish(tmp_path, settings):
    not_json = tmp_path / "kolada.json"
    not_json.write_bytes(os.urandom(3000))
    big = tmp_path / "stor.json"
    big.write_bytes(b" " * 2000)
    with translation.override("sv"):
        with pytest.raises(CommandError, match="Filen är inte Kolada-data"):
            call_command("import_kolada", str(not_json), stdout=io.StringIO())
        settings.IMPORT_MAX_BYTES = 1000
        with pytest.raises(CommandError, match="Filen är större än 1\xa0000\xa0byte"):
            call_command("import_kolada", str(big), stdout=io.StringIO())
        with pytest.raises(CommandError, match="Det finns ingen fil"):
            call_command("import_kolada", str(tmp_path / "saknas.json"), stdout=io.StringIO())
        with pytest.raises(CommandError, match="är en mapp, inte en fil"):
            call_command("import_kolada", str(tmp_path), stdout=io.StringIO())


def kolada(values: list) -> bytes:
    return json.dumps({"values": values}).encode()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"[" * 100_000, "Filen är inte Kolada-data"),
        (b'{"values": 3}', "Filen är inte Kolada-data"),
        (
            kolada([{"kpi": "N1", "municipality": "0000", "period": 2024, "values": 7}]),
            "Post 1 saknar kpi, municipality, period eller values.",
        ),
        (
            kolada([{"kpi": "N1", "municipality": "0000", "period": 2024, "values": ["x"]}]),
            "Post 1 har ett värde som inte är ett objekt",
        ),
        (kolada([{"kpi": "N1", "municipality": "0000", "period": 12345, "values": []}]), "Post 1 har perioden ”12345”"),
        (kolada([{"kpi": "N1", "municipality": "x" * 50, "period": 2024, "values": []}]), "Post 1 har kommunen"),
        (kolada([{"kpi": "N1", "municipality": "00\u00000", "period": 2024, "values": []}]), "Post 1 har kommunen"),
        (
            (
                b'{"values": [{"kpi": "N79036", "municipality": "0000", "period": 2024,'
                b' "values": [{"gender": "T", "value": NaN}]}]}'
            ),
            "Post 1 har värdet ”nan”",
        ),
        (
            kolada(
                [{"kpi": "N79036", "municipality": "0000", "period": 2024, "values": [{"gender": "T", "value": "tre"}]}]
            ),
            "Post 1 har värdet ”tre”",
        ),
    ],
)
def test_kolada_wrong_shapes_are_kolada_file_errors_in_swedish(data, expected):
    with translation.override("sv"), pytest.raises(KoladaFileError) as failure:
        import_kolada(data)
    assert expected in str(failure.value)


def test_kolada_row_limit(settings):
    settings.IMPORT_MAX_ROWS = 2
    values = [{"gender": sex, "value": 1.0} for sex in "TKM"]
    with translation.override("sv"), pytest.raises(KoladaFileError, match="fler än 2 värden"):
        import_kolada(kolada([{"kpi": "N1", "municipality": "0000", "period": 2024, "values": values}]))


# f) django-import-export admin imports -------------------------------------------------------


class LimitedTargetAdmin(TargetAdmin):
    """The project's target admin (LimitedImportExportMixin through GuardedImportExportMixin), on a
    site of its own."""


hardened_site = admin.AdminSite(name="admin")
hardened_site.register(Target, LimitedTargetAdmin)
# Not a site of the project: keep it out of the system checks (it lacks the related admins).
admin.sites.all_sites.discard(hardened_site)
urlpatterns = [path("admin/", hardened_site.urls)]


def format_index(title: str) -> str:
    formats = LimitedTargetAdmin(Target, hardened_site).get_import_formats()
    return str([f().get_title() for f in formats].index(title))


def post_import(client, name: str, content: bytes, title: str):
    upload = SimpleUploadedFile(name, content)
    return client.post(
        "/admin/kpis/target/import/", {"import_file": upload, "format": format_index(title), "resource": "0"}
    )


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("name", "content", "title", "expected"),
    [
        ("slump.csv", os.urandom(100_000), "csv", "Filen är inte en CSV-fil"),
        ("slump.xlsx", os.urandom(100_000), "xlsx", "Filen är inte en Excel-fil (.xlsx)"),
        ("text.xlsx", b"measure;year\n1;2031\n", "xlsx", "Filen är inte en Excel-fil (.xlsx)"),
        ("slump.json", os.urandom(100_000), "json", "Filen är inte text (UTF-8 eller Windows-1252)"),
    ],
)
def test_admin_import_of_unreadable_files_is_a_swedish_form_error(admin_client_sv, name, content, title, expected):
    before = Target.objects.count()
    response = post_import(admin_client_sv, name, content, title)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    assert Target.objects.count() == before


@pytest.mark.urls(__name__)
def test_admin_import_over_the_size_limit_and_the_zip_bomb_are_refused(admin_client_sv, settings, zip_bomb):
    before = Target.objects.count()
    response = post_import(admin_client_sv, "bomb.xlsx", zip_bomb.read_bytes(), "xlsx")
    assert response.status_code == 200
    assert "Kalkylarket packas upp till 300\xa0MB" in response.content.decode()
    settings.IMPORT_MAX_BYTES = 10_000
    response = post_import(admin_client_sv, "stor.csv", b"measure;year\n" + b"1;2031\n" * 5000, "csv")
    assert response.status_code == 200
    assert "Filen är större än 9,8\xa0kB" in response.content.decode()
    assert Target.objects.count() == before


@pytest.mark.urls(__name__)
def test_admin_import_reads_windows_1252_semicolon_csv_through_confirmation(admin_client_sv, measure):
    # A draft plan: a decided one asks for a reason, which is not what this test is about.
    Plan.objects.filter(pk=measure.plan_id).update(state=Plan.State.DRAFT)
    wording = "Minst 90 % – väntetid för åtgärd"
    content = f"measure;year;kind;value;wording\r\n{measure.pk};{YEAR};at_least;90;{wording}\r\n"
    response = post_import(admin_client_sv, "mal.csv", content.encode("cp1252"), "csv")
    assert response.status_code == 200
    assert "confirm_form" in response.context, response.content.decode()
    confirm = response.context["confirm_form"]
    assert not Target.objects.filter(measure=measure, year=YEAR).exists()  # only a preview
    done = admin_client_sv.post("/admin/kpis/target/process_import/", confirm.initial)
    assert done.status_code == 302
    assert Target.objects.get(measure=measure, year=YEAR).wording == wording
    again = admin_client_sv.post("/admin/kpis/target/process_import/", confirm.initial)
    assert again.status_code == 302  # the stored file is gone: a message, not a 500
    assert again.url.endswith("/admin/kpis/target/import/")


@pytest.mark.urls(__name__)
def test_admin_import_lists_at_most_the_configured_row_errors(admin_client_sv, settings):
    settings.IMPORT_MAX_LISTED_ERRORS = 5
    rows = "".join(f"99999;{YEAR};at_least;{number};Mål\r\n" for number in range(40))
    response = post_import(admin_client_sv, "fel.csv", f"measure;year;kind;value;wording\r\n{rows}".encode(), "csv")
    assert response.status_code == 200
    result = response.context["result"]
    listed = len(result.invalid_rows) + len(result.row_errors())
    assert listed == 5
    assert "40 rader har fel; de första 5 visas." in response.content.decode()


def test_an_admins_own_import_form_keeps_the_file_checks(settings):
    from django import forms
    from import_export.forms import ImportForm

    class ReasonImportForm(ImportForm):
        reason = forms.CharField(required=False)

    class ReasonTargetAdmin(TargetAdmin):
        import_form_class = ReasonImportForm

    settings.IMPORT_MAX_BYTES = 10
    model_admin = ReasonTargetAdmin(Target, hardened_site)
    form_class = model_admin.get_import_form_class(None)
    assert issubclass(form_class, ReasonImportForm)
    upload = SimpleUploadedFile("mal.csv", b"measure;year\n1;2031\n")
    form = form_class(
        model_admin.get_import_formats(),
        model_admin.get_import_resource_classes(None),
        data={"format": format_index("csv"), "resource": "0"},
        files={"import_file": upload},
    )
    with translation.override("sv"):
        assert not form.is_valid()
        assert "Filen är större än 10\xa0byte" in form.errors["import_file"][0]
    assert "reason" in form.fields


# g) PostgreSQL: changing over a thousand outcomes (the COPY deadlock) -------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_import_changing_over_a_thousand_outcomes_finishes_on_postgresql():
    import faulthandler

    measures = list(Measure.objects.filter(plan=hsn_plan(2025), indicator__split_by_sex=False).order_by("pk")[:10])
    now = timezone.now()
    Outcome.objects.bulk_create(
        [
            Outcome(
                indicator=m.indicator,
                year=YEAR,
                period_kind="month",
                period_number=month,
                sex="T",
                value=Decimal(month),
                entered_at=now,
                updated_at=now,
                version=1,
            )
            for m in measures
            for month in range(1, 13)
        ]
        + [
            Outcome(
                indicator=m.indicator,
                year=YEAR + 1,
                period_kind="month",
                period_number=month,
                sex="T",
                value=Decimal(month),
                entered_at=now,
                updated_at=now,
                version=1,
            )
            for m in measures
            for month in range(1, 13)
        ]
    )
    units = list(OrganisationalUnit.objects.order_by("pk")[:4])
    Outcome.objects.bulk_create(
        [
            Outcome(
                indicator=m.indicator,
                unit=unit,
                year=year,
                period_kind="month",
                period_number=month,
                sex="T",
                value=Decimal(month),
                entered_at=now,
                updated_at=now,
                version=1,
            )
            for m in measures
            for unit in units
            for year in (YEAR, YEAR + 1)
            for month in range(1, 13)
        ]
    )
    stored = Outcome.objects.filter(year__in=(YEAR, YEAR + 1), indicator__measures__in=measures)
    count = stored.count()
    assert count >= 1000
    names = {unit.pk: unit.name for unit in units}
    measure_of = {m.indicator_id: m.pk for m in measures}
    rows = [
        f"{measure_of[o.indicator_id]};{o.year};month-{o.period_number};{names.get(o.unit_id, '')};T;"
        f"{o.value + 1};ändrad"
        for o in stored
    ]
    # A regression would block forever on the connection: end the run with a traceback instead.
    faulthandler.dump_traceback_later(300, exit=True)
    try:
        started = time.perf_counter()
        result = import_outcomes(as_csv(rows), "andra.csv", user=None)
        seconds = time.perf_counter() - started
    finally:
        faulthandler.cancel_dump_traceback_later()
    print(f"PostgreSQL: {count} changed outcomes imported in {seconds:.2f} s")
    assert (result.updated, result.created) == (count, 0)
    assert stored.filter(comment="ändrad").count() == count
    assert Outcome.history.filter(year__in=(YEAR, YEAR + 1), history_type="~", comment="ändrad").count() == count


def test_changed_outcomes_get_new_values_versions_and_history(measure):
    """Both write paths (bulk_update on SQLite, UPDATE … FROM VALUES on PostgreSQL)."""
    import_outcomes(as_csv(month_rows(measure, 3, value="10")), "först.csv", user=None)
    result = import_outcomes(as_csv(month_rows(measure, 3, value="12,5")), "sen.csv", user=None, reason="Rättat")
    assert (result.created, result.updated, result.unchanged) == (0, 3, 0)
    stored = Outcome.objects.filter(indicator=measure.indicator, year=YEAR).order_by("period_number")
    assert [(o.period_number, o.value, o.version) for o in stored] == [
        (1, Decimal("12.5"), 2),
        (2, Decimal("12.5"), 2),
        (3, Decimal("12.5"), 2),
    ]
    history = Outcome.history.filter(indicator=measure.indicator, year=YEAR, history_type="~")
    assert sorted(history.values_list("value", "history_change_reason")) == [(Decimal("12.5"), "Rättat")] * 3


# h) two imports at the same time -------------------------------------------------------------


def test_a_row_inserted_between_checking_and_writing_is_a_conflict(monkeypatch, measure):
    """Another session commits the same outcome after this import checked the file.

    On PostgreSQL the competing row comes from a second connection and is committed, as a
    concurrent import would; SQLite's test database allows one writer, so there it is
    inserted on the same connection inside the import's transaction.
    """
    rows = month_rows(measure, 3)
    original_insert = import_writes._insert
    competing = {
        "indicator_id": measure.indicator_id,
        "year": YEAR,
        "period_kind": "month",
        "period_number": 2,
        "sex": "T",
    }

    def insert_after_someone_else(outcomes, progress):
        if connection.vendor == "postgresql":
            insert_committed_elsewhere(competing)
        else:
            now = timezone.now()
            Outcome.objects.create(**competing, value=1, entered_at=now, updated_at=now)
        original_insert(outcomes, progress)

    monkeypatch.setattr(import_writes, "_insert", insert_after_someone_else)
    try:
        with translation.override("sv"), pytest.raises(ImportConflict) as failure:
            import_outcomes(as_csv(rows), "samtidigt.csv", user=None)
        assert "Någon annan registrerade eller importerade utfall" in failure.value.message
        assert isinstance(failure.value, ImportFailed)
        # Nothing of the file was written: its first and third rows are not there.
        assert not Outcome.objects.filter(indicator=measure.indicator, year=YEAR, period_number__in=(1, 3)).exists()
    finally:
        if connection.vendor == "postgresql":
            delete_committed_elsewhere(competing)


def insert_committed_elsewhere(fields: dict) -> None:
    import psycopg

    with psycopg.connect(**second_connection_parameters(), autocommit=True) as other:
        other.execute(
            "INSERT INTO kpis_outcome (indicator_id, year, period_kind, period_number, sex, value, "
            "comment, entered_at, updated_at, version) VALUES (%(indicator_id)s, %(year)s, "
            "%(period_kind)s, %(period_number)s, %(sex)s, 1, '', now(), now(), 1)",
            fields,
        )


def delete_committed_elsewhere(fields: dict) -> None:
    import psycopg

    with psycopg.connect(**second_connection_parameters(), autocommit=True) as other:
        other.execute(
            "DELETE FROM kpis_outcome WHERE indicator_id = %(indicator_id)s AND year = %(year)s "
            "AND period_kind = %(period_kind)s AND period_number = %(period_number)s "
            "AND sex = %(sex)s AND unit_id IS NULL",
            fields,
        )


def second_connection_parameters() -> dict:
    parameters = connection.get_connection_params()
    return {
        key: value
        for key, value in parameters.items()
        if key in {"dbname", "user", "password", "host", "port"} and value
    }


class DeadlockDetected(Exception):
    """Stands in for psycopg's error, which Django's OperationalError carries as its cause."""

    sqlstate = "40P01"


def database_error(conflict: bool) -> OperationalError:
    if not conflict:
        return OperationalError("disk I/O error")
    if connection.vendor == "sqlite":
        return OperationalError("database is locked")
    error = OperationalError("deadlock detected")
    error.__cause__ = DeadlockDetected()
    return error


@pytest.mark.parametrize("conflict", [True, False])
def test_a_lock_or_deadlock_is_a_conflict_and_other_database_errors_are_not(monkeypatch, measure, conflict):
    def fail(*args, **kwargs):
        raise database_error(conflict)

    monkeypatch.setattr(import_writes, "_write_all", fail)
    with pytest.raises(ImportConflict if conflict else OperationalError) as failure:
        import_outcomes(as_csv(month_rows(measure, 1)), "låst.csv", user=None)
    assert isinstance(failure.value, ImportFailed) is conflict


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a second writer at once")
def test_two_imports_at_the_same_time_the_second_gets_a_conflict(monkeypatch, measure):
    """Two sessions import the same new outcomes; the first holds its transaction open.

    The second's COPY waits on the first's unique key; when the first commits, the second gets a
    duplicate key and must answer ImportConflict with nothing of its own file written.
    """
    import threading

    from django.db import connections

    first_rows = month_rows(measure, 3)
    second_rows = month_rows(measure, 4)  # one more row (April) that only the second file has
    inserted, release = threading.Event(), threading.Event()
    real_record_history = import_writes.record_history_of_stored
    outcomes: dict[str, object] = {}

    def paused_record_history(rows, **kwargs):
        if threading.current_thread().name == "first" and kwargs.get("created"):
            inserted.set()
            release.wait(30)
        return real_record_history(rows, **kwargs)

    def run(name: str, rows: list[str]) -> None:
        try:
            with translation.override("sv"):
                outcomes[name] = import_outcomes(as_csv(rows), f"{name}.csv", user=None)
        except Exception as error:  # noqa: BLE001 - the test asserts on whatever happened
            outcomes[name] = error
        finally:
            connections.close_all()

    monkeypatch.setattr(import_writes, "record_history_of_stored", paused_record_history)
    first = threading.Thread(target=run, args=("first", first_rows), name="first")
    second = threading.Thread(target=run, args=("second", second_rows), name="second")
    try:
        first.start()
        assert inserted.wait(30), outcomes
        second.start()
        wait_until_a_session_waits_for_a_lock()
        release.set()
        first.join(60)
        second.join(60)
        assert not first.is_alive() and not second.is_alive()
        assert getattr(outcomes["first"], "created", None) == 3, outcomes["first"]
        assert isinstance(outcomes["second"], ImportConflict), outcomes["second"]
        assert "Någon annan registrerade eller importerade utfall" in outcomes["second"].message
        stored = committed_months(measure.indicator_id)
        assert stored == [1, 2, 3]  # the first file's rows, nothing of the second's
    finally:
        release.set()
        delete_committed_outcomes(measure.indicator_id)


def wait_until_a_session_waits_for_a_lock(seconds: float = 10) -> None:
    import psycopg

    deadline = time.monotonic() + seconds
    with psycopg.connect(**second_connection_parameters(), autocommit=True) as other:
        while time.monotonic() < deadline:
            waiting = other.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()
            if waiting[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the second import never waited for the first")


def committed_months(indicator_id: int) -> list[int]:
    import psycopg

    with psycopg.connect(**second_connection_parameters(), autocommit=True) as other:
        rows = other.execute(
            "SELECT period_number FROM kpis_outcome WHERE indicator_id = %s AND year = %s ORDER BY period_number",
            (indicator_id, YEAR),
        ).fetchall()
    return [number for (number,) in rows]


def delete_committed_outcomes(indicator_id: int) -> None:
    import psycopg

    with psycopg.connect(**second_connection_parameters(), autocommit=True) as other:
        for table in (Outcome.history.model._meta.db_table, Outcome._meta.db_table):
            other.execute(f"DELETE FROM {table} WHERE indicator_id = %s AND year = %s", (indicator_id, YEAR))
