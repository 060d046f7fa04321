"""The committee pages make the same number of queries for 10 measures as for 200."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goalplan.choices import Sex
from goalplan.models import Body, Goal, GoalArea, Plan
from goalplan.periods import PeriodKind
from kpis.models import Indicator, Measure, Outcome, Target

pytestmark = pytest.mark.django_db

AGGREGATIONS = ["latest", "ytd_sum", "ytd_mean", "r12_mean", "weighted_mean"]


def plan_with(count: int) -> Plan:
    body = Body.objects.get(short_name="HSN")
    plan = Plan.objects.create(
        title=f"Plan med {count} mätetal",
        kind="verksamhetsplan",
        body=body,
        start_year=2030 + count % 50,
        end_year=2030 + count % 50,
        state="decided",
    )
    year = plan.start_year
    areas = [GoalArea.objects.create(plan=plan, name=f"Område {i}", order=i) for i in range(3)]
    goals = [
        Goal.objects.create(plan=plan, goal_area=areas[i % 3], kind="result_goal", title=f"Mål {i}", order=i)
        for i in range(6)
    ]
    indicators = Indicator.objects.bulk_create(
        Indicator(name=f"Nyckeltal {i}", unit="%", split_by_sex=i % 4 == 0, aggregation=AGGREGATIONS[i % 5])
        for i in range(count)
    )
    measures = Measure.objects.bulk_create(
        Measure(
            plan=plan,
            indicator=indicators[i],
            goal_area=areas[i % 3],
            goal=goals[i % 6],
            name=f"Mätetal {i}",
            order=i,
            decided_by=body,
        )
        for i in range(count)
    )
    Target.objects.bulk_create(
        Target(measure=m, year=year, kind="at_least", value=50, wording="Minst 50 %") for m in measures
    )
    Outcome.objects.bulk_create(
        Outcome(
            indicator=m.indicator,
            year=y,
            period_kind=PeriodKind.MONTH,
            period_number=month,
            sex=sex,
            value=Decimal(40 + month),
            comment="Kommentar" if month == 4 else "",
        )
        for m in measures
        for y in (year - 1, year)
        for month in range(1, 13 if y < year else 5)
        for sex in ([Sex.TOTAL, Sex.WOMEN, Sex.MEN] if m.split_by_sex else [Sex.TOTAL])
    )
    return plan


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.fixture
def plans(db):
    return plan_with(10), plan_with(200)


def urls(plan: Plan) -> dict:
    measure = plan.measures.order_by("order").first()
    goal = plan.goals.order_by("order").first()
    query = f"year={plan.start_year}&period=tertial-1"
    return {
        "dashboard": f"/planer/{plan.pk}/?{query}",
        "dashboard, one status": f"/planer/{plan.pk}/?{query}&status=red",
        "goal": f"/mal/{goal.pk}/?{query}",
        "measure": f"/matetal/{measure.pk}/?{query}",
    }


def test_query_count_does_not_grow_with_the_number_of_measures(admin_client_sv, plans, django_assert_max_num_queries):
    small, large = plans
    for (name, small_url), large_url in zip(urls(small).items(), urls(large).values()):
        bound = queries(admin_client_sv, small_url)
        with django_assert_max_num_queries(bound):
            assert admin_client_sv.get(large_url).status_code == 200, name
