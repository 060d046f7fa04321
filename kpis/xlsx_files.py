"""XLSX uploads: a zip archive checked from its directory alone (entries, unpacked size) before
openpyxl opens it, then the first sheet streamed as rows."""

from __future__ import annotations

import io
import logging
import struct
import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext as _

from kpis.upload_errors import UnreadableFile, format_size, limited_rows

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
    return limited_rows(_xlsx_stream(data, max_rows, as_text), max_rows)


class DecimalCell(str):
    """A cell Excel stored as a number with decimals, as text ("1.1"): a reader of names and
    numbers in words (the import's measure column) can tell it was not typed as text."""


def _as_text(cell) -> str:
    """A cell as the text a CSV of it would hold: a whole number without ".0" (an id typed into
    Excel is stored as 12.0), a decimal marked DecimalCell."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else DecimalCell(cell)
    return str(cell)


def spreadsheet_decimal(values: list, index: int | None) -> bool:
    """Whether the row's cell at ``index`` was a number with decimals in the spreadsheet."""
    return index is not None and index < len(values) and isinstance(values[index], DecimalCell)


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
                yield [_as_text(cell) for cell in row]
            else:
                yield list(row)
    finally:
        book.close()
