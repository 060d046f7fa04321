"""Forms for entering outcomes in the admin."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from config.admin_forms import GuardedModelForm, row_numbers_only
from goalplan import widgets
from goalplan.choices import Sex
from goalplan.forms import PlanNamedChoiceField, PlanScopedChoicesMixin
from goalplan.models import MAX_YEAR, MIN_YEAR, GoalArea, OrganisationalUnit, Plan
from goalplan.periods import Period, PeriodKind
from goalplan.selectors import units_of_plan
from kpis.access import REASON_MAX_LENGTH
from kpis.models import Measure, Outcome
from kpis.uploads import checked_upload

# Spaces people type as thousands separators: ordinary, no-break and narrow no-break.
THOUSANDS_SPACES = (" ", "\xa0", "\u202f")


def parse_swedish_decimal(text: str) -> Decimal | None:
    """A number as Swedes type it ("1 234,5", "82,0 %", "−0,7", also "1234.5"); None when empty.

    Raises InvalidOperation when the text is not a number.
    """
    value = text.strip().removesuffix("%").strip()
    for space in THOUSANDS_SPACES:
        value = value.replace(space, "")
    value = value.replace(",", ".").replace("−", "-")
    if not value:
        return None
    number = Decimal(value)
    if not number.is_finite():
        raise InvalidOperation(text)
    return number


class SwedishDecimalInput(widgets.TextInput):
    """Shows a stored decimal the Swedish way, as a person would type it: "2 950", "4,1", not
    "2950" or "4.1000" (the thousands separated by a no-break space, which the field reads back)."""

    def format_value(self, value):
        if isinstance(value, Decimal) and value.is_finite():
            decimals = max(0, -value.normalize().as_tuple().exponent)
            # Swedish whatever the page's language: the field reads "," as the decimal sign, so
            # an English "2,950" sent back unchanged would be stored as 2,95.
            with translation.override("sv"):
                return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
        return super().format_value(value)


class SwedishDecimalField(forms.DecimalField):
    """A decimal typed the Swedish way: "1 234,5", "82,0 %" or "-0,7"."""

    def to_python(self, value):
        if isinstance(value, str):
            try:
                return parse_swedish_decimal(value)
            except InvalidOperation:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)


def entry_period_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every period an outcome is entered for, by name and grouped by kind ("April", "Ack april",
    "R12 april", "T1", "Helår"): no one has to know that the full year is number 0."""
    months = range(1, 13)
    groups = [
        (PeriodKind.MONTH, [Period(2000, PeriodKind.MONTH, month) for month in months]),
        (PeriodKind.YEAR_TO_DATE, [Period(2000, PeriodKind.YEAR_TO_DATE, month) for month in months]),
        (PeriodKind.ROLLING_12, [Period(2000, PeriodKind.ROLLING_12, month) for month in months]),
        (PeriodKind.TERTIAL, [Period.tertial(2000, number) for number in (1, 2, 3)]),
        (PeriodKind.YEAR, [Period.full_year(2000)]),
    ]
    return [(PeriodKind(kind).label, [(p.token, p.short_label()) for p in periods]) for kind, periods in groups]


class PeriodSelectionForm(forms.Form):
    """Which plan, period and unit the entry page is for (GET parameters). The period is chosen
    by name; links made before (period_kind and period_number) are still read."""

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.select_related("body"))
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    period = forms.ChoiceField(label=_("Period"))
    unit = forms.ModelChoiceField(
        label=_("Organisational unit"),
        queryset=OrganisationalUnit.objects.filter(is_active=True),
        required=False,
        empty_label=_("Whole plan (no unit)"),
    )

    def __init__(self, data=None, **kwargs):
        if data is not None and not data.get("period") and data.get("period_kind"):
            data = data.copy()
            data["period"] = _token_of_old_link(data.get("period_kind"), data.get("period_number"))
        super().__init__(data, **kwargs)
        self.fields["period"].choices = entry_period_choices()

    def clean(self):
        cleaned = super().clean()
        plan, unit = cleaned.get("plan"), cleaned.get("unit")
        if plan is not None and unit is not None and not units_of_plan(plan).filter(pk=unit.pk).exists():
            self.add_error("unit", _("“%(unit)s” is not one of the plan's units.") % {"unit": unit})
        return cleaned

    @property
    def selected_period(self) -> Period:
        data = self.cleaned_data
        return Period.from_token(data["year"], data["period"])


def _token_of_old_link(kind: str, number: str | None) -> str:
    """The period token of an old link's kind and number ("year" for the full year's 0); what
    is no period stays as typed, for the field to refuse."""
    if kind == PeriodKind.YEAR:
        return "year" if number in (None, "", "0") else f"year-{number}"
    return f"{kind}-{number}"


ACCOMPLISHED_CHOICES = [("", "–"), ("yes", _("Yes")), ("no", _("No"))]


class FixedChoicesMixin:
    """Choices fixed in the code, shared by every copy of the field: each form deep-copies its
    fields, and copying the choices' lazy labels was a fifth of a 1 200-row entry page's time."""

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = self._choices
        return result


class FixedChoiceField(FixedChoicesMixin, forms.ChoiceField):
    pass


class FixedTypedChoiceField(FixedChoicesMixin, forms.TypedChoiceField):
    pass


class OutcomeEntryRowForm(forms.Form):
    """One measure × sex row of the entry page."""

    # Widgets written without templates (goalplan.widgets): the page has some 6 000 of them.
    measure_id = forms.IntegerField(widget=widgets.HiddenInput)
    sex = FixedChoiceField(choices=Sex.choices, widget=widgets.HiddenInput)
    version = forms.IntegerField(min_value=0, widget=widgets.HiddenInput)
    value = SwedishDecimalField(
        label=_("Value"),
        required=False,
        max_digits=16,
        decimal_places=4,
        widget=SwedishDecimalInput(attrs={"inputmode": "decimal", "size": 10}),
    )
    accomplished = FixedTypedChoiceField(
        label=_("Accomplished"),
        choices=ACCOMPLISHED_CHOICES,
        required=False,
        coerce=lambda choice: {"yes": True, "no": False}.get(choice),
        empty_value=None,
        widget=widgets.Select,
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=widgets.TextInput(attrs={"size": 40}))


OutcomeEntryFormSet = forms.formset_factory(OutcomeEntryRowForm, extra=0)


class OutcomeAdminForm(GuardedModelForm):
    """The admin's outcome form, carrying the version the person saw to refuse lost updates.

    The write rule (the reporter's units, locked periods and the reason) is checked by
    GuardedModelForm, on the stored row and on the new values, as form errors.
    """

    user = None
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Outcome
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.stored is not None:
            # The stored version, not the instance's: the history page builds this form on an
            # old version of the row, and reverting to it is a change of the current one.
            self.fields["expected_version"].initial = self.stored.version

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current != expected:
                raise ValidationError(
                    _(
                        "This outcome was changed by someone else after you opened it. Nothing was saved; "
                        "reload to see the current value."
                    ),
                    code="conflict",
                )
        return cleaned


class MeasureAdminForm(PlanScopedChoicesMixin, GuardedModelForm):
    """The measure form: the indicator picked by search, goal areas and goals of the plan only."""

    plan_scoped_fields = ("goal_area", "goal")

    class Meta:
        model = Measure
        fields = "__all__"
        field_classes = {"goal_area": PlanNamedChoiceField, "goal": PlanNamedChoiceField}


class AdoptTemplatesForm(forms.Form):
    """Where library templates are adopted: the plan, for which divisions, under which goal area."""

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none())
    units = forms.ModelMultipleChoiceField(
        label=_("Divisions"),
        required=False,
        queryset=OrganisationalUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each chosen division gets its own indicator and measure (e.g. its share within 90 days)."),
    )
    whole_scope = forms.BooleanField(label=_("Also for the whole plan (no division)"), required=False)
    goal_area = PlanNamedChoiceField(label=_("Goal area"), required=False, queryset=GoalArea.objects.none())
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=_("Required when the plan is decided; kept in the history."),
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        row_numbers_only(self.fields["units"])  # a 30-digit number is an error, not an overflow
        self.fields["plan"].queryset = plans
        self.fields["units"].queryset = OrganisationalUnit.objects.filter(
            kind=OrganisationalUnit.Kind.DIVISION, is_active=True
        ).order_by("name")
        self.fields["goal_area"].queryset = (
            GoalArea.objects.filter(plan__in=plans)
            .select_related("plan")
            .order_by("plan__start_year", "plan__title", "order", "pk")
        )

    def clean(self):
        cleaned = super().clean()
        plan, area = cleaned.get("plan"), cleaned.get("goal_area")
        if plan is not None and area is not None and area.plan_id != plan.pk:
            self.add_error("goal_area", _("The goal area belongs to another plan."))
        if not cleaned.get("units") and not cleaned.get("whole_scope"):
            self.add_error("units", _("Choose at least one division, or the whole plan."))
        return cleaned


class LimitedFileForm(forms.Form):
    """An upload form that refuses a file above ``IMPORT_MAX_BYTES`` before anyone reads it."""

    def clean_file(self):
        return checked_upload(self.cleaned_data["file"])


class OutcomeImportForm(LimitedFileForm):
    """Upload of an outcome file (CSV or XLSX) in the admin."""

    file = forms.FileField(label=_("File (CSV or XLSX)"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=_(
            "Only needed, and only allowed for administrators, when the file changes periods in approved reports."
        ),
    )


class KoladaImportForm(LimitedFileForm):
    """Upload of a Kolada data file (JSON) in the admin."""

    file = forms.FileField(label=_("Kolada data file (JSON)"))
