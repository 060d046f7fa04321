"""Reads for the budget page: a body's frame for a year, per unit and account group, with follow-up."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Prefetch, Sum

from budget.models import (
    BudgetFrame,
    BudgetLine,
    BudgetOutcome,
    FrameChange,
    Investment,
    SavingsEffect,
    SavingsMeasure,
)
from budget.status import BudgetResult, evaluate_budget, evaluate_savings
from goalplan.models import Body
from goalplan.selectors import visible_bodies


@dataclass
class UnitRow:
    """One unit's (or the body's elected representatives') part of the frame."""

    label: str
    amounts: dict[int, Decimal]
    budget_tkr: Decimal
    outcome_tkr: Decimal | None = None
    forecast_tkr: Decimal | None = None
    result: BudgetResult | None = None


@dataclass
class SavingsRow:
    measure: SavingsMeasure
    effects: list[tuple[SavingsEffect, str]] = field(default_factory=list)


@dataclass
class BudgetOverview:
    body: Body
    year: int
    frame: BudgetFrame | None
    frames: list[BudgetFrame]
    account_groups: list
    rows: list[UnitRow]
    total: UnitRow | None
    follow_up_month: int | None
    changes: list[FrameChange]
    investments: list[Investment]
    investment_total: Decimal
    savings: list[SavingsRow]
    savings_years: list[int]


def budget_years(body: Body) -> list[int]:
    return sorted(set(BudgetFrame.objects.filter(body=body).values_list("year", flat=True)), reverse=True)


def budget_overview(body: Body, year: int) -> BudgetOverview:
    """The frame decided for the body and year (the most recent plan's), unit by unit."""
    frames = list(
        BudgetFrame.objects.filter(body=body, year=year).select_related("plan").order_by("-plan__start_year", "-pk")
    )
    with_lines = [f for f in frames if f.lines.exists()]
    frame = (with_lines or frames or [None])[0]
    if frame is None:
        return BudgetOverview(body, year, None, [], [], [], None, None, [], [], Decimal(0), [], [])

    lines = list(BudgetLine.objects.filter(frame=frame).select_related("unit", "account_group"))
    unit_lines = [line for line in lines if line.unit_id is not None or line.part == BudgetLine.Part.ELECTED]
    if not unit_lines:
        unit_lines = lines  # only the body's totals per account group were decided
    account_groups = sorted({line.account_group for line in unit_lines}, key=lambda g: (g.order, g.name))

    follow_up_month = BudgetOutcome.objects.filter(line__frame=frame).aggregate(month=Max("month"))["month"]
    followed = {}
    if follow_up_month:
        followed = {
            row["line_id"]: (row["outcome"], row["forecast"])
            for row in BudgetOutcome.objects.filter(line__frame=frame, month=follow_up_month)
            .values("line_id")
            .annotate(outcome=Sum("outcome_tkr"), forecast=Sum("forecast_tkr"))
            .order_by()
        }

    grouped: dict[str, list[BudgetLine]] = defaultdict(list)
    for line in unit_lines:
        if line.part == BudgetLine.Part.ELECTED:
            label = str(BudgetLine.Part.ELECTED.label)
        else:
            label = line.unit.name if line.unit else str(body)
        grouped[label].append(line)

    def row_for(label: str, group: list[BudgetLine]) -> UnitRow:
        amounts: dict[int, Decimal] = defaultdict(Decimal)
        for line in group:
            amounts[line.account_group_id] += line.amount_tkr
        budget = sum(amounts.values(), Decimal(0))
        outcomes = [followed[line.pk] for line in group if line.pk in followed]
        outcome = sum((o for o, _f in outcomes if o is not None), Decimal(0)) if outcomes else None
        forecast = sum((f for _o, f in outcomes if f is not None), Decimal(0)) if outcomes else None
        return UnitRow(
            label, dict(amounts), budget, outcome, forecast, evaluate_budget(budget_tkr=budget, forecast_tkr=forecast)
        )

    rows = [row_for(label, group) for label, group in grouped.items()]
    rows.sort(key=lambda row: (row.label == str(BudgetLine.Part.ELECTED.label), row.label))
    total = row_for(str(body), unit_lines) if unit_lines else None

    investments = list(Investment.objects.filter(plan=frame.plan, year=year).select_related("holder"))
    savings_measures = SavingsMeasure.objects.filter(plan=frame.plan).prefetch_related(
        Prefetch("effects", queryset=SavingsEffect.objects.order_by("year"))
    )
    savings, years = [], set()
    for measure in savings_measures:
        effects = list(measure.effects.all())
        years.update(effect.year for effect in effects)
        savings.append(
            SavingsRow(
                measure,
                [
                    (effect, evaluate_savings(planned_tkr=effect.amount_tkr, achieved_tkr=effect.outcome_tkr))
                    for effect in effects
                ],
            )
        )
    return BudgetOverview(
        body=body,
        year=year,
        frame=frame,
        frames=frames,
        account_groups=account_groups,
        rows=rows,
        total=total,
        follow_up_month=follow_up_month,
        changes=list(
            FrameChange.objects.filter(frame=frame, parent__isnull=True)
            .prefetch_related("parts")
            .select_related("counterpart", "unit")
        ),
        investments=investments,
        investment_total=sum((i.amount_tkr for i in investments), Decimal(0)),
        savings=savings,
        savings_years=sorted(years),
    )


def budgets_by_body(user) -> list[tuple[Body, list[int]]]:
    """(body, the years it has a budget for, newest first) for every body the person reads."""
    return [(body, years) for body in visible_bodies(user).order_by("order", "name") if (years := budget_years(body))]
