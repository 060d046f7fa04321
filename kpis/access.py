"""Who may write what, in which period, with which reason: the one write rule of the product.

Roles are Django groups. Administrators (superusers and the "Administratörer" group) may do
everything. Reporters ("Rapportörer") may enter and change outcomes only for the units they are
assigned to (OrganisationalUnit.reporters). Committee members (everyone else) only read the
committee pages.

Figures that a committee has acted on are *locked*:
- outcomes, status overrides, goal assessments and budget outcomes of a month in an approved
  follow-up report (budget outcomes for every approved report of the body);
- a decided plan and what it decided: goal areas, goals, assignments, measures, targets, budget
  frames and lines, frame changes, investments, savings measures and their planned effects.
Moving a row that carries locked rows along (a measure to another plan) counts as changing them.
Only an administrator may change, move or delete a locked figure, and only with a reason, which
is kept in the audit history. Every write path asks this module: the admin forms and inlines, the
history revert page, single and bulk delete (cascades included), the entry page, the outcome
import, the spreadsheet resources and the services.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from goalplan.models import Plan
from goalplan.periods import Period
from goalplan.roles import REPORTERS, is_administrator

# The audit history keeps a change reason in a 100-character column (django-simple-history).
REASON_MAX_LENGTH = 100

# The reason given for the write under way: every history row written meanwhile keeps it,
# including rows the database deletes along (a measure's outcomes) and rows a service deletes
# with a queryset (a cleared entry-page value). django-simple-history reads _change_reason.
_reason_of_write: ContextVar[str | None] = ContextVar("reason_of_write", default=None)


@contextlib.contextmanager
def reason_in_history(reason: str | None) -> Iterator[None]:
    """Every save and delete inside keeps ``reason`` in its history (unless it has its own)."""
    token = _reason_of_write.set((reason or "").strip() or None)
    try:
        yield
    finally:
        _reason_of_write.reset(token)


def keep_reason_of_write(sender, instance, **kwargs) -> None:
    """pre_save / pre_delete receiver: give the row the reason of the write under way."""
    reason = _reason_of_write.get()
    if reason and not getattr(instance, "_change_reason", None):
        instance._change_reason = reason


@dataclass(frozen=True)
class OutcomeScope:
    is_administrator: bool
    unit_ids: frozenset[int] | None  # None: every unit and the whole plan

    def allows_unit(self, unit_id: int | None) -> bool:
        """May outcomes of this unit (None = the whole plan's scope) be written?"""
        if self.unit_ids is None:
            return True
        return unit_id is not None and unit_id in self.unit_ids


EVERYTHING = OutcomeScope(is_administrator=True, unit_ids=None)
NOTHING = OutcomeScope(is_administrator=False, unit_ids=frozenset())


def outcome_scope_for(user) -> OutcomeScope:
    """The outcomes a person may write (a system import without a person may write all)."""
    if user is None:
        return EVERYTHING
    if is_administrator(user):
        return EVERYTHING
    if user.is_active and user.groups.filter(name=REPORTERS).exists():
        return OutcomeScope(
            is_administrator=False, unit_ids=frozenset(user.reporting_units.values_list("pk", flat=True))
        )
    return NOTHING


class UnitNotAllowed(PermissionDenied):
    """The person may not write outcomes of this unit."""


class WriteLocked(PermissionDenied):
    """The figure is locked (approved period or decided plan) and the person is not an administrator."""


class PeriodLocked(WriteLocked):
    """The period is in an approved report and the person is not an administrator."""


class DecisionLocked(WriteLocked):
    """The figure belongs to a decided plan and the person is not an administrator."""


@dataclass(frozen=True)
class Guard:
    """How a model's rows are locked: the path to their plan, and what locks them."""

    plan_path: str  # e.g. "measure__plan": the plan (or plans) the row belongs to
    unit_field: str | None = None  # rows of a unit: reporters may write only their own units
    by_period: bool = False  # locked by approved reports (the row has PeriodFields, or a month)
    by_decision: bool = False  # locked once the plan is decided
    # For rows of a month rather than a period (budget outcomes): where the year and month are,
    # and the body whose approved reports lock the month.
    year_path: str | None = None
    month_field: str | None = None
    body_path: str | None = None


# The guarded models, by label: budget and meetings are guarded without this module importing them.
GUARDS: dict[str, Guard] = {
    # An indicator's outcomes feed every plan that adopts it: a month in an approved report of
    # any of them locks them.
    "kpis.outcome": Guard("indicator__measures__plan", unit_field="unit", by_period=True),
    "kpis.statusoverride": Guard("indicator__measures__plan", unit_field="unit", by_period=True),
    # An indicator's direction and period value decide the statuses of every plan adopting it.
    "kpis.indicator": Guard("measures__plan", by_decision=True),
    "goalplan.goalassessment": Guard("goal__plan", by_period=True),
    "kpis.target": Guard("measure__plan", by_decision=True),
    "budget.budgetline": Guard("frame__plan", by_decision=True),
    # The budget follow-up of a month is part of every approved report of the body that covers
    # it (a report prints the body's budget for the year, whichever plan holds the frame).
    "budget.budgetoutcome": Guard(
        "line__frame__plan",
        by_period=True,
        year_path="line__frame__year",
        month_field="month",
        body_path="line__frame__body",
    ),
    # A decided plan itself (un-deciding it unlocks the rest) and what it decided: its goal
    # areas, goals, assignments, measures (a measure's direction decides its statuses) and
    # budget frames.
    "goalplan.plan": Guard("self", by_decision=True),
    "goalplan.goalarea": Guard("plan", by_decision=True),
    "goalplan.goal": Guard("plan", by_decision=True),
    "goalplan.assignment": Guard("plan", by_decision=True),
    "kpis.measure": Guard("plan", by_decision=True),
    "budget.budgetframe": Guard("plan", by_decision=True),
    # The rest of a decided plan's budget: frame changes, investments, the savings measures and
    # their planned effects (the achieved effect is follow-up: see FOLLOW_UP_FIELDS).
    "budget.framechange": Guard("frame__plan", by_decision=True),
    "budget.investment": Guard("plan", by_decision=True),
    "budget.savingsmeasure": Guard("plan", by_decision=True),
    "budget.savingseffect": Guard("measure__plan", by_decision=True),
}

# Fields of a decided row that are follow-up, entered during the year: changing only these is
# not changing what was decided.
FOLLOW_UP_FIELDS: dict[str, frozenset[str]] = {
    "budget.savingseffect": frozenset({"outcome_tkr", "comment"}),
}

# Rows whose change of these fields moves their guarded rows elsewhere (a measure to another
# plan takes its outcomes and targets along): such a change is judged like deleting the guarded
# rows from where they are.
MOVES: dict[str, tuple[str, ...]] = {
    # A measure moved to another plan takes its targets along (what it does to its indicator's
    # figures is judged by WriteRules.check_adoptions).
    "kpis.measure": ("plan_id",),
    "goalplan.goal": ("plan_id",),
    # A frame's body says which approved reports print its budget outcomes.
    "budget.budgetframe": ("plan_id", "year", "body_id"),
    "budget.budgetline": ("frame_id",),
}


def guard_of(model) -> Guard | None:
    return GUARDS.get(model._meta.label_lower)


def is_guarded(model) -> bool:
    """Does the write rule judge changes of this model's rows (its own locks, or moves)?"""
    return model._meta.label_lower in GUARDS or model._meta.label_lower in MOVES


@dataclass(frozen=True)
class Facts:
    """What the write rule needs to know of one row: its plans, period end and unit."""

    plan_ids: frozenset[int]
    year: int | None = None
    end_month: int | None = None
    unit_id: int | None = None
    body_id: int | None = None


def _walk(obj, path: str, *, key: bool = True):
    """obj.measure.plan_id for "measure__plan" (obj.line.frame.year with key=False for
    "line__frame__year"); None if a link is missing."""
    if path == "self":
        return obj.pk
    *links, last = path.split("__")
    for link in links:
        obj = getattr(obj, link, None) if getattr(obj, f"{link}_id", 1) is not None else None
        if obj is None:
            return None
    return getattr(obj, f"{last}_id" if key else last, None)


def _split_at_many(model, path: str) -> tuple[str, str] | None:
    """("indicator", "measures__plan") for "indicator__measures__plan": the part walked in memory
    and the part from the first link that leads to many rows (None if none does)."""
    links = path.split("__")
    for index, link in enumerate(links):
        field = model._meta.get_field(link)
        if field.one_to_many or field.many_to_many:
            return "__".join(links[:index]), "__".join(links[index:])
        model = field.related_model
    return None


def _plan_ids(obj: Model, guard: Guard) -> frozenset[int]:
    """The plans a row belongs to: one through a chain of links, or every plan adopting its
    indicator (read from the database)."""
    split = _split_at_many(type(obj), guard.plan_path) if guard.plan_path != "self" else None
    if split is None:
        plan_id = _walk(obj, guard.plan_path)
        return frozenset() if plan_id is None else frozenset([plan_id])
    head, rest = split
    holder = obj
    for link in head.split("__") if head else ():
        holder = getattr(holder, link, None) if getattr(holder, f"{link}_id", 1) is not None else None
        if holder is None:
            return frozenset()
    if holder.pk is None:
        return frozenset()
    rows = type(holder)._base_manager.filter(pk=holder.pk).values_list(rest, flat=True)
    return frozenset(plan_id for plan_id in rows if plan_id is not None)


def facts_of(obj: Model) -> Facts | None:
    """The facts of a row as it is in memory (a form's new values, or a stored row)."""
    guard = guard_of(type(obj))
    if guard is None:
        return None
    year = end_month = None
    if guard.month_field:
        year, end_month = _walk(obj, guard.year_path, key=False), getattr(obj, guard.month_field)
    elif guard.by_period and obj.year is not None and obj.period_kind and obj.period_number is not None:
        try:
            period = obj.period
        except ValueError:
            period = None
        if period is not None:
            year, end_month = period.year, period.end_month
    unit_id = getattr(obj, f"{guard.unit_field}_id") if guard.unit_field else None
    body_id = _walk(obj, guard.body_path) if guard.body_path else None
    return Facts(plan_ids=_plan_ids(obj, guard), year=year, end_month=end_month, unit_id=unit_id, body_id=body_id)


def stored_facts(model, pks: Iterable[int]) -> list[Facts]:
    """The facts of stored rows, read in one query (for deletes of many rows and cascades)."""
    guard = guard_of(model)
    pks = list(pks)
    if guard is None or not pks:
        return []
    plan_field = "pk" if guard.plan_path == "self" else guard.plan_path
    fields = ["pk"] if plan_field == "pk" else ["pk", plan_field]
    if guard.month_field:
        fields += [guard.year_path, guard.month_field]
    elif guard.by_period:
        fields += ["year", "period_kind", "period_number"]
    if guard.unit_field:
        fields.append(f"{guard.unit_field}_id")
    if guard.body_path:
        fields.append(guard.body_path)
    # A path through many rows (an indicator's measures) gives one row per plan: gathered per pk.
    facts: dict[int, Facts] = {}
    rows = model._base_manager.filter(pk__in=pks).values_list(*fields).order_by()
    for row in rows.iterator(chunk_size=2000):
        values = dict(zip(fields, row, strict=True))
        plan_id = values[plan_field]
        known = facts.get(values["pk"])
        if known is not None:
            if plan_id is not None:
                facts[values["pk"]] = dataclasses.replace(known, plan_ids=known.plan_ids | {plan_id})
            continue
        year = end_month = None
        if guard.month_field:
            year, end_month = values[guard.year_path], values[guard.month_field]
        elif guard.by_period:
            period = Period(values["year"], values["period_kind"], values["period_number"])
            year, end_month = period.year, period.end_month
        facts[values["pk"]] = Facts(
            plan_ids=frozenset() if plan_id is None else frozenset([plan_id]),
            year=year,
            end_month=end_month,
            unit_id=values.get(f"{guard.unit_field}_id") if guard.unit_field else None,
            body_id=values.get(guard.body_path) if guard.body_path else None,
        )
    return list(facts.values())


def carried_rows(obj: Model) -> list[tuple[type[Model], list[int]]]:
    """The guarded rows whose plan (or year) is read through ``obj``: those a move of ``obj``
    takes along (a goal's assessments, a measure's outcomes, a frame's lines and their outcomes)."""
    from django.apps import apps

    carried = []
    for label, guard in GUARDS.items():
        if guard.plan_path == "self":
            continue
        model = apps.get_model(label)
        if _split_at_many(model, guard.plan_path) is not None:
            continue  # an indicator's rows stay where they are: see WriteRules.check_adoptions
        links = guard.plan_path.split("__")[:-1]
        related = model
        for depth, link in enumerate(links, start=1):
            related = related._meta.get_field(link).related_model
            if related is type(obj):
                lookup = "__".join(links[:depth])
                carried.append(
                    (model, list(model._base_manager.filter(**{lookup: obj.pk}).values_list("pk", flat=True)))
                )
    return carried


def _facts_after_move(facts: Facts, guard: Guard, new: Model) -> Facts:
    """A carried row's facts once ``new`` (a measure, goal, budget frame or line) is saved: its
    plan, and for budget outcomes the frame's year and body."""
    holder = new.frame if hasattr(new, "frame_id") and new.frame_id else new
    plan_id = getattr(holder, "plan_id", None)
    changes = {"plan_ids": facts.plan_ids if plan_id is None else frozenset([plan_id])}
    if guard.month_field and hasattr(holder, "year"):
        changes["year"] = holder.year
    if guard.body_path and hasattr(holder, "body_id"):
        changes["body_id"] = holder.body_id
    return dataclasses.replace(facts, **changes)


def validate_reason(reason: str) -> str:
    """The reason stripped, refused when longer than the history can keep or not plain text."""
    reason = (reason or "").strip()
    if any(ord(character) < 32 or 127 <= ord(character) < 160 for character in reason):
        # PostgreSQL refuses NUL in text; other control characters have no place in a reason.
        raise ValidationError(_("The reason may not contain control characters."), code="reason_invalid")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("The reason may be at most %(max)s characters (it has %(length)s).")
            % {"max": REASON_MAX_LENGTH, "length": len(reason)},
            code="reason_too_long",
        )
    return reason


@dataclass(frozen=True)
class WriteRules:
    """What a person may write now: their units, the months locked by approved reports and the
    decided plans.

    Built once per request or import (two queries) and asked for every row.
    """

    scope: OutcomeScope
    locked: frozenset[tuple[int, int, int]]  # (plan, year, month)
    decided_plans: frozenset[int] = frozenset()
    locked_body_months: frozenset[tuple[int, int, int]] = frozenset()  # (body, year, month)

    def is_locked(self, plan_id: int, year: int, month: int) -> bool:
        return (plan_id, year, month) in self.locked

    def check(self, *, plan_ids: Iterable[int], period, unit_id: int | None, reason: str = "") -> None:
        """Refuse a unit the person is not assigned to, or a period in an approved report of any of
        the plans the outcome feeds (only an administrator may change it, and only with a reason)."""
        self.check_facts(
            Facts(plan_ids=frozenset(plan_ids), year=period.year, end_month=period.end_month, unit_id=unit_id),
            guard=GUARDS["kpis.outcome"],
            reason=reason,
        )

    def is_locked_in_any(self, plan_ids: Iterable[int], year: int, month: int) -> bool:
        return any(self.is_locked(plan_id, year, month) for plan_id in plan_ids)

    def lock_of(self, facts: Facts, guard: Guard) -> WriteLocked | None:
        """Why the row is locked (the exception a non-administrator gets), or None."""
        in_approved_report = facts.year is not None and (
            self.is_locked_in_any(facts.plan_ids, facts.year, facts.end_month)
            or (guard.body_path and (facts.body_id, facts.year, facts.end_month) in self.locked_body_months)
        )
        if guard.by_period and in_approved_report:
            return PeriodLocked(_("The period is in an approved report; only an administrator may change it."))
        if guard.by_decision and facts.plan_ids & self.decided_plans:
            return DecisionLocked(
                _("The plan is decided; only an administrator may change its targets and budget, with a reason.")
            )
        return None

    def check_facts(self, facts: Facts, *, guard: Guard, reason: str = "") -> None:
        """Refuse the write of one row (as stored, or as it would be) unless the rule allows it."""
        reason = validate_reason(reason)
        if guard.unit_field and not self.scope.allows_unit(facts.unit_id):
            raise UnitNotAllowed(_("You may only enter outcomes for your own units."))
        lock = self.lock_of(facts, guard)
        if lock is None:
            return
        if not self.scope.is_administrator:
            raise lock
        if not reason:
            message = (
                _("The period is in an approved report: give the reason for the change.")
                if isinstance(lock, PeriodLocked)
                else _("The plan is decided: give the reason for the change.")
            )
            raise ValidationError(message, code="reason_required")

    def may_write(self, obj: Model) -> bool:
        """Could this person change the stored row at all (with a reason if it is locked)?"""
        guard, facts = guard_of(type(obj)), facts_of(obj)
        if guard is None or facts is None:
            return True
        if guard.unit_field and not self.scope.allows_unit(facts.unit_id):
            return False
        return self.scope.is_administrator or self.lock_of(facts, guard) is None

    def check_write(self, *, stored: Model | None, new: Model | None, reason: str = "") -> None:
        """Check a change: the stored row (what leaves its period, unit or plan) and the new one;
        and, for a row that carries guarded rows along (MOVES), the rows it would move."""
        follow_up = FOLLOW_UP_FIELDS.get(type(new or stored)._meta.label_lower)
        if (
            follow_up
            and stored is not None
            and new is not None
            and all(
                getattr(stored, f.attname) == getattr(new, f.attname)
                for f in type(new)._meta.concrete_fields
                if f.name not in follow_up
            )
        ):
            return  # only the follow-up of a decided row changes (an achieved savings effect)
        for row in (stored, new):
            if row is not None and (guard := guard_of(type(row))) is not None:
                self.check_facts(facts_of(row), guard=guard, reason=reason)
        if type(new or stored)._meta.label_lower == "kpis.measure":
            self.check_adoptions(stored=stored, new=new, reason=reason)
        moving = MOVES.get(type(stored)._meta.label_lower, ()) if stored is not None else ()
        if new is not None and any(getattr(stored, field) != getattr(new, field) for field in moving):
            for model, pks in carried_rows(stored):
                guard = guard_of(model)
                for facts in stored_facts(model, pks):
                    # Where the rows are (a locked month they would leave) and where they would be
                    # (a locked month they would enter).
                    self.check_facts(facts, guard=guard, reason=reason)
                    self.check_facts(_facts_after_move(facts, guard, new), guard=guard, reason=reason)

    def check_adoptions(self, *, stored: Model | None, new: Model | None, reason: str = "") -> None:
        """A measure that adopts an indicator brings the indicator's figures into its plan; one that
        stops (deleted, moved to another plan, or adopting another indicator) takes them out. Either
        is a change of the figures in that plan's approved months, unless another measure of the
        plan still adopts the indicator."""
        from django.apps import apps

        def adoption(measure):
            return None if measure is None else (measure.plan_id, measure.indicator_id)

        if adoption(stored) == adoption(new):
            return
        measure_model = apps.get_model("kpis", "Measure")
        for measure in (stored, new):
            if measure is None or measure.plan_id is None or measure.indicator_id is None:
                continue
            if not any(plan_id == measure.plan_id for plan_id, _year, _month in self.locked):
                continue  # nothing of the plan is approved: nothing to judge
            if (
                measure_model._base_manager.filter(plan_id=measure.plan_id, indicator_id=measure.indicator_id)
                .exclude(pk=measure.pk)
                .exists()
            ):
                continue  # the plan keeps (or already has) the figures through another measure
            for label in ("kpis.outcome", "kpis.statusoverride"):
                rows = apps.get_model(label)._base_manager.filter(indicator_id=measure.indicator_id)
                for year, kind, number, unit_id in (
                    rows.values_list("year", "period_kind", "period_number", "unit_id").distinct().order_by()
                ):
                    period = Period(year, kind, number)
                    self.check_facts(
                        Facts(
                            plan_ids=frozenset([measure.plan_id]),
                            year=period.year,
                            end_month=period.end_month,
                            unit_id=unit_id,
                        ),
                        guard=GUARDS[label],
                        reason=reason,
                    )

    def check_delete(self, objs: Iterable[Model], *, reason: str = "", using: str = "default") -> None:
        """Check a delete, including every guarded row the database would delete with it."""
        objs = list(objs)
        if not objs:
            return
        collector = Collector(using=using)
        try:
            collector.collect(objs)
        except (ProtectedError, RestrictedError):
            return  # nothing will be deleted: the admin says which rows protect these
        batches = [(model, [obj.pk for obj in instances]) for model, instances in collector.data.items()]
        batches += [(qs.model, qs.values_list("pk", flat=True)) for qs in collector.fast_deletes]
        for model, pks in batches:
            if model._meta.label_lower == "kpis.measure":
                for measure in model._base_manager.filter(pk__in=list(pks)):
                    self.check_adoptions(stored=measure, new=None, reason=reason)
            guard = guard_of(model)
            if guard is None:
                continue
            for facts in stored_facts(model, pks):
                self.check_facts(facts, guard=guard, reason=reason)

    def locked_rows(self, objs: Iterable[Model], *, using: str = "default") -> bool:
        """Would deleting these rows touch a locked figure (so a reason is asked for)?"""
        try:
            dataclasses.replace(self, scope=EVERYTHING).check_delete(objs, using=using)
        except ValidationError:
            return True
        return False


@dataclass(frozen=True)
class LockedMonths:
    """What an approval locks: (plan, year, month) of its plan's figures, and (body, year, month)
    of its body's budget follow-up."""

    plan_months: frozenset[tuple[int, int, int]] = frozenset()
    body_months: frozenset[tuple[int, int, int]] = frozenset()


# Who approves what: the meetings app registers its follow-up reports (meetings/apps.py), so the
# arrow points from meetings to this module and not back.
_approvals: list[Callable[[], LockedMonths]] = []


def register_approvals(locked_months: Callable[[], LockedMonths]) -> None:
    """Add a source of approved (locked) months: asked once per request or import."""
    if locked_months not in _approvals:
        _approvals.append(locked_months)


def write_rules_for(user) -> WriteRules:
    decided = Plan.objects.filter(state=Plan.State.DECIDED).values_list("pk", flat=True)
    approved = [source() for source in _approvals]
    return WriteRules(
        scope=outcome_scope_for(user),
        locked=frozenset().union(*(a.plan_months for a in approved)),
        decided_plans=frozenset(decided),
        locked_body_months=frozenset().union(*(a.body_months for a in approved)),
    )
