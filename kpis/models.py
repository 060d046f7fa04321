"""Measures (mätetal, nyckeltal), their targets, outcomes and national comparison values."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from goalplan.choices import ASSESSMENT_STATUS_CHOICES, Sex, Status
from goalplan.models import (
    Body,
    Goal,
    GoalArea,
    OrganisationalUnit,
    PeriodFields,
    Plan,
    period_number_valid,
    year_field,
    year_in_range,
)
from kpis.access import REASON_MAX_LENGTH
from kpis.formatting import format_number
from kpis.triggers import INDICATOR_SCOPE_BASE, UNIT_SCOPE_FACTOR
from kpis.wording import implied_sign


class Kind(models.TextChoices):
    MEASURE = "measure", _("Measure")
    KEY_INDICATOR = "key_indicator", _("Key indicator")
    FINANCIAL_GOAL = "financial_goal", _("Financial goal")


class Horizon(models.TextChoices):
    SHORT_TERM = "short", _("Short-term")
    LONG_TERM = "long", _("Long-term")


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher", _("Higher is better")
    LOWER_IS_BETTER = "lower", _("Lower is better")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    TERTIAL = "tertial", _("Per tertial")
    YEARLY = "yearly", _("Yearly")


class Aggregation(models.TextChoices):
    LATEST = "latest", _("Latest value (point in time)")
    SUM_YEAR_TO_DATE = "ytd_sum", _("Cumulative sum year to date")
    MEAN_YEAR_TO_DATE = "ytd_mean", _("Mean year to date")
    ROLLING_12_SUM = "r12_sum", _("Rolling 12 months, sum")
    ROLLING_12_MEAN = "r12_mean", _("Rolling 12 months, mean")
    WEIGHTED_MEAN = "weighted_mean", _("Count-weighted mean")


class IndicatorDefinition(models.Model):
    """How a figure is formed: what an indicator is, and what a library template makes one with."""

    Direction = Direction
    Frequency = Frequency
    Aggregation = Aggregation

    description = models.TextField(_("definition"), blank=True, help_text=_("How and where it is measured."))
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("E.g. %, minuter, antal, tkr."))
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=0)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER_IS_BETTER
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    aggregation = models.CharField(
        _("period value"),
        max_length=20,
        choices=Aggregation.choices,
        default=Aggregation.LATEST,
        help_text=_("How the value for a longer period is formed from monthly outcomes."),
    )
    split_by_sex = models.BooleanField(_("split by sex"), default=False)
    source = models.CharField(_("source"), max_length=200, blank=True)
    kolada_id = models.CharField(_("Kolada id"), max_length=20, blank=True, db_index=True)

    class Meta:
        abstract = True


# What a measure reads from its indicator, and a template gives the indicators it makes.
DEFINITION_FIELDS = ("unit", "decimals", "direction", "frequency", "aggregation", "split_by_sex", "source", "kolada_id")


class Indicator(IndicatorDefinition):
    """What is measured (nyckeltal), independent of plans: its outcomes, comparison values and
    status overrides belong here, so a figure keeps its series from plan to plan and is entered
    once however many plans follow it."""

    code = models.CharField(
        _("code"),
        max_length=30,
        blank=True,
        help_text=_("A short code that import files and the entry page can name the indicator by, e.g. VG-90-BESOK."),
    )
    name = models.TextField(_("name"), help_text=_("What is measured, in the words used across plans."))
    responsible_unit = models.ForeignKey(
        OrganisationalUnit,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        help_text=_(
            "The organisational unit whose figure this is (empty: the whole scope of the plans that adopt it)."
        ),
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_indicators",
        help_text=_("Who answers for the figure: reminded of the whole plan's figure when it is missing."),
    )
    reported_per_unit = models.BooleanField(
        _("reported per unit"),
        default=False,
        help_text=_("Each unit of the plan's body reports its own figure in every round (not only the whole plan)."),
    )

    # A decided plan's statuses follow its indicators' direction and period value: kept with the reason.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decimals__lte=4),
                name="indicator_decimals_at_most_4",
                violation_error_message=_("An indicator can have at most 4 decimals."),
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="indicator_unique_code",
                violation_error_message=_("Another indicator already has this code."),
            ),
        ]

    def __str__(self):
        label = f"{self.code} {self.name}" if self.code else self.name
        return label if len(label) <= 120 else label[:117] + "…"


def _definition(name: str) -> property:
    """measure.unit, measure.decimals, … are the indicator's. Before a new measure has an
    indicator they are kept aside and become the indicator made for it on save (see Measure.save)."""

    def read(measure):
        if measure.indicator_id is not None or "indicator" in measure._state.fields_cache:
            return getattr(measure.indicator, name)
        return measure.__dict__.get("_definition", {}).get(name, Indicator._meta.get_field(name).get_default())

    def write(measure, value):
        if measure.indicator_id is not None or "indicator" in measure._state.fields_cache:
            setattr(measure.indicator, name, value)
            measure._indicator_changed = True
        else:
            measure.__dict__.setdefault("_definition", {})[name] = value

    return property(read, write)


class MeasureManager(models.Manager):
    def get_queryset(self):
        # Every reader of a measure asks for its unit, decimals or direction: one join, not N queries.
        return super().get_queryset().select_related("indicator")

    def plans_by_indicator(self, indicator_ids) -> dict[int, set[int]]:
        """The plans adopting each of these indicators, whoever reads them (one query): the plans
        their figures feed, whose approved months lock them and whose pages show them."""
        plans: dict[int, set[int]] = {}
        for indicator_id, plan_id in (
            super().get_queryset().filter(indicator_id__in=list(indicator_ids)).values_list("indicator_id", "plan_id")
        ):
            plans.setdefault(indicator_id, set()).add(plan_id)
        return plans


class Measure(models.Model):
    """An indicator adopted in a plan: where the plan places it, how it words it, who decided it,
    and (through Target) what the plan asks of it each year."""

    # The order a plan document lists its measures in: by goal area, then goal, then the measure's
    # own place (every page and export of a plan reads them so).
    DOCUMENT_ORDER = ("goal_area__order", "goal_area__pk", "goal__order", "goal__pk", "order", "pk")

    Kind = Kind
    Horizon = Horizon
    Direction = Direction
    Frequency = Frequency
    Aggregation = Aggregation

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="measures")
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="measures",
        help_text=_("What is measured; plans that adopt the same indicator share its outcomes."),
    )
    goal_area = models.ForeignKey(
        GoalArea, verbose_name=_("goal area"), on_delete=models.PROTECT, null=True, blank=True, related_name="measures"
    )
    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.PROTECT, null=True, blank=True, related_name="measures"
    )
    code = models.CharField(_("number"), max_length=20, blank=True)
    name = models.TextField(_("name"), help_text=_("The measure as worded in the plan."))
    short_name = models.CharField(_("short name"), max_length=150, blank=True)
    description = models.TextField(
        _("note"), blank=True, help_text=_("Notes in the plan, e.g. how and where it is measured.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEASURE)
    horizon = models.CharField(_("horizon"), max_length=10, choices=Horizon.choices, default=Horizon.SHORT_TERM)
    decided_by = models.ForeignKey(
        Body, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="measures"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    unit = _definition("unit")
    decimals = _definition("decimals")
    direction = _definition("direction")
    frequency = _definition("frequency")
    aggregation = _definition("aggregation")
    split_by_sex = _definition("split_by_sex")
    source = _definition("source")
    kolada_id = _definition("kolada_id")

    objects = MeasureManager()

    # Moving a measure to another plan carries its targets: kept with the reason.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["plan", "goal_area__order", "goal__order", "order", "pk"]
        base_manager_name = "objects"

    def __str__(self):
        label = self.short_name or self.name
        return label if len(label) <= 120 else label[:117] + "…"

    def save(self, *args, **kwargs):
        if self.indicator_id is None and "indicator" not in self._state.fields_cache:
            # A measure typed without choosing an indicator measures something new: its own indicator.
            self.indicator = Indicator.objects.create(
                name=self.short_name or self.name, **self.__dict__.pop("_definition", {})
            )
        elif self.__dict__.pop("_indicator_changed", False):
            self.indicator.save()
        super().save(*args, **kwargs)

    def clean(self):
        if self.goal_id and self.plan_id and self.goal.plan_id != self.plan_id:
            raise ValidationError({"goal": _("The goal belongs to another plan.")})
        if self.goal_area_id and self.plan_id and self.goal_area.plan_id != self.plan_id:
            raise ValidationError({"goal_area": _("The goal area belongs to another plan.")})

    @property
    def sexes(self) -> list[str]:
        """The sexes its figures are reported for: T, and K and M when split by sex."""
        return [Sex.TOTAL, Sex.WOMEN, Sex.MEN] if self.split_by_sex else [Sex.TOTAL]


class TargetKind(models.TextChoices):
    """The forms a target value takes in the plans."""

    AT_LEAST = "at_least", _("At least (≥)")
    MORE_THAN = "more_than", _("More than (>)")
    AT_MOST = "at_most", _("At most (≤)")
    LESS_THAN = "less_than", _("Less than (<)")
    CHANGE_FROM_BASE_YEAR = "change_from_base", _("Relative change from a base year (%)")
    LOWER_THAN_YEAR = "lower_than_year", _("Lower than the outcome of a year")
    HIGHER_THAN_YEAR = "higher_than_year", _("Higher than the outcome of a year")
    ACCOMPLISHED = "accomplished", _("Accomplished yes/no")
    RELATIVE_TO_NATIONAL = "vs_national", _("Relative to the national value")
    WORDING_ONLY = "wording_only", _("Wording only (not evaluated)")


TARGET_KINDS_WITH_VALUE = (
    TargetKind.AT_LEAST,
    TargetKind.MORE_THAN,
    TargetKind.AT_MOST,
    TargetKind.LESS_THAN,
    TargetKind.CHANGE_FROM_BASE_YEAR,
    TargetKind.RELATIVE_TO_NATIONAL,
)
TARGET_KINDS_WITH_BASE_YEAR = (
    TargetKind.CHANGE_FROM_BASE_YEAR,
    TargetKind.LOWER_THAN_YEAR,
    TargetKind.HIGHER_THAN_YEAR,
)
# Targets that name a year to compare with ("Lägre än 2025"): next year's plan compares with the
# year after, as the plans word it year by year.
TARGET_KINDS_RELATIVE_TO_A_YEAR = (TargetKind.LOWER_THAN_YEAR, TargetKind.HIGHER_THAN_YEAR)


class Target(models.Model):
    """A measure's target value for a year, in one of the forms the plans use."""

    Kind = TargetKind

    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="targets")
    year = year_field(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    value = models.DecimalField(_("target value"), max_digits=16, decimal_places=4, null=True, blank=True)
    base_year = year_field(_("base year"), null=True, blank=True)
    base_value = models.DecimalField(
        _("base value"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("The base year's value when the plan states it (e.g. 867 ton 2018)."),
    )
    wording = models.CharField(
        _("wording"), max_length=300, help_text=_("The target exactly as written, e.g. “Minst 88 %”.")
    )
    tolerance = models.DecimalField(
        _("tolerance for yellow"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "How far short of the target's limit (in the measure's unit, e.g. 10 for 10 ton) still counts as "
            "close (yellow). Empty: KPI_YELLOW_TOLERANCE_PERCENT per cent of the limit (5 % by default)."
        ),
    )
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        Body, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="targets"
    )
    decision_reference = models.CharField(_("decision reference"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["measure", "year"]
        constraints = [
            year_in_range("year", name="target_year_in_range"),
            models.UniqueConstraint(
                fields=["measure", "year"],
                name="target_unique_per_measure_year",
                violation_error_message=_("This measure already has a target for this year."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=TARGET_KINDS_WITH_VALUE) | Q(value__isnull=False),
                name="target_value_required_for_kind",
                violation_error_message=_("This kind of target needs a target value."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=TARGET_KINDS_WITH_BASE_YEAR) | Q(base_year__isnull=False),
                name="target_base_year_required_for_kind",
                violation_error_message=_("This kind of target needs a base year."),
            ),
            models.CheckConstraint(
                condition=Q(tolerance__isnull=True) | Q(tolerance__gte=0),
                name="target_tolerance_not_negative",
                violation_error_message=_("The tolerance cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.wording} ({self.year})"

    def clean(self):
        # "-10 % jämfört med 2018" stored as +10 would ask for a rise: refuse a sign the wording
        # contradicts (see kpis.status.targets for what each sign means in each direction).
        if self.kind == TargetKind.CHANGE_FROM_BASE_YEAR and self.value is not None and self.value != 0:
            sign = implied_sign(self.wording or "")
            if sign is not None and (self.value > 0) != (sign > 0):
                raise ValidationError(
                    {
                        "value": _(
                            "The wording “%(wording)s” asks for a %(way)s, but the target value %(value)s says the opposite."
                        )
                        % {
                            "wording": self.wording,
                            "way": _("reduction") if sign < 0 else _("increase"),
                            "value": format_number(
                                self.value.normalize(), max(-self.value.normalize().as_tuple().exponent, 0)
                            ),
                        }
                    }
                )


def unique_per_indicator_period_unit_sex(
    prefix: str, *, without_unit: str, with_unit: str
) -> list[models.UniqueConstraint]:
    """One row per indicator, period, unit and sex.

    Two partial constraints instead of one: NULL units are distinct in SQL, and NULLS NOT
    DISTINCT is not available on SQLite.
    """
    return [
        models.UniqueConstraint(
            fields=["indicator", "year", "period_kind", "period_number", "sex"],
            condition=Q(unit__isnull=True),
            name=f"{prefix}_unique_without_unit",
            violation_error_message=without_unit,
        ),
        models.UniqueConstraint(
            fields=["indicator", "unit", "year", "period_kind", "period_number", "sex"],
            condition=Q(unit__isnull=False),
            name=f"{prefix}_unique_with_unit",
            violation_error_message=with_unit,
        ),
    ]


class Outcome(PeriodFields):
    """A measured value (utfall) of an indicator for a period, optional unit and sex: every plan
    that adopts the indicator shows it, each against its own targets."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="outcomes"
    )
    unit = models.ForeignKey(
        OrganisationalUnit,
        verbose_name=_("organisational unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcomes",
        help_text=_("Empty for the whole plan's scope."),
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.TOTAL)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True, blank=True)
    accomplished = models.BooleanField(_("accomplished"), null=True, blank=True)
    count = models.PositiveIntegerField(
        _("count"), null=True, blank=True, help_text=_("Number of cases behind the value, for weighted means.")
    )
    comment = models.TextField(_("comment"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Raised on every save; guards against lost updates.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["indicator", "-year", "period_kind", "-period_number", "unit", "sex"]
        indexes = [
            models.Index(fields=["indicator", "year", "period_kind", "period_number"]),
            # The whole scope's figures, which every dashboard, goal page and report reads: the
            # index alone answers the status engine's sums and the sparklines (an index-only scan
            # instead of a heap page per outcome among a region's units). The unit (always NULL
            # here) is in it because the queries select it; key columns rather than INCLUDE so
            # that SQLite builds the same index.
            models.Index(
                fields=[
                    "indicator",
                    "period_kind",
                    "year",
                    "period_number",
                    "sex",
                    "unit",
                    "value",
                    "count",
                    "accomplished",
                ],
                condition=Q(unit__isnull=True),
                name="outcome_whole_scope_covering",
            ),
        ]
        constraints = [
            year_in_range("year", name="outcome_year_in_range"),
            period_number_valid(name="outcome_period_valid"),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(accomplished__isnull=False),
                name="outcome_has_value",
                violation_error_message=_("Enter a value or whether it was accomplished."),
            ),
            *unique_per_indicator_period_unit_sex(
                "outcome",
                without_unit=_("There is already an outcome for this indicator, period and sex (whole scope)."),
                with_unit=_("There is already an outcome for this indicator, period, unit and sex."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator} – {self.period_label}"

    def clean(self):
        if self.sex != Sex.TOTAL and self.indicator_id and not self.indicator.split_by_sex:
            raise ValidationError({"sex": _("This indicator is not split by sex; use Total.")})


class NationalValue(PeriodFields):
    """A comparison value for an indicator: the national figure (riket) or another region's."""

    NATIONAL_AREA_CODE = "0000"

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="national_values"
    )
    area_code = models.CharField(_("area code"), max_length=10, default=NATIONAL_AREA_CODE)
    area_name = models.CharField(_("area"), max_length=100, default="Riket")
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.TOTAL)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("comparison value")
        verbose_name_plural = _("comparison values")
        ordering = ["indicator", "-year", "-period_number", "area_code", "sex"]
        constraints = [
            year_in_range("year", name="national_value_year_in_range"),
            period_number_valid(name="national_value_period_valid"),
            models.UniqueConstraint(
                fields=["indicator", "area_code", "year", "period_kind", "period_number", "sex"],
                name="national_value_unique_per_period",
                violation_error_message=_(
                    "There is already a comparison value for this indicator, area, period and sex."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.indicator} – {self.area_name} {self.period_label}"


class StatusOverride(PeriodFields):
    """A person's judgement that replaces the computed status of an indicator for a period.

    The seeds' yellow ("rätt åtgärder är planerade och/eller påbörjade") is a judgement, not
    arithmetic; it is recorded here, always with the reason, and shown beside the computed status.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="status_overrides"
    )
    unit = models.ForeignKey(
        OrganisationalUnit,
        verbose_name=_("organisational unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the whole plan's scope."),
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.TOTAL)
    status = models.CharField(
        _("status"), max_length=10, choices=[c for c in ASSESSMENT_STATUS_CHOICES if c[0] != Status.MISSING]
    )
    comment = models.TextField(_("reason"), help_text=_("Why the status differs from the computed one (required)."))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # A locked override changes only with a reason, kept here.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("status override")
        verbose_name_plural = _("status overrides")
        ordering = ["indicator", "-year", "period_kind", "-period_number"]
        constraints = [
            year_in_range("year", name="status_override_year_in_range"),
            period_number_valid(name="status_override_period_valid"),
            models.CheckConstraint(
                condition=~Q(comment=""),
                name="status_override_has_reason",
                violation_error_message=_("A status set by hand needs a reason."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[Status.GREEN, Status.YELLOW, Status.RED]),
                name="status_override_known_status",
                violation_error_message=_("Set green, yellow or red; missing data cannot be set by hand."),
            ),
            *unique_per_indicator_period_unit_sex(
                "status_override",
                without_unit=_("This indicator already has a status set by hand for this period and sex."),
                with_unit=_("This indicator already has a status set by hand for this period, unit and sex."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator} – {self.period_label}: {Status(self.status).label}"


class IndicatorTemplate(IndicatorDefinition):
    """A standard indicator of the measure library (e.g. the national care guarantee), with the
    target it usually has: an administrator adopts it into a plan, for the whole scope or per
    division, in one action (kpis.planning). Templates are data (fixtures/60_library.json)."""

    group = models.CharField(_("group"), max_length=100, help_text=_("E.g. “Vårdgaranti 0-3-90-90”."))
    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        help_text=_("The code of the indicator it makes; per division the division's code is added."),
    )
    name = models.TextField(_("name"))
    target_kind = models.CharField(_("usual target kind"), max_length=20, choices=TargetKind.choices)
    target_value = models.DecimalField(_("usual target value"), max_digits=16, decimal_places=4, null=True, blank=True)
    target_wording = models.CharField(_("usual target wording"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("measure template")
        verbose_name_plural = _("measure templates")
        ordering = ["group", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target_kind__in=TARGET_KINDS_WITH_VALUE) | Q(target_value__isnull=False),
                name="indicator_template_target_value_required_for_kind",
                violation_error_message=_("This kind of target needs a target value."),
            ),
        ]

    def __str__(self):
        return f"{self.group}: {self.name}"


class DataVersion(models.Model):
    """A version of the data the committee pages read, bumped by database triggers (kpis.triggers).

    Scope 0 is the version of everything shared by all plans (plans, goals, units, indicators,
    bodies, reports); a positive scope under 2⁶² is a plan's id, moved by writes to that plan's
    measures, targets and goal assessments; 2⁶² + indicator id the figures of an indicator (every
    unit's); −plan id the plan's whole scope, moved by the plan's writes and the whole scope's
    figures of the indicators it adopts; −(plan id × 2³² + unit id) one unit's figures in the
    plan. Cached
    pages are keyed by these versions (kpis.cache). Only the triggers write rows: a row for a plan
    appears with its first change. The values are not data to back up (see README, *Backups*).
    """

    GLOBAL_SCOPE = 0

    scope = models.BigIntegerField(_("scope"), primary_key=True)
    version = models.BigIntegerField(_("version"))

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")
        default_permissions = ()

    def __str__(self):
        return f"{self.scope}: {self.version}"

    @staticmethod
    def whole_scope_of(plan_id: int) -> int:
        return -plan_id

    @staticmethod
    def indicator_scope_of(indicator_id: int) -> int:
        """The version of an indicator's figures, every unit's (see kpis.triggers)."""
        return INDICATOR_SCOPE_BASE + indicator_id

    @staticmethod
    def unit_scope_of(plan_id: int, unit_id: int) -> int:
        """The version of one unit's figures in a plan (see kpis.triggers)."""
        return -(plan_id * UNIT_SCOPE_FACTOR + unit_id)


class PendingImportQuerySet(models.QuerySet):
    def of(self, user) -> PendingImportQuerySet:
        """The uploads a person may see and confirm: their own, whoever else they are."""
        return self.filter(uploaded_by=user) if user is not None and user.pk is not None else self.none()

    def expired(self, *, now=None) -> PendingImportQuerySet:
        """Uploads older than ``IMPORT_PENDING_SECONDS``: their preview no longer holds."""
        return self.filter(uploaded_at__lt=(now or timezone.now()) - PendingImport.lifetime())

    def store(self, *, user, file_name: str, content: bytes, reason: str = "") -> PendingImport:
        """Keep a previewed file for its uploader's confirmation, in place of their previous one;
        everybody's expired ones go, so the table holds at most one file per person."""
        with transaction.atomic():
            self.expired().delete()
            self.of(user).delete()
            return self.create(
                uploaded_by=user,
                file_name=file_name,
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
                reason=reason,
            )


class PendingImport(models.Model):
    """A file uploaded for import (outcomes, or a spreadsheet through the admin's Importera
    button), kept between its preview and its confirmation.

    In the database rather than on an app server's disk: the confirmation may reach any app
    server. Only the person who uploaded it sees or confirms it, once, within
    ``IMPORT_PENDING_SECONDS`` (kpis/pending_imports.py, kpis/admin_imports.py). Deliberately not
    in the admin. ``reason`` is the outcome import's; a spreadsheet's travels in its confirm form.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, help_text=_("Of the content, to tell the file apart."))
    reason = models.CharField(_("reason"), max_length=REASON_MAX_LENGTH, blank=True)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")
        ordering = ["-uploaded_at"]
        # Nobody is granted rights to browse other people's uploads: there is nothing to grant.
        default_permissions = ()

    def __str__(self):
        return self.file_name

    @staticmethod
    def lifetime() -> timedelta:
        return timedelta(seconds=settings.IMPORT_PENDING_SECONDS)

    def has_expired(self, *, now=None) -> bool:
        return self.uploaded_at < (now or timezone.now()) - self.lifetime()
