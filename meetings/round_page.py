"""A unit's page in a reporting round: its figures (reported or missing, one click into the entry
page), the analyses its red and yellow measures need, marking ready, and for a controller
approving, sending back and un-approving; with the round's log.

The steps themselves are meetings.approvals and meetings.analyses: this module only reads the
page and routes a form to the step it names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from goalplan.models import OrganisationalUnit
from kpis.access import WriteLocked
from kpis.duties import Duty, reporting_units
from kpis.models import Measure
from kpis.my_reporting import ReportingTask
from kpis.rounds import RoundNotice
from meetings import analyses, approvals
from meetings.forms import AnalysisForm, SendBackForm, UnapproveUnitForm
from meetings.models import ApprovalEvent, FollowUpReport, MeasureAnalysis, UnitApproval


@dataclass
class AnalysisItem:
    measure: Measure
    status: str
    form: AnalysisForm
    saved: MeasureAnalysis | None


@dataclass
class RoundPage:
    report: FollowUpReport
    unit: OrganisationalUnit | None
    user: object
    bound: dict | None = None  # the posted form of the step that failed, to show it again
    errors: list[str] | None = None

    @cached_property
    def approval(self) -> UnitApproval:
        return approvals.approval_of(self.report, self.unit)

    @cached_property
    def schedule(self):
        return self.report.schedule()

    @cached_property
    def notice(self) -> RoundNotice:
        return RoundNotice.of(self.schedule, timezone.localdate())

    @cached_property
    def duties(self) -> list[Duty]:
        return analyses.duties_of_unit(self.report, self.unit)

    @cached_property
    def task(self) -> ReportingTask:
        """The figures as 'Min rapportering' lists them: what is missing, links into the entry page."""
        return ReportingTask(self.report.plan, self.notice, self.unit, self.duties)

    @cached_property
    def analysis_items(self) -> list[AnalysisItem]:
        statuses = analyses.analysed_statuses(self.report, self.unit, [duty.measure for duty in self.duties])
        saved = {
            a.measure_id: a
            for a in MeasureAnalysis.objects.filter(report=self.report, unit=self.unit, measure_id__in=list(statuses))
        }
        items = []
        for measure in Measure.objects.filter(pk__in=list(statuses)).order_by(*Measure.DOCUMENT_ORDER):
            posted = self.bound if self.bound and self.bound.get("measure") == str(measure.pk) else None
            row = saved.get(measure.pk)
            initial = {
                "measure": measure.pk,
                "analysis": row.analysis if row else "",
                "actions": row.actions if row else "",
            }
            form = (
                AnalysisForm(posted, initial=initial, prefix=f"m{measure.pk}")
                if posted
                else AnalysisForm(initial=initial, prefix=f"m{measure.pk}")
            )
            items.append(AnalysisItem(measure, statuses[measure.pk], form, row))
        return items

    @property
    def missing_analyses(self) -> list[AnalysisItem]:
        return [item for item in self.analysis_items if not (item.saved and item.saved.is_complete)]

    @cached_property
    def events(self) -> list[ApprovalEvent]:
        if self.approval.pk is None:
            return []
        return list(self.approval.events.select_related("by"))

    @property
    def may_report(self) -> bool:
        return approvals.may_report(self.user, self.unit)

    @property
    def may_approve(self) -> bool:
        return approvals.may_approve(self.user)

    @property
    def send_back_form(self) -> SendBackForm:
        return SendBackForm(self.bound if self.bound and self.bound.get("step") == "send_back" else None)

    @property
    def unapprove_form(self) -> UnapproveUnitForm:
        return UnapproveUnitForm(self.bound if self.bound and self.bound.get("step") == "unapprove" else None)

    @property
    def scope_name(self) -> str:
        return str(self.unit) if self.unit else _("Whole plan")


def round_unit_or_404(report: FollowUpReport, unit_pk: int | None, user) -> OrganisationalUnit | None:
    """The unit of the page (None: the whole plan), if the round asks it and the person may
    report or approve it; PermissionDenied otherwise."""
    unit = None
    if unit_pk is not None:
        unit = next((u for u in reporting_units(report.plan) if u.pk == unit_pk), None)
        if unit is None:
            raise PermissionDenied
    if not (approvals.may_report(user, unit) or approvals.may_approve(user)):
        raise PermissionDenied
    return unit


def _analysis_step(report, unit, user, data) -> str:
    measure_pk = data.get("measure") or ""
    form = AnalysisForm(data, prefix=f"m{measure_pk}")
    if not re.fullmatch(r"[0-9]{1,18}", measure_pk):
        raise ValidationError(_("Choose a measure."))
    _refuse_invalid(form)
    measure = Measure.objects.filter(pk=int(measure_pk), plan=report.plan).first()
    if measure is None:
        raise ValidationError(_("The measure belongs to another plan."))
    cleaned = form.cleaned_data
    analyses.save_analysis(
        report=report,
        measure=measure,
        unit=unit,
        user=user,
        analysis=cleaned["analysis"],
        actions=cleaned["actions"],
        reason=cleaned["reason"],
    )
    return _("The analysis of %(measure)s is saved.") % {"measure": measure}


def _refuse_invalid(form) -> None:
    """A form's errors as one ValidationError, each naming its field."""
    if not form.is_valid():
        raise ValidationError(
            [f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()]
        )


def _text_step(form_class, data, field: str) -> str:
    form = form_class(data)
    _refuse_invalid(form)
    return form.cleaned_data[field]


def take_step(report: FollowUpReport, unit: OrganisationalUnit | None, user, data) -> str:
    """Carry out the step the form names; the success message. ValidationError and
    PermissionDenied come from the step's own rule."""
    step = data.get("step")
    common = {"report": report, "unit": unit, "user": user}
    if step == "analysis":
        try:
            return _analysis_step(report, unit, user, data)
        except WriteLocked as locked:  # approved or closed: the page says why, in its summary
            raise ValidationError(str(locked.args[0])) from locked
    if step == "ready":
        approvals.mark_ready(**common)
        return _("The figures are marked ready.")
    if step == "withdraw":
        approvals.withdraw_ready(**common)
        return _("The ready mark is withdrawn.")
    if step == "approve":
        approvals.approve(**common)
        return _("The figures are approved and locked.")
    if step == "send_back":
        approvals.send_back(**common, comment=_text_step(SendBackForm, data, "comment"))
        return _("The figures are sent back to the unit.")
    if step == "unapprove":
        approvals.unapprove(**common, reason=_text_step(UnapproveUnitForm, data, "reason"))
        return _("The approval is withdrawn; the figures are open again.")
    raise ValidationError(_("Unknown step."))
