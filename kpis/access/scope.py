"""Whose outcomes a person may write (their units), and the refusals of the write rule."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from goalplan.roles import REPORTERS, is_administrator


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


class UnitApproved(PeriodLocked):
    """The unit's (or the whole plan's) figures of the period are approved in a reporting round and
    the person is not an administrator."""


class RoundClosed(WriteLocked):
    """The period's reporting round is past its lock date and the person is not an administrator."""


class DecisionLocked(WriteLocked):
    """The figure belongs to a decided plan and the person is not an administrator."""
