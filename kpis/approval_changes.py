"""Figures changed after they were approved ("ändrat efter godkännande"): an administrator may
correct an approved figure, with a reason, and every page that shows it says so.

The approvals live in the meetings app, which registers its source here (meetings/apps.py): the
pages of this app flag the changes without importing meetings.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from goalplan.models import Plan
from goalplan.periods import Period


@dataclass(frozen=True)
class ChangeAfterApproval:
    """One change of an approved figure (an outcome or a status set by hand)."""

    indicator_id: int
    unit_id: int | None
    period: Period  # the changed figure's period
    changed_at: datetime.datetime
    changed_by: str
    reason: str
    approved_at: datetime.datetime

    @property
    def text(self) -> str:
        """E.g. "Ändrat efter godkännande 2025-05-20 av Anna Berg: rättad siffra (april 2025)"."""
        when = date_format(self.changed_at, "Y-m-d")
        return _("Changed after approval %(date)s by %(person)s: %(reason)s (%(period)s)") % {
            "date": when,
            "person": self.changed_by or "–",
            "reason": self.reason or "–",
            "period": self.period.label(),
        }


ChangeSource = Callable[[Plan, Period, list[int | None]], list[ChangeAfterApproval]]
_sources: list[ChangeSource] = []


def register_change_source(source: ChangeSource) -> None:
    if source not in _sources:
        _sources.append(source)


def changes_of_units(plan: Plan, period: Period, unit_ids: list[int | None]) -> list[ChangeAfterApproval]:
    """The changes, after their approval, of the plan's figures of these units (None: the whole
    plan) whose period ends in a month of ``period``; earliest first."""
    changes = [change for source in _sources for change in source(plan, period, list(unit_ids))]
    return sorted(changes, key=lambda change: change.changed_at)


def changes_after_approval(plan: Plan, period: Period, unit_id: int | None) -> dict[int, list[ChangeAfterApproval]]:
    """Indicator id → the changes after approval of the unit's (None: the whole plan's) figures."""
    changes: dict[int, list[ChangeAfterApproval]] = defaultdict(list)
    for change in changes_of_units(plan, period, [unit_id]):
        changes[change.indicator_id].append(change)
    return dict(changes)
