"""django-import-export's admin import held to the same file limits as our own imports.

Use ``LimitedImportExportMixin`` in place of ``ImportExportMixin``. The upload is checked by
kpis/uploads.py before any parser runs: size (``IMPORT_MAX_BYTES``), text encoding (UTF-8 with
or without BOM, else Windows-1252; the file is stored as UTF-8 for the confirmation step), XLSX
zip bombs and rows (``IMPORT_MAX_ROWS``). A refused or unreadable file is a Swedish form error
on the import page instead of a 500, and at most ``IMPORT_MAX_LISTED_ERRORS`` rows with errors
are listed. Between preview and confirmation the file waits in the database (kpis.PendingImport,
as the outcome import's does), bound to the person importing, never in a temporary folder.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

import tablib
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ImportForm
from import_export.tmp_storages import BaseStorage

from kpis.models import PendingImport
from kpis.uploads import (
    UnreadableFile,
    check_xlsx,
    check_zip,
    checked_upload,
    decode_text,
    format_count,
    read_upload,
    sniff_delimiter,
    xlsx_rows,
)

logger = logging.getLogger(__name__)

# The person whose import request is being handled: the library builds its storage without one.
_importer: ContextVar = ContextVar("importer", default=None)


@contextmanager
def importing_as(user) -> Iterator[None]:
    """Inside, the import's stored file belongs to ``user``; one transaction, so the confirmation
    holds the file's row locked from reading it until it is removed (a double click imports once)."""
    token = _importer.set(user)
    try:
        with transaction.atomic():
            yield
    finally:
        _importer.reset(token)


class PendingImportStorage(BaseStorage):
    """django-import-export's file between preview and confirmation, in kpis.PendingImport.

    Its ``name`` (carried by the confirmation form) is the pending import's number, which only
    the person who uploaded it can read or remove; an expired, removed or someone else's file
    reads as missing (FileNotFoundError, which the mixin answers with "upload it again").
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.file_name = kwargs.get("file_name", "")

    def _mine(self):
        user = _importer.get()
        if user is None:
            raise RuntimeError("PendingImportStorage is used inside an admin import request only.")
        return PendingImport.objects.of(user)

    def _pk(self) -> int | None:
        name = str(self.name or "")
        return int(name) if name.isdecimal() and len(name) <= 18 else None

    def save(self, data):
        content = data.encode(self.encoding or "utf-8") if isinstance(data, str) else bytes(data)
        self._mine()  # refuse before writing, not after
        pending = PendingImport.objects.store(user=_importer.get(), file_name=self.file_name, content=content)
        self.name = str(pending.pk)

    def read(self):
        pk = self._pk()
        pending = self._mine().select_for_update().filter(pk=pk).first() if pk is not None else None
        if pending is None or pending.has_expired():
            raise FileNotFoundError(self.name)
        content = bytes(pending.content)
        return content if "b" in self.read_mode else content.decode(self.encoding or "utf-8")

    def remove(self):
        if self._pk() is not None:
            self._mine().filter(pk=self._pk()).delete()


def _too_many_rows(limit: int) -> UnreadableFile:
    return UnreadableFile(
        _("The file has more than %(limit)s rows and cannot be imported. Split it into smaller files.")
        % {"limit": format_count(limit)}
    )


class LimitedTextFormat:
    """A text format read with our encoding detection (and, for CSV, the ; , or tab sniffing)."""

    def create_dataset(self, in_stream, **kwargs):
        text = decode_text(in_stream) if isinstance(in_stream, bytes) else in_stream
        if isinstance(self, base_formats.CSV):
            kwargs.setdefault("delimiter", sniff_delimiter(text))
        dataset = super().create_dataset(text, **kwargs)
        if len(dataset) > settings.IMPORT_MAX_ROWS:
            raise _too_many_rows(settings.IMPORT_MAX_ROWS)
        return dataset


class LimitedXLSX(base_formats.XLSX):
    """XLSX read by kpis/uploads.py: zip bomb refused, rows streamed and counted."""

    def create_dataset(self, in_stream):
        rows = xlsx_rows(in_stream, max_rows=settings.IMPORT_MAX_ROWS, as_text=False)
        dataset = tablib.Dataset()
        heading = next(rows, None)
        if heading is None:
            return dataset
        dataset.headers = heading
        skip_blank = getattr(settings, "IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES", False)
        for row in rows:
            if not (skip_blank and all(value is None for value in row)):
                dataset.append(row)
        return dataset


@cache
def limited_format(format_class: type) -> type:
    """The format class with our checks, for the import formats django-import-export offers."""
    if issubclass(format_class, base_formats.XLSX):
        return LimitedXLSX
    if issubclass(format_class, base_formats.TextFormat):
        return type(f"Limited{format_class.__name__}", (LimitedTextFormat, format_class), {})
    return format_class


class LimitedImportFormMixin:
    """Checks for an import form: the file must pass the size, encoding and zip checks."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.import_formats = formats

    def clean_import_file(self):
        return checked_upload(self.cleaned_data["import_file"])

    def clean(self):
        cleaned = super().clean()
        upload, chosen = cleaned.get("import_file"), cleaned.get("format")
        if upload is None or chosen in (None, ""):
            return cleaned
        input_format = self.import_formats[int(chosen)]()
        try:
            data = read_upload(upload)
            if not data or data.isspace():  # isspace, unlike strip, copies nothing
                raise UnreadableFile(_("The file is empty."))
            if isinstance(input_format, base_formats.XLSX):
                check_xlsx(data)
            elif input_format.is_binary():
                if data.startswith(b"PK"):
                    check_zip(data, refusal=_("The file is not in the chosen format."))
            else:
                refusal = (
                    None
                    if isinstance(input_format, base_formats.CSV | base_formats.TSV)
                    else _("The file is not text (UTF-8 or Windows-1252) in the chosen format.")
                )
                # Stored as UTF-8, so the confirmation step reads what was checked here.
                data = decode_text(data, refusal=refusal).encode("utf-8")
        except UnreadableFile as error:
            self.add_error("import_file", error.message)
        else:
            upload.checked_data = data
        return cleaned


class LimitedImportForm(LimitedImportFormMixin, ImportForm):
    """The admin import form with our file checks."""


@cache
def limited_form(form_class: type) -> type:
    """An admin's own import form (e.g. one with a reason field) with our file checks."""
    if issubclass(form_class, LimitedImportFormMixin):
        return form_class
    return type(f"Limited{form_class.__name__}", (LimitedImportFormMixin, form_class), {})


class LimitedImportExportMixin(ImportExportMixin):
    """ImportExportMixin whose import refuses oversized, binary, mis-encoded or bomb files."""

    import_form_class = LimitedImportForm
    tmp_storage_class = PendingImportStorage

    def get_import_form_class(self, request):
        return limited_form(super().get_import_form_class(request))

    def export_action(self, request):
        # The export reads the list's filters from the address: an odd one (?year=abc) is said,
        # and the export offered without it, rather than an error page.
        try:
            return super().export_action(request)
        except (IncorrectLookupParameters, ValidationError, ValueError):
            self.message_user(
                request, _("The filter in the address is not valid; the export is shown without it."), messages.WARNING
            )
            return HttpResponseRedirect(request.path)

    def get_import_formats(self):
        return [limited_format(format_class) for format_class in super().get_import_formats()]

    def write_to_tmp_storage(self, import_file, input_format):
        # The library concatenates chunk by chunk and stores the raw bytes; we store the checked
        # (for text: UTF-8) bytes the form read once.
        data = getattr(import_file, "checked_data", None)
        if data is None:
            data = read_upload(import_file)
        tmp_storage = self.get_tmp_storage_class()(
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            file_name=getattr(import_file, "name", ""),
            **self.get_tmp_storage_class_kwargs(),
        )
        tmp_storage.save(data)
        return tmp_storage

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnreadableFile):
            message = e.message
        else:
            logger.info("Unreadable admin import", exc_info=e)
            message = _(
                "The file could not be read in the chosen format. Check that the format "
                "matches the file and that the file is not damaged."
            )
        form.add_error("import_file", message)

    def import_action(self, request, **kwargs):
        with importing_as(request.user):
            response = super().import_action(request, **kwargs)
        result = (getattr(response, "context_data", None) or {}).get("result")
        if result is not None:
            self._limit_listed_errors(request, result)
        return response

    def process_import(self, request, **kwargs):
        try:
            with importing_as(request.user):
                return super().process_import(request, **kwargs)
        except (UnreadableFile, FileNotFoundError) as error:
            # A second click on "confirm" finds the stored file gone; a changed file is refused.
            message = (
                error.message
                if isinstance(error, UnreadableFile)
                else _("The file to import was not found; upload it again.")
            )
            self.message_user(request, message, messages.ERROR)
            app_label, model_name = self.get_model_info()
            return HttpResponseRedirect(
                reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)
            )

    def _limit_listed_errors(self, request, result) -> None:
        """Keep the page small: list the first rows with errors and say how many there are."""
        limit = settings.IMPORT_MAX_LISTED_ERRORS
        invalid, failed = result.invalid_rows, result.row_errors()
        total = len(invalid) + len(failed)
        if total <= limit:
            return
        result.invalid_rows = invalid[:limit]
        listed_failed = failed[: max(limit - len(result.invalid_rows), 0)]
        result.row_errors = lambda: listed_failed  # the template calls result.row_errors
        self.message_user(
            request,
            _("%(count)s rows have errors; the first %(listed)s are listed.")
            % {"count": format_count(total), "listed": format_count(limit)},
            messages.WARNING,
        )
