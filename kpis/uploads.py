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
import logging
import os
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from kpis.formatting import format_number

logger = logging.getLogger(__name__)

# Our tables have a dozen columns; a sheet claiming thousands would make every row that wide.
MAX_COLUMNS = 100
# An XLSX holds a dozen parts in a directory of a few kB; hundreds of thousands of entries (a
# 20 MB upload holds 200 000) cost zipfile seconds and 100 MB before any check could run.
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_DIRECTORY_BYTES = 256 * 1024
# The end-of-central-directory record: signature, disks, entries, directory size and offset;
# ZIP64 adds a locator and a record before it, whose directory size zipfile then uses instead.
END_OF_DIRECTORY = struct.Struct("<4s4H2LH")
ZIP64_LOCATOR = struct.Struct("<4sLQL")
ZIP64_END_OF_DIRECTORY = struct.Struct("<4sQ2H2L4Q")
DELIMITERS = ";,\t"
# C0 controls and DEL other than tab, newline and carriage return: never in a real CSV.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SAMPLE_CHARACTERS = 65536
ZIP_SIGNATURE = b"PK\x03\x04"
XLSX_EXTENSIONS = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class FileError:
    """A problem with the whole file rather than with one row."""

    message: str

    def __str__(self) -> str:
        return self.message


class ImportFailed(Exception):
    """The file was not imported; nothing was written."""

    def __init__(self, errors: list, error_count: int | None = None):
        self.errors = errors
        self.error_count = len(errors) if error_count is None else error_count
        super().__init__(self.summary())

    @property
    def unlisted_count(self) -> int:
        """How many errors were found beyond those kept in ``errors``."""
        return max(self.error_count - len(self.errors), 0)

    def more_errors_text(self) -> str:
        """ "… och 1 249 900 fel till", or "" when every error is listed."""
        if not self.unlisted_count:
            return ""
        return _("… and %(count)s more errors") % {"count": format_count(self.unlisted_count)}

    def summary(self) -> str:
        """Every listed error, then how many more there are."""
        parts = [str(error) for error in self.errors]
        return "; ".join(filter(None, [*parts, self.more_errors_text()]))

    def __str__(self) -> str:
        return self.summary()


class UnreadableFile(ImportFailed):
    """The file itself was refused (size, encoding, format, rows); one message says why."""

    def __init__(self, message: str):
        self.message = message
        super().__init__([FileError(message)])


def format_count(number: int) -> str:
    """A whole number the Swedish way ("1 249 900")."""
    return format_number(Decimal(number), 0)


def format_size(size: int) -> str:
    """A file size for a person: "20 MB", "512 kB", "900 byte"."""
    for unit, factor in (("MB", 1024 * 1024), ("kB", 1024)):
        if size >= factor:
            value = (Decimal(size) / factor).quantize(Decimal("0.1"))
            decimals = 0 if value == value.to_integral_value() or value >= 100 else 1
            return f"{format_number(value, decimals)}\xa0{unit}"
    return f"{format_count(size)}\xa0byte"


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
    return _limited(_csv_guarded(reader), max_rows)


def _csv_guarded(reader) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as error:  # e.g. a field longer than the csv module's limit
        raise UnreadableFile(
            _("Line %(line)s of the file cannot be read as CSV: a cell is too long or a quotation mark is not closed.")
            % {"line": format_count(reader.line_num)}
        ) from error


def check_zip(data: bytes, *, refusal: str) -> set[str]:
    """The member names of a zip archive; refused if it is none or unpacks beyond the limit."""
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer) or _directory_size(data) > MAX_ZIP_DIRECTORY_BYTES:
        raise UnreadableFile(refusal)
    try:
        with zipfile.ZipFile(buffer) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise UnreadableFile(refusal) from error
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UnreadableFile(refusal)
    # The directory's sizes are binding: zipfile stops reading a member at its declared size
    # (and then fails its checksum), so their sum bounds what openpyxl can ever unpack.
    unpacked = sum(entry.file_size for entry in entries)
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    if unpacked > limit:
        raise UnreadableFile(
            _(
                "The spreadsheet unpacks to %(size)s, more than the %(limit)s that can be "
                "imported. Split it into smaller files or save it as CSV."
            )
            % {"size": format_size(unpacked), "limit": format_size(limit)}
        )
    return {entry.filename for entry in entries}


def _directory_size(data: bytes) -> int:
    """The central directory's size as the archive declares it: what zipfile will parse."""
    # zipfile reads exactly this many bytes of directory; the entry count it ignores may lie.
    unknown = MAX_ZIP_DIRECTORY_BYTES + 1
    start = data.rfind(b"PK\x05\x06", max(0, len(data) - 65536 - END_OF_DIRECTORY.size))
    if start < 0 or start + END_OF_DIRECTORY.size > len(data):
        return unknown
    size = END_OF_DIRECTORY.unpack_from(data, start)[5]
    locator = start - ZIP64_LOCATOR.size
    if locator >= 0 and data.startswith(b"PK\x06\x07", locator):
        # zipfile reads the ZIP64 record just before the locator, as we do here.
        record = locator - ZIP64_END_OF_DIRECTORY.size
        if record < 0 or not data.startswith(b"PK\x06\x06", record):
            return unknown
        size = max(size, ZIP64_END_OF_DIRECTORY.unpack_from(data, record)[8])
    return size


def check_xlsx(data: bytes) -> None:
    """Refuse what is not an XLSX workbook, or unpacks to more than the configured size."""
    not_xlsx = _(
        "The file is not an Excel file (.xlsx). Older Excel files (.xls) and files with "
        "a password cannot be read; save it as .xlsx without a password, or as CSV."
    )
    if "xl/workbook.xml" not in check_zip(data, refusal=not_xlsx):
        raise UnreadableFile(not_xlsx)


def xlsx_rows(data: bytes, *, max_rows: int | None = None, as_text: bool = True) -> Iterator[list]:
    """The rows of the first sheet of an XLSX file, heading first, streamed with openpyxl."""
    check_xlsx(data)
    return _limited(_xlsx_stream(data, max_rows, as_text), max_rows)


def _xlsx_stream(data: bytes, max_rows: int | None, as_text: bool) -> Iterator[list]:
    damaged = _(
        "The Excel file is damaged or not a workbook that can be read. Open it in Excel "
        "and save it again as .xlsx, or save it as CSV."
    )
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl fails in many ways (KeyError, XML, zip, TypeError …)
        logger.info("Unreadable XLSX upload", exc_info=True)
        raise UnreadableFile(damaged) from error
    try:
        sheet = book.active
        if sheet is None:
            raise UnreadableFile(damaged)
        width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
        # Heading + max_rows + one more row, so a longer file is seen as longer without reading on.
        last_row = None if max_rows is None else max_rows + 2
        rows = sheet.iter_rows(max_col=width, max_row=last_row, values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as error:
                logger.info("Unreadable XLSX upload", exc_info=True)
                raise UnreadableFile(damaged) from error
            if as_text:
                yield ["" if cell is None else str(cell) for cell in row]
            else:
                yield list(row)
    finally:
        book.close()


def _limited(rows: Iterator[list], max_rows: int | None) -> Iterator[list]:
    """The heading and at most ``max_rows`` rows after it; one more refuses the file."""
    for index, row in enumerate(rows):
        if max_rows is not None and index > max_rows:
            raise UnreadableFile(
                _("The file has more than %(limit)s rows and cannot be imported. Split it into smaller files.")
                % {"limit": format_count(max_rows)}
            )
        yield row


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
