"""Filters of the committee pages: plain GET parameters, so a link reproduces the view."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.admin_forms import ROW_NUMBER
from goalplan import widgets
from goalplan.choices import Status
from goalplan.models import GoalArea, OrganisationalUnit, Plan
from goalplan.periods import Period, periods_of_year
from goalplan.selectors import units_of_plan


class PeriodForm(forms.Form):
    """The year and period a committee page shows, among the years of its plan (and the year before,
    the base year of many targets)."""

    # Selects written without templates (goalplan.widgets): every visit of a dashboard, cached or
    # not, renders them, the unit's with every unit of the region.
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, widget=widgets.Select)
    period = forms.ChoiceField(label=_("Period"), widget=widgets.Select)

    def __init__(self, data, *, plan: Plan, default_period: Period):
        super().__init__({"year": default_period.year, "period": default_period.token, **data.dict()})
        self.plan = plan
        self.fields["year"].choices = [(year, str(year)) for year in reversed(plan.followed_years)]
        self.fields["period"].choices = [(p.token, p.short_label()) for p in periods_of_year(default_period.year)]

    @property
    def selected_period(self) -> Period:
        return Period.from_token(self.cleaned_data["year"], self.cleaned_data["period"])


class DashboardFilterForm(PeriodForm):
    """Period, goal area, status and unit of a plan dashboard."""

    area = forms.ModelChoiceField(
        label=_("Goal area"),
        queryset=GoalArea.objects.none(),
        required=False,
        empty_label=_("All goal areas"),
        widget=widgets.Select,
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=widgets.Select)
    unit = forms.ModelChoiceField(
        label=_("Organisational unit"),
        queryset=OrganisationalUnit.objects.none(),
        required=False,
        empty_label=_("Whole plan"),
        widget=widgets.Select,
    )

    def __init__(self, data, *, plan: Plan, default_period: Period):
        super().__init__(data, plan=plan, default_period=default_period)
        self.fields["area"].queryset = plan.goal_areas.all()
        self.fields["status"].choices = [("", _("All statuses")), *Status.choices]
        # Only the units the plan's figures can be broken down by: another body's unit is no choice.
        self.fields["unit"].queryset = units_of_plan(plan).order_by("name")


class PlanNamedChoiceField(forms.ModelChoiceField):
    """A goal area or goal named with its plan: the 2021 and 2025 plans both have "Tillgänglighet"."""

    def label_from_instance(self, obj):
        return obj.choice_label


class PlanScopedChoicesMixin:
    """An admin form whose ``plan_scoped_fields`` (goal area, goal) list the plan's own rows: the
    posted plan's, else ``scoped_plan_id`` (set by goalplan.admin_columns.PlanScopedFormMixin: the
    row's plan, or ?plan= for a new row), else every plan's, each named with its plan. The
    model's clean still refuses another plan's row."""

    plan_scoped_fields: tuple[str, ...] = ()
    scoped_plan_id = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A posted form lists the chosen plan's (a row moved to another plan takes its goal area).
        posted = str(self.data.get("plan", "")) if self.is_bound else ""
        plan_id = posted if ROW_NUMBER.match(posted) else self.scoped_plan_id
        for name in self.plan_scoped_fields:
            field = self.fields.get(name)
            if field is None:
                continue
            queryset = field.queryset.select_related("plan")
            if plan_id is not None:
                queryset = queryset.filter(plan_id=plan_id)
            field.queryset = queryset.order_by("plan__start_year", "plan__title", "order", "pk")
