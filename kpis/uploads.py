"""Reading uploaded tabular files (CSV or XLSX) without trusting them.

Every file people or machines hand us is checked before a parser sees it: its size
(``IMPORT_MAX_BYTES``), for CSV its encoding (UTF-8 with or without BOM, UTF-16 with BOM, else
Windows-1252 as Swedish Excel writes "CSV (semikolonavgränsad)") and that it is text at all, for
XLSX that it is a zip archive whose unpacked size stays under ``IMPORT_MAX_UNCOMPRESSED_BYTES``
(a zip bomb is refused before openpyxl opens it). Rows are streamed and reading stops after
``IMPORT_MAX_ROWS``. Every refusal is an ``UnreadableFile`` carrying one Swedish sentence.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from kpis.upload_errors import FileError, ImportFailed, UnreadableFile, format_count, format_size, limited_rows
from kpis.xlsx_files import check_xlsx, check_zip, xlsx_rows

# The one module the imports read files through: its parts (errors, XLSX) are named here too.
__all__ = [
    "CONTROL_CHARACTERS",
    "FileError",
    "ImportFailed",
    "UnreadableFile",
    "check_size",
    "check_xlsx",
    "check_zip",
    "checked_upload",
    "csv_rows",
    "decode_text",
    "format_count",
    "format_size",
    "is_xlsx_name",
    "read_file",
    "read_table",
    "read_upload",
    "sniff_delimiter",
    "xlsx_rows",
]


DELIMITERS = ";,\t"
# C0 controls and DEL other than tab, newline and carriage return: never in a real CSV.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SAMPLE_CHARACTERS = 65536
ZIP_SIGNATURE = b"PK\x03\x04"
XLSX_EXTENSIONS = (".xlsx", ".xlsm")


def check_size(size: int) -> None:
    """Refuse a file larger than ``IMPORT_MAX_BYTES`` before anything reads it."""
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise UnreadableFile(
            _("The file is larger than %(limit)s (it is %(size)s) and cannot be imported.")
            % {"limit": format_size(limit), "size": format_size(size)}
        )


def checked_upload(upload):
    """A form's uploaded file, refused as a form error when it is over ``IMPORT_MAX_BYTES``."""
    from django.core.exceptions import ValidationError

    try:
        check_size(upload.size)
    except UnreadableFile as error:
        raise ValidationError(error.message, code="too_large") from error
    return upload


def read_file(path: Path) -> bytes:
    """The bytes of a file on disk, refused with a Swedish message if missing or too large."""
    try:
        with path.open("rb") as handle:
            check_size(os.fstat(handle.fileno()).st_size)
            # Read one byte past the limit: a device or a growing file has no honest stat size.
            data = handle.read(settings.IMPORT_MAX_BYTES + 1)
    except FileNotFoundError as error:
        raise UnreadableFile(_("There is no file “%(path)s”.") % {"path": path}) from error
    except IsADirectoryError as error:
        raise UnreadableFile(_("“%(path)s” is a folder, not a file.") % {"path": path}) from error
    except PermissionError as error:
        raise UnreadableFile(_("You may not read the file “%(path)s”.") % {"path": path}) from error
    except OSError as error:
        raise UnreadableFile(
            _("The file “%(path)s” could not be read (%(reason)s).") % {"path": path, "reason": error.strerror or error}
        ) from error
    check_size(len(data))
    return data


def read_upload(upload) -> bytes:
    """The bytes of an uploaded file, refused before reading if it is too large."""
    check_size(upload.size)
    upload.seek(0)
    data = upload.read(settings.IMPORT_MAX_BYTES + 1)
    upload.seek(0)
    check_size(len(data))
    return data


def decode_text(data: bytes, *, refusal: str | None = None) -> str:
    """A text file's content: UTF-8 (BOM or not) or UTF-16 (BOM), else Windows-1252."""
    if data.startswith(ZIP_SIGNATURE):
        raise UnreadableFile(
            _(
                "The file is not a CSV file: it looks like an Excel file (.xlsx). "
                "Save it as CSV, or give it the extension .xlsx."
            )
        )
    try:
        # Excel's "Unicode text" is UTF-16 with a BOM (and tab separated).
        utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        text = data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = None
    if text is None or "\x00" in text or _mostly_control(text[:SAMPLE_CHARACTERS]):
        raise UnreadableFile(
            refusal
            or _(
                "The file is not a CSV file (text in UTF-8 or Windows-1252). Save it from Excel as "
                "“CSV (semikolonavgränsad)” or as .xlsx."
            )
        )
    return text


def _mostly_control(sample: str) -> bool:
    # More than one in a hundred characters is far beyond any real table and well below what
    # random or binary data decodes to (about one in eight).
    return len(CONTROL_CHARACTERS.findall(sample)) * 100 > len(sample)


def sniff_delimiter(text: str) -> str:
    """The separator of a CSV text: ; , or tab, as the first lines show."""
    sample = text[:4096]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        # The sniffer gives up on one-column or irregular files; the heading decides then.
        heading = sample.splitlines()[0] if sample.strip() else ""
        counts = {delimiter: heading.count(delimiter) for delimiter in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def csv_rows(data: bytes, *, max_rows: int | None = None) -> Iterator[list[str]]:
    """The rows of a CSV file, heading first, streamed; more than ``max_rows`` is refused."""
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    return limited_rows(_csv_guarded(reader), max_rows)


def _csv_guarded(reader) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as error:  # e.g. a field longer than the csv module's limit
        raise UnreadableFile(
            _("Line %(line)s of the file cannot be read as CSV: a cell is too long or a quotation mark is not closed.")
            % {"line": format_count(reader.line_num)}
        ) from error


def is_xlsx_name(filename: str) -> bool:
    """Whether the file name says Excel workbook (.xlsx or .xlsm)."""
    return filename.lower().endswith(XLSX_EXTENSIONS)


def read_table(data: bytes, filename: str, *, max_rows: int | None = None) -> tuple[list[str], Iterator[list[str]]]:
    """The heading and the streamed rows (as text) of a CSV or XLSX file, checked as above."""
    check_size(len(data))
    if max_rows is None:
        max_rows = settings.IMPORT_MAX_ROWS
    if filename.lower().endswith((".xls", ".ods", ".numbers")):
        raise UnreadableFile(_("Only CSV and Excel .xlsx files can be imported. Save the file as .xlsx or as CSV."))
    if not data or data.isspace():  # isspace, unlike strip, copies nothing
        raise UnreadableFile(_("The file is empty."))
    read = xlsx_rows if is_xlsx_name(filename) else csv_rows
    rows = read(data, max_rows=max_rows)
    return next(rows, []), rows
