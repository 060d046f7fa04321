"""How each model's rows are locked: the path to their plan, and what locks them."""

from __future__ import annotations

from dataclasses import dataclass


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
    # Who writes a goal's analysis is follow-up work, not what the plan decided.
    "goalplan.goal": frozenset({"analysis_owner"}),
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
