"""Benchmark: the completeness board of a round at region scale (acceptance of issue 15: under
300 ms for 60 units × 400 indicators, with queries independent of both).

Run by hand on PostgreSQL after bench/status_engine.py has filled its database (same DATABASE_URL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/malstyrning_bench \\
        .venv/bin/python bench/completeness_board.py --repeats 15

It makes the bench plan's 60 units report to its body and every indicator reported per unit, and
adds a tertial report per April 2025 with a meeting (idempotent), then times, interleaved, the
board as a page object and the whole page through the test client (signed in as an
administrator), and prints the medians and the page's number of queries.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from goalplan.models import OrganisationalUnit, Plan
    from kpis.models import Indicator
    from meetings.board import completeness_board
    from meetings.models import FollowUpReport, Meeting

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to the PostgreSQL database bench/status_engine.py filled.")
    settings.ALLOWED_HOSTS = ["testserver"]
    plan = Plan.objects.get(title="Bänkplan")
    OrganisationalUnit.objects.filter(name__startswith="Enhet ").update(body=plan.body)
    Indicator.objects.filter(measures__plan=plan).update(reported_per_unit=True)
    meeting, _ = Meeting.objects.get_or_create(body=plan.body, starts_on=datetime.date(2025, 5, 22))
    report, _ = FollowUpReport.objects.get_or_create(
        body=plan.body,
        plan=plan,
        kind=FollowUpReport.Kind.TERTIAL,
        period_end=datetime.date(2025, 4, 30),
        defaults={"meeting": meeting, "title": "Tertialrapport per april 2025 (bänk)"},
    )
    user, _ = get_user_model().objects.get_or_create(
        username="bench-superuser", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user)
    url = f"/rapporter/{report.pk}/inrapportering/"

    def page() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def board() -> None:
        completeness_board(report)

    # Counted by a wrapper round every execute (the test client's request signals would reset
    # Django's query log, which CaptureQueriesContext reads).
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: queries.append(sql) or execute(sql, params, many, context)
    ):
        board()
    board_queries = len(queries)
    queries.clear()
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: queries.append(sql) or execute(sql, params, many, context)
    ):
        page()
    page_queries = len(queries)
    timed = {"page (test client)": page, "page object (completeness_board)": board}
    for function in timed.values():
        function()
    durations = {name: [] for name in timed}
    for _ in range(args.repeats):
        for name, function in timed.items():
            started = time.perf_counter()
            function()
            durations[name].append(time.perf_counter() - started)
    built = completeness_board(report)
    cells = sum(len(row.states) for row in built.rows)
    print(f"board: {len(built.rows)} rows (units + whole plan) × {len(built.measures)} figures = {cells} cells")
    for name, values in durations.items():
        print(
            f"{name:34s} median {statistics.median(values) * 1000:7.1f} ms "
            f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f}, n={len(values)})"
        )
    print(f"queries: board {board_queries}, whole page {page_queries}")


if __name__ == "__main__":
    main()
