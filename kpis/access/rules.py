"""The write rule itself: what a person may write now, asked for every row of every write path."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from goalplan.models import Plan
from goalplan.periods import Period
from kpis.access.facts import Facts, _facts_after_move, carried_rows, facts_of, stored_facts
from kpis.access.guards import FOLLOW_UP_FIELDS, GUARDS, MOVES, Guard, guard_of
from kpis.access.reasons import validate_reason
from kpis.access.scope import (
    EVERYTHING,
    DecisionLocked,
    OutcomeScope,
    PeriodLocked,
    RoundClosed,
    UnitApproved,
    UnitNotAllowed,
    WriteLocked,
    outcome_scope_for,
)


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
    closed: frozenset[tuple[int, int, int]] = frozenset()  # (plan, year, month) of closed rounds
    # (plan, year, month, unit or None for the whole plan) of units' approved rounds
    approved_units: frozenset[tuple[int, int, int, int | None]] = frozenset()

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

    def approval_of(self, plan_ids: Iterable[int], year: int, month: int, unit_id: int | None) -> type | None:
        """What approved the figures of the unit (None: the whole plan) in the month, if anything:
        a report of one of the plans (PeriodLocked) or the unit's round (UnitApproved)."""
        plan_ids = list(plan_ids)
        if self.is_locked_in_any(plan_ids, year, month):
            return PeriodLocked
        if any((plan_id, year, month, unit_id) in self.approved_units for plan_id in plan_ids):
            return UnitApproved
        return None

    def lock_of(self, facts: Facts, guard: Guard) -> WriteLocked | None:
        """Why the row is locked (the exception a non-administrator gets), or None."""
        in_approved_report = facts.year is not None and (
            self.is_locked_in_any(facts.plan_ids, facts.year, facts.end_month)
            or (guard.body_path and (facts.body_id, facts.year, facts.end_month) in self.locked_body_months)
        )
        if guard.by_period and in_approved_report:
            return PeriodLocked(_("The period is in an approved report; only an administrator may change it."))
        if (
            guard.by_period
            and not guard.month_field
            and facts.year is not None
            and any(
                (plan_id, facts.year, facts.end_month, facts.unit_id) in self.approved_units
                for plan_id in facts.plan_ids
            )
        ):
            return UnitApproved(
                _("The figures of the period are approved for the unit; only an administrator may change them.")
            )
        if (
            guard.by_period
            and facts.year is not None
            and not self.scope.is_administrator
            and any((plan_id, facts.year, facts.end_month) in self.closed for plan_id in facts.plan_ids)
        ):
            return RoundClosed(
                _("The reporting round of the period has closed; only an administrator may change its figures.")
            )
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
            if isinstance(lock, UnitApproved):
                message = _("The figures are approved: give the reason for the change.")
            elif isinstance(lock, PeriodLocked):
                message = _("The period is in an approved report: give the reason for the change.")
            else:
                message = _("The plan is decided: give the reason for the change.")
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
            approved_plans = {plan_id for plan_id, *_month in self.locked} | {
                plan_id for plan_id, *_month_and_unit in self.approved_units
            }
            if measure.plan_id not in approved_plans:
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
    # (plan, year, month) of reporting rounds past their lock date, approved or not: closed to
    # everyone but an administrator (who corrects them without a reason until they are approved).
    closed_plan_months: frozenset[tuple[int, int, int]] = frozenset()
    # (plan, year, month, unit or None) of the rounds a unit's (or the whole plan's) figures are
    # approved in: locked like an approved report's, for that unit only.
    unit_months: frozenset[tuple[int, int, int, int | None]] = frozenset()


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
        closed=frozenset().union(*(a.closed_plan_months for a in approved)),
        approved_units=frozenset().union(*(a.unit_months for a in approved)),
    )
