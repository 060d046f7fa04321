"""The administrator's reason for changing a locked figure reaches the history on every path that
writes one: inline rows, the entry page's cleared values, cascaded deletes, goal areas and
assignments; and a budget frame moved to another body carries its locked budget outcomes."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budget.models import AccountGroup, BudgetFrame, BudgetLine, BudgetOutcome
from goalplan.models import Assignment, Body, GoalArea
from kpis.models import Measure, Outcome, Target
from tests.selectors import rs_plan_2018
from tests.test_write_locks import (
    REASON,
    decided_target,
    entry_post,
    entry_url,
    inline_prefix,
    last_reason,
    locked_april,  # noqa: F401 (fixture)
    page_data,
    stored,
)

pytestmark = pytest.mark.django_db


def test_the_reason_of_a_changed_or_deleted_inline_row_is_kept(locked_april):
    _outcome, _admin, _reporter, clients = locked_april
    target = decided_target()
    url = reverse("admin:kpis_measure_change", args=[target.measure_id])
    data = page_data(clients["admin"].get(url))
    row = inline_prefix(data, target.pk)
    changed = {**data, f"{row}-value": "5.4", f"{row}-change_reason": REASON}
    assert clients["admin"].post(url, changed).status_code == 302
    assert Target.objects.get(pk=target.pk).value == Decimal("5.4") and last_reason(target) == REASON
    deleted = {**page_data(clients["admin"].get(url)), f"{row}-DELETE": "on", f"{row}-change_reason": "Utgår"}
    assert clients["admin"].post(url, deleted).status_code == 302
    assert Target.history.filter(id=target.pk).latest("history_id").history_type == "-"
    assert Target.history.filter(id=target.pk).latest("history_id").history_change_reason == "Utgår"


def test_a_locked_value_cleared_on_the_entry_page_keeps_the_reason(locked_april):
    outcome, _admin, _reporter, clients = locked_april
    assert (
        clients["admin"].post(entry_url(outcome), entry_post(clients["admin"], outcome, "", REASON)).status_code == 302
    )
    assert not Outcome.objects.filter(pk=outcome.pk).exists()
    removal = Outcome.history.filter(id=outcome.pk).latest("history_id")
    assert (removal.history_type, removal.history_change_reason) == ("-", REASON)


def test_rows_deleted_along_with_a_measure_or_an_indicator_keep_the_reason(locked_april):
    outcome, _admin, _reporter, clients = locked_april
    measure_ids = list(Measure.objects.filter(indicator_id=outcome.indicator_id).values_list("pk", flat=True))
    assert len(measure_ids) == 2  # RS 2018 and HSN 2021 follow the same sick leave
    for measure_id in measure_ids:
        url = reverse("admin:kpis_measure_delete", args=[measure_id])
        assert clients["admin"].post(url, {"post": "yes", "change_reason": "Mätetalet utgår"}).status_code == 302
    assert all(
        row.history_change_reason == "Mätetalet utgår"
        for row in Target.history.filter(measure_id__in=measure_ids, history_type="-")
    )
    # No plan adopts the indicator any more: deleting it takes its outcomes, with the reason.
    url = reverse("admin:kpis_indicator_delete", args=[outcome.indicator_id])
    assert clients["admin"].post(url, {"post": "yes", "change_reason": "Nyckeltalet utgår"}).status_code == 302
    removal = Outcome.history.filter(id=outcome.pk).latest("history_id")
    assert (removal.history_type, removal.history_change_reason) == ("-", "Nyckeltalet utgår")


@pytest.mark.parametrize("model", [GoalArea, Assignment])
def test_goal_areas_and_assignments_of_a_decided_plan_keep_their_former_values(locked_april, model):
    _outcome, _admin, _reporter, clients = locked_april
    row = model.objects.filter(plan=rs_plan_2018()).first() or model.objects.filter(plan__state="decided").first()
    field = "name" if model is GoalArea else "text"
    before = getattr(row, field)
    url = reverse(f"admin:goalplan_{model._meta.model_name}_change", args=[row.pk])
    data = {**page_data(clients["admin"].get(url)), field: "Ändrad lydelse", "change_reason": REASON}
    assert clients["admin"].post(url, data).status_code == 302
    latest, previous = row.history.order_by("-history_id")[:2]
    assert (getattr(latest, field), latest.history_change_reason) == ("Ändrad lydelse", REASON)
    assert getattr(previous, field) == before
    history = clients["admin"].get(reverse(f"admin:goalplan_{model._meta.model_name}_history", args=[row.pk]))
    assert history.status_code == 200 and REASON in history.content.decode()


@pytest.mark.parametrize("locked_april", ["report"], indirect=True)  # budget: locked by reports
def test_moving_a_budget_frame_to_another_body_needs_the_reason_its_locked_outcomes_ask(locked_april):
    _outcome, _admin, _reporter, clients = locked_april
    plan = rs_plan_2018()
    plan.state = "draft"
    plan.save()
    frame = BudgetFrame.objects.create(plan=plan, body=plan.body, year=2018)
    line = BudgetLine.objects.create(frame=frame, account_group=AccountGroup.objects.first(), amount_tkr=Decimal(-100))
    BudgetOutcome.objects.create(line=line, month=2, outcome_tkr=Decimal(-10), forecast_tkr=Decimal(-100))
    other = Body.objects.exclude(pk=plan.body_id).first()
    url = reverse("admin:budget_budgetframe_change", args=[frame.pk])
    data = {**page_data(clients["admin"].get(url)), "body": other.pk}
    refused = clients["admin"].post(url, data)
    assert refused.status_code == 200 and BudgetFrame.objects.get(pk=frame.pk).body_id == plan.body_id
    assert clients["admin"].post(url, {**data, "change_reason": REASON}).status_code == 302
    assert BudgetFrame.objects.get(pk=frame.pk).body_id == other.pk
    assert stored(_outcome).value == Decimal("6.4")


@pytest.mark.parametrize("locked_april", ["report"], indirect=True)  # budget: locked by reports
def test_moving_a_budget_frame_into_a_body_whose_months_are_locked_needs_a_reason(locked_april):
    _outcome, _admin, _reporter, clients = locked_april
    plan = rs_plan_2018()
    plan.state = "draft"
    plan.save()
    other = Body.objects.exclude(pk=plan.body_id).first()
    frame = BudgetFrame.objects.create(plan=plan, body=other, year=2018)  # outside RS's locked months
    line = BudgetLine.objects.create(frame=frame, account_group=AccountGroup.objects.first(), amount_tkr=Decimal(-100))
    BudgetOutcome.objects.create(line=line, month=2, outcome_tkr=Decimal(-10), forecast_tkr=Decimal(-100))
    url = reverse("admin:budget_budgetframe_change", args=[frame.pk])
    data = {**page_data(clients["admin"].get(url)), "body": plan.body_id}  # into RS, locked Jan–Apr 2018
    assert clients["admin"].post(url, data).status_code == 200
    assert BudgetFrame.objects.get(pk=frame.pk).body_id == other.pk
    assert clients["admin"].post(url, {**data, "change_reason": REASON}).status_code == 302


def test_a_decided_savings_effect_changes_its_plan_only_with_a_reason_but_its_outcome_freely(locked_april):
    from budget.models import SavingsEffect

    _outcome, _admin, _reporter, clients = locked_april
    effect = SavingsEffect.objects.filter(measure__plan__state="decided").first()
    url = reverse("admin:budget_savingseffect_change", args=[effect.pk])
    data = page_data(clients["admin"].get(url))
    assert clients["admin"].post(url, {**data, "amount_tkr": "4242"}).status_code == 200
    assert SavingsEffect.objects.get(pk=effect.pk).amount_tkr == effect.amount_tkr
    assert clients["admin"].post(url, {**data, "outcome_tkr": "1000"}).status_code == 302
    assert SavingsEffect.objects.get(pk=effect.pk).outcome_tkr == Decimal(1000)
    assert clients["admin"].post(url, {**data, "amount_tkr": "4242", "change_reason": REASON}).status_code == 302
    assert last_reason(SavingsEffect.objects.get(pk=effect.pk)) == REASON
