"""What changed from one plan to another: goal areas, goals, measures and targets, matched.

The matching rules, in one place (the page, the CSV and the PDF all read ``plan_diff``):

- Goal areas are the same when their names are equal after normalising (case and whitespace).
- Goals are the same when their titles are, first within the matched goal area, then anywhere.
- Measures are the same when they adopt the same indicator (what is measured), however the plan
  words them; an indicator adopted twice in a plan pairs with the other plan's in plan order.
- Targets are those of the measures found in both plans: each plan's target for its own last
  year (a plan for 2021 against one for 2025 compares the 2021 target with the 2025 one). The
  target of an added or removed measure goes with that measure, not listed a second time.

Wordings are compared with their whitespace collapsed, so a line break moved in a pasted text is
not a change. Reads a constant number of queries, however many measures the plans hold.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from goalplan.models import Goal, GoalArea, Plan
from kpis.exports import Sheet
from kpis.formatting import format_number
from kpis.models import Measure, Target
from kpis.plan_diff_types import ChangeKind, DiffEntry, DiffSection, FieldChange, PlanDiff, normalised


def _collapsed(text: str) -> str:
    return " ".join((text or "").split())


def _label(model, field_name: str) -> str:
    return capfirst(str(model._meta.get_field(field_name).verbose_name))


def _value_text(value: Decimal | None) -> str:
    """A target value the Swedish way, with the decimals it was written with ("0,42", "88")."""
    if value is None:
        return ""
    value = value.normalize()
    return format_number(value, max(-value.as_tuple().exponent, 0))


def plan_diff(*, old_plan: Plan, new_plan: Plan) -> PlanDiff:
    """Match the two plans' goal areas, goals, measures and targets and say what changed."""
    plan_ids = [old_plan.pk, new_plan.pk]
    areas = list(GoalArea.objects.filter(plan__in=plan_ids).order_by("order", "name", "pk"))
    goals = list(
        Goal.objects.filter(plan__in=plan_ids).select_related("goal_area").order_by("goal_area__order", "order", "pk")
    )
    measures = list(
        Measure.objects.filter(plan__in=plan_ids)
        .select_related("indicator", "goal_area", "goal", "decided_by")
        .order_by(*Measure.DOCUMENT_ORDER)
    )
    targets = list(
        Target.objects.filter(
            Q(measure__plan=old_plan.pk, year=old_plan.end_year) | Q(measure__plan=new_plan.pk, year=new_plan.end_year)
        )
    )

    def of(rows, plan):
        return [row for row in rows if row.plan_id == plan.pk]

    # The newer plan's id of each matched item by the older plan's (to tell "moved to another goal area").
    area_pairs = _pair_by(of(areas, old_plan), of(areas, new_plan), key=lambda area: normalised(area.name))
    area_match = {old.pk: new.pk for old, new in area_pairs if old is not None and new is not None}
    goal_pairs = _pair_goals(of(goals, old_plan), of(goals, new_plan), area_match)
    goal_match = {old.pk: new.pk for old, new in goal_pairs if old is not None and new is not None}
    measure_pairs = _pair_by(of(measures, old_plan), of(measures, new_plan), key=lambda m: m.indicator_id)

    measure_by_pk = {measure.pk: measure for measure in measures}
    target_of: dict[int, Target] = {}
    for target in targets:
        target.measure = measure_by_pk[target.measure_id]  # named on the page without a query each
        target_of[target.measure_id] = target
    for measure in measures:
        # An added or removed measure is shown with its target (it has no row under Targets).
        measure.plan_target = target_of.get(measure.pk)
    target_pairs = [
        (target_of.get(old.pk), target_of.get(new.pk))
        for old, new in measure_pairs
        if old is not None and new is not None and (old.pk in target_of or new.pk in target_of)
    ]

    def same_area(old_id: int | None, new_id: int | None) -> bool:
        return _counterpart(area_match, old_id) == new_id

    def same_goal(old_id: int | None, new_id: int | None) -> bool:
        return _counterpart(goal_match, old_id) == new_id

    return PlanDiff(
        old_plan=old_plan,
        new_plan=new_plan,
        goal_areas=_section("goal_areas", _("Goal areas"), area_pairs, _area_changes),
        goals=_section("goals", _("Goals"), goal_pairs, lambda old, new: _goal_changes(old, new, same_area)),
        measures=_section(
            "measures", _("Measures"), measure_pairs, lambda old, new: _measure_changes(old, new, same_area, same_goal)
        ),
        targets=_section("targets", _("Targets"), target_pairs, _target_changes),
    )


def previous_plan(plan: Plan, *, plans: QuerySet[Plan]) -> Plan | None:
    """The plan of the same body that came before (largest first year below), among ``plans``: of
    the same kind if there is one, else the latest earlier plan with measures (HSN's "plan med
    budget" 2025 follows its "verksamhetsplan" 2021)."""
    earlier = plans.filter(body=plan.body_id, start_year__lt=plan.start_year).order_by(
        "-start_year", "-end_year", "-pk"
    )
    return earlier.filter(kind=plan.kind).first() or earlier.filter(measures__isnull=False).distinct().first()


def _counterpart(match: dict[int, int], old_id: int | None) -> int | None:
    """The newer plan's id for an older plan's goal area or goal: None for none, and for one
    without a counterpart an id no row has (so it equals no new id, not even None)."""
    if old_id is None:
        return None
    return match.get(old_id, -1)


def _pair_by(olds: list, news: list, *, key: Callable) -> list[tuple]:
    """Pairs (old, new) of equal key, the n-th old with the n-th new of a key; (old, None) and
    (None, new) for the rest. In the newer list's order, the unmatched old ones last."""
    waiting: dict[object, list] = defaultdict(list)
    for old in olds:
        waiting[key(old)].append(old)
    pairs, matched = [], set()
    for new in news:
        candidates = waiting.get(key(new))
        old = candidates.pop(0) if candidates else None
        if old is not None:
            matched.add(id(old))
        pairs.append((old, new))
    pairs.extend((old, None) for old in olds if id(old) not in matched)
    return pairs


def _pair_goals(olds: list[Goal], news: list[Goal], area_match: dict[int, int]) -> list[tuple]:
    """Goals by title within the matched goal area first, then by title anywhere."""
    unmatched_old = list(olds)
    partner: dict[int, Goal] = {}

    def match(new: Goal, *, same_area_only: bool) -> None:
        for old in unmatched_old:
            if normalised(old.title) != normalised(new.title):
                continue
            if same_area_only and _counterpart(area_match, old.goal_area_id) != new.goal_area_id:
                continue
            partner[new.pk] = old
            unmatched_old.remove(old)
            return

    for new in news:
        match(new, same_area_only=True)
    for new in news:
        if new.pk not in partner:
            match(new, same_area_only=False)
    pairs = [(partner.get(new.pk), new) for new in news]
    pairs.extend((old, None) for old in unmatched_old)
    return pairs


def _section(key: str, title: str, pairs: Iterable[tuple], compare: Callable) -> DiffSection:
    entries = []
    for old, new in pairs:
        if old is None:
            entries.append(DiffEntry(ChangeKind.ADDED, None, new))
        elif new is None:
            entries.append(DiffEntry(ChangeKind.REMOVED, old, None))
        else:
            changes = compare(old, new)
            entries.append(DiffEntry(ChangeKind.CHANGED if changes else ChangeKind.UNCHANGED, old, new, changes))
    return DiffSection(key, title, entries)


def _text_changes(model, old, new, field_names: Iterable[str]) -> list[FieldChange]:
    return [
        FieldChange(_label(model, name), getattr(old, name), getattr(new, name))
        for name in field_names
        if _collapsed(getattr(old, name)) != _collapsed(getattr(new, name))
    ]


def _kind_change(model, old, new) -> list[FieldChange]:
    if old.kind == new.kind:
        return []
    return [FieldChange(_label(model, "kind"), str(old.get_kind_display()), str(new.get_kind_display()))]


def _area_changes(old: GoalArea, new: GoalArea) -> list[FieldChange]:
    return _text_changes(GoalArea, old, new, ("name", "description", "political_intent"))


def _goal_changes(old: Goal, new: Goal, same_area: Callable) -> list[FieldChange]:
    changes = _text_changes(Goal, old, new, ("title", "description")) + _kind_change(Goal, old, new)
    if not same_area(old.goal_area_id, new.goal_area_id):
        changes.append(FieldChange(_label(Goal, "goal_area"), _name(old.goal_area), _name(new.goal_area)))
    return changes


def _measure_changes(old: Measure, new: Measure, same_area: Callable, same_goal: Callable) -> list[FieldChange]:
    changes = _text_changes(Measure, old, new, ("name",))
    if not same_area(old.goal_area_id, new.goal_area_id):
        changes.append(FieldChange(_label(Measure, "goal_area"), _name(old.goal_area), _name(new.goal_area)))
    if not same_goal(old.goal_id, new.goal_id):
        changes.append(FieldChange(_label(Measure, "goal"), _name(old.goal), _name(new.goal)))
    changes += _kind_change(Measure, old, new)
    if old.decided_by_id != new.decided_by_id:
        changes.append(FieldChange(_label(Measure, "decided_by"), _name(old.decided_by), _name(new.decided_by)))
    return changes


def _target_changes(old: Target, new: Target) -> list[FieldChange]:
    changes = _text_changes(Target, old, new, ("wording",)) + _kind_change(Target, old, new)
    if old.value != new.value:
        changes.append(FieldChange(_label(Target, "value"), _value_text(old.value), _value_text(new.value)))
    if old.base_year != new.base_year:
        changes.append(
            FieldChange(
                _label(Target, "base_year"),
                "" if old.base_year is None else str(old.base_year),
                "" if new.base_year is None else str(new.base_year),
            )
        )
    return changes


def _name(item) -> str:
    """A related goal area, goal or body by its name ("" when there is none)."""
    if item is None:
        return ""
    return item.title if isinstance(item, Goal) else item.name


def plan_diff_sheet(diff: PlanDiff, *, include_unchanged: bool = False) -> Sheet:
    """The diff as a spreadsheet (kpis.exports): one row per changed field, one per added or
    removed item."""
    dataset = Sheet(
        title=_("Comparison"),
        headers=[
            _("Section"),
            _("Status"),
            _("Before"),
            _("After"),
            _("Field"),
            _("Old value"),
            _("New value"),
        ],
    )
    for section in diff.sections:
        for entry in section.listed(include_unchanged=include_unchanged):
            start = [section.title, str(entry.kind.label), entry.old_label, entry.new_label]
            for change in entry.changes or [None]:
                rest = [change.label, change.old, change.new] if change else ["", "", ""]
                dataset.append(start + rest)
    return dataset
