"""Approving and un-approving follow-up reports in the admin: a right of its own. A report is
approved when a controller has approved every unit's figures in its round, or with a reason to
approve without them (asked for on the report's approval page); un-approving needs a reason."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kpis.access import REASON_MAX_LENGTH
from meetings.forms import ReportApprovalForm
from meetings.selectors import unapproved_scopes
from meetings.services import APPROVE_PERMISSION, approve_report, unapprove_report


class UnapproveForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=REASON_MAX_LENGTH,
        help_text=gettext_lazy("Kept in the report's history and the admin log."),
    )


class ReportApprovalAdmin:
    """The FollowUpReport admin's approval action and its approve and un-approve pages."""

    actions = ["approve_selected"]

    def has_approve_permission(self, request):
        """Approving (and un-approving) is a right of its own, held by administrators."""
        return request.user.has_perm(APPROVE_PERMISSION)

    @admin.action(
        description=gettext_lazy("Approve the selected reports (freezes their content and PDF)"),
        permissions=["approve"],
    )
    def approve_selected(self, request, queryset):
        """Approves the reports whose units are all approved; for the others the error says which
        units are not, and the report's approval page asks for the reason to approve anyway."""
        approved = 0
        for report in queryset:
            try:
                approve_report(report=report, user=request.user)
                approved += 1
            except ValidationError as error:
                self.message_user(request, f"{report}: {' '.join(error.messages)}", messages.ERROR)
        if approved:
            self.message_user(
                request,
                ngettext("%(count)d report approved.", "%(count)d reports approved.", approved) % {"count": approved},
                messages.SUCCESS,
            )

    def get_urls(self):
        steps = [
            path(
                "<path:object_id>/unapprove/",
                self.admin_site.admin_view(self.unapprove_view),
                name="meetings_followupreport_unapprove",
            ),
            path(
                "<path:object_id>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="meetings_followupreport_approve",
            ),
        ]
        return [*steps, *super().get_urls()]

    def _approval_page(self, request, object_id):
        report = self.get_object(request, unquote(object_id))
        if report is None:
            raise Http404
        if not self.has_approve_permission(request):
            raise PermissionDenied
        return report

    def _render(self, request, report, template: str, title: str, **context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": report,
            "title": title % {"report": report},
            **context,
        }
        return TemplateResponse(request, f"admin/meetings/followupreport/{template}", context)

    def _back_to(self, report):
        return HttpResponseRedirect(reverse("admin:meetings_followupreport_change", args=[report.pk]))

    def approve_view(self, request, object_id):
        """Approve a draft: which units' figures are not approved yet, and the reason to approve
        without them (kept in the report, its PDF and its history)."""
        report = self._approval_page(request, object_id)
        form = ReportApprovalForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                approve_report(report=report, user=request.user, override=form.cleaned_data["override"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("The report is approved; its content and PDF are frozen."))
                return self._back_to(report)
        pending = [] if report.is_approved or report.plan_id is None else unapproved_scopes(report)
        return self._render(request, report, "approve.html", _("Approve %(report)s"), form=form, pending=pending)

    def unapprove_view(self, request, object_id):
        """Return an approved report to draft, with the administrator's reason (kept in its history)."""
        report = self._approval_page(request, object_id)
        form = UnapproveForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                unapprove_report(report=report, user=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("The report is a draft again; its periods are open."), messages.SUCCESS)
                return self._back_to(report)
        return self._render(request, report, "unapprove.html", _("Un-approve %(report)s"), form=form)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, unquote(object_id))
        may_approve = report is not None and self.has_approve_permission(request)
        context = {
            **(extra_context or {}),
            "can_unapprove": may_approve and report.is_approved,
            "can_approve": may_approve and not report.is_approved and report.plan_id is not None,
        }
        return super().change_view(request, object_id, form_url, context)
