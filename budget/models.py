"""Budget frames, lines per unit and account group, frame changes, investments and savings plans.

Every amount is stored in thousands of kronor (tkr), exactly; the unit the source document
used (tkr or mkr) is kept beside it so the figure can be shown as it was decided.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from goalplan.models import Body, OrganisationalUnit, Plan, year_field, year_in_range


class AmountUnit(models.TextChoices):
    """The unit an amount was stated in by its source."""

    TKR = "tkr", _("tkr (thousand SEK)")
    MKR = "mkr", _("mkr (million SEK)")


AMOUNT_FIELD = {"max_digits": 16, "decimal_places": 1}


def amount_field(verbose_name, **kwargs) -> models.DecimalField:
    """An amount in tkr with one decimal (0,1 tkr = 100 kr covers every figure in the plans)."""
    return models.DecimalField(verbose_name, **AMOUNT_FIELD, **kwargs)


class AccountGroup(models.Model):
    """A group of accounts in the chart of accounts, e.g. Personnel (40-45)."""

    class Kind(models.TextChoices):
        INCOME = "income", _("Income")
        COST = "cost", _("Cost")

    name = models.CharField(_("name"), max_length=150, unique=True)
    accounts = models.CharField(_("accounts"), max_length=100, blank=True, help_text=_("E.g. “40-45”."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    is_internal = models.BooleanField(_("internal"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("account group")
        verbose_name_plural = _("account groups")
        ordering = ["order", "name"]

    def __str__(self):
        return f"{self.name} ({self.accounts})" if self.accounts else self.name


class BudgetFrame(models.Model):
    """A body's net budget frame for a year as decided in a plan."""

    class Stage(models.TextChoices):
        BUDGET = "budget", _("Budget")
        PLAN = "plan", _("Plan (later year)")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="budget_frames")
    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="budget_frames")
    year = year_field(_("year"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.BUDGET)
    net_frame_tkr = amount_field(_("net frame (tkr)"), null=True, blank=True)
    officials_budget_tkr = amount_field(_("officials' budget (tkr)"), null=True, blank=True)
    elected_budget_tkr = amount_field(_("elected representatives' budget (tkr)"), null=True, blank=True)
    source_unit = models.CharField(
        _("unit in source"), max_length=3, choices=AmountUnit.choices, default=AmountUnit.TKR
    )
    note = models.TextField(_("note"), blank=True)

    # Moving a frame to another plan or year carries its lines: kept with the reason.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget frame")
        verbose_name_plural = _("budget frames")
        ordering = ["plan", "body__order", "year"]
        constraints = [
            year_in_range("year", name="budget_frame_year_in_range"),
            models.UniqueConstraint(
                fields=["plan", "body", "year"],
                name="budget_frame_unique_per_plan_body_year",
                violation_error_message=_("The plan already has a frame for this body and year."),
            ),
        ]

    def __str__(self):
        return f"{self.body} {self.year}"


class BudgetLine(models.Model):
    """An amount of a frame for one account group, for one unit or (unit empty) the whole body."""

    class Part(models.TextChoices):
        OFFICIALS = "officials", _("Officials' budget")
        ELECTED = "elected", _("Elected representatives' budget")

    frame = models.ForeignKey(BudgetFrame, verbose_name=_("frame"), on_delete=models.CASCADE, related_name="lines")
    unit = models.ForeignKey(
        OrganisationalUnit,
        verbose_name=_("organisational unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        help_text=_("Empty: the line is the body's total for the account group."),
    )
    account_group = models.ForeignKey(
        AccountGroup, verbose_name=_("account group"), on_delete=models.PROTECT, related_name="lines"
    )
    part = models.CharField(_("part"), max_length=10, choices=Part.choices, default=Part.OFFICIALS)
    amount_tkr = amount_field(_("amount (tkr)"))
    source_unit = models.CharField(
        _("unit in source"), max_length=3, choices=AmountUnit.choices, default=AmountUnit.TKR
    )
    source_text = models.CharField(
        _("as written"),
        max_length=50,
        blank=True,
        help_text=_("The figure as printed in the source, e.g. “-2 194 727”."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["frame", "unit__name", "account_group__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["frame", "account_group", "part"],
                condition=Q(unit__isnull=True),
                name="budget_line_unique_total",
                violation_error_message=_("The frame already has a total line for this account group."),
            ),
            models.UniqueConstraint(
                fields=["frame", "unit", "account_group", "part"],
                condition=Q(unit__isnull=False),
                name="budget_line_unique_per_unit",
                violation_error_message=_("The frame already has a line for this unit and account group."),
            ),
        ]

    def __str__(self):
        return f"{self.frame} – {self.unit or _('Total')} – {self.account_group}"


class BudgetOutcome(models.Model):
    """Monthly budget follow-up of a line: outcome year to date and full-year forecast."""

    line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.CASCADE, related_name="outcomes"
    )
    month = models.PositiveSmallIntegerField(_("month"))
    outcome_tkr = amount_field(_("outcome year to date (tkr)"), null=True, blank=True)
    forecast_tkr = amount_field(_("full-year forecast (tkr)"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # A locked month's budget outcome changes only with a reason, kept here.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget outcome")
        verbose_name_plural = _("budget outcomes")
        ordering = ["line", "month"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12),
                name="budget_outcome_month_valid",
                violation_error_message=_("The month must be 1–12."),
            ),
            models.UniqueConstraint(
                fields=["line", "month"],
                name="budget_outcome_unique_per_month",
                violation_error_message=_("This line already has an outcome for this month."),
            ),
        ]

    def __str__(self):
        return f"{self.line} – {self.month}"


class FrameChange(models.Model):
    """A change to a frame: reallocation (omdisponering), indexation (uppräkning), grant, saving."""

    class Kind(models.TextChoices):
        REALLOCATION = "reallocation", _("Reallocation")
        INDEXATION = "indexation", _("Indexation")
        GRANT = "grant", _("Government grant")
        INVESTMENT_IN_STAFF = "staff", _("Staff initiative")
        EXPANSION = "expansion", _("Expansion")
        OTHER = "other", _("Other change")

    frame = models.ForeignKey(BudgetFrame, verbose_name=_("frame"), on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount_tkr = amount_field(_("amount (tkr)"), null=True, blank=True)
    percent = models.DecimalField(_("percent"), max_digits=6, decimal_places=2, null=True, blank=True)
    source_unit = models.CharField(
        _("unit in source"), max_length=3, choices=AmountUnit.choices, default=AmountUnit.MKR
    )
    counterpart = models.ForeignKey(
        Body,
        verbose_name=_("counterpart body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The body money is moved to or from."),
    )
    unit = models.ForeignKey(
        OrganisationalUnit,
        verbose_name=_("organisational unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of change"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="parts",
        help_text=_("For a “varav” breakdown of a larger change."),
    )
    text = models.TextField(_("description"))
    reference = models.CharField(_("decision reference"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    # Decided with the plan: changes only with a reason, kept here with the former values.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("frame change")
        verbose_name_plural = _("frame changes")
        ordering = ["frame", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_tkr__isnull=False) | Q(percent__isnull=False) | ~Q(text=""),
                name="frame_change_has_content",
                violation_error_message=_("A frame change needs an amount, a percentage or a description."),
            ),
        ]

    def __str__(self):
        return self.text if len(self.text) <= 100 else self.text[:97] + "…"


class Investment(models.Model):
    """A planned investment: object, new or reinvestment, which body holds it, amount."""

    class Kind(models.TextChoices):
        NEW = "new", _("New investment")
        REINVESTMENT = "reinvestment", _("Reinvestment")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="investments")
    year = year_field(_("year"))
    unit_name = models.CharField(_("area/department/unit"), max_length=200)
    unit = models.ForeignKey(
        OrganisationalUnit,
        verbose_name=_("organisational unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="investments",
    )
    object_name = models.CharField(_("object"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    holder = models.ForeignKey(
        Body,
        verbose_name=_("holding body"),
        on_delete=models.PROTECT,
        related_name="investments",
        help_text=_("The body that holds the investment budget and depreciation."),
    )
    holder_via = models.CharField(
        _("via"), max_length=100, blank=True, help_text=_("E.g. “MTA” or “IT-avd.” when another body holds it.")
    )
    amount_tkr = amount_field(_("amount (tkr)"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    # Decided with the plan: changes only with a reason, kept here with the former values.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("investment")
        verbose_name_plural = _("investments")
        ordering = ["plan", "year", "order", "pk"]
        constraints = [
            year_in_range("year", name="investment_year_in_range"),
            models.CheckConstraint(
                condition=Q(amount_tkr__gte=0),
                name="investment_amount_not_negative",
                violation_error_message=_("An investment amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.unit_name}: {self.object_name}" if self.object_name else self.unit_name


class SavingsMeasure(models.Model):
    """A measure in the plan's savings/action plan for a balanced economy (åtgärdsplan)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="savings_measures")
    title = models.CharField(pgettext_lazy("savings plan", "measure"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    consequences = models.TextField(_("consequences"), blank=True)
    reference = models.CharField(_("decision reference"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    # Decided with the plan: changes only with a reason, kept here with the former values.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("savings measure")
        verbose_name_plural = _("savings measures")
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return self.title


class SavingsEffect(models.Model):
    """The economic effect (and any target) of a savings measure in one year."""

    measure = models.ForeignKey(
        SavingsMeasure, verbose_name=_("savings measure"), on_delete=models.CASCADE, related_name="effects"
    )
    year = year_field(_("year"))
    amount_tkr = amount_field(_("effect (tkr)"), null=True, blank=True)
    source_unit = models.CharField(
        _("unit in source"), max_length=3, choices=AmountUnit.choices, default=AmountUnit.MKR
    )
    target = models.CharField(
        pgettext_lazy("savings plan", "target"), max_length=100, blank=True, help_text=_("E.g. “Mål 95 %”.")
    )
    outcome_tkr = amount_field(_("achieved effect (tkr)"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    # The planned effect is decided with the plan: changed only with a reason, kept here.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("savings effect")
        verbose_name_plural = _("savings effects")
        ordering = ["measure", "year"]
        constraints = [
            year_in_range("year", name="savings_effect_year_in_range"),
            models.UniqueConstraint(
                fields=["measure", "year"],
                name="savings_effect_unique_per_year",
                violation_error_message=_("This measure already has an effect for this year."),
            ),
        ]

    def __str__(self):
        return f"{self.measure} {self.year}"

    def clean(self):
        if self.amount_tkr is None and not self.target:
            raise ValidationError(_("Enter an effect or a target."))
