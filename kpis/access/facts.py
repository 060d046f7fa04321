"""The facts the write rule judges a row by: its plans, period end, unit and body."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Model

from goalplan.periods import Period
from kpis.access.guards import GUARDS, Guard, guard_of


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
