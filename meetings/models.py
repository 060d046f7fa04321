"""The meeting and follow-up calendar: meetings, agenda items, follow-up reports, internal control."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from goalplan.choices import ASSESSMENT_STATUS_CHOICES, Status
from goalplan.models import Body, Goal, OrganisationalUnit, Plan, year_field, year_in_range
from goalplan.periods import Period, PeriodKind
from goalplan.workdays import working_days_after, working_days_before
from kpis.models import Measure
from kpis.rounds import RoundSchedule


class Meeting(models.Model):
    """A meeting of a body on a date or over a date range."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary meeting")
        BUDGET_DAY = "budget_day", _("Budget day")
        PLANNING_DAY = "planning_day", _("Planning day")

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings")
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("planned in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("The plan whose meeting calendar lists this meeting."),
    )
    starts_on = models.DateField(_("date"))
    ends_on = models.DateField(_("last day"), null=True, blank=True, help_text=_("For meetings over several days."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ORDINARY)
    title = models.CharField(_("title"), max_length=200, blank=True)
    participants = models.TextField(_("participants"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_on", "body__order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="meeting_ends_after_start",
                violation_error_message=_("A meeting cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["body", "starts_on", "kind"],
                name="meeting_unique_per_body_day_kind",
                violation_error_message=_("This body already has a meeting of this kind on this date."),
            ),
        ]

    def __str__(self):
        return f"{self.body.short_name} {self.date_label}"

    @property
    def date_label(self) -> str:
        """ "2021-02-24" or "2021-02-24–25"."""
        if not self.ends_on or self.ends_on == self.starts_on:
            return self.starts_on.isoformat()
        if self.ends_on.month == self.starts_on.month:
            return f"{self.starts_on.isoformat()}–{self.ends_on.day:02d}"
        return f"{self.starts_on.isoformat()}–{self.ends_on.isoformat()}"


class AgendaItem(models.Model):
    """An item on a meeting's agenda: a recurring matter or a follow-up/deep-dive."""

    class Category(models.TextChoices):
        RECURRING = "recurring", _("Recurring matters")
        FOLLOW_UP = "follow_up", _("Follow-up and deep-dive")
        OTHER = "other", _("Other")

    class Presentation(models.TextChoices):
        WRITTEN = "written", _("Written")
        ORAL = "oral", _("Oral")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("matter"), max_length=300)
    responsible_role = models.CharField(_("responsible role"), max_length=200, blank=True)
    presentation = models.CharField(
        _("presentation"), max_length=10, choices=Presentation.choices, default=Presentation.WRITTEN
    )
    goals = models.ManyToManyField(Goal, verbose_name=_("goals followed up"), blank=True, related_name="agenda_items")
    measures = models.ManyToManyField(
        Measure, verbose_name=_("measures followed up"), blank=True, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "category", "order", "pk"]

    def __str__(self):
        return self.title


class FollowUpReport(models.Model):
    """A follow-up report to a body: monthly, tertial (per April), interim (per August) or annual."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly report")
        TERTIAL = "tertial", _("Tertial report")
        INTERIM = "interim", _("Interim report")
        ANNUAL = "annual", _("Annual report")
        PLAN_FOLLOW_UP = "plan_follow_up", _("Follow-up of the plan")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="reports")
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        help_text=_("The plan followed up; empty when that plan is not in the system."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    period_end = models.DateField(_("period end"), help_text=_("E.g. 2025-04-30 for the tertial report per April."))
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    title = models.CharField(_("title"), max_length=300)
    diary_number = models.CharField(_("diary number"), max_length=50, blank=True)
    author = models.CharField(_("case officer"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # Frozen at approval: every figure, status and comment the report shows, and the PDF made
    # from them, so later corrections of outcomes never change what was decided on.
    # The round's dates, when set by hand (a meeting moved, a holiday week): empty = from the
    # meeting and the body's reporting rule (meetings.schedule).
    entry_opens_on = models.DateField(_("entry opens"), null=True, blank=True)
    entry_deadline = models.DateField(_("entry deadline"), null=True, blank=True)
    locks_on = models.DateField(
        _("locked from"),
        null=True,
        blank=True,
        help_text=_("From this day only an administrator may change the figures."),
    )
    # Why the report was approved although some units' figures were not (empty: all were). NULL
    # rather than "" so that SQLite adds the column without making the table and its triggers anew.
    approval_override = models.TextField(  # noqa: DJ001
        _("approved without every unit"), null=True, blank=True, editable=False
    )
    snapshot = models.JSONField(_("frozen content"), null=True, blank=True, editable=False)
    pdf = models.BinaryField(_("approved PDF"), null=True, blank=True, editable=False)
    # Every approval and un-approval, with who, when and why; an un-approved report's history
    # keeps the content and PDF that had been approved.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")
        ordering = ["-period_end", "body__order"]
        # Approving locks the periods for everyone and freezes the PDF: a right of its own, held
        # by administrators (not implied by the change permission reporters might be given).
        permissions = [("approve_followupreport", _("Can approve and un-approve follow-up reports"))]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "plan", "kind", "period_end"],
                name="report_unique_per_period",
                violation_error_message=_("There is already a report of this kind for this plan and period."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_approved(self) -> bool:
        return self.state == self.State.APPROVED

    # What a unit's approval in the round is of: fixed once a unit has marked ready or been approved.
    ROUND_FIELDS = ("plan", "kind", "period_end")

    def has_unit_steps(self) -> bool:
        """Has any unit marked its figures ready (or been approved, or sent back) in the round?"""
        return self.pk is not None and self.unit_approvals.exclude(state=UnitApproval.State.OPEN).exists()

    def clean(self):
        if self.has_unit_steps():
            stored = (
                type(self)
                ._base_manager.filter(pk=self.pk)
                .values(*(f"{f}_id" if f == "plan" else f for f in self.ROUND_FIELDS))
                .first()
            )
            if stored and any(stored[key] != getattr(self, key) for key in stored):
                raise ValidationError(
                    _("Units have marked ready or been approved in the round: its plan, kind and period are fixed.")
                )
        opens, deadline, locks = self.entry_opens_on, self.entry_deadline, self.locks_on
        if opens and deadline and deadline < opens:
            raise ValidationError({"entry_deadline": _("The deadline cannot be before entry opens.")})
        if deadline and locks and locks <= deadline:
            raise ValidationError({"locks_on": _("The figures can be locked only after the deadline.")})

    def schedule(self, rule: "ReportingRule | None" = None) -> RoundSchedule:
        """The report's reporting round: entry opens the rule's number of working days after the
        period, closes before the papers go out (working days before the meeting), and the
        figures lock when they do; a date set on the report wins (meetings.schedule)."""
        rule = rule or ReportingRule.for_body(self.body)
        opens_on = self.entry_opens_on or working_days_after(self.period_end, rule.opens_after)
        meeting_on = self.meeting.starts_on if self.meeting_id else None
        papers_on = working_days_before(meeting_on, rule.papers_before_meeting) if meeting_on else None
        deadline = self.entry_deadline or (
            working_days_before(papers_on, rule.entry_closes_before_papers) if papers_on else None
        )
        if deadline is not None and deadline < opens_on and not self.entry_deadline:
            deadline = opens_on  # a meeting right after the period: at least the opening day to report
        locks_on = self.locks_on
        if locks_on is None and deadline is not None:
            # When the papers go out, and never before the deadline has passed.
            locks_on = max(papers_on or deadline, working_days_after(deadline, 1))
        return RoundSchedule(
            report_id=self.pk,
            title=self.title,
            plan_id=self.plan_id,
            period=self.period,
            opens_on=opens_on,
            deadline=deadline,
            papers_on=papers_on,
            locks_on=locks_on,
            meeting_on=meeting_on,
        )

    @property
    def period(self) -> Period:
        """The follow-up period the report covers, e.g. T1 2025 for the tertial report per April."""
        end = self.period_end
        if self.kind == self.Kind.TERTIAL:
            return Period.tertial_containing(end.year, end.month)
        if self.kind == self.Kind.ANNUAL:
            return Period.full_year(end.year)
        return Period(end.year, PeriodKind.YEAR_TO_DATE, end.month)


class ReportingRule(models.Model):
    """How a body's reporting rounds are dated from its meetings, in Swedish working days: entry
    opens after the period ends; the papers go out before the meeting; entry closes before the
    papers go out, and the figures lock when they do. A body without a rule gets the defaults."""

    body = models.OneToOneField(Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="reporting_rule")
    opens_after = models.PositiveSmallIntegerField(
        _("entry opens (working days after the period)"),
        default=1,
        help_text=_("1: the first working day after the period's last day."),
    )
    papers_before_meeting = models.PositiveSmallIntegerField(
        _("papers sent (working days before the meeting)"), default=5
    )
    entry_closes_before_papers = models.PositiveSmallIntegerField(
        _("entry deadline (working days before the papers)"),
        default=5,
        help_text=_("The figures lock when the papers are sent."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("first reminder (working days before the deadline)"),
        default=3,
        help_text=_("A reminder is also sent on the deadline; 0: only then."),
    )

    class Meta:
        verbose_name = _("reporting rule")
        verbose_name_plural = _("reporting rules")
        ordering = ["body__order", "body__name"]

    def __str__(self):
        return _("Reporting rule of %(body)s") % {"body": self.body}

    @classmethod
    def for_body(cls, body: Body) -> "ReportingRule":
        """The body's rule, else an unsaved rule with the defaults."""
        try:
            return body.reporting_rule
        except cls.DoesNotExist:
            return cls(body=body)


class SentReminder(models.Model):
    """A reminder e-mailed to a person about their missing figures in a round: one a person, round
    and day (the reminder command may run as often as cron likes)."""

    report = models.ForeignKey(
        FollowUpReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="sent_reminders"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    sent_on = models.DateField(_("day"))
    address = models.EmailField(_("address"))
    missing = models.PositiveIntegerField(_("missing figures"))
    text = models.TextField(_("message"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "recipient", "sent_on"], name="reminder_once_a_day_per_person_and_round"
            ),
        ]

    def __str__(self):
        return f"{self.recipient} – {self.report} ({self.sent_on.isoformat()})"


def _one_per_unit(prefix: str, fields: list[str], message) -> list[models.UniqueConstraint]:
    """One row per ``fields`` and unit, and one for the whole plan (NULL units are distinct in SQL)."""
    return [
        models.UniqueConstraint(
            fields=fields,
            condition=Q(unit__isnull=True),
            name=f"{prefix}_one_for_whole_plan",
            violation_error_message=message,
        ),
        models.UniqueConstraint(
            fields=[*fields, "unit"],
            condition=Q(unit__isnull=False),
            name=f"{prefix}_one_per_unit",
            violation_error_message=message,
        ),
    ]


class UnitApproval(models.Model):
    """Where one unit's figures (without a unit: the whole plan's) stand in one reporting round:
    the unit marks them ready ("klarmarkera"), a controller approves them or sends them back.

    Approved figures are locked on every write path (kpis.access); every step is an
    ApprovalEvent. No row means the round is open for the unit."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        READY = "ready", _("Marked ready")
        SENT_BACK = "sent_back", _("Sent back")
        APPROVED = "approved", _("Approved")

    report = models.ForeignKey(
        FollowUpReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="unit_approvals"
    )
    unit = models.ForeignKey(
        OrganisationalUnit,
        verbose_name=_("organisational unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="round_approvals",
        help_text=_("Empty for the whole plan's figures."),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    comment = models.TextField(_("controller's comment"), blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("unit approval")
        verbose_name_plural = _("unit approvals")
        ordering = ["report", "unit__name", "pk"]
        constraints = _one_per_unit(
            "unit_approval", ["report"], _("The unit already has an approval row in this round.")
        )

    def __str__(self):
        return f"{self.report} – {self.unit or _('Whole plan')}: {self.get_state_display()}"

    @property
    def is_approved(self) -> bool:
        return self.state == self.State.APPROVED


class ApprovalEvent(models.Model):
    """One step of a unit's round: marked ready, approved, sent back (with the controller's
    comment) or un-approved (with the reason). Written by meetings.approvals only."""

    class Action(models.TextChoices):
        READY = "ready", _("Marked ready")
        WITHDRAWN = "withdrawn", _("Ready mark withdrawn")
        APPROVED = "approved", _("Approved")
        SENT_BACK = "sent_back", _("Sent back")
        UNAPPROVED = "unapproved", _("Approval withdrawn")

    approval = models.ForeignKey(
        UnitApproval, verbose_name=_("unit approval"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("approval event")
        verbose_name_plural = _("approval events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.approval.report} – {self.approval.unit or _('Whole plan')}: {self.get_action_display()}"


class MeasureAnalysis(models.Model):
    """A unit's (without a unit: the whole plan's) analysis of a measure in a follow-up round, and
    the actions it plans: asked for when the measure is red or yellow, before the unit may mark
    the round ready, and printed in the report."""

    report = models.ForeignKey(
        FollowUpReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="analyses"
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="round_analyses"
    )
    unit = models.ForeignKey(
        OrganisationalUnit,
        verbose_name=_("organisational unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measure_analyses",
    )
    analysis = models.TextField(_("analysis"), blank=True, help_text=_("Why the measure stands where it does."))
    actions = models.TextField(_("planned actions"), blank=True, help_text=_("What is done about it, and by when."))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measure analysis")
        verbose_name_plural = _("measure analyses")
        ordering = ["report", "measure", "unit__name"]
        constraints = _one_per_unit(
            "analysis", ["report", "measure"], _("The measure already has an analysis for this unit in this round.")
        )

    def __str__(self):
        return f"{self.measure} – {self.unit or _('Whole plan')}"

    @property
    def is_complete(self) -> bool:
        return bool(self.analysis.strip() and self.actions.strip())


class ProposedAdjustment(models.Model):
    """A change to a goal or target proposed in a follow-up report, with its reason."""

    class Kind(models.TextChoices):
        REWORD = "reword", _("New wording")
        ADD = "add", _("New goal")
        TARGET_VALUE = "target_value", _("New target value")
        REMOVE = "remove", _("Remove")

    report = models.ForeignKey(
        FollowUpReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="proposed_adjustments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_adjustments",
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_adjustments",
    )
    current_text = models.TextField(_("current wording"), blank=True)
    proposed_text = models.TextField(_("proposed wording"), blank=True)
    measurement = models.TextField(_("how it is measured"), blank=True)
    proposed_value = models.DecimalField(
        _("proposed target value"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("proposed adjustment")
        verbose_name_plural = _("proposed adjustments")
        ordering = ["report", "order", "pk"]

    def __str__(self):
        text = self.proposed_text or self.current_text
        return text if len(text) <= 100 else text[:97] + "…"

    def clean(self):
        if self.kind == self.Kind.TARGET_VALUE and self.proposed_value is None:
            raise ValidationError({"proposed_value": _("A new target value must be given.")})


class InternalControlItem(models.Model):
    """A point in a body's internal control plan: the risk and the control of it."""

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="internal_control_items"
    )
    year = year_field(_("year"))
    process = models.CharField(_("process or area"), max_length=200)
    risk = models.TextField(_("risk"), blank=True)
    control = models.TextField(_("control activity"))
    responsible_role = models.CharField(_("responsible role"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("internal control item")
        verbose_name_plural = _("internal control items")
        ordering = ["body", "-year", "order"]
        constraints = [year_in_range("year", name="internal_control_year_in_range")]

    def __str__(self):
        return f"{self.process} ({self.year})"


class InternalControlFollowUp(models.Model):
    """A follow-up of an internal control item (twice a year: June and October)."""

    item = models.ForeignKey(
        InternalControlItem,
        verbose_name=_("internal control item"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    followed_up_on = models.DateField(_("followed up on"))
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="internal_control_follow_ups",
    )
    status = models.CharField(_("status"), max_length=10, choices=ASSESSMENT_STATUS_CHOICES, default=Status.MISSING)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("internal control follow-up")
        verbose_name_plural = _("internal control follow-ups")
        ordering = ["item", "followed_up_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "followed_up_on"],
                name="internal_control_follow_up_unique_per_date",
                violation_error_message=_("This item is already followed up on this date."),
            ),
        ]

    def __str__(self):
        return f"{self.item} – {self.followed_up_on.isoformat()}"
