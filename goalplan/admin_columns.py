"""Admin list columns and form helpers shared by the apps."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from config.admin_forms import ROW_NUMBER


def year_column(field: str = "year", description=_("year")):  # noqa: B008 (a lazy text, made once)
    """A list column showing a year as written ("2025"): the admin would group it as a number ("2 025")."""

    @admin.display(description=description, ordering=field)
    def column(obj):
        value = getattr(obj, field)
        return "–" if value is None else str(value)

    column.__name__ = f"{field}_as_written"
    return column


class PlanScopedFormMixin:
    """For a ModelAdmin whose form is a goalplan.forms.PlanScopedChoicesMixin: its goal area and
    goal lists hold the row's plan's (a new row: the plan in the address, ?plan=)."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        plan_id = obj.plan_id if obj is not None else request.GET.get("plan")
        # A row number, or none: "²" and a 30-digit number are digits the database cannot take.
        scoped = plan_id if ROW_NUMBER.match(str(plan_id or "")) else None
        return type(form.__name__, (form,), {"scoped_plan_id": scoped})
