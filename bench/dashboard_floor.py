"""Benchmark: the plan dashboard against the SQL floor, side by side in one run.

Run by hand on PostgreSQL after bench/status_engine.py has filled its database (same DATABASE_URL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/malstyrning_bench \\
        .venv/bin/python bench/dashboard_floor.py --repeats 15

Each round renders the plan dashboard (the test client, signed in as a superuser, the dashboard
cache off) and runs ONE hand-written SQL query that fetches every figure the page shows for the
same plan, period and scope (whole scope, total): per measure its target, the sums and counts of
the period's span, of the span its trend compares with and of the forecast's spans (the year to
date last year, last year), the last month's value of a point-in-time measure, and the twelve
months of its sparkline. The two alternate, so the machine's load falls on both alike; the
medians and their ratio are printed. Target: the dashboard within 2 × the floor.

``--breakdown`` also times, in the same rounds, the engine alone (``evaluate_measures``) and the
page object (``plan_dashboard``: engine, goals, sparklines) to show where the rest goes.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Month indexes are year × 12 + month, as the engine computes them (goalplan.periods.month_index).
# A span's months: R12 measures the twelve ending in the period's last month, the others the
# period's own. The trend compares readings (point in time, R12) with the month before, sums and
# means with the span of the same length before; the forecast uses the same months last year and
# last year's whole year.
FLOOR_SQL = """
WITH plan_measures AS (
    SELECT m.id, m.name, m.indicator_id, i.aggregation, i.unit, i.decimals, i.direction,
           t.kind AS target_kind, t.value AS target_value, t.wording, t.tolerance, t.base_year, t.base_value,
           g.title AS goal_title, a.name AS area_name,
           CASE WHEN i.aggregation LIKE 'r12%%' THEN %(last)s - 11 ELSE %(first)s END AS now_first,
           CASE WHEN i.aggregation LIKE 'r12%%' OR i.aggregation = 'latest' THEN 1
                ELSE %(last)s - %(first)s + 1 END AS step
    FROM kpis_measure m
    JOIN kpis_indicator i ON i.id = m.indicator_id
    LEFT JOIN kpis_target t ON t.measure_id = m.id AND t.year = %(year)s
    LEFT JOIN goalplan_goal g ON g.id = m.goal_id
    LEFT JOIN goalplan_goalarea a ON a.id = m.goal_area_id
    WHERE m.plan_id = %(plan)s
),
figures AS (
    SELECT m.id,
           SUM(o.value) FILTER (WHERE o.month BETWEEN m.now_first AND %(last)s) AS now_sum,
           COUNT(o.value) FILTER (WHERE o.month BETWEEN m.now_first AND %(last)s) AS now_months,
           SUM(o.value * o.count) FILTER (WHERE o.month BETWEEN m.now_first AND %(last)s)
               / NULLIF(SUM(o.count) FILTER (WHERE o.month BETWEEN m.now_first AND %(last)s), 0) AS now_weighted,
           MAX(o.value) FILTER (WHERE o.month = %(last)s) AS now_last_month,
           SUM(o.value) FILTER (WHERE o.month BETWEEN m.now_first - m.step AND %(last)s - m.step) AS before_sum,
           COUNT(o.value) FILTER (WHERE o.month BETWEEN m.now_first - m.step AND %(last)s - m.step) AS before_months,
           MAX(o.value) FILTER (WHERE o.month = %(last)s - m.step) AS before_last_month,
           SUM(o.value) FILTER (WHERE o.month BETWEEN m.now_first - 12 AND %(last)s - 12) AS last_ytd_sum,
           COUNT(o.value) FILTER (WHERE o.month BETWEEN m.now_first - 12 AND %(last)s - 12) AS last_ytd_months,
           SUM(o.value) FILTER (WHERE o.month BETWEEN %(last_year_first)s AND %(last_year_first)s + 11)
               AS last_year_sum,
           COUNT(o.value) FILTER (WHERE o.month BETWEEN %(last_year_first)s AND %(last_year_first)s + 11)
               AS last_year_months,
           ARRAY_AGG(o.value ORDER BY o.month) FILTER (WHERE o.month > %(last)s - 12 AND o.month <= %(last)s)
               AS sparkline
    FROM plan_measures m
    JOIN (
        SELECT indicator_id, year * 12 + period_number AS month, value, count
        FROM kpis_outcome
        WHERE unit_id IS NULL AND sex = 'T' AND period_kind = 'month' AND year BETWEEN %(year)s - 1 AND %(year)s
    ) o ON o.indicator_id = m.indicator_id
    GROUP BY m.id, m.now_first, m.step
)
SELECT m.id, m.name, m.unit, m.decimals, m.direction, m.target_kind, m.target_value, m.wording, m.tolerance,
       m.base_year, m.base_value, m.goal_title, m.area_name, f.*
FROM plan_measures m
LEFT JOIN figures f ON f.id = m.id
ORDER BY m.id
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--period", default="ytd-4")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--breakdown", action="store_true", help="also time the engine and the page object")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from goalplan.models import Plan
    from goalplan.periods import Period, month_index
    from kpis.dashboard import plan_dashboard
    from kpis.selectors import measures_of_plan
    from kpis.status import evaluate_measures

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to the PostgreSQL database bench/status_engine.py filled.")
    # Not setup_test_environment(): it instruments every template render (a signal per template,
    # hundreds on a dashboard), which a server does not do.
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.DASHBOARD_CACHE_ENABLED = False  # every render is computed: the uncached page is what is measured
    plan = Plan.objects.get(title="Bänkplan")
    period = Period.from_token(args.year, args.period)
    user, _ = get_user_model().objects.get_or_create(
        username="bench-superuser", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user)
    url = f"/planer/{plan.pk}/?year={args.year}&period={args.period}"
    first, last = period.span.first, period.span.last
    parameters = {
        "plan": plan.pk,
        "year": args.year,
        "first": first,
        "last": last,
        "last_year_first": month_index(args.year - 1, 1),
    }

    def render() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, parameters)
            rows = cursor.fetchall()
        assert len(rows) == plan.measures.count(), len(rows)

    def engine() -> None:
        evaluate_measures(list(measures_of_plan(plan=plan)), period, total_only=True)

    def page_object() -> None:
        plan_dashboard(plan, period)

    timed = {"dashboard": render, "SQL floor": floor}
    if args.breakdown:
        timed |= {"engine (evaluate_measures)": engine, "page object (plan_dashboard)": page_object}
    for function in timed.values():
        function()  # warm caches, templates and the database's buffers
    durations: dict[str, list[float]] = {name: [] for name in timed}
    for _ in range(args.repeats):
        for name, function in timed.items():
            started = time.perf_counter()
            function()
            durations[name].append(time.perf_counter() - started)
    print(f"plan: {plan.measures.count()} measures; period {args.period} {args.year}; whole scope, total")
    medians = {name: statistics.median(values) for name, values in durations.items()}
    for name, values in durations.items():
        print(
            f"{name:30s} median {medians[name] * 1000:7.1f} ms  "
            f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f}, n={len(values)})"
        )
    print(f"dashboard / floor: {medians['dashboard'] / medians['SQL floor']:.1f} × (target ≤ 2 ×)")


if __name__ == "__main__":
    main()
