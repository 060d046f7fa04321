"""Writing a checked outcome file: every row in one transaction, in bulk (new rows by COPY on
PostgreSQL, changed rows by one UPDATE, their history copied by the database), and a concurrent
writer turned into an ImportConflict, never a 500. The checks are kpis.imports'."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kpis.models import Outcome
from kpis.services import record_history_of_stored
from kpis.uploads import FileError, ImportFailed

BATCH_SIZE = 5000
# bulk_update writes one CASE per column with a branch per row, which costs rows² per batch.
UPDATE_BATCH_SIZE = 500
UPDATED_FIELDS = ("value", "accomplished", "comment", "entered_by", "updated_at", "version")

Key = tuple[int, int, str, int, int | None, str]  # indicator, year, kind, number, unit, sex
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
    # A dry run's stored outcomes the file's rows would replace (the preview compares them).
    stored: dict = field(default_factory=dict)
    # A dry run's rows as read (kpis.import_preview.PreviewRow), in the file's order.
    preview: list = field(default_factory=list)

    @property
    def preview_is_partial(self) -> bool:
        """Whether the preview stopped at IMPORT_PREVIEW_MAX_ROWS before the file's last row."""
        return len(self.preview) < self.rows


@dataclass(frozen=True)
class ParsedRow:
    key: Key
    value: Decimal | None
    accomplished: bool | None
    comment: str


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


def write_rows(parsed: dict[Key, ParsedRow], *, user, dry_run: bool, reason: str, progress) -> ImportResult:
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
            result.stored = stored
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
