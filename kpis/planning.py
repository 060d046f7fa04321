"""Writing plans from plans: next year's plan in one step, and measures adopted from the library.

Both write many rows at once, all or nothing, and every row passes the write rule
(``kpis.access``): a decided plan takes new measures and targets only from an administrator who
gives a reason, kept in the history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from goalplan.models import Goal, GoalArea, OrganisationalUnit, Plan
from kpis.access import reason_in_history, validate_reason, write_rules_for
from kpis.models import (
    DEFINITION_FIELDS,
    TARGET_KINDS_RELATIVE_TO_A_YEAR,
    Indicator,
    IndicatorTemplate,
    Measure,
    Target,
)

YEAR = re.compile(r"\b(19|20)\d\d\b")


def _copy(obj, **changes):
    """An unsaved copy of a row with every own field (not the id), then ``changes``."""
    fields = {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields if not f.primary_key}
    fields.update(changes)
    return type(obj)(**fields)


def _shift_years(text: str, *, first: int, last: int, by: int) -> str:
    """ "Verksamhetsplan 2025" → "Verksamhetsplan 2026": the years the plan covers move on."""
    return YEAR.sub(lambda m: str(int(m.group()) + by) if first <= int(m.group()) <= last else m.group(), text)


def _save_all(rows, *, rules, reason: str) -> None:
    for row in rows:
        rules.check_write(stored=None, new=row, reason=reason)
        row.save()


@transaction.atomic
def create_next_year_plan(plan: Plan, *, user, reason: str = "") -> Plan:
    """A draft for the year after ``plan`` with its goal areas, goals and measures (the same
    indicators, so every series goes on) and its targets copied as proposals. ``plan`` is not
    changed. Refused with a Swedish message if the body already has that plan."""
    reason = validate_reason(reason)
    rules = write_rules_for(user)
    years = {"first": plan.start_year, "last": plan.end_year, "by": 1}
    if Plan.objects.filter(
        body_id=plan.body_id, kind=plan.kind, start_year=plan.start_year + 1, end_year=plan.end_year + 1
    ).exists():
        raise ValidationError(
            _("%(body)s already has a plan of this kind for %(years)s.")
            % {"body": plan.body, "years": _years_label(plan.start_year + 1, plan.end_year + 1)}
        )
    with reason_in_history(reason or _("Created from %(plan)s") % {"plan": plan}):
        new_plan = _copy(
            plan,
            title=_shift_years(plan.title, **years),
            start_year=plan.start_year + 1,
            end_year=plan.end_year + 1,
            state=Plan.State.DRAFT,
            diary_number="",
            decided_on=None,
            decision_reference="",
            revised_on=None,
            # The introduction and planning conditions are the year's own prose.
            introduction="",
            planning_conditions="",
        )
        try:
            _save_all([new_plan], rules=rules, reason=reason)
        except IntegrityError as error:  # created by someone else meanwhile
            raise ValidationError(_("The plan could not be created: %(error)s") % {"error": error}) from error

        areas = {}
        for area in GoalArea.objects.filter(plan=plan).order_by("order", "pk"):
            areas[area.pk] = _copy(area, plan_id=new_plan.pk)
        _save_all(areas.values(), rules=rules, reason=reason)

        goals = {}
        old_goals = list(Goal.objects.filter(plan=plan).prefetch_related("shared_with").order_by("order", "pk"))
        for goal in old_goals:
            goals[goal.pk] = _copy(
                goal,
                plan_id=new_plan.pk,
                goal_area_id=areas[goal.goal_area_id].pk if goal.goal_area_id else None,
                parent_id=None if goal.parent_id in {g.pk for g in old_goals} else goal.parent_id,
            )
        _save_all(goals.values(), rules=rules, reason=reason)
        for goal in old_goals:
            # A goal under another goal of the same plan: under its copy (saved above first).
            if goal.parent_id in goals:
                Goal.objects.filter(pk=goals[goal.pk].pk).update(parent_id=goals[goal.parent_id].pk)
            if goal.shared_with.exists():
                goals[goal.pk].shared_with.set(goal.shared_with.all())

        measures = list(Measure.objects.filter(plan=plan).prefetch_related("targets").order_by("order", "pk"))
        copies = [
            _copy(
                m,
                plan_id=new_plan.pk,
                goal_area_id=areas[m.goal_area_id].pk if m.goal_area_id else None,
                goal_id=goals[m.goal_id].pk if m.goal_id else None,
            )
            for m in measures
        ]
        _save_all(copies, rules=rules, reason=reason)
        targets = []
        for measure, copy in zip(measures, copies, strict=True):
            for year in range(new_plan.start_year, new_plan.end_year + 1):
                source = _target_to_copy(list(measure.targets.all()), year)
                if source is not None:
                    targets.append(proposed_target(source, measure=copy, year=year))
        _save_all(targets, rules=rules, reason=reason)
    return new_plan


def _years_label(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _target_to_copy(targets: list[Target], year: int) -> Target | None:
    """The old plan's target for the year if it had one, else its latest."""
    same_year = [t for t in targets if t.year == year]
    if same_year:
        return same_year[0]
    earlier = sorted((t for t in targets if t.year < year), key=lambda t: t.year)
    return earlier[-1] if earlier else None


def proposed_target(source: Target, *, measure: Measure, year: int) -> Target:
    """``source`` as a proposal for ``year``: not decided by anyone yet, and a target comparing
    with a named year ("Lägre än 2025") compares with the year as many years on."""
    shift = year - source.year
    base_year, wording = source.base_year, source.wording
    if source.kind in TARGET_KINDS_RELATIVE_TO_A_YEAR and shift and base_year is not None:
        base_year = base_year + shift
        wording = re.sub(rf"\b{source.base_year}\b", str(base_year), wording)
    note = _("Proposal copied from the target for %(year)s.") % {"year": source.year}
    return _copy(
        source,
        measure_id=measure.pk,
        year=year,
        base_year=base_year,
        wording=wording,
        decided_by_id=None,
        decision_reference="",
        note=note,
    )


@dataclass
class Adoption:
    """What adopting library templates into a plan did."""

    measures: list[Measure] = field(default_factory=list)
    already_adopted: list[str] = field(default_factory=list)  # "name – unit" the plan already follows


@transaction.atomic
def adopt_templates(
    *,
    plan: Plan,
    templates: list[IndicatorTemplate],
    units: list[OrganisationalUnit],
    whole_scope: bool = False,
    goal_area: GoalArea | None = None,
    user,
    reason: str = "",
) -> Adoption:
    """Adopt library templates into ``plan``: for each division in ``units`` (and for the whole
    scope if asked) the indicator the template makes for it (found by code, so a template adopted
    again next year continues the same series) and a measure with the template's usual target for
    each year of the plan, as a proposal. All or nothing."""
    reason = validate_reason(reason)
    if goal_area is not None and goal_area.plan_id != plan.pk:
        raise ValidationError(_("The goal area belongs to another plan."))
    if not units and not whole_scope:
        raise ValidationError(_("Choose at least one division, or the whole plan."))
    rules = write_rules_for(user)
    adoption = Adoption()
    followed = set(Measure.objects.filter(plan=plan).values_list("indicator_id", flat=True))
    order = (Measure.objects.filter(plan=plan).order_by("-order").values_list("order", flat=True).first() or 0) + 1
    with reason_in_history(reason or _("Adopted from the measure library")):
        for template in templates:
            for unit in ([None] if whole_scope else []) + list(units):
                indicator = _indicator_for(template, unit)
                label = f"{template.name} – {unit}" if unit else template.name
                if indicator.pk in followed:
                    adoption.already_adopted.append(label)
                    continue
                measure = Measure(
                    plan=plan,
                    indicator=indicator,
                    goal_area=goal_area,
                    name=label,
                    kind=Measure.Kind.KEY_INDICATOR,
                    order=order,
                )
                _save_all([measure], rules=rules, reason=reason)
                order += 1
                followed.add(indicator.pk)
                targets = [
                    Target(
                        measure=measure,
                        year=year,
                        kind=template.target_kind,
                        value=template.target_value,
                        wording=template.target_wording,
                        note=_("Proposal from the measure library (%(group)s).") % {"group": template.group},
                    )
                    for year in range(plan.start_year, plan.end_year + 1)
                ]
                for target in targets:
                    target.full_clean(exclude=["measure"])
                _save_all(targets, rules=rules, reason=reason)
                adoption.measures.append(measure)
    return adoption


CODE_LENGTH = Indicator._meta.get_field("code").max_length


def _unit_code(unit: OrganisationalUnit, *, room: int) -> str:
    """The unit's own code, else a readable one from its name ("Division Kirurgi" → "KIRURGI")."""
    if unit.code:
        return unit.code[:room]
    words = [w for w in slugify(unit.name).upper().split("-") if w not in ("DIVISION", "OMRADE")]
    return ("-".join(words) or str(unit.pk))[:room]


def _indicator_for(template: IndicatorTemplate, unit: OrganisationalUnit | None) -> Indicator:
    """The template's indicator for a division (code "VG-90-BESOK-KIRURGI"), or for the whole scope
    (the template's own code): the existing one if it is that unit's figure, else a new one. A
    readable code another unit's indicator already has (two divisions whose names shorten alike)
    gives way to one with the unit's number; if that is taken too, nothing is adopted."""
    room = CODE_LENGTH - len(template.code) - 1
    candidates = (
        [template.code]
        if unit is None
        else [f"{template.code}-{_unit_code(unit, room=room)}", f"{template.code}-{unit.pk}"[:CODE_LENGTH]]
    )
    for code in dict.fromkeys(candidates):
        existing = Indicator.objects.filter(code=code).first()
        if existing is None:
            definition = {name: getattr(template, name) for name in ("description", *DEFINITION_FIELDS)}
            indicator = Indicator(
                code=code,
                name=f"{template.name} – {unit}" if unit else template.name,
                responsible_unit=unit,
                **definition,
            )
            indicator.full_clean()
            indicator.save()
            return indicator
        if existing.responsible_unit_id == (unit.pk if unit else None) and existing.unit == template.unit:
            return existing
    raise ValidationError(
        _(
            "The code %(code)s belongs to another unit's indicator: give %(unit)s a code of its own "
            "(organisational units) and adopt again."
        )
        % {"code": candidates[0], "unit": unit}
    )
