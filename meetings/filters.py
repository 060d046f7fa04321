"""The completeness board's filters (GET parameters: a unit, only what is missing)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from goalplan.models import OrganisationalUnit
from kpis.duties import reporting_units


class BoardFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=OrganisationalUnit.objects.none(), required=False, empty_label=_("All units")
    )
    missing = forms.BooleanField(label=_("Only missing figures"), required=False)

    def __init__(self, data, *, plan):
        super().__init__(data)
        # Only the units that report in the plan's rounds: another body's unit is no choice.
        self.fields["unit"].queryset = OrganisationalUnit.objects.filter(
            pk__in=[unit.pk for unit in reporting_units(plan)]
        ).order_by("name")
