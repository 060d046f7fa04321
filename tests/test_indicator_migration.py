"""The move of figures from measures to indicators (kpis 0008–0010), run on a database as it was
before: the seed documents as they were stored then, with history and an approved report.

In a separate process on a fresh SQLite file (the test database holds the current seeds).
bench/migrate_indicators.py does the same on the region-scale bench database by hand.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OLD_SEEDS = ROOT / "tests" / "data" / "seed_before_indicators.json.gz"


def run(database: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600
    )


def test_every_figure_history_row_and_approved_pdf_survives_the_move_and_the_way_back(tmp_path):
    result = run(tmp_path / "seed.sqlite3", "bench/migrate_indicators.py", "--prepare", str(OLD_SEEDS), "--backwards")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "figures per measure → per indicator: equal (16 outcomes of 6 ids)" in lines
    assert any(
        line.startswith("history rows and approved reports: equal (kpis_historicaloutcome: 16") for line in lines
    )
    assert "definition history: 73 indicator rows from 73 measure rows" in lines
    assert "figures after migrating back: equal (16 outcomes of 6 ids)" in lines
    assert lines[-1] == "OK"


def test_migrating_back_is_refused_by_name_while_an_unadopted_indicator_has_figures(tmp_path):
    database = tmp_path / "orphan.sqlite3"
    assert run(database, "manage.py", "migrate", "-v", "0").returncode == 0
    assert (
        run(
            database, "manage.py", "loaddata", "fixtures/00_common.json", "fixtures/60_library.json", "-v", "0"
        ).returncode
        == 0
    )
    made = run(
        database,
        "manage.py",
        "shell",
        "-c",
        (
            "from kpis.models import Indicator, Outcome;"
            "i = Indicator.objects.create(name='Nyckeltal utan plan');"
            "Outcome.objects.create(indicator=i, year=2026, period_kind='month', period_number=1, value=1)"
        ),
    )
    assert made.returncode == 0, made.stderr
    back = run(database, "manage.py", "migrate", "kpis", "0007", "-v", "0")
    assert back.returncode != 0
    assert "Cannot migrate back" in back.stderr and "Nyckeltal utan plan" in back.stderr
    # Refused before anything was undone: the figure, the library and the roles' rights are there.
    kept = run(
        database,
        "manage.py",
        "shell",
        "-c",
        (
            "from django.contrib.auth.models import Group; from kpis.models import IndicatorTemplate, Outcome;"
            "print(Outcome.objects.filter(indicator__name='Nyckeltal utan plan').count(),"
            " IndicatorTemplate.objects.count(),"
            " Group.objects.get(name='Administratörer').permissions.filter(codename='change_indicator').count())"
        ),
    )
    assert kept.stdout.strip().splitlines()[-1] == "1 5 1", kept.stdout + kept.stderr
