"""Approval per unit and round: a unit marks its figures ready once every red or yellow measure
has its analysis and actions; a controller approves or sends back with a comment; un-approving
needs a reason; every step is logged; approved figures are locked (the paths: test_write_locks);
a change after approval is flagged; the report is approved only when every unit is, or with a
recorded override. On another region's plan (tests.round_region)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from goalplan.models import Goal, GoalAssessment, Plan
from goalplan.periods import Period, PeriodKind
from kpis.access import UnitApproved, write_rules_for
from kpis.approval_changes import changes_after_approval
from kpis.dashboard import plan_dashboard
from kpis.models import Measure, Outcome, Target
from kpis.services import OutcomeEntry, outcomes_record_for_period
from meetings import analyses, approvals
from meetings.models import ApprovalEvent, FollowUpReport, MeasureAnalysis, UnitApproval
from meetings.reports import report_content
from meetings.selectors import unapproved_scopes
from meetings.services import approve_report
from tests.round_region import enter, make_region

pytestmark = pytest.mark.django_db
D = datetime.date
T1 = Period.tertial(2026, 1)
APRIL = Period(2026, PeriodKind.MONTH, 4)
IN_THE_ROUND = D(2026, 5, 11)


@pytest.fixture
def region(monkeypatch):
    region = make_region()
    Target.objects.create(
        measure=region["monthly"], year=2026, kind="at_least", value=Decimal(90), wording="Minst 90 %"
    )
    # Every figure the round asks for, of both units and the whole plan; north's visits are red.
    for unit in (region["north"], region["south"], None):
        for name in ("monthly", "tertial", "by_sex", *(("whole",) if unit is None else ())):
            for sex in ("T", "K", "M") if name == "by_sex" else ("T",):
                enter(region, name, T1 if name == "tertial" else APRIL, unit=unit, sex=sex, value="95")
    Outcome.objects.filter(indicator=region["monthly"].indicator, unit=region["north"]).update(value=Decimal(70))
    for module in ("meetings.approvals", "meetings.analyses", "meetings.round_page", "meetings.selectors"):
        monkeypatch.setattr(f"{module}.timezone.localdate", lambda: IN_THE_ROUND)
    return region


def steps(approval):
    return [(event.action, event.by.username, event.comment) for event in approval.events.order_by("pk")]


def test_a_red_measure_needs_its_analysis_before_the_unit_may_mark_ready(region):
    report, north, reporter = region["report"], region["north"], region["reporter"]
    assert set(analyses.analysed_statuses(report, north)) == {region["monthly"].pk}
    with pytest.raises(ValidationError, match="Andel besök inom 90 dagar"):
        approvals.mark_ready(report=report, unit=north, user=reporter)
    # An analysis without actions is not enough.
    analyses.save_analysis(
        report=report, measure=region["monthly"], unit=north, user=reporter, analysis="Vakanser", actions=""
    )
    with pytest.raises(ValidationError):
        approvals.mark_ready(report=report, unit=north, user=reporter)
    analyses.save_analysis(
        report=report,
        measure=region["monthly"],
        unit=north,
        user=reporter,
        analysis="Vakanser under våren",
        actions="Hyrläkare från maj",
    )
    approval = approvals.mark_ready(report=report, unit=north, user=reporter)
    assert approval.state == UnitApproval.State.READY


def test_a_monthly_round_asks_no_analysis(region):
    report = region["report"]
    report.kind = FollowUpReport.Kind.MONTHLY
    assert analyses.analysed_statuses(report, region["north"]) == {}


def ready(region, unit_key="north", user_key="reporter"):
    report, unit = region["report"], region[unit_key]
    analyses.save_analysis(
        report=report, measure=region["monthly"], unit=unit, user=region[user_key], analysis="A", actions="B"
    )
    return approvals.mark_ready(report=report, unit=unit, user=region[user_key])


def test_send_back_approve_and_unapprove_are_logged_with_their_comments(region):
    report, north, reporter, controller = region["report"], region["north"], region["reporter"], region["admin"]
    ready(region)
    with pytest.raises(PermissionDenied):
        approvals.approve(report=report, unit=north, user=reporter)
    with pytest.raises(ValidationError):
        approvals.send_back(report=report, unit=north, user=controller, comment=" ")
    approval = approvals.send_back(report=report, unit=north, user=controller, comment="Kontrollera april")
    assert approval.state == UnitApproval.State.SENT_BACK and approval.comment == "Kontrollera april"
    approvals.mark_ready(report=report, unit=north, user=reporter)
    approval = approvals.approve(report=report, unit=north, user=controller)
    assert approval.is_approved and approval.approved_by == controller
    with pytest.raises(ValidationError):
        approvals.unapprove(report=report, unit=north, user=controller, reason="")
    approval = approvals.unapprove(report=report, unit=north, user=controller, reason="Fel månad godkänd")
    assert approval.state == UnitApproval.State.OPEN and approval.approved_at is None
    Action = ApprovalEvent.Action
    assert steps(approval) == [
        (Action.READY, "rapportor-norr", ""),
        (Action.SENT_BACK, "controller", "Kontrollera april"),
        (Action.READY, "rapportor-norr", ""),
        (Action.APPROVED, "controller", ""),
        (Action.UNAPPROVED, "controller", "Fel månad godkänd"),
    ]


def test_a_reporter_cannot_mark_another_unit_ready_or_the_whole_plan(region):
    for unit in (region["south"], None):
        with pytest.raises(PermissionDenied):
            approvals.mark_ready(report=region["report"], unit=unit, user=region["reporter"])
        with pytest.raises(PermissionDenied):
            analyses.save_analysis(
                report=region["report"],
                measure=region["monthly"],
                unit=unit,
                user=region["reporter"],
                analysis="x",
                actions="y",
            )


def test_approved_figures_are_locked_for_the_unit_only(region):
    report, north = region["report"], region["north"]
    ready(region)
    approvals.approve(report=report, unit=north, user=region["admin"])
    rules = write_rules_for(region["reporter"])
    with pytest.raises(UnitApproved):
        rules.check(plan_ids=[region["plan"].pk], period=APRIL, unit_id=north.pk)
    # March is in the tertial too; May is not.
    with pytest.raises(UnitApproved):
        rules.check(plan_ids=[region["plan"].pk], period=Period(2026, PeriodKind.MONTH, 3), unit_id=north.pk)
    rules.check(plan_ids=[region["plan"].pk], period=Period(2026, PeriodKind.MONTH, 5), unit_id=north.pk)
    # The other unit's and the whole plan's figures are not approved: an administrator changes
    # them without a reason.
    admin_rules = write_rules_for(region["admin"])
    admin_rules.check(plan_ids=[region["plan"].pk], period=APRIL, unit_id=region["south"].pk)
    admin_rules.check(plan_ids=[region["plan"].pk], period=APRIL, unit_id=None)
    with pytest.raises(ValidationError, match="reason|skäl"):
        admin_rules.check(plan_ids=[region["plan"].pk], period=APRIL, unit_id=north.pk)
    # The analysis is locked with the figures.
    with pytest.raises(UnitApproved):
        analyses.save_analysis(
            report=report, measure=region["monthly"], unit=north, user=region["reporter"], analysis="x", actions="y"
        )
    with pytest.raises(ValidationError):
        analyses.save_analysis(
            report=report, measure=region["monthly"], unit=north, user=region["admin"], analysis="x", actions="y"
        )
    saved = analyses.save_analysis(
        report=report,
        measure=region["monthly"],
        unit=north,
        user=region["admin"],
        analysis="x",
        actions="y",
        reason="Förtydligad analys",
    )
    assert saved.history.first().history_change_reason == "Förtydligad analys"


def approve_north(region):
    ready(region)
    return approvals.approve(report=region["report"], unit=region["north"], user=region["admin"])


def test_a_change_after_approval_is_flagged_on_the_dashboard_and_in_the_report(region):
    report, north, plan = region["report"], region["north"], region["plan"]
    approve_north(region)
    assert changes_after_approval(plan, T1, north.pk) == {}
    stored = Outcome.objects.get(indicator=region["monthly"].indicator, unit=north)
    outcomes_record_for_period(
        period=APRIL,
        entries=[OutcomeEntry(region["monthly"], value=Decimal(72), expected_version=stored.version)],
        unit=north,
        user=region["admin"],
        reason="Rättad efter kontroll",
    )
    changes = changes_after_approval(plan, T1, north.pk)[region["monthly"].indicator_id]
    assert [(c.reason, c.changed_by, c.period) for c in changes] == [("Rättad efter kontroll", "controller", APRIL)]
    # The whole plan's figures were not touched: not flagged there.
    assert changes_after_approval(plan, T1, None) == {}
    dashboard = plan_dashboard(plan, T1, unit=north)
    flagged = {
        row.evaluation.measure.name: row.changed_after_approval
        for area in dashboard.areas
        for row in [*area.rows, *(r for goal in area.goals for r in goal.rows)]
        if row.changed_after_approval
    }
    assert (
        list(flagged) == ["Andel besök inom 90 dagar"]
        and "Rättad efter kontroll" in flagged["Andel besök inom 90 dagar"]
    )
    content = report_content(report)
    assert [(c["unit"], c["measure"]) for c in content["changes_after_approval"]] == [
        ("Område Norr", "Andel besök inom 90 dagar")
    ]
    assert "Rättad efter kontroll" in content["changes_after_approval"][0]["text"]
    # An analysis written for the unit is printed in the report.
    assert content["unit_analyses"][0]["unit"] == "Område Norr"


def test_the_dashboard_page_shows_the_flag(region, client):
    approve_north(region)
    outcome = Outcome.objects.get(indicator=region["monthly"].indicator, unit=region["north"])
    outcome.value = Decimal(71)
    outcome._change_reason = "Dubbelräknat"
    outcome.save()
    client.force_login(region["admin"])
    page = client.get(
        reverse("plan_detail", args=[region["plan"].pk]),
        {"year": 2026, "period": "tertial-1", "unit": region["north"].pk},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    html = page.content.decode()
    assert page.status_code == 200 and "changed-after-approval" in html and "Dubbelräknat" in html


def test_the_report_is_approved_only_when_every_unit_is_or_with_an_override(region):
    report, admin = region["report"], region["admin"]
    assert unapproved_scopes(report) == [None, region["north"], region["south"]]
    with pytest.raises(ValidationError, match="Område Norr"):
        approve_report(report=report, user=admin)
    approve_north(region)
    for unit in (None, region["south"]):
        analyses.save_analysis(
            report=report, measure=region["monthly"], unit=unit, user=admin, analysis="A", actions="B"
        )
        approvals.mark_ready(report=report, unit=unit, user=admin)
    approvals.approve(report=report, unit=None, user=admin)
    assert unapproved_scopes(report) == [region["south"]]
    approved = approve_report(report=report, user=admin, override="Syd sjukskriven, godkänt av ordföranden")
    assert approved.is_approved and "Område Syd" in approved.approval_override
    assert "Syd sjukskriven" in approved.snapshot["approval_override"]
    assert approved.history.first().history_change_reason == "Syd sjukskriven, godkänt av ordföranden"


def test_the_report_approves_without_an_override_once_every_unit_is_approved(region):
    report, admin = region["report"], region["admin"]
    for unit in (None, region["north"], region["south"]):
        analyses.save_analysis(
            report=report, measure=region["monthly"], unit=unit, user=admin, analysis="A", actions="B"
        )
        approvals.mark_ready(report=report, unit=unit, user=admin)
        approvals.approve(report=report, unit=unit, user=admin)
    assert approve_report(report=report, user=admin).approval_override is None
    # Once the report is approved, the round's steps are frozen with it.
    with pytest.raises(ValidationError):
        approvals.unapprove(report=report, unit=region["north"], user=admin, reason="x")


def test_a_reporter_may_not_mark_ready_after_the_round_locked(region, monkeypatch):
    analyses.save_analysis(
        report=region["report"],
        measure=region["monthly"],
        unit=region["north"],
        user=region["reporter"],
        analysis="A",
        actions="B",
    )
    monkeypatch.setattr("meetings.approvals.timezone.localdate", lambda: D(2026, 5, 26))
    with pytest.raises(ValidationError):
        approvals.mark_ready(report=region["report"], unit=region["north"], user=region["reporter"])
    assert not UnitApproval.objects.exists()  # the refused step wrote nothing


def test_the_round_page_says_in_swedish_what_stopped_a_step_and_saves_nothing(region, client):
    client.force_login(region["reporter"])
    url = reverse("round_unit", args=[region["report"].pk, region["north"].pk])
    refused = client.post(url, {"step": "ready"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Inget sparades." in html and "Skriv först analys och planerade åtgärder" in html
    assert "Andel besök inom 90 dagar" in html
    pk = region["monthly"].pk
    too_long = client.post(
        url,
        {"step": "analysis", "measure": pk, f"m{pk}-analysis": "x" * 4001, f"m{pk}-actions": "y"},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert too_long.status_code == 400 and "Analys:" in too_long.content.decode()
    odd = client.post(url, {"step": "analysis", "measure": "abc"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert odd.status_code == 400 and "Välj ett mätetal." in odd.content.decode()
    unknown = client.post(url, {"step": "drop_tables"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert unknown.status_code == 400
    assert not UnitApproval.objects.filter(state=UnitApproval.State.READY).exists()
    assert not MeasureAnalysis.objects.exists()
    saved = client.post(
        url,
        {"step": "analysis", "measure": pk, f"m{pk}-analysis": "Vakanser", f"m{pk}-actions": "Hyrläkare"},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert saved.status_code == 302
    assert client.post(url, {"step": "ready"}, HTTP_ACCEPT_LANGUAGE="sv").status_code == 302
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Siffrorna är klarmarkerade." in page and "Klarmarkerad" in page


def test_a_measure_of_another_plan_cannot_be_analysed_through_the_page(region, client):
    other = Measure.objects.create(
        plan=Plan.objects.create(
            title="Annan plan",
            kind=Plan.Kind.OPERATIONAL_PLAN,
            body=region["plan"].body,
            start_year=2027,
            end_year=2027,
        ),
        name="Främmande mått",
        unit="%",
    )
    client.force_login(region["admin"])
    url = reverse("round_unit", args=[region["report"].pk, region["north"].pk])
    response = client.post(
        url,
        {"step": "analysis", "measure": other.pk, f"m{other.pk}-analysis": "x", f"m{other.pk}-actions": "y"},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert response.status_code == 400 and "Mätetalet hör till en annan plan." in response.content.decode()
    assert not MeasureAnalysis.objects.exists()


# Found by an adversarial review: each was a defect.


def test_a_unit_marks_ready_only_when_every_figure_is_in(region):
    Outcome.objects.filter(indicator=region["tertial"].indicator, unit=region["south"]).delete()
    with pytest.raises(ValidationError, match="Patientnöjdhet"):
        approvals.mark_ready(report=region["report"], unit=region["south"], user=region["admin"])


def test_approval_asks_again_for_analyses_emptied_or_newly_needed_since_ready(region):
    report, north = region["report"], region["north"]
    ready(region)
    analyses.save_analysis(
        report=report, measure=region["monthly"], unit=north, user=region["reporter"], analysis="", actions=""
    )
    with pytest.raises(ValidationError, match="Andel besök"):
        approvals.approve(report=report, unit=north, user=region["admin"])
    ready_again = MeasureAnalysis.objects.get(unit=north)
    ready_again.analysis, ready_again.actions = "A", "B"
    ready_again.save()
    # A figure that turns red after the mark needs its analysis too.
    Target.objects.create(measure=region["tertial"], year=2026, kind="at_least", value=Decimal(99), wording="99")
    with pytest.raises(ValidationError, match="Patientnöjdhet"):
        approvals.approve(report=report, unit=north, user=region["admin"])


def test_the_round_s_plan_and_period_are_fixed_once_a_unit_has_acted(region, client):
    report = region["report"]
    approve_north(region)
    report.refresh_from_db()
    report.period_end = D(2026, 8, 31)
    with pytest.raises(ValidationError):
        report.full_clean()
    client.force_login(region["admin"])
    page = client.get(reverse("admin:meetings_followupreport_change", args=[report.pk]))
    assert page.status_code == 200
    assert not {"plan", "kind", "period_end"} & set(page.context["adminform"].form.fields)


def test_a_figure_not_locked_by_the_approval_is_not_flagged(region):
    plan, north = region["plan"], region["north"]
    approve_north(region)
    year = Period.full_year(2026)  # ends in December: not in T1, so not locked
    write_rules_for(region["reporter"]).check(plan_ids=[plan.pk], period=year, unit_id=north.pk)
    enter(region, "monthly", year, unit=north, value="50")
    assert changes_after_approval(plan, T1, north.pk) == {}


@pytest.mark.parametrize("measure", ["9" * 5000, "9" * 30, "\u0663"])
def test_an_odd_measure_id_on_the_round_page_is_a_400(region, client, measure):
    client.force_login(region["reporter"])
    url = reverse("round_unit", args=[region["report"].pk, region["north"].pk])
    assert client.post(url, {"step": "analysis", "measure": measure}).status_code == 400


def test_an_analysis_only_of_a_measure_the_round_asks_of_the_unit(region):
    # "whole" is reported for the whole plan only; "yearly" is not due in T1.
    for name in ("whole", "yearly"):
        with pytest.raises(ValidationError):
            analyses.save_analysis(
                report=region["report"],
                measure=region[name],
                unit=region["north"],
                user=region["reporter"],
                analysis="x",
                actions="y",
            )
    assert not MeasureAnalysis.objects.exists()


def test_a_reporter_may_not_withdraw_the_ready_mark_after_the_round_locked(region, monkeypatch):
    ready(region)
    monkeypatch.setattr("meetings.approvals.timezone.localdate", lambda: D(2026, 5, 26))
    with pytest.raises(ValidationError):
        approvals.withdraw_ready(report=region["report"], unit=region["north"], user=region["reporter"])


def test_the_report_reads_the_units_changes_in_a_fixed_number_of_queries(region):
    report = region["report"]
    UnitApproval.objects.create(report=report, unit=region["north"], state="approved", approved_at=timezone.now())
    with CaptureQueriesContext(connection) as one:
        report_content(report)
    UnitApproval.objects.create(report=report, unit=region["south"], state="approved", approved_at=timezone.now())
    with CaptureQueriesContext(connection) as two:
        report_content(report)
    assert len(two) == len(one)


def test_a_delete_after_approval_is_flagged_and_other_plans_and_units_are_not(region):
    north, plan = region["north"], region["plan"]
    other = Plan.objects.create(
        title="Annan", kind=Plan.Kind.OPERATIONAL_PLAN, body=plan.body, start_year=2025, end_year=2026
    )
    Measure.objects.create(plan=other, name="Samma", unit="%", indicator=region["monthly"].indicator)
    approve_north(region)
    outcome = Outcome.objects.get(indicator=region["monthly"].indicator, unit=north)
    outcome._change_reason = "Dubblett"
    outcome.delete()
    assert [c.reason for c in changes_after_approval(plan, T1, north.pk)[region["monthly"].indicator_id]] == [
        "Dubblett"
    ]
    assert changes_after_approval(other, T1, north.pk) == {}
    assert changes_after_approval(plan, T1, region["south"].pk) == {}


def test_a_goal_assessment_changed_after_the_whole_plan_was_approved_is_listed_in_the_report(region):
    report = region["report"]
    goal = Goal.objects.create(plan=region["plan"], kind=Goal.Kind.RESULT_GOAL, title="Kortare väntetider")
    assessment = GoalAssessment.objects.create(goal=goal, year=2026, period_kind="tertial", period_number=1)
    UnitApproval.objects.create(report=report, unit=None, state="approved", approved_at=timezone.now())
    assessment.comment = "Bättre i april"
    assessment._change_reason = "Kompletterad bedömning"
    assessment.save()
    with translation.override("sv"):
        [change] = report_content(report)["changes_after_approval"]
    assert change["unit"] == "Hela planen"
    assert change["measure"] == "Kortare väntetider" and "Kompletterad bedömning" in change["text"]
