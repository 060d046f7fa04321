"""Benchmark: the outcome import against a raw PostgreSQL COPY of the same rows, side by side.

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE h_import_bench TEMPLATE malstyrning_bench'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_import_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_import_bench \\
        .venv/bin/python bench/import_outcomes.py --rows 100000 --rounds 3

Runs on a copy of the region-scale benchmark database (bench/status_engine.py: plan "Bänkplan",
400 indicators × 10 years × 61 scopes × K/M/T monthly outcomes). The file holds N outcomes of the
year after the last one stored, so every row is new. Each round, interleaved (the order of the
first two alternates, so neither always gets the warmer cache):

  (a) import new   kpis.imports.import_outcomes on the CSV file, as the admin's confirmation
                   and manage.py import_outcomes call it: parsing, validation, the write rule,
                   the rows and their history with its change reason;
  (b) raw COPY     COPY kpis_outcome (...) FROM STDIN of the same rows as typed values
                   (psycopg 3 cursor.copy): no parsing, validation or history;
  (c) unchanged    the same file imported again on top of (a): every row is compared, none written.

Every round is rolled back, so the database is left as it was and both (a) and (b) insert new
rows each time. Prints rows/s of each, and the ratio import new / raw COPY (target: at least 0,2).
"""

import argparse
import io
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PLAN_TITLE = "Bänkplan"
USERNAME = "bankimport"


class Rollback(Exception):
    """Raised at the end of a round: its atomic block undoes everything the round wrote."""


def outcome_rows(row_count: int):
    """N new outcomes (the year after the last stored) as (measure, year, month, unit, sex, value)."""
    from goalplan.models import OrganisationalUnit
    from kpis.models import Measure, Outcome

    measures = list(Measure.objects.filter(plan__title=PLAN_TITLE).order_by("pk").values_list("pk", "indicator_id"))
    if not measures:
        sys.exit(f"No plan “{PLAN_TITLE}”: run on a copy of malstyrning_bench (see the docstring).")
    year = Outcome.objects.filter(indicator_id=measures[0][1]).order_by("-year").values_list("year", flat=True)[0] + 1
    region = OrganisationalUnit.objects.get(name="Bänkregionen")
    units = [(None, ""), *OrganisationalUnit.objects.filter(parent=region).order_by("pk").values_list("pk", "name")]
    rows = []
    for month in range(1, 13):
        for unit in units:
            for sex in ("T", "K", "M"):
                for measure in measures:
                    value = Decimal((measure[0] * 7 + month) % 100) + Decimal(month) / 10
                    rows.append((measure, year, month, unit, sex, value))
                    if len(rows) == row_count:
                        return rows
    return rows


def as_csv(rows) -> bytes:
    lines = ["mätetal;år;period;enhet;kön;värde;kommentar"]
    lines += [
        f"{measure[0]};{year};month-{month};{unit[1]};{sex};{str(value).replace('.', ',')};"
        for measure, year, month, unit, sex, value in rows
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def raw_copy(rows, user) -> None:
    from django.db import connection
    from django.utils import timezone

    from kpis.import_writes import NEW_COLUMNS  # the same columns the import writes

    now = timezone.now()
    values = [
        (measure[1], year, "month", month, unit[0], sex, value, None, None, "", user.pk, now, now, 1)
        for measure, year, month, unit, sex, value in rows
    ]
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY kpis_outcome ({', '.join(NEW_COLUMNS)}) FROM STDIN") as copy,
    ):
        for row in values:
            copy.write_row(row)


def timed_in_rollback(work) -> tuple[float, list]:
    """Seconds each step of ``work`` (a generator yielding after each step) took, all rolled back."""
    from django.db import transaction

    durations = []
    try:
        with transaction.atomic():
            started = time.perf_counter()
            for _ in work():
                durations.append(time.perf_counter() - started)
                started = time.perf_counter()
            raise Rollback
    except Rollback:
        pass
    return durations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", help="Write a pyinstrument HTML profile of one import (new rows) here.")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a copy of the PostgreSQL benchmark database (see the docstring).")

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model

    # As in production: the debug cursor keeps every statement's SQL with its parameters.
    settings.DEBUG = False

    from kpis.imports import import_outcomes
    from kpis.models import Outcome

    user = get_user_model().objects.filter(username=USERNAME).first() or get_user_model().objects.create_superuser(
        USERNAME, "bank@example.se", None
    )
    rows = outcome_rows(args.rows)
    data = as_csv(rows)
    before = Outcome.objects.count(), Outcome.history.count()
    print(f"{len(rows):,} new rows of {rows[0][1]}; the table holds {before[0]:,} outcomes, {before[1]:,} history rows")

    def imported(expect_created: int, expect_unchanged: int = 0):
        result = import_outcomes(data, "utfall.csv", user=user, reason="Bänktest")
        assert (result.created, result.unchanged) == (expect_created, expect_unchanged), vars(result)

    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()

        def profiled():
            with profiler:
                imported(len(rows))
            yield

        timed_in_rollback(profiled)
        Path(args.profile).write_text(profiler.output_html())
        print(profiler.output_text(unicode=True, color=False, show_all=False))

    def copy_round():
        raw_copy(rows, user)
        yield

    def import_round():
        imported(len(rows))
        yield
        history = Outcome.history.filter(history_change_reason="Bänktest", history_type="+").count()
        assert history == len(rows), f"{history} history rows for {len(rows)} new outcomes"
        imported(0, len(rows))
        yield

    rates = {"import new": [], "raw COPY": [], "import unchanged": []}
    for round_number in range(args.rounds):
        steps = [("copy", copy_round), ("import", import_round)]
        if round_number % 2:
            steps.reverse()
        for name, work in steps:
            durations = timed_in_rollback(work)
            if name == "copy":
                rates["raw COPY"].append(len(rows) / durations[0])
            else:
                rates["import new"].append(len(rows) / durations[0])
                rates["import unchanged"].append(len(rows) / durations[1])
        print(
            f"round {round_number + 1}: "
            + "   ".join(f"{label} {values[-1]:>9,.0f} rows/s" for label, values in rates.items())
            + f"   ratio {rates['import new'][-1] / rates['raw COPY'][-1]:.2f}"
        )
    medians = {label: statistics.median(values) for label, values in rates.items()}
    out = io.StringIO()
    for label, value in medians.items():
        print(f"{label:17s} {value:>9,.0f} rows/s (median of {args.rounds})", file=out)
    ratios = [new / copy for new, copy in zip(rates["import new"], rates["raw COPY"], strict=True)]
    print(
        f"ratio import new / raw COPY: {statistics.median(ratios):.2f} (median of the rounds; target ≥ 0,2)", file=out
    )
    print(out.getvalue(), end="")
    assert (Outcome.objects.count(), Outcome.history.count()) == before, "a round was not rolled back"


if __name__ == "__main__":
    main()
