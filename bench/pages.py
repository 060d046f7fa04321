"""Benchmark: server time and SQL queries of the plan dashboard and a measure page at region scale.

Run by hand on PostgreSQL after bench/status_engine.py has filled its database (same DATABASE_URL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/malstyrning_bench \\
        .venv/bin/python bench/pages.py --repeats 10

Targets on the 2-core machines: dashboard under 300 ms, measure page under 150 ms.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--period", default="ytd-4")
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from goalplan.models import Plan

    # Not setup_test_environment(): it instruments every template render (a signal per template,
    # hundreds on a dashboard), which a server does not do.
    settings.ALLOWED_HOSTS = ["testserver"]
    plan = Plan.objects.get(title="Bänkplan")
    measure = plan.measures.order_by("order").first()
    user, _ = get_user_model().objects.get_or_create(username="bench-ledamot")
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user)
    query = f"year={args.year}&period={args.period}"
    pages = {
        "plan dashboard": f"/planer/{plan.pk}/?{query}",
        "measure page": f"/matetal/{measure.pk}/?{query}",
    }
    print(f"plan: {plan.measures.count()} measures; period {args.period} {args.year}")
    for name, url in pages.items():
        client.get(url)  # warm caches and templates
        durations, queries = [], 0
        for _ in range(args.repeats):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                durations.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(captured.captured_queries)
        print(
            f"{name:16s} median {statistics.median(durations) * 1000:7.1f} ms  "
            f"(min {min(durations) * 1000:.1f}, max {max(durations) * 1000:.1f}, n={args.repeats})  "
            f"{queries} SQL queries  {len(response.content) / 1024:.0f} KiB"
        )


if __name__ == "__main__":
    main()
