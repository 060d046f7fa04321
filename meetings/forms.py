"""The forms of a unit's round page: an analysis with its actions, sending back, un-approving."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kpis.access import REASON_MAX_LENGTH

TEXT_LIMIT = 4000


class AnalysisForm(forms.Form):
    """Prefixed by the measure ("m12-analysis"): a page holds one form per red or yellow measure."""

    analysis = forms.CharField(
        label=_("Analysis"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the measure stands where it does."),
    )
    actions = forms.CharField(
        label=_("Planned actions"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is done about it, and by when."),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=_("Needed once the figures are approved; kept in the history."),
    )


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the unit correct?"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
    )


class UnapproveUnitForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX_LENGTH, help_text=_("Kept in the round's log."))


class ReportApprovalForm(forms.Form):
    override = forms.CharField(
        label=_("Reason to approve without every unit"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=_("Needed only when some units' figures are not approved; kept in the report and its history."),
    )
