"""Importing outcomes from spreadsheets (CSV or XLSX): all or nothing, idempotent, in bulk.

The file has one outcome per row. Columns (Swedish or English headings, any order):

    mätetal / measure      the measure: its number in the plan ("1.2"), name or id in the system
    nyckeltal / indicator  or the indicator: its code, Kolada id, name or id (kpis.import_lookups)
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

The file is read by kpis/uploads.py (size, encoding, zip bomb and row limits); at most
``IMPORT_MAX_LISTED_ERRORS`` errors are kept, with the total in ``ImportFailed.error_count``.
A concurrent import or entry of the same outcomes is an ``ImportConflict``, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from goalplan.choices import Sex
from goalplan.models import MAX_YEAR, MIN_YEAR
from kpis.access import GUARDS, Facts, PeriodLocked, UnitApproved, WriteLocked, validate_reason, write_rules_for
from kpis.forms import parse_swedish_decimal
from kpis.import_lookups import columns_of, indicator_lookup, period_parser, unit_lookup
from kpis.import_preview import preview_rows
from kpis.import_writes import BATCH_SIZE, ImportConflict, ImportResult, Key, ParsedRow, RowError, write_rows
from kpis.uploads import CONTROL_CHARACTERS, FileError, ImportFailed, UnreadableFile, read_table
from kpis.xlsx_files import spreadsheet_decimal

__all__ = [
    "ImportConflict",
    "ImportFailed",
    "ImportResult",
    "RowError",
    "UnreadableFile",
    "import_outcomes",
    "read_table",
]


COLUMN_NAMES = {
    # The measure's number in the system (as before indicators), or the indicator itself: by
    # its code, Kolada id, name or number.
    "measure": ("mätetal", "matetal", "measure", "measure_id", "mätetal_id"),
    "indicator": ("nyckeltal", "indikator", "indicator", "kod", "code", "kolada", "kolada-id", "kolada_id"),
    "year": ("år", "ar", "year"),
    "period": ("period",),
    "unit": ("enhet", "unit", "organisatorisk enhet"),
    "sex": ("kön", "kon", "sex"),
    "value": ("värde", "varde", "utfall", "value"),
    "comment": ("kommentar", "comment"),
}
REQUIRED_COLUMNS = ("year", "period", "value")  # and "measure" or "indicator"
SEXES = frozenset(Sex.values)  # Sex.values builds a new list on every call
YES = {"ja", "yes", "genomfört", "genomfort"}
NO = {"nej", "no", "ej genomfört", "ej genomfort"}

# Outcome.value holds 16 digits, 4 after the comma.
VALUE_PLACES = Decimal("0.0001")
VALUE_LIMIT = Decimal("1e12")


def _lock_message(lock: WriteLocked) -> str:
    """A locked row's error: the refusal, and that an administrator may change it with a reason."""
    if isinstance(lock, UnitApproved):
        return _("The unit's figures of the period are approved; only an administrator may change them, with a reason.")
    if isinstance(lock, PeriodLocked):
        return _("The period is in an approved report; only an administrator may change it, with a reason.")
    return str(lock.args[0])


class _Errors:
    """The first ``IMPORT_MAX_LISTED_ERRORS`` row errors, and how many there were in all."""

    def __init__(self):
        self.listed: list[RowError] = []
        self.count = 0
        self.limit = settings.IMPORT_MAX_LISTED_ERRORS

    def add(self, error: RowError) -> None:
        self.count += 1
        if len(self.listed) < self.limit:
            self.listed.append(error)

    def failure(self) -> ImportFailed:
        return ImportFailed(self.listed, error_count=self.count)


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
    try:
        reason = validate_reason(reason)
    except ValidationError as error:
        raise ImportFailed([FileError(" ".join(error.messages))]) from error
    heading, rows = read_table(data, filename)
    columns = columns_of(heading, COLUMN_NAMES)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if "measure" not in columns and "indicator" not in columns:
        missing.insert(0, "indicator")
    if missing:
        raise ImportFailed(
            [
                RowError(
                    1,
                    ", ".join(COLUMN_NAMES[name][0] for name in missing),
                    _("The column is missing from the heading."),
                )
            ]
        )

    find_indicator, plans_of = indicator_lookup(user)
    find_unit = unit_lookup()
    rules = write_rules_for(user)
    parse_period = period_parser()
    errors = _Errors()
    parsed: dict[Key, ParsedRow] = {}
    first_row_of: dict[Key, int] = {}
    indicators_read = {}  # for the preview's names

    # The cells the import reads, in this order, picked out of each row by one comprehension.
    wanted = [
        columns.get(name) for name in ("indicator", "measure", "year", "period", "unit", "sex", "value", "comment")
    ]

    @cache
    def lock_of(indicator_id: int, year: int, month: int, unit_id: int | None) -> WriteLocked | None:
        # Asked once per indicator, month and unit, not once per row of every sex.
        facts = Facts(frozenset(plans_of.get(indicator_id, ())), year=year, end_month=month, unit_id=unit_id)
        return rules.lock_of(facts, GUARDS["kpis.outcome"])

    # The rows are streamed: reading stops (UnreadableFile) as soon as the row limit is passed.
    for row_number, values in enumerate(rows, start=2):
        width = len(values)
        cells = [values[index].strip() if index is not None and index < width else "" for index in wanted]
        if not any(cells) and not any(value.strip() for value in values):
            continue
        indicator_text, measure_text, year_text, period_text, unit_text, sex_text, value_text, comment = cells
        errors_before = errors.count

        def fail(column: str, message: str, row_number: int = row_number) -> None:
            errors.add(RowError(row_number, COLUMN_NAMES[column][0], message))

        year = int(year_text) if year_text.isdecimal() and len(year_text) <= 4 else None
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            fail(
                "year",
                _("“%(value)s” is not a year between %(min)s and %(max)s.")
                % {"value": year_text, "min": MIN_YEAR, "max": MAX_YEAR},
            )
            year = None
        named_by = "indicator" if "indicator" in columns else "measure"
        if spreadsheet_decimal(values, columns.get(named_by)):
            # Excel keeps 1.10 typed as a number as 1.1: another measure's number, read silently.
            indicator, problem = (
                None,
                _(
                    "“%(value)s” is a number in the spreadsheet, and Excel drops its trailing zeros (1.10 "
                    "becomes 1.1); write the measure's number as text, or use its name or code."
                )
                % {"value": indicator_text or measure_text},
            )
        else:
            indicator, problem = find_indicator(indicator_text, measure_text, year)
        if problem:
            fail(named_by, problem)
        period = None
        if year is not None:
            try:
                period = parse_period(year, period_text)
            except ValueError:
                fail(
                    "period",
                    _("“%(value)s” is not a period (e.g. month-4, ytd-4, tertial-1, year, april, T1).")
                    % {"value": period_text},
                )
        unit_id = None
        if unit_text:
            unit_id = find_unit(unit_text)
            if unit_id is None:
                fail("unit", _("There is no organisational unit “%(value)s”.") % {"value": unit_text})
        sex = (sex_text or Sex.TOTAL).upper()
        if sex not in SEXES:
            fail("sex", _("“%(value)s” is not T, K or M.") % {"value": sex})
        elif indicator is not None and sex != Sex.TOTAL and not indicator.split_by_sex:
            fail("sex", _("The indicator is not split by sex; use T."))
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
                else:
                    # Rounded as the column stores it (4 decimals): 999999999999,99999 is 1e12.
                    if value.is_finite() and abs(value) < VALUE_LIMIT:
                        value = value.quantize(VALUE_PLACES)
                    if not value.is_finite() or abs(value) >= VALUE_LIMIT:
                        fail("value", _("“%(value)s” is too large.") % {"value": value_text})
        if CONTROL_CHARACTERS.search(comment):
            # PostgreSQL refuses NUL in text, and no other control character belongs in a comment.
            fail("comment", _("The comment contains a control character that cannot be stored."))
        if indicator is not None and unit_text and unit_id is not None and not rules.scope.allows_unit(unit_id):
            fail("unit", _("You may not enter outcomes for “%(value)s”.") % {"value": unit_text})
        elif indicator is not None and not unit_text and not rules.scope.allows_unit(None):
            fail("unit", _("You may only enter outcomes for your own units; this row has no unit."))
        lock = (
            lock_of(indicator.pk, year, period.end_month, unit_id)
            if indicator is not None and period is not None and not (unit_text and unit_id is None)
            else None
        )
        if lock is not None and not (rules.scope.is_administrator and reason):
            fail("period", _lock_message(lock))
        if errors.count > errors_before or indicator is None or period is None:
            continue
        key = (indicator.pk, period.year, str(period.kind), period.number, unit_id, sex)
        if key in first_row_of:
            fail(
                "indicator" if "indicator" in columns else "measure",
                _("The same indicator, period, unit and sex is already on row %(row)s.") % {"row": first_row_of[key]},
            )
            continue
        first_row_of[key] = row_number
        indicators_read[indicator.pk] = indicator
        parsed[key] = ParsedRow(key, value, accomplished, comment)
        if progress and row_number % BATCH_SIZE == 0:
            progress(row_number)

    if errors.count:
        raise errors.failure()
    result = write_rows(parsed, user=user, dry_run=dry_run, reason=reason, progress=progress)
    result.rows = len(parsed)
    if dry_run:
        result.preview = preview_rows(parsed, first_row_of, indicators_read, result.stored)
    return result
