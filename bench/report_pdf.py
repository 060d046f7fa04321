"""Benchmark: a tertial report with 60 measures (half of them not met, so with charts) as PDF.

Run by hand; it builds its own SQLite database unless DATABASE_URL says otherwise:

    .venv/bin/python bench/report_pdf.py

Target on the 2-core machines: under 5 s from data to PDF bytes.
"""

import datetime
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench-report.sqlite3")

MEASURES = 60
REPEATS = 3


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from goalplan.models import Body, Goal, GoalArea, Plan
    from kpis.models import Measure, Outcome, Target
    from meetings.models import FollowUpReport
    from meetings.pdf import render_report_pdf
    from meetings.reports import report_content

    call_command("migrate", verbosity=0)
    body, _ = Body.objects.get_or_create(short_name="BN", defaults={"name": "Bänknämnden", "kind": "committee"})
    Plan.objects.filter(body=body).delete()
    plan = Plan.objects.create(
        title="Bänkplan 2025",
        kind="verksamhetsplan",
        body=body,
        start_year=2025,
        end_year=2025,
        state="decided",
        diary_number="BN/1/2025",
    )
    areas = [GoalArea.objects.create(plan=plan, name=f"Målområde {i + 1}", order=i) for i in range(4)]
    goals = [
        Goal.objects.create(
            plan=plan, goal_area=areas[i % 4], kind="result_goal", title=f"Resultatmål {i + 1}", order=i
        )
        for i in range(12)
    ]
    for i in range(MEASURES):
        measure = Measure.objects.create(
            plan=plan,
            goal_area=areas[i % 4],
            goal=goals[i % 12],
            name=f"Mätetal {i + 1}",
            unit="%",
            decimals=1,
            order=i,
            aggregation="ytd_mean",
        )
        Target.objects.create(measure=measure, year=2025, kind="at_least", value=80, wording="Minst 80 %")
        level = Decimal(60 if i % 2 else 85)  # every other measure is not met: 30 charts
        Outcome.objects.bulk_create(
            Outcome(
                indicator=measure.indicator,
                year=year,
                period_kind="month",
                period_number=month,
                value=level + (month % 5) - (2 if year == 2024 else 0),
                comment="Kommentar" if month == 4 else "",
            )
            for year in (2024, 2025)
            for month in range(1, 13 if year == 2024 else 5)
        )
    report = FollowUpReport.objects.create(
        body=body,
        plan=plan,
        kind="tertial",
        period_end=datetime.date(2025, 4, 30),
        title="Tertialrapport per april 2025 – bänk",
    )
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        content = report_content(report)
        built = time.perf_counter()
        pdf = render_report_pdf(content)
        timings.append((built - started, time.perf_counter() - built))
    charts = sum(1 for area in content["areas"] for goal in area["goals"] for row in goal["measures"] if row["chart"])
    build = statistics.median(t[0] for t in timings)
    render = statistics.median(t[1] for t in timings)
    print(f"{MEASURES} measures, {charts} charts, {len(pdf) / 1024:.0f} KiB PDF")
    print(f"content {build:.2f} s + PDF {render:.2f} s = {build + render:.2f} s (median of {REPEATS})")


if __name__ == "__main__":
    main()
