"""A locked figure holds on every write path: refused without a reason, accepted with the
administrator's reason, and the reason kept in the audit history.

Locked: outcomes, status overrides and goal assessments of a month in an approved report;
targets and budget lines of a decided plan. Paths: the admin change form, a change of period,
delete, bulk delete, the history revert page, the entry page, the import command, the admin
import, the spreadsheet (resource) import, status overrides and targets.
"""

import io
from decimal import Decimal

import pytest
import tablib
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from goalplan.choices import Sex, Status
from goalplan.models import GoalAssessment, OrganisationalUnit, Plan
from goalplan.periods import PeriodKind
from goalplan.roles import ADMINISTRATORS, REPORTERS
from kpis.access import PeriodLocked
from kpis.models import Indicator, Measure, Outcome, StatusOverride, Target
from kpis.resources import TargetResource
from meetings.models import FollowUpReport, UnitApproval
from tests.selectors import rs_plan_2018

pytestmark = pytest.mark.django_db

REASON = "Felräknat i källan"


@pytest.fixture(params=["report", "units"])
def locked_april(request, django_user_model):
    """The RS follow-up per April 2018 approved (or, in its reporting round, the figures of
    Akutvård and of the whole plan approved): January–April 2018 of the RS plan are locked.

    Returns an outcome in that window (Akutvård, March), an administrator and a reporter of
    Akutvård, each with a logged-in client.
    """
    unit = OrganisationalUnit.objects.get(name="Akutvård")
    measure = Measure.objects.get(plan=rs_plan_2018(), name__startswith="Sjukfrånvaro")
    outcome = Outcome.objects.create(
        indicator=measure.indicator,
        unit=unit,
        year=2018,
        period_kind=PeriodKind.MONTH,
        period_number=3,
        value=Decimal("6.4"),
    )
    outcome.rs_measure = measure  # the RS plan's measure of the sick-leave indicator (HSN 2021 adopts it too)
    administrator = django_user_model.objects.create_user(username="admin2", is_staff=True)
    administrator.groups.add(Group.objects.get(name=ADMINISTRATORS))
    reporter = django_user_model.objects.create_user(username="rapportor", is_staff=True)
    reporter.groups.add(Group.objects.get(name=REPORTERS))
    unit.reporters.add(reporter)
    # The state is what locks; the approval services are tested in test_report_approval and
    # test_unit_approval.
    reports = FollowUpReport.objects.filter(plan=rs_plan_2018(), period_end="2018-04-30")
    if request.param == "report":
        reports.update(state=FollowUpReport.State.APPROVED)
    else:
        for scope in (unit, None):
            UnitApproval.objects.create(
                report=reports.get(), unit=scope, state=UnitApproval.State.APPROVED, approved_at=timezone.now()
            )
    clients = {}
    for name, user in (("admin", administrator), ("reporter", reporter)):
        clients[name] = Client(HTTP_ACCEPT_LANGUAGE="sv")
        clients[name].force_login(user)
    return outcome, administrator, reporter, clients


def form_data(outcome: Outcome, **changes) -> dict:
    data = {
        "indicator": outcome.indicator_id,
        "year": outcome.year,
        "period_kind": outcome.period_kind,
        "period_number": outcome.period_number,
        "unit": outcome.unit_id or "",
        "sex": outcome.sex,
        "value": str(outcome.value),
        "accomplished": "unknown",
        "count": "",
        "comment": outcome.comment,
        "expected_version": outcome.version,
        "change_reason": "",
    }
    data.update(changes)
    return data


def stored(outcome: Outcome) -> Outcome:
    return Outcome.objects.get(pk=outcome.pk)


def last_reason(obj) -> str | None:
    return obj.history.order_by("-history_id").first().history_change_reason


def test_admin_change_form(locked_april):
    outcome, _admin, _reporter, clients = locked_april
    url = reverse("admin:kpis_outcome_change", args=[outcome.pk])
    assert clients["reporter"].post(url, form_data(outcome, value="6.0")).status_code == 403
    refused = clients["admin"].post(url, form_data(outcome, value="6.0"))
    assert refused.status_code == 200 and "ange skälet" in refused.content.decode().lower()
    assert stored(outcome).value == Decimal("6.4")
    accepted = clients["admin"].post(url, form_data(outcome, value="6.0", change_reason=REASON))
    assert accepted.status_code == 302, accepted.context["adminform"].form.errors
    assert stored(outcome).value == Decimal("6.0") and last_reason(outcome) == REASON


def test_change_of_period_cannot_empty_a_locked_month(locked_april):
    outcome, _admin, _reporter, clients = locked_april
    url = reverse("admin:kpis_outcome_change", args=[outcome.pk])
    # September is open; March, where the outcome is now, is locked.
    refused = clients["admin"].post(url, form_data(outcome, period_number=9))
    assert refused.status_code == 200 and stored(outcome).period_number == 3
    assert clients["reporter"].post(url, form_data(outcome, period_number=9)).status_code == 403
    assert stored(outcome).period_number == 3
    accepted = clients["admin"].post(url, form_data(outcome, period_number=9, change_reason=REASON))
    assert accepted.status_code == 302 and stored(outcome).period_number == 9 and last_reason(outcome) == REASON


def test_delete(locked_april):
    outcome, _admin, _reporter, clients = locked_april
    url = reverse("admin:kpis_outcome_delete", args=[outcome.pk])
    assert clients["reporter"].post(url, {"post": "yes"}).status_code == 403
    assert "required" in clients["admin"].get(url).content.decode()  # the reason field is required
    clients["admin"].post(url, {"post": "yes"})
    assert Outcome.objects.filter(pk=outcome.pk).exists()
    assert clients["admin"].post(url, {"post": "yes", "change_reason": REASON}).status_code == 302
    assert not Outcome.objects.filter(pk=outcome.pk).exists()
    deleted = Outcome.history.filter(id=outcome.pk, history_type="-").get()
    assert deleted.history_change_reason == REASON


def test_bulk_delete(locked_april):
    outcome, _admin, _reporter, clients = locked_april
    url = reverse("admin:kpis_outcome_changelist")
    action = {"action": "delete_selected", "_selected_action": [outcome.pk], "post": "yes"}
    clients["reporter"].post(url, action)
    clients["admin"].post(url, action)
    assert Outcome.objects.filter(pk=outcome.pk).exists()
    clients["admin"].post(url, {**action, "change_reason": REASON})
    assert not Outcome.objects.filter(pk=outcome.pk).exists()
    assert Outcome.history.filter(id=outcome.pk, history_type="-").get().history_change_reason == REASON


def test_outcomes_belong_to_the_indicator_and_outlive_a_deleted_measure(locked_april):
    outcome, _admin, _reporter, clients = locked_april
    # The decided RS plan's measure goes only with a reason; its indicator's outcomes stay.
    url = reverse("admin:kpis_measure_delete", args=[outcome.rs_measure.pk])
    clients["admin"].post(url, {"post": "yes"})
    assert Measure.objects.filter(pk=outcome.rs_measure.pk).exists()
    clients["admin"].post(url, {"post": "yes", "change_reason": REASON})
    assert not Measure.objects.filter(pk=outcome.rs_measure.pk).exists()
    assert Outcome.objects.filter(pk=outcome.pk).exists()
    # An indicator still adopted (by HSN 2021) cannot be deleted at all.
    response = clients["admin"].post(
        reverse("admin:kpis_indicator_delete", args=[outcome.indicator_id]), {"post": "yes", "change_reason": REASON}
    )
    assert response.status_code == 200 and Outcome.objects.filter(pk=outcome.pk).exists()


def test_history_revert(locked_april):
    outcome, administrator, _reporter, clients = locked_april
    first_version = outcome.history.order_by("history_id").first()
    outcome.value = Decimal("7.1")
    outcome._change_reason = "Korrigering"
    outcome.save()
    url = reverse("admin:kpis_outcome_simple_history", args=[outcome.pk, first_version.history_id])
    current = stored(outcome)
    data = form_data(first_version.instance, expected_version=current.version)
    assert clients["reporter"].post(url, data).status_code == 403
    clients["admin"].post(url, data)
    assert stored(outcome).value == Decimal("7.1")
    assert clients["admin"].post(url, {**data, "change_reason": REASON}).status_code == 302
    assert stored(outcome).value == Decimal("6.4") and last_reason(outcome) == REASON


def entry_url(outcome: Outcome) -> str:
    return (
        f"{reverse('admin:kpis_outcome_entry')}?plan={outcome.rs_measure.plan_id}&year=2018&period_kind=month"
        f"&period_number=3&unit={outcome.unit_id}"
    )


def entry_post(client: Client, outcome: Outcome, value: str, reason: str = "") -> dict:
    """The entry page's own form, with one value changed."""
    page = client.get(entry_url(outcome))
    formset = page.context["page"].formset
    data = {"change_reason": reason}
    for key, value_ in formset.management_form.initial.items():
        data[f"form-{key}"] = value_
    for index, form in enumerate(formset.forms):
        for name, initial in form.initial.items():
            data[f"form-{index}-{name}"] = "" if initial is None else initial
        if form.initial["measure_id"] == outcome.rs_measure.pk and form.initial["sex"] == Sex.TOTAL:
            data[f"form-{index}-value"] = value
    return data


def test_entry_page(locked_april):
    outcome, _admin, _reporter, clients = locked_april
    page = clients["reporter"].get(entry_url(outcome))
    assert page.status_code == 200 and "ingår i en godkänd rapport" in page.content.decode()
    reporter_data = entry_post(clients["reporter"], outcome, "5,9")
    assert clients["reporter"].post(entry_url(outcome), reporter_data).status_code == 403
    clients["admin"].post(entry_url(outcome), entry_post(clients["admin"], outcome, "5,9"))
    assert stored(outcome).value == Decimal("6.4")
    clients["admin"].post(entry_url(outcome), entry_post(clients["admin"], outcome, "5,9", REASON))
    assert stored(outcome).value == Decimal("5.9") and last_reason(outcome) == REASON


def import_file(outcome: Outcome, value: str) -> bytes:
    return f"mätetal;år;period;enhet;kön;värde\n{outcome.rs_measure.pk};2018;month-3;{outcome.unit.name};T;{value}\n".encode()


def test_import_command(locked_april, tmp_path):
    outcome, administrator, reporter, _clients = locked_april
    path = tmp_path / "utfall.csv"
    path.write_bytes(import_file(outcome, "5,7"))
    with pytest.raises(CommandError):
        call_command("import_outcomes", str(path), user=reporter.username, stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("import_outcomes", str(path), user=administrator.username, stderr=io.StringIO())
    assert stored(outcome).value == Decimal("6.4")
    call_command(
        "import_outcomes",
        str(path),
        user=administrator.username,
        reason=REASON,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert stored(outcome).value == Decimal("5.7") and last_reason(outcome) == REASON


def test_admin_import(locked_april):
    outcome, _admin, _reporter, clients = locked_april
    url = reverse("admin:kpis_outcome_import")

    def upload(client, reason=""):
        data = {"file": io.BytesIO(import_file(outcome, "5,8")), "reason": reason}
        data["file"].name = "utfall.csv"
        return client.post(url, data)

    assert "godkänd" in upload(clients["reporter"]).content.decode()
    assert "godkänd" in upload(clients["admin"]).content.decode()
    preview = upload(clients["admin"], REASON)
    assert preview.status_code == 200 and "ändrade: 1" in preview.content.decode()
    assert stored(outcome).value == Decimal("6.4")  # nothing before the confirmation
    assert clients["admin"].post(url, {"confirm": "1"}).status_code == 302
    assert stored(outcome).value == Decimal("5.8") and last_reason(outcome) == REASON


def decided_target() -> Target:
    return Target.objects.get(measure__plan=rs_plan_2018(), wording__startswith="5,8 %")


def target_data(target: Target, **changes) -> dict:
    data = {
        "measure": target.measure_id,
        "year": target.year,
        "kind": target.kind,
        "value": str(target.value),
        "base_year": target.base_year or "",
        "base_value": target.base_value or "",
        "wording": target.wording,
        "tolerance": target.tolerance or "",
        "note": target.note,
        "decided_by": target.decided_by_id or "",
        "decision_reference": target.decision_reference,
        "change_reason": "",
    }
    data.update(changes)
    return data


def test_target_of_a_decided_plan(locked_april):
    _outcome, _admin, _reporter, clients = locked_april
    target = decided_target()
    url = reverse("admin:kpis_target_change", args=[target.pk])
    assert clients["reporter"].post(url, target_data(target, value="1")).status_code == 403
    refused = clients["admin"].post(url, target_data(target, value="1"))
    assert refused.status_code == 200 and "beslutad" in refused.content.decode()
    assert Target.objects.get(pk=target.pk).value == Decimal("5.8")
    accepted = clients["admin"].post(url, target_data(target, value="5.5", change_reason="Beslut RS § 110"))
    assert accepted.status_code == 302
    assert Target.objects.get(pk=target.pk).value == Decimal("5.5") and last_reason(target) == "Beslut RS § 110"


def test_resource_import_of_a_target(locked_april):
    _outcome, administrator, reporter, _clients = locked_april
    target = decided_target()
    dataset = tablib.Dataset(headers=["measure", "year", "kind", "value", "wording"])
    dataset.append([target.measure_id, target.year, target.kind, "1", target.wording])
    for user in (reporter, administrator):
        result = TargetResource().import_data(dataset, dry_run=False, user=user)
        assert result.has_validation_errors() or result.has_errors()
        assert Target.objects.get(pk=target.pk).value == Decimal("5.8")
    result = TargetResource().import_data(dataset, dry_run=False, user=administrator, change_reason=REASON)
    assert not result.has_validation_errors() and not result.has_errors()
    assert Target.objects.get(pk=target.pk).value == Decimal("1") and last_reason(target) == REASON


def test_status_override(locked_april):
    outcome, _admin, _reporter, clients = locked_april
    override = StatusOverride.objects.create(
        indicator=outcome.indicator,
        year=2018,
        period_kind=PeriodKind.MONTH,
        period_number=3,
        unit=outcome.unit,
        status=Status.YELLOW,
        comment="Åtgärder pågår",
    )
    url = reverse("admin:kpis_statusoverride_change", args=[override.pk])
    data = {
        "indicator": override.indicator_id,
        "year": 2018,
        "period_kind": "month",
        "period_number": 3,
        "unit": override.unit_id,
        "sex": Sex.TOTAL,
        "status": Status.GREEN,
        "comment": "Uppfyllt ändå",
        "change_reason": "",
    }
    assert clients["reporter"].post(url, data).status_code == 403
    clients["admin"].post(url, data)
    assert StatusOverride.objects.get(pk=override.pk).status == Status.YELLOW
    assert clients["admin"].post(url, {**data, "change_reason": REASON}).status_code == 302
    assert StatusOverride.objects.get(pk=override.pk).status == Status.GREEN


def test_goal_assessment(locked_april):
    _outcome, _admin, _reporter, clients = locked_april
    goal = rs_plan_2018().goals.first()
    assessment = GoalAssessment.objects.create(
        goal=goal, year=2018, period_kind=PeriodKind.MONTH, period_number=2, status=Status.RED, comment="Ej nått"
    )
    url = reverse("admin:goalplan_goalassessment_change", args=[assessment.pk])
    data = {
        "goal": goal.pk,
        "year": 2018,
        "period_kind": "month",
        "period_number": 2,
        "status": Status.GREEN,
        "result": "",
        "comment": "Nått",
        "change_reason": "",
    }
    assert clients["reporter"].post(url, data).status_code == 403
    clients["admin"].post(url, data)
    assert GoalAssessment.objects.get(pk=assessment.pk).status == Status.RED
    assert clients["admin"].post(url, {**data, "change_reason": REASON}).status_code == 302
    assert GoalAssessment.objects.get(pk=assessment.pk).status == Status.GREEN


def test_services_refuse_the_same(locked_april):
    from kpis.services import outcome_save

    outcome, administrator, reporter, _clients = locked_april
    outcome.value = Decimal("6.0")
    with pytest.raises(PeriodLocked):
        outcome_save(outcome=outcome, user=reporter, expected_version=outcome.version)
    with pytest.raises(ValidationError):
        outcome_save(outcome=outcome, user=administrator, expected_version=outcome.version)
    with pytest.raises(ValidationError):  # longer than the history keeps
        outcome_save(outcome=outcome, user=administrator, expected_version=outcome.version, reason="x" * 101)
    saved = outcome_save(outcome=outcome, user=administrator, expected_version=outcome.version, reason=REASON)
    assert saved.value == Decimal("6.0")


def test_a_reason_longer_than_the_history_keeps_is_a_form_error_not_a_500(locked_april):
    outcome, _admin, _reporter, clients = locked_april
    url = reverse("admin:kpis_outcome_change", args=[outcome.pk])
    refused = clients["admin"].post(url, form_data(outcome, value="6.0", change_reason="x" * 101))
    assert refused.status_code == 200 and "100 tecken" in refused.content.decode()
    assert stored(outcome).value == Decimal("6.4")
    first_version = outcome.history.order_by("history_id").first()
    revert = reverse("admin:kpis_outcome_simple_history", args=[outcome.pk, first_version.history_id])
    data = form_data(
        first_version.instance, value="6.1", expected_version=stored(outcome).version, change_reason="x" * 101
    )
    assert clients["admin"].post(revert, data).status_code == 200
    assert stored(outcome).value == Decimal("6.4")


# --- Found by the adversarial review of the write rule ------------------------------------------


def inline_prefix(data: dict, pk: int) -> str:
    """The form prefix of the inline row that edits row ``pk`` (e.g. "targets-0")."""
    return next(key[: -len("-id")] for key, value in data.items() if key.endswith("-id") and value == str(pk))


def page_data(page) -> dict:
    """What the admin page's own forms would post (main form and every inline), unchanged."""
    data = {}

    def put(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if (
                isinstance(value, bool) or field.widget.input_type == "checkbox"
                if hasattr(field.widget, "input_type")
                else False
            ):
                if value:
                    data[key] = "on"
                continue
            if isinstance(value, (list, tuple)):
                data[key] = [str(item) for item in value]
            elif value is not None:
                data[key] = str(value)

    put(page.context["adminform"].form)
    for inline in page.context.get("inline_admin_formsets", []):
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for form in formset.forms:
            put(form)
    return data


def test_a_plain_revert_of_a_decided_target_needs_a_reason(locked_april):
    _outcome, _admin, _reporter, clients = locked_april
    target = decided_target()
    first = target.history.order_by("history_id").first()
    Target.objects.filter(pk=target.pk).update(value=Decimal("9.9"))
    url = reverse("admin:kpis_target_simple_history", args=[target.pk, first.history_id])
    data = page_data(clients["admin"].get(url))  # the old version as the page shows it, untouched
    clients["admin"].post(url, data)
    assert Target.objects.get(pk=target.pk).value == Decimal("9.9")
    assert clients["admin"].post(url, {**data, "change_reason": REASON}).status_code == 302
    assert Target.objects.get(pk=target.pk).value == first.value and last_reason(target) == REASON


def test_deleting_a_locked_row_in_an_inline_needs_a_reason(locked_april):
    _outcome, _admin, _reporter, clients = locked_april
    target = decided_target()
    url = reverse("admin:kpis_measure_change", args=[target.measure_id])
    data = page_data(clients["admin"].get(url))
    row = inline_prefix(data, target.pk)
    data[f"{row}-DELETE"] = "on"
    refused = clients["admin"].post(url, data)
    assert refused.status_code == 200 and "beslutad" in refused.content.decode()
    assert Target.objects.filter(pk=target.pk).exists()
    data[f"{row}-change_reason"] = REASON
    assert clients["admin"].post(url, data).status_code == 302
    assert not Target.objects.filter(pk=target.pk).exists()


def test_moving_a_measure_with_locked_outcomes_to_another_plan_needs_a_reason(locked_april):
    outcome, _admin, reporter, clients = locked_april
    measure = outcome.rs_measure
    other_plan = Measure.objects.exclude(plan=measure.plan).first().plan
    # Both plans drafts: only the approved report's lock on the outcomes the measure carries is left.
    Plan.objects.filter(pk__in=[measure.plan_id, other_plan.pk]).update(state=Plan.State.DRAFT)
    url = reverse("admin:kpis_measure_change", args=[measure.pk])
    data = {
        **page_data(clients["admin"].get(url)),
        "plan": other_plan.pk,
        "goal": "",
        "goal_area": other_plan.goal_areas.first().pk,
    }
    refused = clients["admin"].post(url, data)
    assert list(refused.context["adminform"].form.errors) == ["change_reason"]
    assert Measure.objects.get(pk=measure.pk).plan_id == measure.plan_id
    assert clients["admin"].post(url, {**data, "change_reason": REASON}).status_code == 302
    assert Measure.objects.get(pk=measure.pk).plan_id == other_plan.pk
    assert Measure.history.filter(id=measure.pk).latest("history_id").history_change_reason == REASON


def test_un_deciding_a_plan_needs_a_reason(locked_april):
    _outcome, _admin, _reporter, clients = locked_april
    plan = rs_plan_2018()
    url = reverse("admin:goalplan_plan_change", args=[plan.pk])
    data = {**page_data(clients["admin"].get(url)), "state": "draft"}
    clients["admin"].post(url, data)
    plan.refresh_from_db()
    assert plan.state == "decided"
    assert clients["admin"].post(url, {**data, "change_reason": REASON}).status_code == 302
    plan.refresh_from_db()
    assert plan.state == "draft" and plan.history.latest("history_id").history_change_reason == REASON


@pytest.mark.parametrize("locked_april", ["report"], indirect=True)  # what only a report approves
def test_an_approved_reports_proposals_are_frozen_on_their_own_admin_page(locked_april):
    from meetings.models import ProposedAdjustment

    _outcome, _admin, _reporter, clients = locked_april
    proposal = ProposedAdjustment.objects.filter(report__state=FollowUpReport.State.APPROVED).first()
    assert proposal is not None
    change = reverse("admin:meetings_proposedadjustment_change", args=[proposal.pk])
    data = {**page_data(clients["admin"].get(change)), "proposed_text": "Ändrat efter beslut"}
    clients["admin"].post(change, data)
    assert ProposedAdjustment.objects.get(pk=proposal.pk).proposed_text != "Ändrat efter beslut"
    delete = reverse("admin:meetings_proposedadjustment_delete", args=[proposal.pk])
    assert clients["admin"].post(delete, {"post": "yes"}).status_code == 403
    added = clients["admin"].post(
        reverse("admin:meetings_proposedadjustment_add"), {**data, "report": proposal.report_id}
    )
    assert added.status_code == 200 and "godkänd" in added.content.decode()


def test_a_control_character_in_a_reason_is_refused_not_a_500(locked_april):
    outcome, _admin, _reporter, clients = locked_april
    url = reverse("admin:kpis_outcome_delete", args=[outcome.pk])
    response = clients["admin"].post(url, {"post": "yes", "change_reason": "a\x00b"})
    assert response.status_code == 302 and Outcome.objects.filter(pk=outcome.pk).exists()
    data = entry_post(clients["admin"], outcome, "5,9", "a\x00b")
    assert clients["admin"].post(entry_url(outcome), data).status_code == 200
    assert stored(outcome).value == Decimal("6.4")


def test_odd_history_addresses_answer_404(locked_april):
    outcome, _admin, _reporter, clients = locked_april
    for url in (
        "/admin/kpis/target/abc/history/",
        "/admin/kpis/outcome/abc/history/",
        f"/admin/kpis/outcome/{outcome.pk}/history/abc/",
        "/admin/kpis/target/abc/history/1/",
    ):
        assert clients["admin"].get(url).status_code == 404, url
        assert clients["reporter"].get(url).status_code == 404, url


def test_an_entry_page_posted_with_other_rows_than_the_plan_has_saves_nothing(locked_april):
    outcome, _admin, _reporter, clients = locked_april
    data = entry_post(clients["admin"], outcome, "5,9", REASON)
    data["form-TOTAL_FORMS"] = "5000"
    response = clients["admin"].post(entry_url(outcome), data)
    assert response.status_code == 302 and stored(outcome).value == Decimal("6.4")


@pytest.mark.parametrize("locked_april", ["report"], indirect=True)  # what only a report approves
def test_a_meeting_of_an_approved_report_cannot_be_deleted(locked_april):
    _outcome, _admin, _reporter, clients = locked_april
    report = FollowUpReport.objects.get(plan=rs_plan_2018(), period_end="2018-04-30")
    assert report.meeting_id is not None
    url = reverse("admin:meetings_meeting_delete", args=[report.meeting_id])
    assert clients["admin"].post(url, {"post": "yes"}).status_code == 403
    report.refresh_from_db()
    assert report.meeting_id is not None


def test_a_confirmed_spreadsheet_import_without_the_reason_writes_nothing_and_says_so(locked_april):
    _outcome, _admin, _reporter, clients = locked_april
    target = decided_target()
    content = (
        f"measure;year;kind;value;wording\r\n{target.measure_id};{target.year};{target.kind};1;{target.wording}\r\n"
    ).encode()
    upload = io.BytesIO(content)
    upload.name = "mal.csv"
    formats = [f().get_title() for f in admin_site_formats()]
    preview = clients["admin"].post(
        reverse("admin:kpis_target_import"),
        {"import_file": upload, "format": str(formats.index("csv")), "resource": "0", "change_reason": REASON},
    )
    confirm = preview.context["confirm_form"].initial
    done = clients["admin"].post(reverse("admin:kpis_target_process_import"), {**confirm, "change_reason": ""})
    assert done.status_code == 302 and done.url.endswith(reverse("admin:kpis_target_import"))
    assert Target.objects.get(pk=target.pk).value == Decimal("5.8")


def admin_site_formats():
    from django.contrib import admin

    return admin.site._registry[Target].get_import_formats()


# --- Found by the second adversarial review ----------------------------------------------------


def test_moving_a_goal_that_has_measures_still_needs_the_reason(locked_april):
    from goalplan.models import Goal

    _outcome, _admin, _reporter, clients = locked_april
    goal = Goal.objects.filter(plan=rs_plan_2018(), measures__isnull=False).first()
    GoalAssessment.objects.create(
        goal=goal, year=2018, period_kind=PeriodKind.MONTH, period_number=1, status=Status.RED
    )
    other_plan = Measure.objects.exclude(plan=goal.plan).first().plan
    # Both plans drafts: only the approved report's lock on the assessment the goal carries is left.
    Plan.objects.filter(pk__in=[goal.plan_id, other_plan.pk]).update(state=Plan.State.DRAFT)
    url = reverse("admin:goalplan_goal_change", args=[goal.pk])
    data = {**page_data(clients["admin"].get(url)), "plan": other_plan.pk, "goal_area": "", "parent": ""}
    refused = clients["admin"].post(url, data)
    assert list(refused.context["adminform"].form.errors) == ["change_reason"]
    assert Goal.objects.get(pk=goal.pk).plan_id == goal.plan_id
    assert clients["admin"].post(url, {**data, "change_reason": REASON}).status_code == 302
    assert Goal.objects.get(pk=goal.pk).plan_id == other_plan.pk


def test_a_locked_status_override_keeps_the_reason_in_its_history(locked_april):
    outcome, _admin, _reporter, clients = locked_april
    override = StatusOverride.objects.create(
        indicator=outcome.indicator,
        year=2018,
        period_kind=PeriodKind.MONTH,
        period_number=3,
        unit=outcome.unit,
        status=Status.YELLOW,
        comment="Åtgärder pågår",
    )
    url = reverse("admin:kpis_statusoverride_change", args=[override.pk])
    data = {**page_data(clients["admin"].get(url)), "status": Status.GREEN, "change_reason": REASON}
    assert clients["admin"].post(url, data).status_code == 302
    assert last_reason(override) == REASON


@pytest.mark.parametrize("locked_april", ["report"], indirect=True)  # what only a report approves
def test_a_budget_outcome_printed_by_an_approved_report_of_the_body_is_locked(locked_april):
    from budget.models import BudgetFrame, BudgetLine, BudgetOutcome

    _outcome, _admin, _reporter, clients = locked_april
    rs = rs_plan_2018()
    # A frame of the RS body for 2018, held by another plan: the approved RS report prints it.
    frame = BudgetFrame.objects.exclude(plan=rs).first()
    frame.pk, frame.body, frame.year = None, rs.body, 2018
    frame.save()
    line = BudgetLine.objects.first()
    line.pk, line.frame = None, frame
    line.save()
    budget_outcome = BudgetOutcome.objects.create(line=line, month=4, outcome_tkr=Decimal("111"))
    url = reverse("admin:budget_budgetoutcome_change", args=[budget_outcome.pk])
    data = {**page_data(clients["admin"].get(url)), "outcome_tkr": "999"}
    clients["admin"].post(url, data)
    assert BudgetOutcome.objects.get(pk=budget_outcome.pk).outcome_tkr == Decimal("111")
    assert clients["admin"].post(url, {**data, "change_reason": REASON}).status_code == 302
    assert BudgetOutcome.objects.get(pk=budget_outcome.pk).outcome_tkr == Decimal("999")
    assert last_reason(budget_outcome) == REASON


def test_a_decided_measure_changes_only_with_a_reason(locked_april):
    outcome, _admin, _reporter, clients = locked_april
    measure = outcome.rs_measure
    url = reverse("admin:kpis_measure_change", args=[measure.pk])
    data = {**page_data(clients["admin"].get(url)), "name": "Sjukfrånvaro, omformulerad"}
    refused = clients["admin"].post(url, data)
    assert list(refused.context["adminform"].form.errors) == ["change_reason"]
    accepted = clients["admin"].post(url, {**data, "change_reason": REASON})
    assert accepted.status_code == 302, accepted.context["adminform"].form.errors
    assert Measure.objects.get(pk=measure.pk).name == "Sjukfrånvaro, omformulerad"


def test_the_indicator_of_a_decided_plan_changes_only_with_a_reason(locked_april):
    # Its direction decides the statuses of every plan adopting it.
    outcome, _admin, reporter, clients = locked_april
    indicator = outcome.indicator
    url = reverse("admin:kpis_indicator_change", args=[indicator.pk])
    flipped = next(choice for choice in Indicator.Direction.values if choice != indicator.direction)
    data = {**page_data(clients["admin"].get(url)), "direction": flipped}
    refused = clients["admin"].post(url, data)
    assert list(refused.context["adminform"].form.errors) == ["change_reason"]
    assert Indicator.objects.get(pk=indicator.pk).direction == indicator.direction
    assert clients["reporter"].post(url, {**data, "change_reason": REASON}).status_code == 403
    accepted = clients["admin"].post(url, {**data, "change_reason": REASON})
    assert accepted.status_code == 302, accepted.context["adminform"].form.errors
    assert Indicator.objects.get(pk=indicator.pk).direction == flipped
    assert Indicator.history.filter(id=indicator.pk).latest("history_id").history_change_reason == REASON


def test_an_action_with_odd_selected_rows_is_not_a_500(locked_april):
    _outcome, _admin, _reporter, clients = locked_april
    response = clients["admin"].post(
        reverse("admin:meetings_followupreport_changelist"),
        {"action": "approve_selected", "_selected_action": ["abc"], "index": "0"},
    )
    assert response.status_code in (200, 302)
