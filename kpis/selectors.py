"""Reads for kpis pages, each in a constant number of queries."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from goalplan.choices import Sex
from goalplan.models import OrganisationalUnit, Plan
from goalplan.periods import Period
from kpis.models import Measure, Outcome, Target


@dataclass
class EntryRow:
    """A measure and sex on the entry page, with the target and any stored outcome."""

    measure: Measure
    sex: str
    target: Target | None
    outcome: Outcome | None = field(default=None)

    @property
    def sex_label(self) -> str:
        return Sex(self.sex).label


def measures_of_plan(*, plan: Plan) -> QuerySet[Measure]:
    """A plan's measures in document order, with their area and goal."""
    return (
        Measure.objects.filter(plan=plan)
        .select_related("goal_area", "goal", "decided_by")
        .order_by("goal_area__order", "goal_area__pk", "goal__order", "goal__pk", "order", "pk")
    )


def entry_rows_for_period(*, plan: Plan, period: Period, unit: OrganisationalUnit | None) -> list[EntryRow]:
    """Rows for entering one period's outcomes for every measure of a plan (3 queries)."""
    measures = list(
        measures_of_plan(plan=plan).prefetch_related(
            Prefetch("targets", queryset=Target.objects.filter(year=period.year), to_attr="targets_of_year")
        )
    )
    outcomes = Outcome.objects.filter(
        measure__plan=plan,
        year=period.year,
        period_kind=period.kind,
        period_number=period.number,
        unit=unit,
    )
    stored = {(outcome.measure_id, outcome.sex): outcome for outcome in outcomes}
    rows = []
    for measure in measures:
        target = measure.targets_of_year[0] if measure.targets_of_year else None
        sexes = [Sex.TOTAL, Sex.WOMEN, Sex.MEN] if measure.split_by_sex else [Sex.TOTAL]
        for sex in sexes:
            rows.append(EntryRow(measure=measure, sex=sex, target=target, outcome=stored.get((measure.pk, sex))))
    return rows
