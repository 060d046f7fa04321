"""An imported file waits in the database between preview and confirmation (issue 14): nothing
on the app server's disk, only its uploader sees or confirms it, once, and not after it has
expired. The outcome import, and django-import-export's spreadsheet imports through the same model."""

import builtins
import hashlib
import os
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

import kpis.admin
from goalplan.models import OrganisationalUnit, Plan
from kpis.models import Measure, Outcome, PendingImport, Target
from kpis.pending_imports import PendingImportGone, pending_import_confirm
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db

URL = "/admin/kpis/outcome/import/"
HEADING = "mätetal;år;period;enhet;kön;värde;kommentar"
# The Swedish messages (kpis/pending_imports.py).
GONE = "Det finns ingen fil som väntar på import"
EXPIRED = "Förhandsgranskningen har gått ut"


@pytest.fixture
def measure() -> Measure:
    return Measure.objects.filter(plan=hsn_plan(2025), indicator__split_by_sex=False).order_by("pk").first()


def csv_file(measure: Measure, value: str = "77", month: int = 4) -> bytes:
    return f"{HEADING}\n{measure.pk};2033;month-{month};;T;{value};ok\n".encode()


def upload(client: Client, data: bytes, name: str = "utfall.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data)})


def stored(measure: Measure, month: int = 4):
    return Outcome.objects.filter(indicator=measure.indicator, year=2033, period_number=month)


def swedish_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user)
    return client


@pytest.fixture
def two_administrators():
    users = get_user_model().objects
    return (
        users.create_superuser("uppladdare", "a@example.se", "lösen-a-2025"),
        users.create_superuser("annan-admin", "b@example.se", "lösen-b-2025"),
    )


def test_the_preview_keeps_the_file_in_the_database_for_its_uploader(admin_client_sv, admin_user, measure):
    data = csv_file(measure)
    preview = upload(admin_client_sv, data, "april.csv")
    assert preview.status_code == 200
    pending = PendingImport.objects.get()
    assert (pending.uploaded_by, pending.file_name, bytes(pending.content)) == (admin_user, "april.csv", data)
    assert pending.sha256 == hashlib.sha256(data).hexdigest()
    assert timezone.now() - pending.uploaded_at < timedelta(minutes=1)
    # The confirmation names the preview it confirms.
    assert f'name="pending" value="{pending.pk}"' in preview.content.decode()
    assert not stored(measure).exists()


@pytest.fixture
def disk_writes(monkeypatch):
    """The files opened for writing while the test runs (builtins.open and os.open)."""
    writes = []
    real_open, real_os_open = builtins.open, os.open

    def reading_open(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+"):
            writes.append(file)
        return real_open(file, mode, *args, **kwargs)

    def reading_os_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            writes.append(path)
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", reading_open)
    monkeypatch.setattr(os, "open", reading_os_open)
    return writes


def test_nothing_is_written_to_the_local_disk_between_preview_and_confirmation(admin_client_sv, measure, disk_writes):
    assert not hasattr(kpis.admin, "IMPORT_DIR")
    assert upload(admin_client_sv, csv_file(measure)).status_code == 200
    assert admin_client_sv.post(URL, {"confirm": "1"}).status_code == 302
    assert disk_writes == []
    assert stored(measure).get().comment == "ok"
    assert not PendingImport.objects.exists()  # gone once imported


def test_the_spreadsheet_imports_keep_their_file_in_the_database_too(two_administrators, measure, disk_writes):
    """django-import-export's preview and confirmation (targets here), bound to the uploader."""
    uploader, other = two_administrators
    Plan.objects.filter(pk=measure.plan_id).update(state=Plan.State.DRAFT)  # no reason needed
    titles = [format_class().get_title() for format_class in admin.site._registry[Target].get_import_formats()]
    content = f"measure;year;kind;value;wording\r\n{measure.pk};2033;at_least;90;Minst 90 %\r\n".encode()
    preview = swedish_client(uploader).post(
        "/admin/kpis/target/import/",
        {"import_file": SimpleUploadedFile("mal.csv", content), "format": str(titles.index("csv")), "resource": "0"},
    )
    assert "confirm_form" in preview.context, preview.content.decode()
    confirm = preview.context["confirm_form"].initial
    pending = PendingImport.objects.get()
    assert (pending.uploaded_by, pending.file_name, confirm["import_file_name"]) == (
        uploader,
        "mal.csv",
        str(pending.pk),
    )
    # Someone else confirming the same preview finds no file.
    refused = swedish_client(other).post("/admin/kpis/target/process_import/", confirm, follow=True)
    assert "Filen att importera hittades inte" in refused.content.decode()
    assert not Target.objects.filter(measure=measure, year=2033).exists()
    assert swedish_client(uploader).post("/admin/kpis/target/process_import/", confirm).status_code == 302
    assert Target.objects.get(measure=measure, year=2033).wording == "Minst 90 %"
    assert not PendingImport.objects.exists()
    assert disk_writes == []


def test_another_administrator_can_neither_see_nor_confirm_someone_elses_upload(two_administrators, measure):
    uploader, other = two_administrators
    first, second = swedish_client(uploader), swedish_client(other)
    assert upload(first, csv_file(measure), "min-fil.csv").status_code == 200
    pending = PendingImport.objects.get()
    # The other administrator names the upload outright: refused, nothing imported.
    refused = second.post(URL, {"confirm": "1", "pending": str(pending.pk)}, follow=True)
    assert GONE in refused.content.decode() and "min-fil.csv" not in refused.content.decode()
    assert not stored(measure).exists()
    # Nor does their own import page show it, and the service agrees.
    assert "min-fil.csv" not in second.get(URL).content.decode()
    with pytest.raises(PendingImportGone):
        pending_import_confirm(user=other, pending_id=pending.pk)
    assert not stored(measure).exists()
    # The uploader still can.
    assert first.post(URL, {"confirm": "1", "pending": str(pending.pk)}).status_code == 302
    assert stored(measure).get().value == 77


def test_a_second_confirmation_of_the_same_preview_is_refused_and_imports_nothing(admin_client_sv, measure):
    assert upload(admin_client_sv, csv_file(measure)).status_code == 200
    pending = PendingImport.objects.get()
    assert admin_client_sv.post(URL, {"confirm": "1", "pending": str(pending.pk)}).status_code == 302
    outcome = stored(measure).get()
    # The person corrects the figure by hand; a second click on the old preview must not undo it.
    Outcome.objects.filter(pk=outcome.pk).update(value=78)
    again = admin_client_sv.post(URL, {"confirm": "1", "pending": str(pending.pk)}, follow=True)
    assert GONE in again.content.decode()
    assert stored(measure).get().value == 78
    assert Outcome.history.filter(id=outcome.pk).count() == 1  # one import, one history row


def test_an_expired_preview_is_refused_in_swedish_and_removed(admin_client_sv, measure, settings):
    assert upload(admin_client_sv, csv_file(measure)).status_code == 200
    PendingImport.objects.update(uploaded_at=timezone.now() - timedelta(seconds=settings.IMPORT_PENDING_SECONDS + 1))
    refused = admin_client_sv.post(URL, {"confirm": "1"}, follow=True)
    assert EXPIRED in refused.content.decode() and "120 minuter" in refused.content.decode()
    assert not stored(measure).exists()
    assert not PendingImport.objects.exists()


def test_a_new_upload_removes_expired_ones_and_the_uploaders_previous_one(two_administrators, measure, settings):
    uploader, other = two_administrators
    old = PendingImport.objects.store(user=other, file_name="gammal.csv", content=b"x")
    kept = PendingImport.objects.store(user=other, file_name="farsk.csv", content=b"y")
    assert not PendingImport.objects.filter(pk=old.pk).exists()  # replaced by the person's newer one
    stale = PendingImport.objects.store(user=uploader, file_name="forra.csv", content=b"z")
    PendingImport.objects.filter(pk=kept.pk).update(
        uploaded_at=timezone.now() - timedelta(seconds=settings.IMPORT_PENDING_SECONDS + 1)
    )
    newest = PendingImport.objects.store(user=uploader, file_name="ny.csv", content=b"w")
    assert list(PendingImport.objects.values_list("pk", flat=True)) == [newest.pk]
    assert stale.pk != newest.pk


def test_confirming_an_older_preview_after_a_newer_upload_imports_neither(admin_client_sv, measure):
    """Two tabs: the confirmation names its own preview, never the file uploaded after it."""
    assert upload(admin_client_sv, csv_file(measure, "61", month=5), "maj.csv").status_code == 200
    older = PendingImport.objects.get()
    assert upload(admin_client_sv, csv_file(measure, "62", month=6), "juni.csv").status_code == 200
    refused = admin_client_sv.post(URL, {"confirm": "1", "pending": str(older.pk)}, follow=True)
    assert GONE in refused.content.decode()
    assert not stored(measure, 5).exists() and not stored(measure, 6).exists()


def test_a_failed_confirmation_keeps_the_file_for_another_try(admin_client_sv, measure):
    """Something changed between preview and confirmation (here the unit is gone): nothing is
    imported, the file is kept, and the page offers to try again with it."""
    unit = OrganisationalUnit.objects.create(name="Tillfällig enhet", code="TMP", kind="unit")
    data = f"{HEADING}\n{measure.pk};2033;month-4;TMP;T;55;\n".encode()
    assert upload(admin_client_sv, data, "enhet.csv").status_code == 200
    pending = PendingImport.objects.get()
    unit.delete()
    failed = admin_client_sv.post(URL, {"confirm": "1", "pending": str(pending.pk)})
    assert failed.status_code == 200 and "enhet.csv" in failed.content.decode()
    assert f'name="pending" value="{pending.pk}"' in failed.content.decode()
    assert PendingImport.objects.filter(pk=pending.pk).exists()
    assert not Outcome.objects.filter(indicator=measure.indicator, year=2033).exists()


def test_pending_imports_have_no_admin_and_no_permissions_to_grant():
    assert PendingImport not in admin.site._registry
    assert not Permission.objects.filter(content_type__model="pendingimport").exists()
