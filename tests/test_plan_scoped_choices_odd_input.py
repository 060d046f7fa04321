"""The goal, assignment and measure forms take a plan in the address (?plan=) or posted only when
it can be a row (config.admin_forms.ROW_NUMBER): "²" is a digit int() refuses and a 30-digit
number overflows SQLite's integer, and neither may answer 500. Found by an adversarial review."""

import pytest
from django.test import Client

from goalplan.models import Goal

pytestmark = pytest.mark.django_db

ODD = ["²", "9" * 30]


@pytest.fixture
def admin(admin_user):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("plan", ODD)
@pytest.mark.parametrize("model", ["goalplan/goal", "goalplan/assignment", "kpis/measure"])
def test_a_plan_in_the_address_that_is_no_row_number_is_not_a_server_error(admin, model, plan):
    assert admin.get(f"/admin/{model}/add/", {"plan": plan}).status_code == 200


@pytest.mark.parametrize("plan", ODD)
def test_a_posted_plan_that_is_no_row_number_is_a_form_error(admin, plan):
    goal = Goal.objects.filter(plan__body__short_name="HSN").first()
    form = {
        "plan": plan,
        "kind": goal.kind,
        "title": goal.title,
        "order": 0,
        "assessments-TOTAL_FORMS": 0,
        "assessments-INITIAL_FORMS": 0,
    }
    assert admin.post(f"/admin/goalplan/goal/{goal.pk}/change/", form).status_code == 200
    assert admin.post("/admin/goalplan/goal/add/", form).status_code == 200
