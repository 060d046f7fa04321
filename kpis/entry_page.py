"""The admin's entry page as a page object: one period's outcomes of a plan's indicators for one
unit, as a formset, in parts when the plan is too long for one page.

A 400-measure plan has some 1 200 rows (an indicator per sex): one page of them is over a
megabyte, slow to open and to save, and easy to lose one's place in. Such a plan is entered one
goal area at a time (``ENTRY_PAGE_MAX_ROWS``); the page links to every goal area with its number
of rows, and "all goal areas" is still one click away; a plan whose measures are all in one goal
area (or in none) is entered goal by goal. A plan that fits one page is shown whole.
"""

from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext as _

from goalplan.choices import Sex
from goalplan.models import OrganisationalUnit, Plan
from goalplan.periods import Period
from goalplan.selectors import visible_to
from kpis.forms import OutcomeEntryFormSet
from kpis.models import Measure
from kpis.plausibility import HISTORY_LENGTH, implausibilities
from kpis.rounds import RoundNotice, notices_for
from kpis.selectors import EntryRow, earlier_values, entry_measures, entry_rows_for_period, plans_fed_by
from kpis.status import Evaluation, evaluate_measures

ALL_SECTIONS = "all"
WITHOUT_GOAL_AREA = "none"


@dataclass(frozen=True)
class EntrySection:
    """A part of the entry page (a goal area, or a goal), as a link: its ``area`` GET value
    ("a12", "g34", "none"), name and number of rows."""

    token: str
    name: str
    rows: int


def _area_token(measure: Measure) -> str:
    return f"a{measure.goal_area_id}" if measure.goal_area_id else WITHOUT_GOAL_AREA


def _goal_token(measure: Measure) -> str:
    return f"g{measure.goal_id}" if measure.goal_id else WITHOUT_GOAL_AREA


def _section_token_of(measures: list[Measure]):
    """By goal area; by goal when the measures are all in one goal area (or in none)."""
    return _area_token if len({_area_token(measure) for measure in measures}) > 1 else _goal_token


@dataclass(frozen=True)
class EntryParts:
    """Which of a plan's measures the entry page shows: ``section`` (``ALL_SECTIONS`` for all),
    the parts to link to (none when the plan fits one page and is shown whole) and its rows."""

    shown: list[Measure]
    section: str
    sections: list[EntrySection]
    total_rows: int


def entry_parts(measures: list[Measure], requested: str | None) -> EntryParts:
    """All measures when asked for, or when their rows fit one page; else the asked part's (the
    first part's when none, or one the plan does not have, is asked for)."""
    token_of = _section_token_of(measures)
    by_area = token_of is _area_token
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for measure in measures:
        token = token_of(measure)
        counts[token] = counts.get(token, 0) + len(measure.sexes)
        part = measure.goal_area if by_area else measure.goal
        names.setdefault(
            token, str(part) if part is not None else (_("Without goal area") if by_area else _("Without goal"))
        )
    # Those without a goal area (or goal) last, on every database (SQLite sorts no area first).
    tokens = sorted(counts, key=lambda token: token == WITHOUT_GOAL_AREA)
    total = sum(counts.values())
    fits = total <= settings.ENTRY_PAGE_MAX_ROWS
    if requested == ALL_SECTIONS or (not requested and fits) or not tokens:
        section, shown = ALL_SECTIONS, measures
    else:
        section = requested if requested in tokens else tokens[0]
        shown = [measure for measure in measures if token_of(measure) == section]
    listed = [] if section == ALL_SECTIONS and fits else [EntrySection(t, names[t], counts[t]) for t in tokens]
    return EntryParts(shown, section, listed, total)


@dataclass
class EntryPage:
    """One period's outcomes of a plan's indicators (of one goal area when the plan is long), as a
    formset, with each row's status of what is stored now and whether an approved report locks
    the period."""

    plan: Plan
    period: Period
    unit: OrganisationalUnit | None
    entry_rows: list[EntryRow]
    formset: OutcomeEntryFormSet
    write_rules: object  # the request's WriteRules (config.admin_guard)
    change_reason: str = ""
    sections: list[EntrySection] = field(default_factory=list)  # empty: the plan fits one page
    section: str = ALL_SECTIONS
    total_rows: int = 0
    part_query: str = ""  # the page's GET parameters but its part: the parts' links add theirs
    confirmed: bool = False  # the person confirmed the values the page questioned

    @property
    def subtitle(self) -> str:
        return f"{self.plan} – {self.period.label()}"

    @property
    def measures(self) -> dict[int, Measure]:
        return {row.measure.pk: row.measure for row in self.entry_rows}

    @cached_property
    def rows(self) -> list[tuple[EntryRow, object, Evaluation | None, list[str]]]:
        """(row, its form, its status, what is questioned in it) — evaluated only when the page is
        shown, not after a save."""
        evaluations = evaluate_measures(list(self.measures.values()), self.period, unit=self.unit, with_trend=False)
        evaluation_of = {(e.measure.pk, e.sex): e for e in evaluations}
        statuses = [evaluation_of.get((row.measure.pk, row.sex)) for row in self.entry_rows]
        questioned = [self.questioned.get(index, []) for index in range(len(self.entry_rows))]
        return list(zip(self.entry_rows, self.formset.forms, statuses, questioned, strict=True))

    @cached_property
    def questioned(self) -> dict[int, list[str]]:
        """Per row (its index), what looks wrong with a value changed in this post: a share
        outside 0–100 %, an exponent, a value far from the indicator's own history."""
        if not self.formset.is_bound:
            return {}
        # The rows that are valid in themselves, whatever another row's error: all is said at once.
        changed = [
            (index, row, form)
            for index, (row, form) in enumerate(zip(self.entry_rows, self.formset.forms, strict=True))
            if form.is_valid() and "value" in form.changed_data
        ]
        history = earlier_values(
            {row.measure.indicator_id for _index, row, _form in changed},
            unit=self.unit,
            period=self.period,
            length=HISTORY_LENGTH,
        )
        found = {}
        for index, row, form in changed:
            typed = form.data.get(form.add_prefix("value"), "")
            values = history.get((row.measure.indicator_id, row.sex), [])
            if problems := implausibilities(typed, form.cleaned_data["value"], row.measure, values):
                found[index] = problems
        return found

    @cached_property
    def unanswered(self) -> set[int]:
        """The questioned rows without a comment, unless the person confirmed the values."""
        if self.confirmed:
            return set()
        forms = self.formset.forms
        return {index for index in self.questioned if not forms[index].cleaned_data["comment"].strip()}

    @property
    def needs_confirmation(self) -> bool:
        """Questioned values without a comment, not confirmed: the page asks before it saves."""
        return bool(self.unanswered)

    @property
    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field id, row, message) of every error and unconfirmed question, for the list at
        the top of the page that says nothing was saved."""
        if not self.formset.is_bound:
            return []
        summary = [("", "", message) for message in self.formset.non_form_errors()]
        for index, (row, form) in enumerate(zip(self.entry_rows, self.formset.forms, strict=True)):
            label = str(row.measure) if row.sex == Sex.TOTAL else f"{row.measure} – {row.sex_label}"
            for name, errors in form.errors.items():
                field_id = form[name].id_for_label if name in form.fields else form["value"].id_for_label
                summary += [(field_id, label, message) for message in errors]
            if index in self.unanswered:
                summary += [(form["value"].id_for_label, label, problem) for problem in self.questioned[index]]
        return summary

    def posted_rows_match(self) -> bool:
        """Whether the posted forms are this page's rows, in order (measure and sex): a post of
        another part of the plan, or of the page as it was before its measures changed, is not."""
        return self.formset.total_form_count() == len(self.entry_rows) and all(
            form.data.get(form.add_prefix("measure_id")) == str(row.measure.pk)
            and form.data.get(form.add_prefix("sex")) == row.sex
            for form, row in zip(self.formset.forms, self.entry_rows, strict=True)
        )

    @cached_property
    def notices(self) -> list[RoundNotice]:
        """The reporting round of the period (its deadline), and any other round open now."""
        return notices_for(self.plan, self.period)

    @cached_property
    def locked(self) -> bool:
        """Approved in a report of any plan the figures feed, read or not, or for the unit (the
        whole plan) in a round of one of them."""
        plans = plans_fed_by(row.measure.indicator_id for row in self.entry_rows) | {self.plan.pk}
        unit_id = self.unit.pk if self.unit else None
        return self.write_rules.approval_of(plans, self.period.year, self.period.end_month, unit_id) is not None


def entry_page(
    *,
    plan: Plan,
    period: Period,
    unit: OrganisationalUnit | None,
    user,
    data=None,
    write_rules,
    change_reason="",
    area: str | None = None,
    query=None,
    confirmed: bool = False,
) -> EntryPage:
    """The entry page for a plan, period, unit and (``area``: an ``EntrySection`` token or
    ``"all"``) part of a long plan; ``data`` is the posted formset, if any, ``query`` the page's GET
    parameters. Other plans an indicator feeds are named only when the person reads them."""
    parts = entry_parts(entry_measures(plan=plan, period=period), area)
    # Outcomes and other plans are read for the rows shown only.
    rows = entry_rows_for_period(
        plan=plan,
        period=period,
        unit=unit,
        readable_plans=visible_to(user, Plan.objects.all(), "body"),
        measures=parts.shown,
    )
    initial = [
        {
            "measure_id": row.measure.pk,
            "sex": row.sex,
            "version": row.outcome.version if row.outcome else 0,
            "value": row.outcome.value if row.outcome else None,
            "accomplished": {True: "yes", False: "no"}.get(row.outcome.accomplished) if row.outcome else "",
            "comment": row.outcome.comment if row.outcome else "",
        }
        for row in rows
    ]
    return EntryPage(
        plan=plan,
        period=period,
        unit=unit,
        entry_rows=rows,
        formset=OutcomeEntryFormSet(data, initial=initial),
        write_rules=write_rules,
        change_reason=change_reason,
        sections=parts.sections,
        section=parts.section,
        total_rows=parts.total_rows,
        part_query=urlencode([(key, value) for key, value in (query or {}).items() if key != "area"]),
        confirmed=confirmed,
    )
