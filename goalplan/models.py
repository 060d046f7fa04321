"""The chain of plans: bodies, organisation, plans, goal areas, goals and assignments."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ExpressionWrapper, F, IntegerField, Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from goalplan.choices import ASSESSMENT_STATUS_CHOICES, Status
from goalplan.periods import MONTHS_PER_YEAR, NUMBER_RANGES, MonthSpan, Period, PeriodKind

MIN_YEAR = 2000
MAX_YEAR = 2100
# What a body's short name may hold, as page addresses take it (/budget/HSN/2025/): letters,
# digits and hyphens (config.urls.ShortNameConverter; the admin's body form refuses the rest).
SHORT_NAME_IN_ADDRESS = r"[\w-]{1,50}"


def year_field(verbose_name, **kwargs) -> models.PositiveSmallIntegerField:
    """A calendar year; the range is enforced by a check constraint on each model."""
    return models.PositiveSmallIntegerField(verbose_name, **kwargs)


def _year_range_message() -> str:
    return _("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}


# Lazy so the message is formatted in the language active when it is shown, not at import
# (formatting at import froze it in the default language, and with it the migrations).
year_range_message = lazy(_year_range_message, str)


def year_in_range(field: str, *, name: str) -> models.CheckConstraint:
    """Check constraint keeping a year column within MIN_YEAR..MAX_YEAR."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": MIN_YEAR, f"{field}__lte": MAX_YEAR}),
        name=name,
        violation_error_message=year_range_message(),
    )


def period_number_valid(*, name: str) -> models.CheckConstraint:
    """Check constraint: a period's number fits its kind (month 1–12, tertial 1–3, year 0)."""
    condition = Q()
    for kind, numbers in NUMBER_RANGES.items():
        condition |= Q(period_kind=kind, period_number__gte=numbers.start, period_number__lte=numbers.stop - 1)
    return models.CheckConstraint(
        condition=condition,
        name=name,
        violation_error_message=_(
            "The period number does not fit the period kind (month 1–12, tertial 1–3, full year 0)."
        ),
    )


class PeriodQuerySet(models.QuerySet):
    """Rows that belong to a follow-up period: the one way pages, services and imports filter by
    period (the three fields are never named by hand)."""

    def in_period(self, period: Period) -> "PeriodQuerySet":
        """The rows stored for exactly this period (T1 is not "Ack april": see MonthSpan for that)."""
        return self.filter(year=period.year, period_kind=period.kind, period_number=period.number)

    def in_periods(self, periods: Iterable[Period]) -> "PeriodQuerySet":
        """The rows stored for any of these periods (none for none)."""
        named = Q(pk__in=[])
        for period in periods:
            named |= Q(year=period.year, period_kind=period.kind, period_number=period.number)
        return self.filter(named)

    def with_month_index(self, name: str = "month_index") -> "PeriodQuerySet":
        """Annotated with the row's month as one number (``periods.month_index``: year × 12 +
        month), for the rows of a month, year to date or R12, whose number is their month."""
        return self.annotate(
            **{name: ExpressionWrapper(F("year") * MONTHS_PER_YEAR + F("period_number"), output_field=IntegerField())}
        )

    def months_in(self, span: MonthSpan) -> "PeriodQuerySet":
        """The monthly rows of the span's months (the plain year filter lets the (indicator, year,
        kind, number) index answer)."""
        years = sorted({year for year, _month in span.months()})
        monthly = self.filter(period_kind=PeriodKind.MONTH, year__in=years).with_month_index()
        return monthly.filter(month_index__gte=span.first, month_index__lte=span.last)

    def in_years(self, years: range, *, kind: str | None = None) -> "PeriodQuerySet":
        """The rows of these years (a ``range``), of one period kind if given."""
        rows = self.filter(year__gte=years.start, year__lte=years.stop - 1)
        return rows.filter(period_kind=kind) if kind else rows


class PeriodFields(models.Model):
    """Abstract base for values that belong to a follow-up period (see goalplan.periods)."""

    year = year_field(_("year"))
    period_kind = models.CharField(
        _("period kind"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTH
    )
    period_number = models.PositiveSmallIntegerField(
        _("period number"),
        default=0,
        help_text=_("Month 1–12 for month, year-to-date and R12; tertial 1–3; 0 for full year."),
    )

    objects = PeriodQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def period(self) -> Period:
        """The value's period as a Period object."""
        return Period(self.year, self.period_kind, self.period_number)

    @property
    def period_label(self) -> str:
        """Human label of the period, e.g. "Ack april 2025" (the raw fields for a row a form is
        refusing: the admin prints the unsaved row's name above the errors)."""
        try:
            return self.period.label()
        except (ValueError, TypeError, KeyError):
            return f"{self.year} {self.period_kind} {self.period_number}"


class Body(models.Model):
    """A decision-making body: the regional council, the regional board or a committee."""

    class Kind(models.TextChoices):
        COUNCIL = "council", _("Regional council")
        BOARD = "board", _("Regional board")
        COMMITTEE = "committee", _("Committee")
        OTHER = "other", _("Other body")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("abbreviation"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMMITTEE)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Rank in the chain of decisions; 1 = regional council.")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members and readers"),
        blank=True,
        related_name="member_of_bodies",
        help_text=_(
            "People who read this body's plans, dashboards and reports when the committee pages are "
            "shown to members only."
        ),
    )

    class Meta:
        verbose_name = _("decision-making body")
        verbose_name_plural = _("decision-making bodies")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class OrganisationalUnit(models.Model):
    """A unit of the organisation tree: administration → division/area → department/unit."""

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        ADMINISTRATION = "administration", pgettext_lazy("organisational unit", "Administration")
        DIVISION = "division", _("Division")
        AREA = "area", _("Area")
        DEPARTMENT = "department", _("Department")
        UNIT = "unit", _("Unit")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.UNIT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    body = models.ForeignKey(
        Body,
        verbose_name=_("responsible body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
    )
    code = models.CharField(_("code"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Inactive units are kept for history."))
    reporters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporters"),
        blank=True,
        related_name="reporting_units",
        help_text=_("People in the reporter role who enter this unit's outcomes."),
    )

    class Meta:
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="unit_unique_name_under_parent",
                violation_error_message=_("A unit with this name already exists under the same parent."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A unit cannot be its own ancestor.")})
            ancestor = ancestor.parent


class Plan(models.Model):
    """A decided plan: the council's regionplan or a committee's yearly plan."""

    class Kind(models.TextChoices):
        REGIONPLAN = "regionplan", _("Regional plan")
        OPERATIONAL_PLAN = "verksamhetsplan", _("Operational plan")
        PLAN_WITH_BUDGET = "plan_med_budget", _("Plan with budget")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        DECIDED = "decided", _("Decided")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    body = models.ForeignKey(Body, verbose_name=_("owning body"), on_delete=models.PROTECT, related_name="plans")
    start_year = year_field(_("first year"))
    end_year = year_field(_("last year"))
    diary_number = models.CharField(_("diary number"), max_length=50, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_reference = models.CharField(
        _("decision reference"), max_length=100, blank=True, help_text=_("E.g. “§ 267”.")
    )
    revised_on = models.DateField(_("revised on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("implements plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="implementing_plans",
        help_text=_("The higher plan (usually the regionplan) this plan implements."),
    )
    introduction = models.TextField(_("introduction"), blank=True)
    planning_conditions = models.TextField(_("planning conditions"), blank=True)
    stated_result_goal_count = models.PositiveSmallIntegerField(
        _("stated number of goals"),
        null=True,
        blank=True,
        help_text=_("The number of goals the plan document itself states, kept for reconciliation."),
    )
    stated_measure_count = models.PositiveSmallIntegerField(
        _("stated number of measures"),
        null=True,
        blank=True,
        help_text=_("The number of measures the plan document itself states, kept for reconciliation."),
    )

    # Who changed a plan and why (a decided plan changes only with a reason).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-start_year", "body__order", "title"]
        constraints = [
            year_in_range("start_year", name="plan_start_year_in_range"),
            year_in_range("end_year", name="plan_end_year_in_range"),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="plan_years_ordered",
                violation_error_message=_("The last year cannot be before the first year."),
            ),
            models.UniqueConstraint(
                fields=["body", "kind", "start_year", "end_year"],
                name="plan_unique_per_body_kind_years",
                violation_error_message=_("This body already has a plan of this kind for these years."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def followed_years(self) -> range:
        """The years the plan's pages offer: its own and the year before (the base year of many
        targets). A link into the plan carries a period only of these years."""
        return range(self.start_year - 1, self.end_year + 1)

    @property
    def years_label(self) -> str:
        """ "2021" or "2021–2023"."""
        if self.start_year == self.end_year:
            return str(self.start_year)
        return f"{self.start_year}–{self.end_year}"


class GoalArea(models.Model):
    """A strategy, goal area (målområde) or perspective that groups a plan's goals."""

    class Kind(models.TextChoices):
        STRATEGY = "strategy", _("Strategy")
        GOAL_AREA = "goal_area", _("Goal area")
        PERSPECTIVE = "perspective", _("Perspective")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="goal_areas")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GOAL_AREA)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    political_intent = models.TextField(_("political intent"), blank=True)
    source_area = models.ForeignKey(
        "self",
        verbose_name=_("area in the higher plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="derived_areas",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    # A decided plan's goal area changes only with a reason, kept here with the former values.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal area")
        verbose_name_plural = _("goal areas")
        ordering = ["plan", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "name"],
                name="goal_area_unique_name_in_plan",
                violation_error_message=_("The plan already has a goal area with this name."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def choice_label(self) -> str:
        """The goal area in a list of choices: named with its plan, since every year's plan has a
        "Tillgänglighet" (goalplan.forms.PlanNamedChoiceField, the admin's search boxes)."""
        return f"{self.plan}: {self}"


class Goal(models.Model):
    """A goal of a plan: strategic goal, result goal, active goal, success factor or priority area."""

    class Kind(models.TextChoices):
        STRATEGIC_GOAL = "strategic_goal", _("Strategic goal")
        PRIORITY_AREA = "priority_area", _("Priority area")
        RESULT_GOAL = "result_goal", _("Result goal")
        ACTIVE_GOAL = "active_goal", _("Active goal")
        SUCCESS_FACTOR = "success_factor", _("Success factor")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="goals")
    goal_area = models.ForeignKey(
        GoalArea,
        verbose_name=_("goal area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("number"), max_length=20, blank=True)
    title = models.TextField(_("title"))
    description = models.TextField(
        _("description"), blank=True, help_text=_("Planned actions and background as written in the plan.")
    )
    measurement = models.TextField(
        _("how it is measured"), blank=True, help_text=_("The plan's “Mått” for goals without a numeric measure.")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("serves goal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The goal this one serves: in the same plan or in the higher plan (traceability)."),
    )
    shared_with = models.ManyToManyField(
        Body,
        verbose_name=_("shared responsibility with"),
        blank=True,
        related_name="shared_goals",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    analysis_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner of the analysis"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="analysed_goals",
        help_text=_("Who writes the goal's analysis at each follow-up."),
    )

    # Moving a goal to another plan carries its assessments: kept with the reason.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["plan", "goal_area__order", "order", "pk"]
        indexes = [models.Index(fields=["plan", "kind"])]

    def __str__(self):
        return self.title if len(self.title) <= 120 else self.title[:117] + "…"

    @property
    def choice_label(self) -> str:
        """The goal in a list of choices, named with its plan (as GoalArea.choice_label)."""
        return f"{self.plan}: {self}"

    def clean(self):
        if self.goal_area_id and self.plan_id and self.goal_area.plan_id != self.plan_id:
            raise ValidationError({"goal_area": _("The goal area belongs to another plan.")})
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A goal cannot serve itself.")})


class GoalAssessment(PeriodFields):
    """A qualitative judgement of a goal for a follow-up period (for goals without numbers)."""

    goal = models.ForeignKey(Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="assessments")
    status = models.CharField(_("status"), max_length=10, choices=ASSESSMENT_STATUS_CHOICES, default=Status.MISSING)
    result = models.TextField(
        _("result"),
        blank=True,
        help_text=_("The measured result, if any, as reported (e.g. “0,5 dagar lägre än riket”)."),
    )
    comment = models.TextField(_("comment"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal assessment")
        verbose_name_plural = _("goal assessments")
        ordering = ["goal", "-year", "period_kind", "-period_number"]
        constraints = [
            year_in_range("year", name="goal_assessment_year_in_range"),
            period_number_valid(name="goal_assessment_period_valid"),
            models.UniqueConstraint(
                fields=["goal", "year", "period_kind", "period_number"],
                name="goal_assessment_unique_per_period",
                violation_error_message=_("This goal already has an assessment for this period."),
            ),
        ]

    def __str__(self):
        return f"{self.goal} – {self.period_label}"

    @property
    def status_value(self) -> Status:
        """The status as the Status choice (symbol, word, colour)."""
        return Status(self.status)


class Assignment(models.Model):
    """An assignment (uppdrag) given in a plan, with the body that decided it."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="assignments")
    goal_area = models.ForeignKey(
        GoalArea,
        verbose_name=_("goal area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    text = models.TextField(_("assignment"))
    decided_by = models.ForeignKey(
        Body, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="assignments"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    # A decided plan's assignment changes only with a reason, kept here with the former values.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["plan", "goal_area__order", "order", "pk"]

    def __str__(self):
        return self.text if len(self.text) <= 120 else self.text[:117] + "…"

    def clean(self):
        if self.goal_area_id and self.plan_id and self.goal_area.plan_id != self.plan_id:
            raise ValidationError({"goal_area": _("The goal area belongs to another plan.")})


class AssignmentFollowUp(PeriodFields):
    """How an assignment stands at a follow-up period: status and comment."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    status = models.CharField(_("status"), max_length=10, choices=ASSESSMENT_STATUS_CHOICES, default=Status.MISSING)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("assignment follow-up")
        verbose_name_plural = _("assignment follow-ups")
        ordering = ["assignment", "-year", "-period_number"]
        constraints = [
            year_in_range("year", name="assignment_follow_up_year_in_range"),
            period_number_valid(name="assignment_follow_up_period_valid"),
            models.UniqueConstraint(
                fields=["assignment", "year", "period_kind", "period_number"],
                name="assignment_follow_up_unique_per_period",
                violation_error_message=_("This assignment already has a follow-up for this period."),
            ),
        ]

    def __str__(self):
        return f"{self.assignment} – {self.period_label}"
