"""Benchmark: manage.py import_outcomes with 100 000 rows on PostgreSQL, in rows per second.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/malstyrning_bench_import \\
        .venv/bin/python bench/import_outcomes.py --rows 100000

The database named in DATABASE_URL is dropped and recreated. Target: at least 20 000 rows/s
including validation. The same file is then imported again (every row unchanged).
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is dropped and recreated).")
    sys.path.insert(0, str(ROOT / "bench"))
    from status_engine import recreate_database

    recreate_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    from goalplan.models import Body, OrganisationalUnit, Plan
    from kpis.models import Measure, Outcome

    call_command("migrate", verbosity=0)
    body = Body.objects.create(name="Bänknämnden", short_name="BN", kind="committee")
    plan = Plan.objects.create(title="Bänkplan", kind="verksamhetsplan", body=body, start_year=2025, end_year=2025)
    region = OrganisationalUnit.objects.create(name="Bänkregionen", kind="region")
    units = OrganisationalUnit.objects.bulk_create(
        OrganisationalUnit(name=f"Enhet {i:02d}", code=f"E{i:02d}", kind="unit", parent=region) for i in range(60)
    )
    measures = [Measure.objects.create(plan=plan, name=f"Mätetal {i}", order=i) for i in range(100)]
    lines = ["mätetal;år;period;enhet;kön;värde;kommentar"]
    for year in (2024, 2025, 2026):
        for month in range(1, 13):
            for unit in ["", *(u.code for u in units)]:
                for measure in measures:
                    lines.append(
                        f"{measure.pk};{year};month-{month};{unit};T;{(measure.pk * 7 + month) % 100},{month};"
                    )
                    if len(lines) > args.rows:
                        break
                if len(lines) > args.rows:
                    break
            if len(lines) > args.rows:
                break
        if len(lines) > args.rows:
            break
    path = Path(tempfile.mkdtemp()) / "utfall.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = len(lines) - 1
    for label in ("first import (all new)", "same file again (all unchanged)"):
        output = io.StringIO()
        started = time.perf_counter()
        call_command("import_outcomes", str(path), stdout=output)
        seconds = time.perf_counter() - started
        print(
            f"{label:34s} {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s   ({output.getvalue().strip()})"
        )
    print(f"outcomes stored: {Outcome.objects.count():,}; history rows: {Outcome.history.count():,}")


if __name__ == "__main__":
    main()
