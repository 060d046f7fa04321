"""Who may write which outcomes: the roles (Django groups) and the unit rule for reporters.

Administrators (superusers and the "Administratörer" group) may do everything. Reporters (the
"Rapportörer" group) may enter and change outcomes and comments only for the units they are
assigned to (OrganisationalUnit.reporters). Committee members (everyone else) only read the
committee pages. The same rule is applied in the admin querysets and forms, the entry page and
the imports.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

ADMINISTRATORS = "Administratörer"
REPORTERS = "Rapportörer"
COMMITTEE_MEMBERS = "Nämndledamöter"


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


def is_administrator(user) -> bool:
    return bool(user and user.is_active and (user.is_superuser or user.groups.filter(name=ADMINISTRATORS).exists()))


def outcome_scope_for(user) -> OutcomeScope:
    """The outcomes a person may write (a system import without a person may write all)."""
    if user is None:
        return EVERYTHING
    if is_administrator(user):
        return EVERYTHING
    if user.is_active and user.groups.filter(name=REPORTERS).exists():
        return OutcomeScope(is_administrator=False, unit_ids=frozenset(user.reporting_units.values_list("pk", flat=True)))
    return NOTHING


class UnitNotAllowed(PermissionDenied):
    """The person may not write outcomes of this unit."""


class PeriodLocked(PermissionDenied):
    """The period is in an approved report and the person is not an administrator."""


@dataclass(frozen=True)
class WriteRules:
    """What a person may write now: their units, and the months locked by approved reports.

    Built once per request or import (two queries) and asked for every outcome.
    """

    scope: OutcomeScope
    locked: frozenset[tuple[int, int, int]]  # (plan, year, month)

    def is_locked(self, plan_id: int, year: int, month: int) -> bool:
        return (plan_id, year, month) in self.locked

    def check(self, *, plan_id: int, period, unit_id: int | None, reason: str = "") -> None:
        """Refuse a unit the person is not assigned to, or a period in an approved report (only an
        administrator may change it, and only with a reason)."""
        if not self.scope.allows_unit(unit_id):
            raise UnitNotAllowed(_("You may only enter outcomes for your own units."))
        if self.is_locked(plan_id, period.year, period.end_month):
            if not self.scope.is_administrator:
                raise PeriodLocked(_("The period is in an approved report; only an administrator may change it."))
            if not reason.strip():
                raise ValidationError(
                    _("The period is in an approved report: give the reason for the change."), code="reason_required"
                )


def write_rules_for(user) -> WriteRules:
    from meetings.selectors import locked_months

    return WriteRules(scope=outcome_scope_for(user), locked=frozenset(locked_months()))
