"""The content of a follow-up report: every figure, status and comment it shows, as plain data.

The same data is shown in the report page, rendered to PDF, and frozen into the report at
approval (``FollowUpReport.snapshot``), so an approved report never changes when outcomes are
corrected later. Figures are stored as the Swedish text the report prints.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from budget.selectors import budget_overview
from goalplan.choices import Status
from kpis.approval_changes import changes_after_approval, changes_of_units
from kpis.charts import line_chart_svg, target_label
from kpis.dashboard import plan_dashboard
from kpis.formatting import format_amount_tkr, format_period_value
from kpis.selectors import chart_series
from kpis.status import MISSING_VALUE, count_statuses, period_values
from meetings.changes import goal_assessment_changes
from meetings.models import FollowUpReport, UnitApproval

# 2: a status is its code ("red"), shown by {% status_badge %}; version 1 froze {"code", "text"}.
CONTENT_VERSION = 2


def _status(status: Status) -> str:
    return str(Status(status).value)


def report_content(report: FollowUpReport) -> dict:
    """Build the report's content from the live data (for a draft, or to freeze at approval)."""
    plan, period = report.plan, report.period
    dashboard = plan_dashboard(plan, period)
    evaluations = [row.evaluation for area in dashboard.areas for row in area.rows] + [
        row.evaluation for area in dashboard.areas for goal in area.goals for row in goal.rows
    ]
    measures = [evaluation.measure for evaluation in evaluations]
    ytd = period.year_to_date
    ytd_values = period_values(measures, ytd) if ytd != period else {}
    not_met = [e.measure for e in evaluations if e.is_not_met]
    charts = chart_series(not_met, year=period.year)
    analyses = list(report.analyses.select_related("measure", "unit").order_by("unit__name", "measure__order"))
    plan_analyses = {analysis.measure_id: analysis for analysis in analyses if analysis.unit_id is None}
    changes = changes_after_approval(plan, period, None)

    def measure_row(evaluation) -> dict:
        measure = evaluation.measure
        key = (measure.pk, None, evaluation.sex)
        ytd_value = ytd_values.get(key, MISSING_VALUE)
        row = {
            "name": str(measure),
            "target": evaluation.target_text,
            "threshold": evaluation.threshold_text if evaluation.shows_threshold else "",
            "value": evaluation.value_text,
            "coverage": evaluation.coverage_text,
            "ytd_value": evaluation.value_text if ytd == period else format_period_value(ytd_value, measure),
            "ytd_coverage": "" if ytd == period or ytd_value.is_missing else ytd_value.coverage.text,
            "status": _status(evaluation.status),
            "trend": evaluation.trend.text,
            "forecast": evaluation.forecast_text,
            "forecast_status": _status(evaluation.forecast.status) if evaluation.forecast else None,
            "forecast_coverage": evaluation.forecast.coverage.text
            if evaluation.forecast and evaluation.forecast.coverage
            else "",
            "comment": (evaluation.override.comment if evaluation.override else evaluation.value.comment) or "",
            "analysis": plan_analyses[measure.pk].analysis if measure.pk in plan_analyses else "",
            "actions": plan_analyses[measure.pk].actions if measure.pk in plan_analyses else "",
            "changed_after_approval": "; ".join(change.text for change in changes.get(measure.indicator_id, [])),
            "chart": "",
        }
        if evaluation.is_not_met:
            row["chart"] = line_chart_svg(
                title=str(measure),
                measure=measure,
                series=charts[measure.pk],
                target_value=evaluation.threshold_value,
                target_label=target_label(evaluation),
            )
        return row

    areas = []
    for block in dashboard.areas:
        goals = []
        for goal_block in block.goals:
            goal_evaluation = goal_block.goal
            assessment = goal_evaluation.assessment
            goals.append(
                {
                    "title": goal_evaluation.goal.title,
                    "kind": str(goal_evaluation.goal.get_kind_display()),
                    "measurement": goal_evaluation.goal.measurement,
                    "level": goal_block.level,
                    "status": _status(goal_evaluation.status),
                    "note": goal_evaluation.note,
                    "result": assessment.result if assessment else "",
                    "comment": assessment.comment if assessment else "",
                    "measures": [measure_row(row.evaluation) for row in goal_block.rows],
                }
            )
        area_statuses = [
            e.status for e in evaluations if e.measure.goal_area_id == (block.area.pk if block.area else None)
        ]
        areas.append(
            {
                "name": block.area.name if block.area else _("Without goal area"),
                "measures_sentence": count_statuses(area_statuses).sentence if area_statuses else "",
                "goals": goals,
                "measures": [measure_row(row.evaluation) for row in block.rows],
            }
        )

    budget = None
    overview = budget_overview(plan.body, period.year)
    if overview.frame is not None:
        budget = {
            "title": str(overview.frame.plan),
            "month": overview.follow_up_month,
            "rows": [
                {
                    "label": row.label,
                    "budget": format_amount_tkr(row.budget_tkr),
                    "outcome": format_amount_tkr(row.outcome_tkr),
                    "forecast": format_amount_tkr(row.forecast_tkr),
                    "deviation": format_amount_tkr(row.result.deviation_tkr),
                    "status": _status(row.result.status),
                }
                for row in [*overview.rows, *([overview.total] if overview.total else [])]
            ],
        }

    adjustments = [
        {
            "kind": str(adjustment.get_kind_display()),
            "subject": str(adjustment.measure or adjustment.goal or ""),
            "current": adjustment.current_text,
            "proposed": adjustment.proposed_text,
            "measurement": adjustment.measurement,
            "reason": adjustment.reason,
        }
        for adjustment in report.proposed_adjustments.select_related("goal", "measure")
    ]
    meeting = report.meeting
    return {
        "version": CONTENT_VERSION,
        "title": report.title,
        "body": str(report.body),
        "plan": str(plan),
        "kind": str(report.get_kind_display()),
        "period": period.label(),
        "period_end": report.period_end.isoformat(),
        "diary_number": report.diary_number or plan.diary_number,
        "meeting": meeting.date_label if meeting else "",
        "author": report.author,
        "summary": report.summary,
        "made_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "measure_counts": dashboard.counts.sentence,
        "status_counts": [{"status": _status(status), "count": count} for status, count in dashboard.counts.items()],
        "goal_sentences": [counts.sentence for counts in dashboard.goal_counts],
        "areas": areas,
        "budget": budget,
        "adjustments": adjustments,
        "unit_analyses": [
            {"unit": str(a.unit), "measure": str(a.measure), "analysis": a.analysis, "actions": a.actions}
            for a in analyses
            if a.unit_id is not None and (a.analysis or a.actions)
        ],
        "changes_after_approval": _unit_changes(report),
        "unit_approvals": [
            {
                "unit": str(a.unit) if a.unit else _("Whole plan"),
                "state": str(a.get_state_display()),
                "approved_at": timezone.localtime(a.approved_at).strftime("%Y-%m-%d") if a.approved_at else "",
            }
            for a in report.unit_approvals.select_related("unit").order_by("unit__name")
        ],
        "approval_override": report.approval_override or "",
    }


def _unit_changes(report: FollowUpReport) -> list[dict]:
    """The changes after approval of the goal assessments, and of the units' figures approved in
    the round (read at once for every unit: a region's round has 60)."""
    units = {
        approval.unit_id: str(approval.unit)
        for approval in report.unit_approvals.filter(
            state=UnitApproval.State.APPROVED, unit__isnull=False
        ).select_related("unit")
    }
    goals = [
        {"unit": _("Whole plan"), "measure": title, "text": change.text}
        for title, change in goal_assessment_changes(report.plan, report.period)
    ]
    if not units:
        return goals
    measures = {}
    for measure in report.plan.measures.order_by("pk"):
        measures.setdefault(measure.indicator_id, str(measure))
    changes = changes_of_units(report.plan, report.period, list(units))
    return goals + [
        {"unit": units[change.unit_id], "measure": measures.get(change.indicator_id, ""), "text": change.text}
        for change in sorted(changes, key=lambda change: (units[change.unit_id], change.changed_at))
    ]


def content_of(report: FollowUpReport) -> dict:
    """What the report shows: its frozen snapshot once approved, the live data while a draft."""
    if report.is_approved and report.snapshot:
        return report.snapshot
    return report_content(report)
