"""The dates of each follow-up report's reporting round, from its meeting and the body's rule.

For the tertial report per April 2025 to the meeting on Thursday 2025-05-22, with the default
rule: entry opens 2025-05-02 (the first working day after April: 1 May is a public holiday),
the papers go out five working days before the meeting (2025-05-15) and entry closes five
working days before that (2025-05-08); the figures lock when the papers go out. A date an
administrator set on the report wins over the rule. The arithmetic is FollowUpReport.schedule;
here the reads of many reports' rounds.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from goalplan.models import Plan
from goalplan.workdays import working_days_before
from kpis.rounds import RoundSchedule
from meetings.models import FollowUpReport, ReportingRule


def schedules_of(reports: Iterable[FollowUpReport]) -> list[RoundSchedule]:
    """The rounds of many reports, the rules read once (select the reports' meetings)."""
    reports = list(reports)
    rules = {rule.body_id: rule for rule in ReportingRule.objects.filter(body_id__in={r.body_id for r in reports})}
    return [report.schedule(rules.get(report.body_id) or ReportingRule(body_id=report.body_id)) for report in reports]


def plan_rounds(plan: Plan) -> list[RoundSchedule]:
    """The rounds of a plan's follow-up reports (registered with kpis.rounds)."""
    return schedules_of(FollowUpReport.objects.filter(plan=plan).select_related("meeting"))


def reminder_days(schedule: RoundSchedule, rule: ReportingRule) -> list[datetime.date]:
    """The days reminders go out for a round: ``rule.reminder_days`` working days before its
    deadline, and on it."""
    if schedule.deadline is None:
        return []
    days = {working_days_before(schedule.deadline, rule.reminder_days), schedule.deadline}
    # Never before entry opens: a figure cannot be asked for before its period has ended.
    return sorted(day for day in days if day >= schedule.opens_on)
