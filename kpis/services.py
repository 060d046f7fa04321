"""Writes to outcomes: single saves and the month-at-a-time entry of a whole plan.

Every write goes through here so the lost-update guard (the ``version`` column and a
conditional UPDATE, which works on SQLite and PostgreSQL alike) is applied everywhere.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from goalplan.choices import Sex
from goalplan.models import OrganisationalUnit
from goalplan.periods import Period
from kpis.access import reason_in_history, validate_reason, write_rules_for
from kpis.models import Indicator, Measure, Outcome


@dataclass(frozen=True)
class OutcomeEntry:
    """One row of the entry form: the value a person typed for a measure and sex."""

    measure: Measure
    sex: str = Sex.TOTAL
    value: Decimal | None = None
    accomplished: bool | None = None
    comment: str = ""
    expected_version: int = 0  # 0 = the person saw no stored outcome

    @property
    def is_blank(self) -> bool:
        return self.value is None and self.accomplished is None


@dataclass(frozen=True)
class EntryResult:
    """What a save changed, for the confirmation message."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0


def _conflict(entry: OutcomeEntry) -> ValidationError:
    return ValidationError(
        _(
            "“%(measure)s” (%(sex)s) was changed by someone else after you opened the page. "
            "Nothing was saved; reload the page to see the current values and enter yours again."
        )
        % {"measure": entry.measure, "sex": Sex(entry.sex).label},
        code="conflict",
    )


def outcome_save(*, outcome: Outcome, user, expected_version: int | None, reason: str = "") -> Outcome:
    """Create or update one outcome, refusing the save if it changed since it was read."""
    outcome.full_clean(exclude=["entered_by"])
    # The stored row too: moving a locked figure to another period or unit empties the locked one.
    stored = Outcome.objects.filter(pk=outcome.pk).first() if outcome.pk is not None else None
    reason = validate_reason(reason)
    write_rules_for(user).check_write(stored=stored, new=outcome, reason=reason)
    now = timezone.now()
    if outcome.pk is None:
        outcome.entered_by = user
        outcome.version = 1
        outcome._change_reason = reason
        try:
            with transaction.atomic():
                outcome.save()
        except IntegrityError as error:
            raise ValidationError(_("There is already an outcome for this indicator, period, unit and sex.")) from error
        return outcome
    fields = {
        field.attname: getattr(outcome, field.attname)
        for field in Outcome._meta.concrete_fields
        if field.editable
        and not field.primary_key
        and field.attname not in {"entered_at", "updated_at", "entered_by_id"}
    }
    query = Outcome.objects.filter(pk=outcome.pk)
    if expected_version is not None:
        query = query.filter(version=expected_version)
    changed = query.update(**fields, entered_by=user, updated_at=now, version=F("version") + 1)
    if not changed:
        raise ValidationError(
            _(
                "This outcome was changed by someone else after you opened it. Nothing was saved; "
                "reload to see the current value."
            ),
            code="conflict",
        )
    outcome.refresh_from_db()
    record_history([outcome], user=user, reason=reason)
    return outcome


@transaction.atomic
def outcomes_record_for_period(
    *,
    period: Period,
    entries: list[OutcomeEntry],
    unit: OrganisationalUnit | None,
    user,
    reason: str = "",
) -> EntryResult:
    """Save a whole page of outcomes for one period, all or nothing.

    A blank row that had a stored outcome deletes it (the person cleared the field). A row whose
    stored version differs from the one the person saw aborts the whole save.
    """
    reason = validate_reason(reason)
    rules = write_rules_for(user)
    indicator_ids = {entry.measure.indicator_id for entry in entries}
    # An outcome feeds every plan adopting its indicator: any of them may have the month approved.
    plans_of = Measure.objects.plans_by_indicator(indicator_ids)
    for plan_ids in {frozenset(plans) for plans in plans_of.values()}:
        rules.check(plan_ids=plan_ids, period=period, unit_id=unit.pk if unit else None, reason=reason)
    # The indicators' rows are locked first (in pk order): a period entered for the first time has
    # no outcome rows to lock, so two people saving it at once would both read "nothing stored"
    # and the second would hit the uniqueness check instead of the conflict message.
    list(Indicator.objects.select_for_update().filter(pk__in=indicator_ids).order_by("pk").values_list("pk", flat=True))
    stored = {
        (outcome.indicator_id, outcome.sex): outcome
        # Ordered by pk: locks are taken in one order (no deadlock between two savers), and the
        # default ordering's outer join to the unit, which PostgreSQL cannot lock, is avoided.
        for outcome in Outcome.objects.select_for_update()
        .in_period(period)
        .filter(indicator_id__in=indicator_ids, unit=unit)
        .order_by("pk")
    }
    created = updated = deleted = unchanged = 0
    errors = []
    updated_rows: list[Outcome] = []
    now = timezone.now()
    for entry in entries:
        current = stored.get((entry.measure.indicator_id, entry.sex))
        current_version = current.version if current else 0
        if current_version != entry.expected_version:
            errors.append(_conflict(entry))
            continue
        if current is None:
            if entry.is_blank:
                continue
            outcome = Outcome(
                indicator=entry.measure.indicator,
                year=period.year,
                period_kind=period.kind,
                period_number=period.number,
                unit=unit,
                sex=entry.sex,
                value=entry.value,
                accomplished=entry.accomplished,
                comment=entry.comment,
                entered_by=user,
            )
            outcome._change_reason = reason or None
            try:
                outcome.full_clean(exclude=["entered_by"])
            except ValidationError as error:
                errors.append(ValidationError(f"{entry.measure}: {'; '.join(error.messages)}"))
                continue
            try:
                # Two people entering the same empty period at once both pass the row lock (there
                # is no row to lock yet): the second insert is a conflict, not an error page.
                with transaction.atomic():
                    outcome.save()
            except IntegrityError:
                errors.append(_conflict(entry))
                continue
            created += 1
            continue
        if entry.is_blank:
            with reason_in_history(reason):  # the deleted row's history keeps the reason
                removed = Outcome.objects.filter(pk=current.pk, version=current.version).delete()[0]
            if not removed:
                errors.append(_conflict(entry))
            deleted += 1
            continue
        if (current.value, current.accomplished, current.comment) == (entry.value, entry.accomplished, entry.comment):
            unchanged += 1
            continue
        changed = Outcome.objects.filter(pk=current.pk, version=current.version).update(
            value=entry.value,
            accomplished=entry.accomplished,
            comment=entry.comment,
            entered_by=user,
            updated_at=now,
            version=F("version") + 1,
        )
        if not changed:
            errors.append(_conflict(entry))
            continue
        current.value, current.accomplished, current.comment = entry.value, entry.accomplished, entry.comment
        current.version += 1
        updated_rows.append(current)
        updated += 1
    if errors:
        # Raising inside the atomic block rolls back every row already written above.
        raise ValidationError(errors)
    record_history(updated_rows, user=user, reason=reason)
    return EntryResult(created=created, updated=updated, deleted=deleted, unchanged=unchanged)


# SQLite refuses a statement with more parameters than this (older builds: 999).
SQLITE_PARAMETERS_PER_STATEMENT = 900


def record_history(outcomes: list[Outcome], *, user, reason: str, created: bool = False) -> None:
    """Write the audit history of outcomes changed by a conditional UPDATE or written in bulk,
    which bypass the save signals the history listens to."""
    record_history_of_stored([outcome.pk for outcome in outcomes], user=user, reason=reason, created=created)


def record_history_of_stored(pks: list[int], *, user, reason: str, created: bool = False) -> None:
    """The history rows of these stored outcomes, as django-simple-history writes them (every
    tracked field, the time, the person, the reason, + or ~), copied by the database itself.

    One INSERT … SELECT from the outcome table: the history holds exactly what was stored, and
    no row passes through Python (building and sending 100 000 history rows took a third of an
    import). On PostgreSQL the keys go as one array, elsewhere in batches the database accepts.
    """
    if not pks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = Outcome.history.model
    quote = connection.ops.quote_name
    tracked = [field.column for field in history.tracked_fields]
    extra = {
        "history_date": connection.ops.adapt_datetimefield_value(timezone.now()),
        "history_change_reason": (reason or None) and reason[:100],
        "history_type": "+" if created else "~",
        "history_user_id": user.pk if user else None,
    }
    columns = ", ".join(quote(column) for column in [*tracked, *extra])
    selected = ", ".join([*(f"o.{quote(column)}" for column in tracked), *(["%s"] * len(extra))])
    pk = f"o.{quote(Outcome._meta.pk.column)}"
    insert = (
        f"INSERT INTO {quote(history._meta.db_table)} ({columns}) "
        f"SELECT {selected} FROM {quote(Outcome._meta.db_table)} AS o WHERE {pk}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{insert} = ANY(%s::bigint[]) ORDER BY {pk}", [*extra.values(), list(pks)])
            return
        for start in range(0, len(pks), SQLITE_PARAMETERS_PER_STATEMENT):
            batch = pks[start : start + SQLITE_PARAMETERS_PER_STATEMENT]
            cursor.execute(f"{insert} IN ({', '.join(['%s'] * len(batch))}) ORDER BY {pk}", [*extra.values(), *batch])
