"""Spreadsheet downloads, made one way for every table the product exports (the dashboard, a
measure's outcomes, the completeness board, the plan comparison).

A table is a ``Sheet``: a Swedish sheet name, headers and rows of cells, each a text, a
``Number`` (a value and its decimals), a date, a time or nothing. It leaves as

- ``csv``: for Swedish Excel. Semicolons, decimal comma ("86,0"), UTF-8 with a byte-order mark
  (else Excel reads å, ä, ö as Windows-1252), local time to the minute ("2025-05-02 14:05"),
  the measure's own decimals, full texts;
- ``csv-data``: the plain long form programs read (as Kolada's): commas, decimal point, UTF-8
  without a mark, times in ISO 8601 with their offset;
- ``xlsx``: the Swedish sheet name, numbers as numbers shown with their decimals, dates as dates,
  and text as text (a string cell never runs as a formula, so it needs no guard).

In CSV a text that a spreadsheet would run as a formula is neutralised with a leading apostrophe,
and only such a text: "=…", "@…", a tab or carriage return first, or a sign followed by a
formula's call, reference or operator ("-2+3+cmd|' /C calc'!A0", "+HYPERLINK(…)"). Ordinary text
that starts with a sign ("-10 % jämfört med 2018", "−22,4 %") is written as it is.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

import openpyxl
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl.styles import Font


@dataclass(frozen=True)
class Number:
    """A figure and the decimals it is shown with (a measure's own)."""

    value: Decimal | int | float | None
    decimals: int = 0

    def quantized(self) -> Decimal | None:
        if self.value is None:
            return None
        return Decimal(str(self.value)).quantize(Decimal(1).scaleb(-self.decimals))


Cell = str | Number | datetime.datetime | datetime.date | None


@dataclass
class Sheet:
    title: str  # the Swedish sheet name ("Översikt"), also the file's name
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)

    def append(self, row: Sequence[Cell]) -> None:
        self.rows.append(list(row))


EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "csv-data": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {"csv": "csv", "csv-data": "csv", "xlsx": "xlsx"}

# A formula: "=", "@", a tab or CR first; or a sign followed somewhere by what only a formula has
# (a call's parenthesis, a reference's "!", a DDE pipe, "=", or an operator between terms).
_FORMULA = re.compile(r"^[=@\t\r]|^[+\-][^\s].*[(!|=]|^[+\-]\s*[\w.,]+\s*[+\-*/^&]\s*\S")


def neutralised(text: str) -> str:
    """The text, with an apostrophe in front only if a spreadsheet would run it as a formula."""
    return f"'{text}" if _FORMULA.search(text) else text


def _swedish_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Number):
        value = cell.quantized()
        return "" if value is None else f"{value:f}".replace(".", ",")
    if isinstance(cell, datetime.datetime):
        return (
            timezone.localtime(cell).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(cell)
            else cell.strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return neutralised(str(cell))


def _data_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Number):
        value = cell.quantized()
        return "" if value is None else f"{value:f}"
    if isinstance(cell, datetime.datetime):
        moment = timezone.localtime(cell) if timezone.is_aware(cell) else cell
        return moment.replace(microsecond=0).isoformat()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return neutralised(str(cell))


def _csv(sheet: Sheet, *, delimiter: str, text_of, bom: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralised(header) for header in sheet.headers])
    writer.writerows([text_of(cell) for cell in row] for row in sheet.rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def _number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def _xlsx(sheet: Sheet) -> bytes:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    # Excel's limits: 31 characters, none of []:*?/\ in a sheet's name.
    worksheet.title = re.sub(r"[\[\]:*?/\\]", " ", str(sheet.title))[:31] or "Blad1"
    bold = Font(bold=True)
    widths = [len(header) for header in sheet.headers]
    for column, header in enumerate(sheet.headers, start=1):
        cell = worksheet.cell(row=1, column=column, value=header)
        cell.data_type, cell.font = "s", bold
    for row_number, row in enumerate(sheet.rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = worksheet.cell(row=row_number, column=column)
            if isinstance(value, Number):
                cell.value = value.quantized()
                cell.number_format = _number_format(value.decimals)
            elif isinstance(value, datetime.datetime):
                moment = timezone.localtime(value) if timezone.is_aware(value) else value
                cell.value, cell.number_format = moment.replace(tzinfo=None, microsecond=0), "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                cell.value, cell.number_format = value, "yyyy-mm-dd"
            elif value is not None:
                cell.value = str(value)
                cell.data_type = "s"  # text stays text, whatever it starts with
            widths[column - 1] = max(widths[column - 1], min(len(_swedish_text(value)), 60))
    for column, width in enumerate(widths, start=1):
        worksheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width = width + 2
    worksheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_bytes(sheet: Sheet, export_format: str) -> bytes:
    if export_format == "xlsx":
        return _xlsx(sheet)
    if export_format == "csv-data":
        return _csv(sheet, delimiter=",", text_of=_data_text, bom=False)
    return _csv(sheet, delimiter=";", text_of=_swedish_text, bom=True)


ASCII_NAME_LENGTH = 80


def attachment(name: str, extension: str) -> str:
    """A Content-Disposition for a download named ``name`` in full (``filename*``, UTF-8), with an
    ASCII form for old clients cut at a word, never inside one."""
    slug = slugify(name)
    if len(slug) > ASCII_NAME_LENGTH:
        slug = slug[: ASCII_NAME_LENGTH + 1].rsplit("-", 1)[0]
    return f"attachment; filename=\"{slug or 'download'}.{extension}\"; filename*=UTF-8''{quote(f'{name}.{extension}')}"


def download(sheet: Sheet, export_format: str, name: str) -> HttpResponse:
    """The sheet as a file to save, named ``name`` (without extension)."""
    response = HttpResponse(export_bytes(sheet, export_format), content_type=EXPORT_FORMATS[export_format])
    response["Content-Disposition"] = attachment(name, EXTENSIONS[export_format])
    return response
