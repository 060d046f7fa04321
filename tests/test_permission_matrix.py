"""Who may do what in the admin: every role × every admin model × every kind of admin URL.

For each role (administrator, reporter of one unit, committee member, anonymous), each model in
the admin and each URL kind (changelist, add, change, delete, history, history version, every
action, import, export, and the custom pages), GET and POST: the status the role should get, and
for every refused POST an unchanged database. The payloads are real changes (a target's value, a
budget line's amount, a report's approval), so "unchanged" means the refusal held.

The expected rights are written out here from the roles' definitions (README "Roles"), not read
from the code under test.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import NoReverseMatch, reverse

from goalplan.models import OrganisationalUnit
from goalplan.periods import PeriodKind
from goalplan.roles import ADMINISTRATORS, COMMITTEE_MEMBERS, REPORTERS
from kpis.models import Measure, Outcome
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db

OUR_APPS = ("goalplan", "kpis", "budget", "meetings")
ROLES = ("administrator", "reporter", "member", "anonymous")
# What a reporter may write besides viewing everything of our apps (README "Roles").
REPORTER_WRITES = {"kpis.outcome": {"add", "change", "delete"}}


def admin_models():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in (*OUR_APPS, "auth")
    ]


# Logs written by the product itself (the reminder command): administrators read them, no one
# writes them in the admin, and reporters do not see their colleagues' addresses.
# Written by the product's own steps (the reminder command; the round page's approvals, their log
# and the analyses), read by administrators in the admin.
LOGS = {"meetings.sentreminder", "meetings.unitapproval", "meetings.approvalevent", "meetings.measureanalysis"}


def rights(role: str, model) -> set[str]:
    """The permissions a role has on a model, from the role definitions."""
    if model._meta.label_lower in LOGS:
        return {"view"} if role == "administrator" else set()
    if role == "administrator":
        return {"view", "add", "change", "delete", "approve"}
    if role == "reporter" and model._meta.app_label in OUR_APPS:
        return {"view"} | REPORTER_WRITES.get(model._meta.label_lower, set())
    return set()


@dataclass
class Case:
    kind: str
    method: str
    url: str
    data: dict | None
    needs: set[str]  # any one of these rights suffices


def fingerprint(model) -> str:
    """A digest of every row of the model under test and of the row counts of every model (a
    refused write to one model cannot have deleted or added rows elsewhere either)."""
    digest = hashlib.sha256()
    for row in model._base_manager.order_by("pk").values_list():
        digest.update(repr(row).encode())
    for label in (*OUR_APPS, "auth"):
        for other in apps.get_app_config(label).get_models():
            digest.update(f"{other._meta.label}={other._base_manager.count()}".encode())
    for row in Group.objects.order_by("pk").values_list("pk", "name", "permissions"):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def make_user(role: str):
    if role == "anonymous":
        return None
    group = {"administrator": ADMINISTRATORS, "reporter": REPORTERS, "member": COMMITTEE_MEMBERS}[role]
    user = get_user_model().objects.create_user(
        username=f"u-{role}",
        password=None,  # no hashing: fast
        is_staff=role != "member",
    )
    user.groups.add(Group.objects.get(name=group))
    if role == "reporter":
        OrganisationalUnit.objects.get(name="Akutvård").reporters.add(user)
    return user


def sample(model):
    """The row the cases act on: for outcomes, one of another unit than the reporter's."""
    if model is Outcome:
        measure = Measure.objects.filter(plan=hsn_plan(2025)).order_by("pk").first()
        return Outcome.objects.create(
            indicator=measure.indicator,
            year=2025,
            period_kind=PeriodKind.MONTH,
            period_number=3,
            unit=OrganisationalUnit.objects.get(name="Kirurgi"),
            value=Decimal("64"),
        )
    if model._meta.label_lower == "meetings.sentreminder":
        report = model._meta.get_field("report").related_model.objects.order_by("pk").first()
        recipient = get_user_model().objects.create_user(username="paminnd", email="paminnd@example.se")
        return model.objects.create(
            report=report, recipient=recipient, sent_on="2025-05-05", address=recipient.email, missing=2, text="Hej"
        )
    if model._meta.label_lower in ("meetings.unitapproval", "meetings.approvalevent", "meetings.measureanalysis"):
        return round_rows()[model._meta.label_lower]
    if model is Group:
        return Group.objects.create(name="Testgrupp")  # not a role: an administrator may delete it
    if model is get_user_model():
        return model.objects.create_user(username="testperson", password=None)
    return model._base_manager.order_by("pk").first()


def round_rows() -> dict:
    """A unit's approval in the tertial round per April 2025, its step and an analysis."""
    from meetings.models import ApprovalEvent, FollowUpReport, MeasureAnalysis, UnitApproval

    report = FollowUpReport.objects.get(plan=hsn_plan(2025), kind="tertial")
    unit = OrganisationalUnit.objects.get(name="Kirurgi")
    approval = UnitApproval.objects.create(report=report, unit=unit, state=UnitApproval.State.READY)
    return {
        "meetings.unitapproval": approval,
        "meetings.approvalevent": ApprovalEvent.objects.create(approval=approval, action="ready"),
        "meetings.measureanalysis": MeasureAnalysis.objects.create(
            report=report, measure=Measure.objects.filter(plan=hsn_plan(2025)).first(), unit=unit, analysis="A"
        ),
    }


def changed_payload(obj) -> dict:
    """The row's own values with one real change, as a form would post them."""
    data = {key: ("" if value is None else value) for key, value in model_to_dict(obj).items()}
    data = {
        key: ([item.pk if hasattr(item, "pk") else item for item in value] if isinstance(value, list) else value)
        for key, value in data.items()
    }
    for field in ("value", "amount_tkr", "name", "title", "comment", "wording", "text"):
        if field in data:
            data[field] = "1" if field in ("value", "amount_tkr") else f"{data[field]} (ändrad)"
            break
    data["change_reason"] = "Behörighetstest"
    data["expected_version"] = getattr(obj, "version", "")
    return data


def url(name: str, *args) -> str | None:
    try:
        return reverse(f"admin:{name}", args=args)
    except NoReverseMatch:
        return None


def cases_for(model, model_admin, obj, actions: list[str]) -> list[Case]:
    info = f"{model._meta.app_label}_{model._meta.model_name}"
    payload = changed_payload(obj) if obj is not None else {}
    cases = [
        Case("changelist", "GET", url(f"{info}_changelist"), None, {"view", "change"}),
        Case("add", "GET", url(f"{info}_add"), None, {"add"}),
        Case("add", "POST", url(f"{info}_add"), payload, {"add"}),
    ]
    if obj is not None:
        cases += [
            Case("change", "GET", url(f"{info}_change", obj.pk), None, {"view", "change"}),
            Case("change", "POST", url(f"{info}_change", obj.pk), payload, {"change"}),
            Case("history", "GET", url(f"{info}_history", obj.pk), None, {"view", "change"}),
        ]
        history = getattr(model, "history", None)
        if history is not None and hasattr(model_admin, "history_form_view"):
            version = history.filter(id=obj.pk).order_by("history_id").first()
            if version is not None:
                revert = url(f"{info}_simple_history", obj.pk, version.history_id)
                cases += [
                    Case("history version", "GET", revert, None, {"view", "change"}),
                    Case("history version", "POST", revert, payload, {"change"}),
                ]
    if getattr(model_admin, "resource_classes", None):
        cases += [
            Case("import", "GET", url(f"{info}_import"), None, {"change"}),
            Case("import", "POST", url(f"{info}_process_import"), {"format": "0", "import_file_name": "x"}, {"change"}),
            Case("export", "GET", url(f"{info}_export"), None, {"view"}),
            Case("export", "POST", url(f"{info}_export"), {"format": "0"}, {"view"}),
        ]
    extra = {
        "kpis_outcome": [
            ("entry", url("kpis_outcome_entry"), {"add", "change"}),
            ("outcome import", url("kpis_outcome_import"), {"add", "change"}),
        ],
        "kpis_nationalvalue": [("kolada import", url("kpis_nationalvalue_kolada"), {"add"})],
        "meetings_followupreport": [
            ("unapprove", url("meetings_followupreport_unapprove", obj.pk) if obj else None, {"approve"}),
            ("approve", url("meetings_followupreport_approve", obj.pk) if obj else None, {"approve"}),
        ],
    }.get(info, [])
    for kind, address, needs in extra:
        cases += [
            Case(kind, "GET", address, None, needs),
            Case(kind, "POST", address, {"reason": "Behörighetstest", "change_reason": "Behörighetstest"}, needs),
        ]
    # Last, what may delete the row: actions (bulk delete among them) and the delete page.
    for action in actions:
        needs = (
            {"delete"} if action == "delete_selected" else {"approve"} if action.startswith("approve") else {"change"}
        )
        data = {
            "action": action,
            "_selected_action": [obj.pk] if obj is not None else [],
            "post": "yes",
            "change_reason": "Behörighetstest",
        }
        cases.append(Case(f"action {action}", "POST", url(f"{info}_changelist"), data, needs))
    if obj is not None:
        cases += [
            Case("delete", "GET", url(f"{info}_delete", obj.pk), None, {"delete"}),
            Case(
                "delete",
                "POST",
                url(f"{info}_delete", obj.pk),
                {"post": "yes", "change_reason": "Behörighetstest"},
                {"delete"},
            ),
        ]
    return [case for case in cases if case.url]


# Refused to everyone: a report's state changes only through approval and un-approval.
NEVER = {("meetings.followupreport", "history version", "POST")}


def allowed_statuses(role: str, model, case: Case, obj) -> set[int]:
    """What the role should get: a page or a redirect when it holds the right, else a refusal."""
    if role == "anonymous":
        return {302}  # to the login page
    if role == "member" or (model._meta.label_lower, case.kind, case.method) in NEVER:
        return {403}
    held = rights(role, model)
    # A reporter's outcome rights stop at their own units: another unit's outcome is not found.
    outside_own_units = role == "reporter" and model is Outcome and obj is not None
    if case.needs & held and not (
        outside_own_units and case.kind in {"change", "history", "history version", "delete"}
    ):
        return {200, 302}
    if case.kind.startswith("action"):
        return {200, 302, 403}  # the action is not offered: the list again, nothing runs
    if outside_own_units and case.kind in {"change", "delete"}:
        return {302}  # Django's "does not exist" redirect to the admin index
    if outside_own_units and case.kind in {"history", "history version"}:
        return {404}
    return {403}


def write_refused(role: str, model, case: Case, obj) -> bool:
    held = rights(role, model)
    outside_own_units = role == "reporter" and model is Outcome and obj is not None
    never = (model._meta.label_lower, case.kind, case.method) in NEVER
    return case.method == "POST" and (never or not (case.needs & held) or (outside_own_units and case.kind != "add"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", [model for model, _admin in admin_models()], ids=lambda m: m._meta.label)
def test_every_admin_url_answers_each_role_as_its_rights_say(role, model):
    model_admin = admin.site._registry[model]
    obj = sample(model)
    administrator_request = type("Request", (), {"user": make_user("administrator"), "GET": {}, "POST": {}})()
    actions = list(model_admin.get_actions(administrator_request))
    user = make_user(role) if role != "administrator" else administrator_request.user
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    if user is not None:
        client.force_login(user)
    failures = []
    for case in cases_for(model, model_admin, obj, actions):
        before = fingerprint(model) if write_refused(role, model, case, obj) else None
        response = client.get(case.url) if case.method == "GET" else client.post(case.url, case.data or {})
        expected = allowed_statuses(role, model, case, obj)
        if response.status_code not in expected:
            failures.append(f"{case.method} {case.kind} {case.url}: {response.status_code}, expected {expected}")
        if before is not None and fingerprint(model) != before:
            failures.append(f"{case.method} {case.kind} {case.url}: refused for {role} but the database changed")
    assert failures == []


def test_the_matrix_covers_revert_and_approval_and_every_action():
    """The holes found by the adversarial test are cases of the matrix."""
    from meetings.models import FollowUpReport

    kinds = {
        (model._meta.label, case.kind, case.method)
        for model, model_admin in admin_models()
        for case in cases_for(
            model, model_admin, model._base_manager.first(), ["approve_selected"] if model is FollowUpReport else []
        )
    }
    for label in ("kpis.Target", "kpis.Outcome", "budget.BudgetLine", "goalplan.GoalAssessment"):
        assert (label, "history version", "POST") in kinds, label
    assert ("meetings.FollowUpReport", "action approve_selected", "POST") in kinds
    assert ("meetings.FollowUpReport", "unapprove", "POST") in kinds
    assert ("meetings.FollowUpReport", "approve", "POST") in kinds
    assert ("kpis.Target", "import", "POST") in kinds


def test_every_admin_action_declares_its_permission():
    """An action without declared permissions runs for anyone who reaches the changelist."""
    user = make_user("administrator")
    request = type("Request", (), {"user": user, "GET": {}, "POST": {}})()
    for model, model_admin in admin_models():
        for name, action in model_admin.get_actions(request).items():
            func = action.func if hasattr(action, "func") else action[0]
            assert getattr(func, "allowed_permissions", None), f"{model._meta.label}: {name}"


# The round page of a unit (meetings.round_page): who may open it and take which step, outside the
# admin. A reporter reports (marks ready, writes analyses) for their own unit only; a controller
# (administrator) also approves, sends back and un-approves; a committee member does nothing.
ROUND_STEPS = {
    "ready": {},
    "withdraw": {},
    "analysis": {"analysis": "Behörighetstest", "actions": "Behörighetstest"},
    "approve": {},
    "send_back": {"comment": "Behörighetstest"},
    "unapprove": {"reason": "Behörighetstest"},
}
CONTROLLER_STEPS = {"approve", "send_back", "unapprove"}


def round_page_expected(role: str, scope: str, step: str | None) -> set[int]:
    if role == "anonymous":
        return {302}
    if role == "member" or (role == "reporter" and scope != "own unit"):
        return {403}
    if role == "reporter" and step in CONTROLLER_STEPS:
        return {403}
    # Allowed to try: done (302), or refused by the round's own rule (400: e.g. closed, not ready).
    return {200} if step is None else {302, 400}


@pytest.mark.parametrize("role", ROLES)
def test_the_round_page_answers_each_role_as_its_rights_say(role):
    from meetings.models import FollowUpReport

    report = FollowUpReport.objects.get(plan=hsn_plan(2025), kind="tertial")
    own, other = (OrganisationalUnit.objects.get(name=name) for name in ("Akutvård", "Kirurgi"))
    addresses = {
        "own unit": reverse("round_unit", args=[report.pk, own.pk]),
        "other unit": reverse("round_unit", args=[report.pk, other.pk]),
        "whole plan": reverse("round_whole_plan", args=[report.pk]),
    }
    user = make_user(role) if role != "anonymous" else None
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    if user is not None:
        client.force_login(user)
    measure = Measure.objects.filter(plan=hsn_plan(2025)).order_by("pk").first()
    failures = []
    for scope, address in addresses.items():
        response = client.get(address)
        if response.status_code not in round_page_expected(role, scope, None):
            failures.append(f"GET {scope}: {response.status_code}")
        for step, fields in ROUND_STEPS.items():
            data = {"step": step, "measure": measure.pk, **{f"m{measure.pk}-{k}": v for k, v in fields.items()}}
            data.update(fields)
            expected = round_page_expected(role, scope, step)
            before = fingerprint(Outcome)
            response = client.post(address, data)
            if response.status_code not in expected:
                failures.append(f"POST {step} {scope}: {response.status_code}, expected {expected}")
            if response.status_code != 302 and fingerprint(Outcome) != before:
                failures.append(f"POST {step} {scope}: refused for {role} but the database changed")
    assert failures == []
