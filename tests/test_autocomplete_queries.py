"""The admin's search boxes name a goal or goal area with its plan (``choice_label``) and read the
plans with the results: a fixed number of queries however many results, not one per result on
every keystroke. Found by an adversarial review."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("app_label", "model_name", "field_name"),
    [("goalplan", "goal", "parent"), ("goalplan", "goalarea", "source_area"), ("meetings", "agendaitem", "goals")],
)
def test_a_search_for_goals_does_not_read_each_results_plan_alone(admin_client_sv, app_label, model_name, field_name):
    query = {"term": "", "app_label": app_label, "model_name": model_name, "field_name": field_name}
    with CaptureQueriesContext(connection) as queries:
        response = admin_client_sv.get("/admin/autocomplete/", query)
    assert len(json.loads(response.content)["results"]) == 20
    assert len(queries.captured_queries) <= 6
