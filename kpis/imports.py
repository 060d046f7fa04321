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

The file is read by kpis/uploads.py (size, encoding, zip bomb and row limits); at most
``IMPORT_MAX_LISTED_ERRORS`` errors are kept, with the total in ``ImportFailed.error_count``.
A concurrent import or entry of the same outcomes is an ``ImportConflict``, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from goalplan.choices import Sex
from goalplan.models import MAX_YEAR, MIN_YEAR, OrganisationalUnit
from goalplan.periods import MONTH_NAMES, Period, PeriodKind
from goalplan.selectors import visible_to
from kpis.access import validate_reason, write_rules_for
from kpis.forms import parse_swedish_decimal
from kpis.models import Indicator, Measure, Outcome
from kpis.services import record_history_of_stored
from kpis.uploads import CONTROL_CHARACTERS, FileError, ImportFailed, UnreadableFile, read_table

__all__ = [
    "ImportConflict",
    "ImportFailed",
    "ImportResult",
    "RowError",
    "UnreadableFile",
    "import_outcomes",
    "read_table",
]

BATCH_SIZE = 5000
# bulk_update writes one CASE per column with a branch per row, which costs rows² per batch.
UPDATE_BATCH_SIZE = 500
UPDATED_FIELDS = ("value", "accomplished", "comment", "entered_by", "updated_at", "version")

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

Key = tuple[int, int, str, int, int | None, str]  # indicator, year, kind, number, unit, sex
# Outcome.value holds 16 digits, 4 after the comma.
VALUE_PLACES = Decimal("0.0001")
VALUE_LIMIT = Decimal("1e12")
# PostgreSQL errors that mean another transaction got there first: deadlock, serialization
# failure, lock not available.
CONFLICT_SQLSTATES = {"40P01", "40001", "55P03"}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ImportConflict(ImportFailed):
    """Someone else wrote the same outcomes while the file was being imported; nothing was."""

    def __init__(self):
        self.message = _(
            "Someone else entered or imported outcomes for the same measures and "
            "periods at the same time. Nothing was imported; try again."
        )
        super().__init__([FileError(self.message)])


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

    # A file names a handful of periods on every row: each is worked out once.
    return cache(parse)


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
    columns = _columns(heading)
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

    find_indicator, plans_of = _indicator_lookup(user)
    find_unit = _unit_lookup()
    rules = write_rules_for(user)
    parse_period = _period_parser()
    errors = _Errors()
    parsed: dict[Key, ParsedRow] = {}
    first_row_of: dict[Key, int] = {}

    # The cells the import reads, in this order, picked out of each row by one comprehension.
    wanted = [
        columns.get(name) for name in ("indicator", "measure", "year", "period", "unit", "sex", "value", "comment")
    ]

    @cache
    def is_locked(indicator_id: int, year: int, month: int) -> bool:
        # Asked once per indicator and month, not once per row: a file repeats them on every unit.
        return rules.is_locked_in_any(plans_of.get(indicator_id, ()), year, month)

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

        indicator, problem = find_indicator(indicator_text, measure_text)
        if problem:
            fail("indicator" if "indicator" in columns else "measure", problem)
        year = int(year_text) if year_text.isdecimal() and len(year_text) <= 4 else None
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            fail(
                "year",
                _("“%(value)s” is not a year between %(min)s and %(max)s.")
                % {"value": year_text, "min": MIN_YEAR, "max": MAX_YEAR},
            )
            year = None
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
        if (
            indicator is not None
            and period is not None
            and is_locked(indicator.pk, year, period.end_month)
            and not (rules.scope.is_administrator and reason)
        ):
            fail(
                "period", _("The period is in an approved report; only an administrator may change it, with a reason.")
            )
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
        parsed[key] = ParsedRow(key, value, accomplished, comment)
        if progress and row_number % BATCH_SIZE == 0:
            progress(row_number)

    if errors.count:
        raise errors.failure()
    result = _write(parsed, user=user, dry_run=dry_run, reason=reason, progress=progress)
    result.rows = len(parsed)
    return result


def _columns(heading: list[str]) -> dict[str, int]:
    aliases = {alias: name for name, names in COLUMN_NAMES.items() for alias in names}
    return {
        aliases[text.strip().lower()]: index for index, text in enumerate(heading) if text.strip().lower() in aliases
    }


def _indicator_lookup(user):
    """``find(indicator_text, measure_text)`` → (indicator, problem), and the plans each indicator
    feeds. Only indicators adopted by plans the person reads (by body): another body's indicator
    is no indicator. The indicator column is matched by code, then Kolada id, then name, then
    number; the measure column by the measure's number, giving its indicator."""
    readable = Measure.objects.select_related(None).only("pk", "plan_id", "indicator_id")
    if user is not None:
        readable = visible_to(user, readable, "plan__body")
    indicator_of_measure = {measure.pk: measure.indicator_id for measure in readable}
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(pk__in=set(indicator_of_measure.values())).only(
            "pk", "code", "kolada_id", "name", "split_by_sex"
        )
    }
    # What locks a figure is every plan it feeds, also those of bodies the person does not read.
    plans_of = Measure.objects.plans_by_indicator(indicators)
    by_text: list[dict[str, list[int]]] = [{}, {}, {}]  # code, Kolada id, name
    for indicator in indicators.values():
        for table, text in zip(by_text, (indicator.code, indicator.kolada_id, indicator.name), strict=True):
            if text.strip():
                table.setdefault(text.strip().lower(), []).append(indicator.pk)

    def find(indicator_text: str, measure_text: str):
        if indicator_text:
            key = indicator_text.strip().lower()
            for table in by_text:
                if key in table:
                    if len(table[key]) > 1:
                        return None, _("“%(value)s” names more than one indicator; use its code.") % {
                            "value": indicator_text
                        }
                    return indicators[table[key][0]], None
            # isdecimal, not isdigit: "²" is a digit that int() refuses; the length bound keeps
            # int() from a thousand-digit cell.
            if key.isdecimal() and len(key) <= 18 and int(key) in indicators:
                return indicators[int(key)], None
            return None, _("There is no indicator with code, Kolada id, name or number “%(value)s”.") % {
                "value": indicator_text
            }
        if measure_text.isdecimal() and len(measure_text) <= 18 and int(measure_text) in indicator_of_measure:
            return indicators[indicator_of_measure[int(measure_text)]], None
        return None, _("There is no measure with number “%(value)s”.") % {"value": measure_text}

    # Files repeat the same few hundred indicators on every row: each text is looked up once.
    return cache(find), plans_of


def _unit_lookup() -> Callable[[str], int | None]:
    """Find a unit by its code, else its name, else its number in the system — in that order, so
    a code that looks like another unit's number means the unit with that code. A name two
    units share matches neither (the row asks for the code)."""
    by_code, by_name, ids = {}, {}, set()
    for pk, code, name in OrganisationalUnit.objects.values_list("pk", "code", "name"):
        if code:
            by_code[code.strip().lower()] = pk
        by_name.setdefault(name.strip().lower(), []).append(pk)
        ids.add(pk)

    def find(text: str) -> int | None:
        key = text.strip().lower()
        if key in by_code:
            return by_code[key]
        if key in by_name:
            return by_name[key][0] if len(by_name[key]) == 1 else None
        return int(key) if key.isdigit() and int(key) in ids else None

    return cache(find)


def _is_conflict(error: Exception) -> bool:
    """Whether a database error means a concurrent writer, not a fault of ours or the server's."""
    if isinstance(error, IntegrityError):
        # A checked row breaks a constraint only when someone changed the data meanwhile: the
        # same outcome inserted, or its measure or unit deleted.
        return True
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in CONFLICT_SQLSTATES:
        return True
    return connection.vendor == "sqlite" and "locked" in str(error)


def _write(parsed: dict[Key, ParsedRow], *, user, dry_run: bool, reason: str, progress) -> ImportResult:
    try:
        return _write_all(parsed, user=user, dry_run=dry_run, reason=reason, progress=progress)
    except (IntegrityError, OperationalError) as error:
        # The atomic block has rolled back by now: nothing of this file is written.
        if _is_conflict(error):
            raise ImportConflict() from error
        raise


@dataclass(frozen=True)
class StoredOutcome:
    """What the import compares and rewrites of an outcome already stored."""

    pk: int
    value: Decimal | None
    accomplished: bool | None
    comment: str
    version: int

    def differs_from(self, row: ParsedRow) -> bool:
        return (self.value, self.accomplished, self.comment) != (row.value, row.accomplished, row.comment)


def _stored_outcomes(parsed: dict[Key, ParsedRow]) -> dict[Key, StoredOutcome]:
    """The stored outcomes the file's rows would replace, locked (in pk order) until the end.

    One query on the index (indicator, year, period kind, period number): the file's indicators,
    years, kinds and numbers, so a file of one month reads that month, not the indicators' years.
    Read as plain values: building 100 000 model instances cost more than writing the rows.
    """
    stored = {}
    existing = (
        Outcome.objects.select_for_update()
        .filter(
            indicator_id__in={key[0] for key in parsed},
            year__in={key[1] for key in parsed},
            period_kind__in={key[2] for key in parsed},
            period_number__in={key[3] for key in parsed},
        )
        .order_by("pk")
        .values_list(
            "indicator_id",
            "year",
            "period_kind",
            "period_number",
            "unit_id",
            "sex",
            "pk",
            "value",
            "accomplished",
            "comment",
            "version",
        )
    )
    for *key, pk, value, accomplished, comment, version in existing.iterator(chunk_size=BATCH_SIZE):
        key = tuple(key)
        if key in parsed:
            stored[key] = StoredOutcome(pk, value, accomplished, comment, version)
    return stored


def _write_all(parsed: dict[Key, ParsedRow], *, user, dry_run: bool, reason: str, progress) -> ImportResult:
    result = ImportResult()
    if not parsed:
        return result
    with transaction.atomic():
        stored = _stored_outcomes(parsed)
        new: list[ParsedRow] = []
        changed: list[tuple[StoredOutcome, ParsedRow]] = []
        for key, row in parsed.items():
            current = stored.get(key)
            if current is None:
                new.append(row)
            elif current.differs_from(row):
                changed.append((current, row))
            else:
                result.unchanged += 1
        result.created, result.updated = len(new), len(changed)
        if dry_run:
            transaction.set_rollback(True)
            return result
        now = timezone.now()
        user_id = user.pk if user is not None else None
        # In the order of NEW_COLUMNS.
        new_rows = [(*row.key, row.value, row.accomplished, None, row.comment, user_id, now, now, 1) for row in new]
        created_pks = _insert(new_rows, progress)
        _update(changed, user_id=user_id, now=now)
        reason = reason or _("Imported from a file")
        record_history_of_stored(created_pks, user=user, reason=reason, created=True)
        record_history_of_stored([current.pk for current, _row in changed], user=user, reason=reason)
    return result


def _update(changed: list[tuple[StoredOutcome, ParsedRow]], *, user_id: int | None, now) -> None:
    """Changed outcomes in bulk: one UPDATE … FROM unnest(…) on PostgreSQL, else bulk_update."""
    if not changed:
        return
    if connection.vendor != "postgresql":
        outcomes = [
            Outcome(
                pk=current.pk,
                value=row.value,
                accomplished=row.accomplished,
                comment=row.comment,
                entered_by_id=user_id,
                updated_at=now,
                version=current.version + 1,
            )
            for current, row in changed
        ]
        for start in range(0, len(outcomes), UPDATE_BATCH_SIZE):
            Outcome.objects.bulk_update(outcomes[start : start + UPDATE_BATCH_SIZE], UPDATED_FIELDS)
        return
    # One statement however many rows (the data-version triggers fire per statement): each
    # changed column travels as one array, joined to the table by key (bulk_update's CASE costs
    # rows², and a VALUES list is bounded by PostgreSQL's 65 535 parameters). Who and when are
    # the same for every row.
    quote = connection.ops.quote_name
    pk = Outcome._meta.pk
    per_row = [pk, *(Outcome._meta.get_field(name) for name in ("value", "accomplished", "comment", "version"))]
    arrays = ", ".join(f"%s::{field.cast_db_type(connection)}[]" for field in per_row)
    names = ", ".join(quote(field.column) for field in per_row)
    assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in per_row[1:])
    entered_by, updated_at = (quote(Outcome._meta.get_field(name).column) for name in ("entered_by", "updated_at"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Outcome._meta.db_table)} AS o SET {assignments}, {entered_by} = %s, {updated_at} = %s "
            f"FROM unnest({arrays}) AS v ({names}) WHERE o.{quote(pk.column)} = v.{quote(pk.column)}",
            [
                user_id,
                now,
                [current.pk for current, _row in changed],
                [row.value for _current, row in changed],
                [row.accomplished for _current, row in changed],
                [row.comment for _current, row in changed],
                [current.version + 1 for current, _row in changed],
            ],
        )


# A new outcome's columns, as _insert takes them (its key comes from the table's sequence).
NEW_COLUMNS = (
    "indicator_id",
    "year",
    "period_kind",
    "period_number",
    "unit_id",
    "sex",
    "value",
    "accomplished",
    "count",
    "comment",
    "entered_by_id",
    "entered_at",
    "updated_at",
    "version",
)


def _insert(rows: list[tuple], progress) -> list[int]:
    """New outcomes (tuples of NEW_COLUMNS) in bulk, their keys returned: PostgreSQL's COPY, else
    batched INSERTs."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        outcomes = [Outcome(**dict(zip(NEW_COLUMNS, row, strict=True))) for row in rows]
        Outcome.objects.bulk_create(outcomes, batch_size=BATCH_SIZE)
        return [outcome.pk for outcome in outcomes]
    table = connection.ops.quote_name(Outcome._meta.db_table)
    pk_column = Outcome._meta.pk.column
    with connection.cursor() as cursor:
        # The keys are drawn from the table's own sequence first (one query), so the rows go in
        # with them and nothing has to be read back to find them (for the history).
        cursor.execute(
            "SELECT array_agg(nextval(pg_get_serial_sequence(%s, %s))) FROM generate_series(1, %s)",
            [table, pk_column, len(rows)],
        )
        (pks,) = cursor.fetchone()
    # COPY goes to psycopg directly: wrap its errors so a duplicate key is Django's IntegrityError.
    # Every value is at hand before the COPY starts (a query on the connection during it blocks).
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join([pk_column, *NEW_COLUMNS])}) FROM STDIN") as copy,
    ):
        for index, (pk, row) in enumerate(zip(pks, rows, strict=True), start=1):
            copy.write_row((pk, *row))
            if progress and index % BATCH_SIZE == 0:
                progress(index)
    return pks
