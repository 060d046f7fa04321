"""Approving a report is an administrator's right of its own; un-approving needs a reason; both are
logged in the admin log and kept in the report's history."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from goalplan.models import OrganisationalUnit
from goalplan.periods import PeriodKind
from goalplan.roles import ADMINISTRATORS, REPORTERS
from kpis.access import PeriodLocked
from kpis.models import Measure, Outcome
from kpis.services import outcome_save
from meetings.models import FollowUpReport
from meetings.services import approve_report, unapprove_report
from tests.round_approvals import approve_every_unit
from tests.selectors import rs_plan_2018

pytestmark = pytest.mark.django_db


def rs_report() -> FollowUpReport:
    return FollowUpReport.objects.get(plan=rs_plan_2018(), period_end="2018-04-30")


@pytest.fixture
def people(django_user_model):
    administrator = django_user_model.objects.create_user(username="admin2", is_staff=True)
    administrator.groups.add(Group.objects.get(name=ADMINISTRATORS))
    reporter = django_user_model.objects.create_user(username="rapportor", is_staff=True)
    reporter.groups.add(Group.objects.get(name=REPORTERS))
    OrganisationalUnit.objects.get(name="Akutvård").reporters.add(reporter)
    clients = {}
    for name, user in (("admin", administrator), ("reporter", reporter)):
        clients[name] = Client(HTTP_ACCEPT_LANGUAGE="sv")
        clients[name].force_login(user)
    return administrator, reporter, clients


def test_the_administrators_group_holds_the_approval_right(people):
    administrator, reporter, _clients = people
    assert administrator.has_perm("meetings.approve_followupreport")
    assert not reporter.has_perm("meetings.approve_followupreport")


def test_a_reporter_cannot_approve_through_the_admin_action_or_the_service(people):
    _administrator, reporter, clients = people
    report = rs_report()
    clients["reporter"].post(
        reverse("admin:meetings_followupreport_changelist"),
        {"action": "approve_selected", "_selected_action": [report.pk]},
    )
    assert not rs_report().is_approved
    with pytest.raises(PermissionDenied):
        approve_report(report=report, user=reporter)
    assert not rs_report().is_approved


def test_approval_is_logged_and_kept_in_the_history(people):
    administrator, _reporter, clients = people
    report = rs_report()
    approve_every_unit(report, administrator)
    response = clients["admin"].post(
        reverse("admin:meetings_followupreport_changelist"),
        {"action": "approve_selected", "_selected_action": [report.pk]},
    )
    assert response.status_code == 302 and rs_report().is_approved
    entry = LogEntry.objects.filter(object_id=str(report.pk), user=administrator).latest("action_time")
    assert "Godkänd" in entry.get_change_message()
    latest = report.history.order_by("-history_id").first()
    assert latest.state == FollowUpReport.State.APPROVED and latest.history_user == administrator


def test_unapproval_needs_the_right_and_a_reason_and_reopens_the_periods(people, monkeypatch):
    # In the round per April 2018, before it closed (2018-05-21): what is tested is the approval.
    monkeypatch.setattr("meetings.selectors.timezone.localdate", lambda: datetime.date(2018, 5, 3))
    administrator, reporter, clients = people
    measure = Measure.objects.get(plan=rs_plan_2018(), name__startswith="Sjukfrånvaro")
    outcome = Outcome.objects.create(
        indicator=measure.indicator,
        unit=OrganisationalUnit.objects.get(name="Akutvård"),
        year=2018,
        period_kind=PeriodKind.MONTH,
        period_number=2,
        value=Decimal("6.4"),
    )
    approve_every_unit(rs_report(), administrator)
    approve_report(report=rs_report(), user=administrator)
    frozen_pdf = bytes(rs_report().pdf)
    url = reverse("admin:meetings_followupreport_unapprove", args=[rs_report().pk])

    assert clients["reporter"].post(url, {"reason": "Fel siffror"}).status_code == 403
    with pytest.raises(PermissionDenied):
        unapprove_report(report=rs_report(), user=reporter, reason="Fel siffror")
    refused = clients["admin"].post(url, {"reason": ""})
    assert refused.status_code == 200 and rs_report().is_approved
    with pytest.raises(ValidationError):
        unapprove_report(report=rs_report(), user=administrator, reason="  ")
    too_long = clients["admin"].post(url, {"reason": "x" * 101})
    assert too_long.status_code == 200 and rs_report().is_approved

    change_page = clients["admin"].get(reverse("admin:meetings_followupreport_change", args=[rs_report().pk]))
    assert url in change_page.content.decode()  # the "Un-approve" button
    outcome.value = Decimal("6.0")
    with pytest.raises(PeriodLocked):
        outcome_save(outcome=outcome, user=reporter, expected_version=outcome.version)

    assert clients["admin"].post(url, {"reason": "Fel siffror för februari"}).status_code == 302
    report = rs_report()
    assert not report.is_approved and report.pdf is None and report.snapshot is None
    # The period is open again for the reporter.
    assert outcome_save(outcome=outcome, user=reporter, expected_version=outcome.version).value == Decimal("6.0")
    # Logged, with the reason, and the approved version (its PDF) stays in the history.
    entry = LogEntry.objects.filter(object_id=str(report.pk), user=administrator).latest("action_time")
    assert "Fel siffror för februari" in entry.get_change_message()
    states = list(report.history.order_by("-history_id").values_list("state", "history_change_reason")[:2])
    assert states[0] == (FollowUpReport.State.DRAFT, "Fel siffror för februari")
    assert states[1][0] == FollowUpReport.State.APPROVED
    assert bytes(report.history.filter(state=FollowUpReport.State.APPROVED).latest("history_id").pdf) == frozen_pdf


def test_the_approve_page_names_the_units_not_approved_and_takes_an_override(people):
    administrator, _reporter, clients = people
    report = rs_report()
    url = reverse("admin:meetings_followupreport_approve", args=[report.pk])
    page = clients["admin"].get(url).content.decode()
    assert "Hela planen" in page and "Skäl att godkänna utan alla enheter" in page
    refused = clients["admin"].post(url, {"override": ""})
    assert refused.status_code == 200 and "inte godkända" in refused.content.decode()
    assert not rs_report().is_approved
    accepted = clients["admin"].post(url, {"override": "Beslut i presidiet"})
    assert accepted.status_code == 302 and rs_report().is_approved
    assert rs_report().approval_override.startswith("Beslut i presidiet")
    entry = LogEntry.objects.filter(object_id=str(report.pk), user=administrator).latest("action_time")
    assert "Beslut i presidiet" in entry.get_change_message()
    change_page = clients["admin"].get(reverse("admin:meetings_followupreport_change", args=[report.pk]))
    assert "Beslut i presidiet" in change_page.content.decode()


def test_the_bulk_action_refuses_a_report_whose_units_are_not_approved(people):
    _administrator, _reporter, clients = people
    report = rs_report()
    response = clients["admin"].post(
        reverse("admin:meetings_followupreport_changelist"),
        {"action": "approve_selected", "_selected_action": [report.pk]},
        follow=True,
    )
    assert "inte godkända" in response.content.decode() and not rs_report().is_approved
