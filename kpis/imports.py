"""Importing outcomes from spreadsheets (CSV or XLSX): all or nothing, idempotent, in bulk.

The file has one outcome per row. Columns (Swedish or English headings, any order):

    mätetal / measure      the measure's number in the system (its id)
    år / year              2025
    period                 month-4, ytd-4, r12-4, tertial-1 or year (also "april", "T1", "helår")
    enhet / unit           empty for the whole plan; else the unit's id, code or name
    kön / sex              T, K or M (empty = T)
    värde / value          the outcome the Swedish way ("82,5", "1 234", "82 %"), or ja/nej
    kommentar / comment    optional

Every row is checked before anything is written; any error aborts the whole file and each
error names the row (as the spreadsheet numbers it, heading = row 1), the column and the
reason. Rows equal to what is stored are skipped, so importing the same file twice changes
nothing. Reporters may only import outcomes for their own units, and nobody but an
administrator may change a period whose report has been approved.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from goalplan.choices import Sex
from goalplan.models import MAX_YEAR, MIN_YEAR, OrganisationalUnit
from goalplan.periods import MONTH_NAMES, Period, PeriodKind
from kpis.access import write_rules_for
from kpis.forms import parse_swedish_decimal
from kpis.models import Measure, Outcome
from kpis.cache import data_changed
from kpis.services import record_history

BATCH_SIZE = 5000

COLUMN_NAMES = {
    "measure": ("mätetal", "matetal", "measure", "measure_id", "mätetal_id"),
    "year": ("år", "ar", "year"),
    "period": ("period",),
    "unit": ("enhet", "unit", "organisatorisk enhet"),
    "sex": ("kön", "kon", "sex"),
    "value": ("värde", "varde", "utfall", "value"),
    "comment": ("kommentar", "comment"),
}
REQUIRED_COLUMNS = ("measure", "year", "period", "value")
YES = {"ja", "yes", "genomfört", "genomfort"}
NO = {"nej", "no", "ej genomfört", "ej genomfort"}

Key = tuple[int, int, str, int, int | None, str]  # measure, year, kind, number, unit, sex


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": self.row, "column": self.column, "message": self.message,
        }


class ImportFailed(Exception):
    """The file was not imported; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors[:20]))


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class ParsedRow:
    key: Key
    value: Decimal | None
    accomplished: bool | None
    comment: str


def read_table(data: bytes, filename: str) -> tuple[list[str], Iterable[list[str]]]:
    """The heading and the rows of a CSV (UTF-8, ; or , separated) or XLSX file, as text."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        rows = ([("" if cell is None else str(cell)) for cell in row] for row in sheet.iter_rows(values_only=True))
        return next(rows, []), rows
    text = data.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t") if text.strip() else csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    return next(rows, []), rows


def _period_parser() -> Callable[[int, str], Period]:
    by_name = {}
    for month in range(1, 13):
        name = str(MONTH_NAMES[month]).lower()
        by_name[name] = (PeriodKind.MONTH, month)
        by_name[f"ack {name}"] = (PeriodKind.YEAR_TO_DATE, month)
    for number in (1, 2, 3):
        by_name[f"t{number}"] = (PeriodKind.TERTIAL, number)
    by_name.update({"helår": (PeriodKind.YEAR, 0), "year": (PeriodKind.YEAR, 0), "delår": (PeriodKind.YEAR_TO_DATE, 8)})

    def parse(year: int, text: str) -> Period:
        text = text.strip().lower()
        if text in by_name:
            kind, number = by_name[text]
            return Period(year, kind, number)
        return Period.from_token(year, text)

    return parse


def import_outcomes(
    data: bytes,
    filename: str,
    *,
    user,
    dry_run: bool = False,
    reason: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check every row, then write all of them or none. Raises ImportFailed with the errors."""
    heading, rows = read_table(data, filename)
    columns = _columns(heading)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ImportFailed([RowError(1, ", ".join(COLUMN_NAMES[name][0] for name in missing),
                                     _("The column is missing from the heading."))])

    measures = {m.pk: m for m in Measure.objects.only("pk", "plan_id", "split_by_sex")}
    units = _unit_lookup()
    rules = write_rules_for(user)
    parse_period = _period_parser()
    errors: list[RowError] = []
    parsed: dict[Key, ParsedRow] = {}
    first_row_of: dict[Key, int] = {}

    def cell(values: list[str], name: str) -> str:
        index = columns.get(name)
        return values[index].strip() if index is not None and index < len(values) else ""

    row_number = 1
    for row_number, values in enumerate(rows, start=2):
        if not any(value.strip() for value in values):
            continue
        row_errors = len(errors)

        def fail(column: str, message: str) -> None:
            errors.append(RowError(row_number, COLUMN_NAMES[column][0], message))

        measure = None
        measure_text = cell(values, "measure")
        if not measure_text.isdigit() or int(measure_text) not in measures:
            fail("measure", _("There is no measure with number “%(value)s”.") % {"value": measure_text})
        else:
            measure = measures[int(measure_text)]
        year_text = cell(values, "year")
        year = int(year_text) if year_text.isdigit() else None
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            fail("year", _("“%(value)s” is not a year between %(min)s and %(max)s.")
                 % {"value": year_text, "min": MIN_YEAR, "max": MAX_YEAR})
        period = None
        if year is not None:
            try:
                period = parse_period(year, cell(values, "period"))
            except ValueError:
                fail("period", _("“%(value)s” is not a period (e.g. month-4, ytd-4, tertial-1, year, april, T1).")
                     % {"value": cell(values, "period")})
        unit_text = cell(values, "unit")
        unit_id = None
        if unit_text:
            unit_id = units.get(unit_text.lower())
            if unit_id is None:
                fail("unit", _("There is no organisational unit “%(value)s”.") % {"value": unit_text})
        sex = (cell(values, "sex") or Sex.TOTAL).upper()
        if sex not in Sex.values:
            fail("sex", _("“%(value)s” is not T, K or M.") % {"value": sex})
        elif measure is not None and sex != Sex.TOTAL and not measure.split_by_sex:
            fail("sex", _("The measure is not split by sex; use T."))
        value_text = cell(values, "value")
        value = accomplished = None
        if value_text.lower() in YES:
            accomplished = True
        elif value_text.lower() in NO:
            accomplished = False
        else:
            try:
                value = parse_swedish_decimal(value_text)
            except InvalidOperation:
                fail("value", _("“%(value)s” is not a number.") % {"value": value_text})
            else:
                if value is None:
                    fail("value", _("The value is empty."))
                elif abs(value) >= Decimal("1e12"):
                    fail("value", _("“%(value)s” is too large.") % {"value": value_text})
        if measure is not None and unit_text and unit_id is not None and not rules.scope.allows_unit(unit_id):
            fail("unit", _("You may not enter outcomes for “%(value)s”.") % {"value": unit_text})
        elif measure is not None and not unit_text and not rules.scope.allows_unit(None):
            fail("unit", _("You may only enter outcomes for your own units; this row has no unit."))
        if measure is not None and period is not None and rules.is_locked(measure.plan_id, year, period.end_month) \
                and not (rules.scope.is_administrator and reason):
            fail("period", _("The period is in an approved report; only an administrator may change it, "
                             "with a reason."))
        if len(errors) > row_errors or measure is None or period is None:
            continue
        key = (measure.pk, period.year, str(period.kind), period.number, unit_id, sex)
        if key in first_row_of:
            fail("measure", _("The same measure, period, unit and sex is already on row %(row)s.")
                 % {"row": first_row_of[key]})
            continue
        first_row_of[key] = row_number
        parsed[key] = ParsedRow(key, value, accomplished, cell(values, "comment"))
        if progress and row_number % BATCH_SIZE == 0:
            progress(row_number)

    if errors:
        raise ImportFailed(errors)
    result = _write(parsed, user=user, dry_run=dry_run, reason=reason, progress=progress)
    result.rows = len(parsed)
    return result


def _columns(heading: list[str]) -> dict[str, int]:
    aliases = {alias: name for name, names in COLUMN_NAMES.items() for alias in names}
    return {aliases[text.strip().lower()]: index for index, text in enumerate(heading)
            if text.strip().lower() in aliases}


def _unit_lookup() -> dict[str, int]:
    lookup = {}
    for pk, code, name in OrganisationalUnit.objects.values_list("pk", "code", "name"):
        lookup[name.lower()] = pk
        if code:
            lookup[code.lower()] = pk
        lookup[str(pk)] = pk
    return lookup


def _write(parsed: dict[Key, ParsedRow], *, user, dry_run: bool, reason: str, progress) -> ImportResult:
    result = ImportResult()
    if not parsed:
        return result
    measure_ids = {key[0] for key in parsed}
    years = {key[1] for key in parsed}
    with transaction.atomic():
        stored = {}
        existing = (
            Outcome.objects.select_for_update()
            .filter(measure_id__in=measure_ids, year__in=years)
            .only("pk", "measure_id", "year", "period_kind", "period_number", "unit_id", "sex", "value",
                  "accomplished", "comment", "version")
            .order_by("pk")
        )
        for outcome in existing.iterator(chunk_size=BATCH_SIZE):
            key = (outcome.measure_id, outcome.year, outcome.period_kind, outcome.period_number, outcome.unit_id,
                   outcome.sex)
            if key in parsed:
                stored[key] = outcome
        now = timezone.now()
        new, changed = [], []
        for key, row in parsed.items():
            current = stored.get(key)
            if current is None:
                new.append(Outcome(measure_id=key[0], year=key[1], period_kind=key[2], period_number=key[3],
                                   unit_id=key[4], sex=key[5], value=row.value, accomplished=row.accomplished,
                                   comment=row.comment, entered_by=user, entered_at=now, updated_at=now, version=1))
            elif (current.value, current.accomplished, current.comment) != (row.value, row.accomplished, row.comment):
                current.value, current.accomplished, current.comment = row.value, row.accomplished, row.comment
                current.entered_by, current.updated_at, current.version = user, now, current.version + 1
                changed.append(current)
            else:
                result.unchanged += 1
        result.created, result.updated = len(new), len(changed)
        if dry_run:
            transaction.set_rollback(True)
            return result
        _insert(new, progress)
        for start in range(0, len(changed), BATCH_SIZE):
            Outcome.objects.bulk_update(changed[start:start + BATCH_SIZE],
                                        ["value", "accomplished", "comment", "entered_by", "updated_at", "version"])
        reason = reason or _("Imported from a file")
        record_history(new, user=user, reason=reason, created=True)
        record_history(changed, user=user, reason=reason)
        plans = dict(Measure.objects.filter(pk__in=measure_ids).values_list("pk", "plan_id"))
        data_changed(plan_years={(plans[key[0]], key[1]) for key in parsed})  # bulk writes send no signals
    return result


def _insert(outcomes: list[Outcome], progress) -> None:
    """New outcomes in bulk: PostgreSQL's COPY, else batched INSERTs."""
    if not outcomes:
        return
    if connection.vendor != "postgresql":
        for start in range(0, len(outcomes), BATCH_SIZE):
            Outcome.objects.bulk_create(outcomes[start:start + BATCH_SIZE])
        return
    columns = ["measure_id", "year", "period_kind", "period_number", "unit_id", "sex", "value", "accomplished",
               "count", "comment", "entered_by_id", "entered_at", "updated_at", "version"]
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY kpis_outcome ({', '.join(columns)}) FROM STDIN") as copy:
            for index, outcome in enumerate(outcomes, start=1):
                copy.write_row([getattr(outcome, column) for column in columns])
                if progress and index % BATCH_SIZE == 0:
                    progress(index)
    # History and the caller need the new rows' keys.
    keys = {(o.measure_id, o.year, o.period_kind, o.period_number, o.unit_id, o.sex): o for o in outcomes}
    for pk, measure_id, year, kind, number, unit_id, sex in Outcome.objects.filter(
        measure_id__in={o.measure_id for o in outcomes}, year__in={o.year for o in outcomes}
    ).values_list("pk", "measure_id", "year", "period_kind", "period_number", "unit_id", "sex").order_by():
        outcome = keys.get((measure_id, year, kind, number, unit_id, sex))
        if outcome is not None:
            outcome.pk = pk
