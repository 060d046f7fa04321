"""Audit history of outcomes and targets; periods in approved reports are locked."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from goalplan.models import OrganisationalUnit
from goalplan.periods import PeriodKind
from goalplan.roles import REPORTERS
from kpis.access import PeriodLocked
from kpis.models import Measure, Outcome, Target
from kpis.services import outcome_save
from meetings.models import FollowUpReport
from meetings.services import approve_report
from tests.round_approvals import approve_every_unit
from tests.selectors import hsn_plan, rs_plan_2018

pytestmark = pytest.mark.django_db


def an_outcome(admin_user) -> Outcome:
    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    outcome = Outcome(
        indicator=measure.indicator, year=2025, period_kind=PeriodKind.MONTH, period_number=4, value=Decimal("61")
    )
    return outcome_save(outcome=outcome, user=admin_user, expected_version=None)


def test_outcome_history_shows_previous_value_who_and_when(admin_user, admin_client_sv):
    outcome = an_outcome(admin_user)
    outcome.value = Decimal("64")
    outcome_save(outcome=outcome, user=admin_user, expected_version=outcome.version, reason="Rättad källa")
    latest, first = outcome.history.order_by("-history_id")[:2]
    assert (first.value, latest.value) == (Decimal("61"), Decimal("64"))
    assert latest.history_user == admin_user and latest.history_change_reason == "Rättad källa"
    assert latest.history_date >= first.history_date
    page = admin_client_sv.get(reverse("admin:kpis_outcome_history", args=[outcome.pk])).content.decode()
    assert "Rättad källa" in page and admin_user.get_username() in page


def test_target_change_keeps_the_previous_value_and_the_decision(admin_user):
    sick_leave = Target.objects.get(measure__plan=rs_plan_2018(), wording__startswith="5,8 %")
    sick_leave.value, sick_leave.wording = Decimal("5.5"), "5,5 % helår"
    sick_leave.decision_reference, sick_leave._change_reason = "RS 2018-05-28 § 110", "Nytt målvärde"
    sick_leave.save()
    previous = sick_leave.history.order_by("-history_id")[1]
    assert previous.value == Decimal("5.8") and previous.wording.startswith("5,8 %")
    assert sick_leave.history.first().decision_reference == "RS 2018-05-28 § 110"


def test_measure_page_shows_the_former_target(admin_client_sv):
    sick_leave = Target.objects.get(measure__plan=rs_plan_2018(), wording__startswith="5,8 %")
    sick_leave.value, sick_leave.wording, sick_leave.decision_reference = Decimal("5.5"), "5,5 % helår", "§ 110"
    sick_leave.save()
    page = admin_client_sv.get(f"/matetal/{sick_leave.measure_id}/?year=2018&period=ytd-4").content.decode()
    assert "Målvärdets historik" in page and "5,8 % helår" in page and "5,5 % helår" in page and "§ 110" in page


def test_an_approved_period_is_locked_for_everyone_but_an_administrator_with_a_reason(
    admin_user, django_user_model, monkeypatch
):
    # In the round per April 2018, before it closed (2018-05-21): what is tested is the approval.
    monkeypatch.setattr("meetings.selectors.timezone.localdate", lambda: datetime.date(2018, 5, 3))
    measure = Measure.objects.get(plan=rs_plan_2018(), name__startswith="Sjukfrånvaro")
    unit = OrganisationalUnit.objects.get(name="Akutvård")
    reporter = django_user_model.objects.create_user(username="rapportor", is_staff=True)
    reporter.groups.add(Group.objects.get(name=REPORTERS))
    unit.reporters.add(reporter)
    outcome = outcome_save(
        outcome=Outcome(
            indicator=measure.indicator,
            unit=unit,
            year=2018,
            period_kind=PeriodKind.MONTH,
            period_number=3,
            value=Decimal("6.4"),
        ),
        user=reporter,
        expected_version=None,
    )
    report = FollowUpReport.objects.get(plan=rs_plan_2018(), period_end="2018-04-30")
    approve_every_unit(report, admin_user)
    approve_report(report=report, user=admin_user)
    outcome.value = Decimal("6.0")
    with pytest.raises(PeriodLocked):
        outcome_save(outcome=outcome, user=reporter, expected_version=outcome.version)
    with pytest.raises(ValidationError):
        outcome_save(outcome=outcome, user=admin_user, expected_version=outcome.version)
    saved = outcome_save(outcome=outcome, user=admin_user, expected_version=outcome.version, reason="Felräknat")
    assert saved.value == Decimal("6.0")
    assert saved.history.first().history_change_reason == "Felräknat"
