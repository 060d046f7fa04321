"""Benchmark: evaluate every measure of a plan for one period at region scale.

Run by hand against PostgreSQL (the data is generated with generate_series):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/malstyrning_bench \\
        .venv/bin/python bench/status_engine.py --measures 400 --years 10 --units 60

It (re)creates the benchmark database named in DATABASE_URL, migrates it, creates one plan
with N measures (a mix of every aggregation, a target each) and monthly outcomes for every
measure × month × unit (plus the whole scope) × sex (K/M/T), then times the status engine
for one period and reports the SQL queries it made. The query count must be the same for a
tenth of the measures as for all of them: the engine aggregates in the database.
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

AGGREGATIONS = ["latest", "ytd_sum", "ytd_mean", "r12_mean", "weighted_mean"]


def recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def populate(measure_count: int, years: int, unit_count: int, last_year: int) -> tuple:
    from django.db import connection, transaction

    from goalplan.models import Body, OrganisationalUnit, Plan
    from kpis.models import Indicator, Measure, Target

    with transaction.atomic():
        body = Body.objects.create(name="Bänknämnden", short_name="BN", kind="committee", order=9)
        plan = Plan.objects.create(
            title="Bänkplan",
            kind="verksamhetsplan",
            body=body,
            start_year=last_year,
            end_year=last_year,
            state="decided",
        )
        region = OrganisationalUnit.objects.create(name="Bänkregionen", kind="region")
        units = OrganisationalUnit.objects.bulk_create(
            OrganisationalUnit(name=f"Enhet {i:02d}", kind="unit", parent=region) for i in range(unit_count)
        )
        indicators = Indicator.objects.bulk_create(
            Indicator(
                name=f"Nyckeltal {i:03d}",
                unit="%",
                decimals=1,
                split_by_sex=True,
                direction="higher" if i % 3 else "lower",
                aggregation=AGGREGATIONS[i % len(AGGREGATIONS)],
            )
            for i in range(measure_count)
        )
        measures = Measure.objects.bulk_create(
            Measure(plan=plan, indicator=indicator, name=f"Mätetal {i:03d}", order=i)
            for i, indicator in enumerate(indicators)
        )
        Target.objects.bulk_create(
            Target(
                measure=m,
                year=last_year,
                kind="at_least" if m.direction == "higher" else "at_most",
                value=50,
                wording="Minst 50 %" if m.direction == "higher" else "Högst 50 %",
            )
            for m in measures
        )
    first_year = last_year - years + 1
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # One row per indicator × unit (NULL = whole scope) × sex × month; values vary smoothly.
        cursor.execute(
            """
            INSERT INTO kpis_outcome (indicator_id, unit_id, sex, year, period_kind, period_number, value, count,
                                      comment, entered_at, updated_at, version)
            SELECT m.indicator_id, u.id, s.sex, y, 'month', mo,
                   round((40 + 20 * sin(m.id + y * 12 + mo) + coalesce(u.id, 0) %% 7)::numeric, 4),
                   100 + (m.id + mo) %% 50, '', now(), now(), 1
            FROM kpis_measure m
            CROSS JOIN (SELECT id FROM goalplan_organisationalunit WHERE parent_id = %s UNION ALL SELECT NULL) u
            CROSS JOIN (VALUES ('T'), ('K'), ('M')) AS s(sex)
            CROSS JOIN generate_series(%s, %s) AS y
            CROSS JOIN generate_series(1, 12) AS mo
            WHERE m.plan_id = %s
            """,
            [region.pk, first_year, last_year, plan.pk],
        )
        rows = cursor.rowcount
        # As autovacuum would in production: statistics for the planner, and the visibility map
        # that lets the covering index answer without visiting the table.
        cursor.execute("VACUUM (ANALYZE) kpis_outcome")
        cursor.execute("ANALYZE")
    return plan, units, rows, time.perf_counter() - started


def timed(function, repeats: int) -> tuple[float, float, int, object]:
    """Median wall and Python CPU seconds (the CPU time is steadier on a shared machine; the
    database's own time is in the wall time only), the SQL queries, and the result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    durations, cpu, queries, result = [], [], 0, None
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            result = function()
            durations.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        queries = len(captured.captured_queries)
    return statistics.median(durations), statistics.median(cpu), queries, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--measures", type=int, default=400)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--year", type=int, default=2025, help="the last year; the period evaluated is in it")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep the data of the last run (same sizes)")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is dropped and recreated).")
    if not args.reuse:
        recreate_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from goalplan.models import Plan
    from goalplan.periods import Period, PeriodKind
    from kpis.models import Measure, Outcome
    from kpis.status import ALL_UNITS, evaluate_measures

    call_command("migrate", verbosity=0)
    if args.reuse and Plan.objects.filter(title="Bänkplan").exists():
        plan = Plan.objects.get(title="Bänkplan")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # plans that do not depend on whether autovacuum has come by
        print(f"data: reused, {Outcome.objects.filter(indicator__measures__plan=plan).count():,} outcome rows")
    else:
        plan, _units, rows, load_seconds = populate(args.measures, args.years, args.units, args.year)
        print(
            f"data: {args.measures} measures × {args.years} years monthly × ({args.units} units + whole scope) "
            f"× K/M/T = {rows:,} outcome rows, loaded in {load_seconds:.1f} s"
        )

    measures = list(Measure.objects.filter(plan=plan).order_by("order"))
    tenth = measures[: max(1, len(measures) // 10)]
    period = Period(args.year, PeriodKind.YEAR_TO_DATE, 4)
    cases = [
        ("whole scope, all measures", measures, None),
        ("whole scope, a tenth of the measures", tenth, None),
        ("every unit, all measures", measures, ALL_UNITS),
        ("every unit, a tenth of the measures", tenth, ALL_UNITS),
    ]
    print(f"period: {period.kind} {period.number} {period.year} (trend over 3 periods and forecast included)")
    for label, subset, unit in cases:
        seconds, cpu_seconds, queries, result = timed(
            lambda subset=subset, unit=unit: evaluate_measures(subset, period, unit=unit), args.repeats
        )
        print(
            f"{label:40s} {len(result):>8,} evaluations  {seconds:7.2f} s (median of {args.repeats}; "
            f"Python CPU {cpu_seconds:.2f} s)  {queries} SQL queries"
        )


if __name__ == "__main__":
    main()
