"""Who may write which outcomes: the roles (Django groups) and the unit rule for reporters.

Administrators (superusers and the "Administratörer" group) may do everything. Reporters (the
"Rapportörer" group) may enter and change outcomes and comments only for the units they are
assigned to (OrganisationalUnit.reporters). Committee members (everyone else) only read the
committee pages. The same rule is applied in the admin querysets and forms, the entry page and
the imports.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

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
