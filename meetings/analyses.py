"""Analysis when it matters: at a tertial, interim or annual round a red or yellow measure needs
an analysis and planned actions (analys, åtgärder) from its unit (or, for the whole plan's
figures, from the controller) before the unit may mark the round ready; the texts are printed in
the report (meetings.reports)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from goalplan.choices import Status
from goalplan.models import OrganisationalUnit
from kpis.access import RoundClosed, UnitApproved, outcome_scope_for, reason_in_history, validate_reason
from kpis.duties import Duty, duties_of
from kpis.models import Measure
from kpis.rounds import RoundState
from kpis.status import evaluate_measures
from meetings.models import FollowUpReport, MeasureAnalysis, UnitApproval

# The rounds whose red and yellow measures are explained before the unit marks them ready.
ANALYSED_KINDS = frozenset({FollowUpReport.Kind.TERTIAL, FollowUpReport.Kind.INTERIM, FollowUpReport.Kind.ANNUAL})


def duties_of_unit(report: FollowUpReport, unit: OrganisationalUnit | None) -> list[Duty]:
    """The figures the round asks of the unit (None: of the whole plan), reported or not."""
    return duties_of(report.plan, report.period, units=[unit] if unit else [], whole_plan=unit is None)


def round_measures(report: FollowUpReport, unit: OrganisationalUnit | None) -> list[Measure]:
    """The measures whose figures the round asks of the unit (None: of the whole plan)."""
    return [duty.measure for duty in duties_of_unit(report, unit)]


def analysed_statuses(
    report: FollowUpReport, unit: OrganisationalUnit | None, measures: list[Measure] | None = None
) -> dict[int, Status]:
    """Measure id → status of the measures the unit must analyse in the round (red or yellow at a
    tertial, interim or annual round; none at a monthly one). ``measures``: the round's measures
    of the unit when the caller has read them already."""
    if report.kind not in ANALYSED_KINDS:
        return {}
    if measures is None:
        measures = round_measures(report, unit)
    evaluations = evaluate_measures(
        measures, report.period, unit=unit, total_only=True, with_trend=False, with_forecast=False
    )
    return {e.measure.pk: e.status for e in evaluations if e.needs_analysis}


def missing_analyses(
    report: FollowUpReport, unit: OrganisationalUnit | None, measures: list[Measure] | None = None
) -> list[Measure]:
    """The measures the unit must still explain (analysis and actions) before marking ready."""
    needed = analysed_statuses(report, unit, measures)
    complete = {
        analysis.measure_id
        for analysis in MeasureAnalysis.objects.filter(report=report, unit=unit, measure_id__in=list(needed))
        if analysis.is_complete
    }
    return list(
        Measure.objects.filter(pk__in=[pk for pk in needed if pk not in complete]).order_by(*Measure.DOCUMENT_ORDER)
    )


@transaction.atomic
def save_analysis(
    *,
    report: FollowUpReport,
    measure: Measure,
    unit: OrganisationalUnit | None,
    user,
    analysis: str,
    actions: str,
    reason: str = "",
) -> MeasureAnalysis:
    """Write the unit's analysis and actions of a measure in the round, by the same rule as its
    figures: the person's own units; closed to reporters once the round is locked; once the unit's
    figures are approved, an administrator only and with a reason (kept in the history)."""
    scope = outcome_scope_for(user)
    if user is None or not scope.allows_unit(unit.pk if unit else None):
        raise PermissionDenied(_("You may only write analyses for your own units."))
    if measure.plan_id != report.plan_id:
        raise ValidationError(_("The measure belongs to another plan."))
    if measure.pk not in {asked.pk for asked in round_measures(report, unit)}:
        raise ValidationError(_("The round asks no figure of this measure of the unit."))
    locked_report = FollowUpReport.objects.select_for_update().get(pk=report.pk)
    if locked_report.is_approved:
        raise ValidationError(_("The report is approved; un-approve it first."))
    approved = UnitApproval.objects.filter(report=report, unit=unit, state=UnitApproval.State.APPROVED).exists()
    reason = validate_reason(reason)
    if approved and not scope.is_administrator:
        raise UnitApproved(_("The unit's figures are approved; only an administrator may change the analysis."))
    if approved and not reason:
        raise ValidationError(_("The figures are approved: give the reason for the change."), code="reason_required")
    if report.schedule().state(timezone.localdate()) == RoundState.LOCKED and not scope.is_administrator:
        raise RoundClosed(_("The reporting round has closed; only an administrator may change its analyses."))
    row = MeasureAnalysis.objects.filter(report=report, measure=measure, unit=unit).first()
    row = row or MeasureAnalysis(report=report, measure=measure, unit=unit)
    row.analysis, row.actions, row.written_by = analysis.strip(), actions.strip(), user
    with reason_in_history(reason):
        row.save()
    return row
