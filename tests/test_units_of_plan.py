"""The units a plan's figures break down by (goalplan.selectors.units_of_plan): a body whose units
have all been closed (a reorganisation) is offered every active unit, like a body that never had
units, rather than none. Found by an adversarial review."""

import pytest

from goalplan.models import Body, OrganisationalUnit, Plan
from goalplan.selectors import units_of_plan

pytestmark = pytest.mark.django_db


def test_a_body_whose_units_are_all_inactive_is_treated_like_a_body_without_units():
    body = Body.objects.create(name="Patientnämnden i Söderby", short_name="PN-SB", kind="committee")
    OrganisationalUnit.objects.create(name="Patientnämndens kansli (nedlagt)", body=body, is_active=False)
    plan = Plan.objects.create(
        title="Patientnämndens plan 2029", kind=Plan.Kind.OPERATIONAL_PLAN, body=body, start_year=2029, end_year=2029
    )
    assert units_of_plan(plan).exists()
