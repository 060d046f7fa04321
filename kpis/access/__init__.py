"""Who may write what, in which period, with which reason: the one write rule of the product.

Roles are Django groups. Administrators (superusers and the "Administratörer" group) may do
everything. Reporters ("Rapportörer") may enter and change outcomes only for the units they are
assigned to (OrganisationalUnit.reporters). Committee members (everyone else) only read the
committee pages.

Figures that a committee has acted on are *locked*:
- outcomes, status overrides, goal assessments and budget outcomes of a month in an approved
  follow-up report (budget outcomes for every approved report of the body);
- outcomes and status overrides of a unit (goal assessments: of the whole plan) in a month of a
  reporting round in which a controller approved that unit's (the whole plan's) figures;
- for everyone but an administrator, outcomes, status overrides and goal assessments of a month
  in a reporting round past its lock date (when the papers go out), approved or not;
- a decided plan and what it decided: goal areas, goals, assignments, measures, targets, budget
  frames and lines, frame changes, investments, savings measures and their planned effects.
Moving a row that carries locked rows along (a measure to another plan) counts as changing them.
Only an administrator may change, move or delete a locked figure, and only with a reason, which
is kept in the audit history. Every write path asks this module: the admin forms and inlines, the
history revert page, single and bulk delete (cascades included), the entry page, the outcome
import, the spreadsheet resources and the services.
"""

from kpis.access.facts import Facts, carried_rows, facts_of, stored_facts
from kpis.access.guards import FOLLOW_UP_FIELDS, GUARDS, MOVES, Guard, guard_of, is_guarded
from kpis.access.reasons import REASON_MAX_LENGTH, keep_reason_of_write, reason_in_history, validate_reason
from kpis.access.rules import LockedMonths, WriteRules, register_approvals, write_rules_for
from kpis.access.scope import (
    EVERYTHING,
    NOTHING,
    DecisionLocked,
    OutcomeScope,
    PeriodLocked,
    RoundClosed,
    UnitApproved,
    UnitNotAllowed,
    WriteLocked,
    outcome_scope_for,
)

__all__ = [
    "EVERYTHING",
    "FOLLOW_UP_FIELDS",
    "GUARDS",
    "MOVES",
    "NOTHING",
    "REASON_MAX_LENGTH",
    "DecisionLocked",
    "Facts",
    "Guard",
    "LockedMonths",
    "OutcomeScope",
    "PeriodLocked",
    "RoundClosed",
    "UnitApproved",
    "UnitNotAllowed",
    "WriteLocked",
    "WriteRules",
    "carried_rows",
    "facts_of",
    "guard_of",
    "is_guarded",
    "keep_reason_of_write",
    "outcome_scope_for",
    "reason_in_history",
    "register_approvals",
    "stored_facts",
    "validate_reason",
    "write_rules_for",
]
