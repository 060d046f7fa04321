"""Reporting rounds: each follow-up report in the meeting calendar is a round in which the units
report one period's figures, from the day entry opens to its deadline, locked from its lock date.

The dates are worked out by the meetings app from the meeting and the body's reporting rule
(meetings.schedule), which registers itself here: the pages of this app show the rounds without
importing meetings (the arrow points from meetings to kpis).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goalplan.models import Plan
from goalplan.periods import Period
from goalplan.workdays import working_days_between


class RoundState(models.TextChoices):
    UPCOMING = "upcoming", _("Not open yet")
    OPEN = "open", _("Open for entry")
    LATE = "late", _("Deadline passed")
    LOCKED = "locked", _("Locked")
    UNSCHEDULED = "unscheduled", _("No deadline set")


@dataclass(frozen=True)
class RoundSchedule:
    """One round's dates. ``deadline`` and ``locks_on`` are None when the report has no meeting
    and none was set by hand."""

    report_id: int
    title: str
    plan_id: int | None
    period: Period
    opens_on: datetime.date
    deadline: datetime.date | None = None
    papers_on: datetime.date | None = None
    locks_on: datetime.date | None = None  # the first day the round's figures are locked
    meeting_on: datetime.date | None = None

    def state(self, today: datetime.date) -> RoundState:
        if self.locks_on is not None and today >= self.locks_on:
            return RoundState.LOCKED
        if today < self.opens_on:
            return RoundState.UPCOMING
        if self.deadline is None:
            return RoundState.UNSCHEDULED
        return RoundState.OPEN if today <= self.deadline else RoundState.LATE

    def working_days_left(self, today: datetime.date) -> int | None:
        """Working days from today to the deadline (0: today is the deadline); None without one."""
        return None if self.deadline is None else working_days_between(today, self.deadline)


@dataclass(frozen=True)
class RoundNotice:
    """A round as a page shows it: its dates and its state today."""

    schedule: RoundSchedule
    state: RoundState
    working_days_left: int | None

    @classmethod
    def of(cls, schedule: RoundSchedule, today: datetime.date) -> RoundNotice:
        return cls(schedule, schedule.state(today), schedule.working_days_left(today))

    @property
    def is_open(self) -> bool:
        return self.state in (RoundState.OPEN, RoundState.LATE, RoundState.UNSCHEDULED)


RoundSource = Callable[[Plan], list[RoundSchedule]]
_sources: list[RoundSource] = []


def register_round_source(source: RoundSource) -> None:
    """Add a source of rounds (the meetings app's follow-up reports)."""
    if source not in _sources:
        _sources.append(source)


def rounds_of_plan(plan: Plan) -> list[RoundSchedule]:
    """Every round of the plan, earliest period first."""
    rounds = [schedule for source in _sources for schedule in source(plan)]
    return sorted(rounds, key=lambda schedule: (schedule.period.span.last, schedule.opens_on, schedule.report_id))


def notices_for(plan: Plan, period: Period | None = None, *, today: datetime.date | None = None) -> list[RoundNotice]:
    """The rounds a page of the plan mentions: the round of the period shown (ending the same
    month: the tertial report for "Ack april", for T1 and for April itself, the month it is
    entered as), and every round open for entry today."""
    today = today or timezone.localdate()
    notices = []
    for schedule in rounds_of_plan(plan):
        notice = RoundNotice.of(schedule, today)
        same_end = period is not None and schedule.period.span.end == period.span.end
        if same_end or notice.is_open:
            notices.append(notice)
    return notices


@dataclass(frozen=True)
class ApprovalState:
    """Where a unit's figures stand in a round (the meetings app's approval per unit)."""

    state: str  # "open", "ready", "sent_back", "approved"
    label: str
    comment: str = ""  # the controller's, when sent back


ApprovalStates = Callable[[list[int]], dict[tuple[int, int | None], ApprovalState]]
_approval_sources: list[ApprovalStates] = []


def register_approval_states(source: ApprovalStates) -> None:
    """Add a source of approval states by (report, unit or None) (the meetings app's)."""
    if source not in _approval_sources:
        _approval_sources.append(source)


def approval_states(report_ids: list[int]) -> dict[tuple[int, int | None], ApprovalState]:
    """(report, unit or None for the whole plan) → its approval state, for the rounds asked."""
    states: dict[tuple[int, int | None], ApprovalState] = {}
    for source in _approval_sources:
        states.update(source(report_ids))
    return states
