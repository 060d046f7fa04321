"""The completeness board of a reporting round, for controllers: units × figures, each reported,
reported late, missing or missing past the deadline; per unit how much is in; filters and a
CSV/XLSX export.

A region's round is some 60 units × 400 indicators: the cells are plain strings formed once per
state, and the page's queries do not grow with the units or the indicators (kpis.duties).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from goalplan.models import OrganisationalUnit
from kpis.duties import round_figures
from kpis.exports import Sheet
from kpis.models import Measure
from kpis.rounds import RoundSchedule
from meetings.models import FollowUpReport, UnitApproval

REPORTED, REPORTED_LATE, MISSING, OVERDUE, NOT_ASKED = "reported", "late", "missing", "overdue", "none"
STATE_WORDS = {
    REPORTED: gettext_lazy("Reported"),
    REPORTED_LATE: gettext_lazy("Reported late"),
    MISSING: gettext_lazy("Missing"),
    OVERDUE: gettext_lazy("Missing after the deadline"),
    NOT_ASKED: gettext_lazy("Not reported by this unit"),
}
# What a cell shows: a symbol that reads without colour, its word for screen readers and on hover.
STATE_SYMBOLS = {REPORTED: "✓", REPORTED_LATE: "✓!", MISSING: "–", OVERDUE: "✗", NOT_ASKED: ""}


def end_of_day(day: datetime.date | None) -> datetime.datetime | None:
    """Midnight after ``day`` in the site's time zone: a figure changed before it is in time."""
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


@dataclass
class BoardRow:
    """One unit (None: the whole plan) across the round's figures."""

    unit: OrganisationalUnit | None
    states: list[str]  # per column, NOT_ASKED where the unit reports no figure of its own
    cells_html: str = ""
    approval: str = ""  # the unit's approval state in the round ("Godkänd", "Klarmarkerad", …)
    round_url: str = ""  # the unit's page in the round
    approved: bool = False

    @property
    def asked(self) -> int:
        return sum(state != NOT_ASKED for state in self.states)

    @property
    def reported(self) -> int:
        return sum(state in (REPORTED, REPORTED_LATE) for state in self.states)

    @property
    def percent(self) -> int:
        return round(100 * self.reported / self.asked) if self.asked else 100

    @property
    def name(self) -> str:
        return str(self.unit) if self.unit else _("Whole plan")


@dataclass
class Board:
    report: FollowUpReport
    schedule: RoundSchedule
    measures: list[Measure]  # the columns
    rows: list[BoardRow]
    today: datetime.date
    only_missing: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def header_html(self) -> str:
        """The grid's column heads (400 on a region's board), written in one pass."""
        return format_html_join(
            "",
            '<th scope="col" title="{}"><span>{}</span></th>',
            ((str(m), Truncator(m.indicator.code or str(m)).chars(24)) for m in self.measures),
        )

    @property
    def approved_count(self) -> int:
        """How many of the rows (units, and the whole plan) a controller has approved."""
        return sum(row.approved for row in self.rows)

    @property
    def count_items(self) -> list[tuple[str, str, int]]:
        """(state, word, number) of the states the round has, for the line above the grid."""
        return [(state, str(STATE_WORDS[state]), count) for state, count in self.counts.items() if count]


def completeness_board(
    report: FollowUpReport,
    *,
    unit: OrganisationalUnit | None = None,
    only_missing: bool = False,
    today: datetime.date | None = None,
) -> Board:
    """The board of the report's round; ``unit`` shows that unit only, ``only_missing`` only the
    figures someone still has to report."""
    today = today or timezone.localdate()
    schedule = report.schedule()
    figures = round_figures(
        report.plan,
        schedule.period,
        units=None if unit is None else [unit],
        whole_plan=unit is None,
        late_after=end_of_day(schedule.deadline),
    )
    unreported = MISSING if schedule.deadline is None or today <= schedule.deadline else OVERDUE
    reported = figures.reported
    grid = {}
    for scope in figures.scopes:
        scope_id = scope.pk if scope else None
        grid[scope_id] = [
            NOT_ASKED
            if not figures.asks(measure, scope)
            else (REPORTED_LATE if reported[key] else REPORTED)
            if (key := (measure.indicator_id, scope_id)) in reported
            else unreported
            for measure in figures.measures
        ]
    measures = figures.measures
    if only_missing:
        keep = [i for i in range(len(measures)) if any(row[i] in (MISSING, OVERDUE) for row in grid.values())]
        measures = [measures[i] for i in keep]
        grid = {scope_id: [row[i] for i in keep] for scope_id, row in grid.items()}
    counts = {state: 0 for state in STATE_WORDS if state != NOT_ASKED}
    for row in grid.values():
        for state in counts:
            counts[state] += row.count(state)
    cells = {state: cell_html(state) for state in STATE_WORDS}
    approvals = {a.unit_id: a for a in UnitApproval.objects.filter(report=report)}
    open_word = str(UnitApproval.State.OPEN.label)
    rows = []
    for scope in figures.scopes:
        scope_id = scope.pk if scope else None
        approval = approvals.get(scope_id)
        rows.append(
            BoardRow(
                scope,
                grid[scope_id],
                "".join([cells[s] for s in grid[scope_id]]),
                approval=str(approval.get_state_display()) if approval else open_word,
                approved=bool(approval and approval.is_approved),
                round_url=reverse("round_unit", args=[report.pk, scope_id])
                if scope_id
                else reverse("round_whole_plan", args=[report.pk]),
            )
        )
    return Board(report, schedule, measures, rows, today, only_missing, counts)


# A cell's class: one letter, since a region's board has 24 000 of them (meetings/completeness.html).
CELL_CLASSES = {REPORTED: "r", REPORTED_LATE: "l", MISSING: "m", OVERDUE: "o", NOT_ASKED: "n"}


def _cell(state: str) -> str:
    """The symbol, with the state's word for screen readers (hidden by the grid's CSS)."""
    if state == NOT_ASKED:
        return "<td></td>"
    return format_html('<td class="{}">{}<i>{}</i></td>', CELL_CLASSES[state], STATE_SYMBOLS[state], STATE_WORDS[state])


_cells: dict[tuple[str, str], str] = {}


def cell_html(state: str) -> str:
    """Each state's cell, written once per language (24 000 cells on a region's board)."""
    key = (state, get_language())
    if key not in _cells:
        _cells[key] = _cell(state)
    return _cells[key]


def board_sheet(board: Board) -> Sheet:
    """The board as a long table for CSV/XLSX (kpis.exports): one row per unit and figure asked for."""
    sheet = Sheet(
        title=_("Completeness"),
        headers=[_("Unit"), _("Code"), _("Measure"), _("Period"), _("State"), _("Approval")],
    )
    period = board.schedule.period.label()
    for row in board.rows:
        for measure, state in zip(board.measures, row.states, strict=True):
            if state != NOT_ASKED:
                sheet.append(
                    [row.name, measure.indicator.code, str(measure), period, str(STATE_WORDS[state]), row.approval]
                )
    return sheet
