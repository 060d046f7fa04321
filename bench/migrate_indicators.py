"""Check the move of figures from measures to indicators (kpis 0008–0010) on a real database.

Run on a database that is still before the move (kpis at 0007), e.g. the region-scale bench
database built by an earlier checkout's ``bench/status_engine.py``:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/malstyrning_bench \\
        .venv/bin/python bench/migrate_indicators.py [--backwards]

or on a fresh database holding the seed documents as they were stored before (the test suite
does this on SQLite, tests/test_indicator_migration.py):

    DATABASE_URL=sqlite:////tmp/seed.sqlite3 .venv/bin/python bench/migrate_indicators.py \\
        --prepare tests/data/seed_before_indicators.json.gz --backwards

It reads, per measure, the count and checksums of its outcomes, comparison values and status
overrides, the audit history's row count and every approved report's PDF (sha256) and frozen
content; migrates; reads the same per indicator (an indicator takes its measure's id) and
compares. ``--backwards`` then migrates back to 0007 and compares again. Exit status 0 only when
everything is equal.
"""

import argparse
import gzip
import hashlib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

BEFORE = ("kpis", "0007_target_tolerance_is_a_share_of_the_limit")
FIGURES = {"outcome": "kpis_outcome", "national value": "kpis_nationalvalue", "status override": "kpis_statusoverride"}
HISTORY_TABLES = ["kpis_historicaloutcome", "kpis_historicalstatusoverride", "kpis_historicalmeasure"]


def prepare(path: Path) -> None:
    """A fresh database migrated to just before the move, holding the old-format rows of ``path``
    (written through the models as they were then) and an approved report with its PDF."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    call_command("migrate", verbosity=0)
    call_command("migrate", *BEFORE, verbosity=0)
    executor = MigrationExecutor(connection)
    state = executor.loader.project_state(list(executor.loader.applied_migrations))
    apps = state.apps
    with gzip.open(path, "rt", encoding="utf-8") as file:
        objects = json.load(file)
    many = []
    with connection.constraint_checks_disabled():
        for obj in objects:
            model = apps.get_model(obj["model"])
            fields, relations = {}, {}
            for name, value in obj["fields"].items():
                field = model._meta.get_field(name)
                if field.many_to_many:
                    relations[name] = value
                elif field.is_relation:
                    fields[field.attname] = value
                else:
                    fields[name] = field.to_python(value) if value is not None else None
            model._base_manager.create(pk=obj["pk"], **fields)
            if relations:
                many.append((model, obj["pk"], relations))
        for model, pk, relations in many:
            row = model._base_manager.get(pk=pk)
            for name, ids in relations.items():
                getattr(row, name).set(ids)
        # A history that remembers: every outcome's and measure's creation, as django-simple-history writes it.
        for name, reason in (("Outcome", "Inläst"), ("Measure", "Beslutad plan")):
            _write_creation_history(apps, name, reason)
        Outcome = apps.get_model("kpis", "Outcome")
        Report = apps.get_model("meetings", "FollowUpReport")
        report = Report.objects.filter(plan__isnull=False).order_by("pk").first()
        report.state = "approved"
        report.snapshot = {"title": report.title, "measures": list(Outcome.objects.values_list("pk", flat=True)[:20])}
        report.pdf = b"%PDF-1.7\n% frozen when the committee approved it\n" + hashlib.sha256(b"seed").digest()
        report.save()
    print(f"prepared: {len(objects)} rows of {path.name} at {BEFORE[1]}")


def _write_creation_history(apps, model_name: str, reason: str) -> None:
    from django.utils import timezone

    model, history = apps.get_model("kpis", model_name), apps.get_model("kpis", f"Historical{model_name}")
    history.objects.bulk_create(
        history(
            **{f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields},
            history_date=timezone.now(),
            history_type="+",
            history_change_reason=reason,
        )
        for row in model._base_manager.all()
    )


def figures(*, by: str) -> dict:
    """Per id (measure before, indicator after) and kind of figure: count and checksums."""
    from django.db import connection

    found = {}
    with connection.cursor() as cursor:
        for label, table in FIGURES.items():
            value = "value" if label != "status override" else "0"
            unit = "unit_id" if label != "national value" else "0"
            cursor.execute(
                f"SELECT {by}, COUNT(*), ROUND(SUM({value}), 4), "
                f"ROUND(SUM({value} * (year * 13 + period_number + 7 * COALESCE({unit}, 0) + LENGTH(sex))), 2), "
                f"SUM(LENGTH(COALESCE({'comment' if label != 'national value' else 'source'}, ''))) "
                f"FROM {table} GROUP BY {by}"
            )
            for key, count, total, weighted, text in cursor.fetchall():
                found[(label, key)] = (count, _number(total), _number(weighted), text or 0)
    return found


def _number(value):
    return None if value is None else round(float(value), 2)


def history_and_reports() -> dict:
    from django.db import connection

    facts = {}
    with connection.cursor() as cursor:
        for table in HISTORY_TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            facts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT id, pdf, snapshot FROM meetings_followupreport WHERE state = 'approved' ORDER BY id")
        for pk, pdf, snapshot in cursor.fetchall():
            facts[f"report {pk}"] = (
                hashlib.sha256(bytes(pdf or b"")).hexdigest(),
                json.dumps(snapshot if not isinstance(snapshot, str) else json.loads(snapshot), sort_keys=True),
            )
    return facts


def compare(name: str, before: dict, after: dict) -> bool:
    same = before == after
    outcomes = {key: value for key, value in before.items() if isinstance(key, tuple) and key[0] == "outcome"}
    summary = (
        f"{sum(count for count, *_rest in outcomes.values()):,} outcomes of {len(outcomes):,} ids"
        if outcomes
        else ", ".join(f"{key}: {value if isinstance(value, int) else value[0][:12]}" for key, value in before.items())
    )
    print(f"{name}: {'equal' if same else 'DIFFERENT'} ({summary})")
    if not same:
        for key in sorted(set(before) | set(after), key=str)[:20]:
            if before.get(key) != after.get(key):
                print("   ", key, before.get(key), "→", after.get(key))
    return same


def main() -> int:
    import django

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prepare", type=Path, help="load this old-format JSON into a fresh database first")
    parser.add_argument("--backwards", action="store_true", help="migrate back to 0007 afterwards and compare")
    args = parser.parse_args()
    django.setup()
    from django.core.management import call_command

    if args.prepare:
        prepare(args.prepare)
    before, facts_before = figures(by="measure_id"), history_and_reports()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated forward in {time.perf_counter() - started:.1f} s")
    ok = compare("figures per measure → per indicator", before, figures(by="indicator_id"))
    ok &= compare("history rows and approved reports", facts_before, history_and_reports())
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM kpis_historicalindicator")
        definitions = cursor.fetchone()[0]
    print(
        f"definition history: {definitions:,} indicator rows from {facts_before['kpis_historicalmeasure']:,} "
        "measure rows"
    )
    ok &= definitions == facts_before["kpis_historicalmeasure"]
    if args.backwards:
        started = time.perf_counter()
        call_command("migrate", *BEFORE, verbosity=0)
        print(f"migrated back in {time.perf_counter() - started:.1f} s")
        ok &= compare("figures after migrating back", before, figures(by="measure_id"))
        ok &= compare("history rows and approved reports after migrating back", facts_before, history_and_reports())
        call_command("migrate", verbosity=0)
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
