"""Counts: how many measures or goals are met, on track, not met, missing or not due, in words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy, ngettext

from goalplan.choices import Status
from goalplan.models import Goal

GOAL_KIND_PLURAL = {
    Goal.Kind.STRATEGIC_GOAL: gettext_lazy("strategic goals"),
    Goal.Kind.PRIORITY_AREA: gettext_lazy("priority areas"),
    Goal.Kind.RESULT_GOAL: gettext_lazy("result goals"),
    Goal.Kind.ACTIVE_GOAL: gettext_lazy("active goals"),
    Goal.Kind.SUCCESS_FACTOR: gettext_lazy("success factors"),
}
SHOWN_IN_ORDER = (Status.GREEN, Status.YELLOW, Status.RED, Status.MISSING, Status.NOT_DUE)


@dataclass(frozen=True)
class StatusCounts:
    """How many of something are green, yellow, red, missing and not due yet."""

    green: int = 0
    yellow: int = 0
    red: int = 0
    missing: int = 0
    not_due: int = 0

    @property
    def total(self) -> int:
        return self.green + self.yellow + self.red + self.missing + self.not_due

    @property
    def known(self) -> int:
        return self.green + self.yellow + self.red

    def count(self, status: Status) -> int:
        return {
            Status.GREEN: self.green,
            Status.YELLOW: self.yellow,
            Status.RED: self.red,
            Status.MISSING: self.missing,
            Status.NOT_DUE: self.not_due,
        }[Status(status)]

    def items(self) -> list[tuple[Status, int]]:
        """(status, count) from met to not due (not due only when there are any)."""
        return [(status, self.count(status)) for status in SHOWN_IN_ORDER if status != Status.NOT_DUE or self.not_due]

    @property
    def segments(self) -> list[tuple[Status, str, str]]:
        """(status, x, width) in per cent of a bar, for drawing the shares without inline styles."""
        segments, x = [], Decimal(0)
        for status, count in self.items():
            if count:
                width = Decimal(count * 100) / self.total
                segments.append((status, f"{x:.2f}", f"{width:.2f}"))
                x += width
        return segments

    def _not_due_part(self) -> list[str]:
        if not self.not_due:
            return []
        return [
            ngettext("%(count)s reported later", "%(count)s reported later", self.not_due) % {"count": self.not_due}
        ]

    @property
    def sentence(self) -> str:
        """E.g. "12 uppfyllda, 9 på väg, 7 ej uppfyllda, 3 saknar utfall"; honest when there is nothing."""
        if not self.total:
            return str(gettext_lazy("No measures."))
        if not self.known:
            parts = []
            if self.missing:
                parts.append(
                    ngettext(
                        "no outcome for the period: %(count)s measure without outcome",
                        "no outcome for the period: %(count)s measures without outcome",
                        self.missing,
                    )
                    % {"count": self.missing}
                )
            parts += self._not_due_part()
            text = ", ".join(parts)
            return text[:1].upper() + text[1:]
        parts = [
            ngettext("%(count)s met", "%(count)s met", self.green) % {"count": self.green},
            ngettext("%(count)s on track", "%(count)s on track", self.yellow) % {"count": self.yellow},
            ngettext("%(count)s not met", "%(count)s not met", self.red) % {"count": self.red},
            ngettext("%(count)s without outcome", "%(count)s without outcome", self.missing) % {"count": self.missing},
        ]
        return ", ".join(parts + self._not_due_part())


def count_statuses(statuses: Iterable[Status]) -> StatusCounts:
    statuses = [Status(status) for status in statuses]
    return StatusCounts(*(statuses.count(status) for status in SHOWN_IN_ORDER))


@dataclass(frozen=True)
class GoalCounts:
    kind: str
    total: int
    green: int
    yellow: int
    red: int
    missing: int
    not_due: int = 0

    @property
    def not_met(self) -> int:
        return self.yellow + self.red

    @property
    def sentence(self) -> str:
        """E.g. "6 av 8 aktiva mål når inte målvärdet"; never good news when nothing is known."""
        kind = GOAL_KIND_PLURAL[self.kind]
        known = self.green + self.yellow + self.red
        if not known:
            if self.not_due and not self.missing:
                return ngettext(
                    "none of %(total)s %(kind)s is due for the period",
                    "none of %(total)s %(kind)s are due for the period",
                    self.total,
                ) % {"total": self.total, "kind": kind}
            return ngettext(
                "none of %(total)s %(kind)s can be judged: outcomes are missing",
                "none of %(total)s %(kind)s can be judged: outcomes are missing",
                self.total,
            ) % {"total": self.total, "kind": kind}
        sentence = ngettext(
            "%(not_met)s of %(total)s %(kind)s does not reach its target",
            "%(not_met)s of %(total)s %(kind)s do not reach their targets",
            self.not_met,
        ) % {"not_met": self.not_met, "total": self.total, "kind": kind}
        if self.missing:
            sentence += " " + ngettext("(%(count)s without outcome)", "(%(count)s without outcome)", self.missing) % {
                "count": self.missing
            }
        return sentence


def count_goals(goal_evaluations: Iterable, kind: str) -> GoalCounts:
    statuses = [e.status for e in goal_evaluations if e.goal.kind == kind]
    return GoalCounts(
        kind=kind,
        total=len(statuses),
        green=statuses.count(Status.GREEN),
        yellow=statuses.count(Status.YELLOW),
        red=statuses.count(Status.RED),
        missing=statuses.count(Status.MISSING),
        not_due=statuses.count(Status.NOT_DUE),
    )
