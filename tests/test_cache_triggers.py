"""The data-version triggers: every table the cached pages read has them, and each write moves
the versions it should (its plans', or the global one) and no others."""

import re
import sqlite3
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goalplan.models import Goal, GoalAssessment, OrganisationalUnit, Plan
from goalplan.periods import PeriodKind
from kpis.models import DataVersion, Measure, NationalValue, Outcome, StatusOverride, Target
from tests.selectors import hsn_plan, rs_plan_2018

pytestmark = pytest.mark.django_db

# Read by the pages but not page data: the session, the cache itself and the versions.
NOT_PAGE_DATA = {"django_session", settings.DATABASE_CACHE_TABLE, DataVersion._meta.db_table}
TABLE_IN_SQL = re.compile(r'\b(?:FROM|JOIN)\s+"?([a-z_][a-z0-9_]*)"?', re.IGNORECASE)


def tables_read(sql_statements) -> set[str]:
    existing = set(connection.introspection.table_names())
    return {name for sql in sql_statements for name in TABLE_IN_SQL.findall(sql)} & existing


def triggered_events() -> dict[str, set[str]]:
    """The events (insert, update, delete) for which each table has a data-version trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT event_object_table, trigger_name, lower(event_manipulation) FROM information_schema.triggers"
            )
            rows = cursor.fetchall()
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
            rows = [(table, name, name.rsplit("_", 1)[-1]) for table, name in cursor.fetchall()]
    events: dict[str, set[str]] = {}
    for table, name, event in rows:
        if name.startswith(f"{table}_data_version_"):
            events.setdefault(table, set()).add(event)
    return events


def untriggered(tables: set[str]) -> set[str]:
    events = triggered_events()
    return {table for table in tables if events.get(table, set()) != {"insert", "update", "delete"}}


def page_urls() -> list[str]:
    """The dashboard, a measure page and every goal page of every seeded plan with measures,
    default and filtered."""
    urls = []
    for plan in Plan.objects.filter(measures__isnull=False).distinct():
        measure = plan.measures.order_by("pk").first()
        goals = [goal.pk for goal in plan.goals.all()]
        for query in ("", f"?year={plan.start_year}&period=tertial-1", f"?year={plan.start_year}&period=year"):
            urls += [f"/planer/{plan.pk}/{query}", f"/matetal/{measure.pk}/{query}"]
            urls += [f"/mal/{goal}/{query}" for goal in goals]
    return urls


def test_every_table_the_cached_pages_read_has_triggers(admin_client_sv, settings):
    settings.DASHBOARD_CACHE_ENABLED = True
    cache.clear()  # every page made now, so every query it makes is seen
    with CaptureQueriesContext(connection) as captured:
        for url in page_urls():
            assert admin_client_sv.get(url).status_code == 200, url
    read = tables_read(query["sql"] for query in captured.captured_queries) - NOT_PAGE_DATA
    assert {"kpis_outcome", "kpis_target", "goalplan_goal"} <= read  # the capture sees the pages' reads
    assert untriggered(read) == set(), "a table the cached pages read has no data-version triggers"


def test_the_guard_sees_a_table_without_triggers():
    assert untriggered({"kpis_outcome", "budget_budgetline"}) == {"budget_budgetline"}


def versions() -> dict[int, int]:
    return dict(DataVersion.objects.values_list("scope", "version"))


def both(*plans) -> set[int]:
    """A plan's version and its whole scope's (−plan id), moved together by all but a unit's figures."""
    return {scope for plan in plans for scope in (plan.pk, DataVersion.whole_scope_of(plan.pk))}


def moved(before: dict[int, int]) -> set[int]:
    after = versions()
    assert all(after[scope] >= version for scope, version in before.items())  # versions never go back
    return {scope for scope, version in after.items() if version != before.get(scope)}


def only_adopter(plan: Plan) -> Measure:
    """A measure of the plan whose indicator no other plan adopts."""
    return next(
        m
        for m in Measure.objects.filter(plan=plan).order_by("pk")
        if Measure.objects.plans_by_indicator({m.indicator_id})[m.indicator_id] == {plan.pk}
    )


GLOBAL = DataVersion.GLOBAL_SCOPE


def indicator(measure: Measure) -> int:
    return DataVersion.indicator_scope_of(measure.indicator_id)


def whole(*plans: Plan) -> set[int]:
    return {DataVersion.whole_scope_of(plan.pk) for plan in plans}


def test_a_figure_moves_its_indicator_and_the_whole_scope_of_the_plans_adopting_it():
    hsn, rs = hsn_plan(2025), rs_plan_2018()
    hsn_measure, rs_measure = only_adopter(hsn), only_adopter(rs)
    before = versions()
    outcome = Outcome.objects.bulk_create(
        [Outcome(indicator=hsn_measure.indicator, year=2025, period_kind=PeriodKind.MONTH, period_number=4, value=1)]
    )[0]
    # Not the plan's own version: its measure pages key on their indicators', so the others stay.
    assert moved(before) == {indicator(hsn_measure)} | whole(hsn)
    before = versions()
    Outcome.objects.filter(pk=outcome.pk).update(indicator=rs_measure.indicator)  # before and after
    assert moved(before) == {indicator(hsn_measure), indicator(rs_measure)} | whole(hsn, rs)
    before = versions()
    NationalValue.objects.bulk_create(
        [
            NationalValue(
                indicator=rs_measure.indicator, year=2018, period_kind=PeriodKind.MONTH, period_number=4, value=3
            )
        ]
    )
    assert moved(before) == {indicator(rs_measure)} | whole(rs)
    before = versions()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM kpis_outcome WHERE id = %s", [outcome.pk])
    assert moved(before) == {indicator(rs_measure)} | whole(rs)
    # A unit's figure moves its indicator's and its unit's versions: the whole scope's pages stay cached.
    unit = OrganisationalUnit.objects.order_by("pk").first()
    before = versions()
    outcome = Outcome.objects.create(
        indicator=hsn_measure.indicator, unit=unit, year=2025, period_kind=PeriodKind.MONTH, period_number=4, value=1
    )
    assert moved(before) == {indicator(hsn_measure), DataVersion.unit_scope_of(hsn.pk, unit.pk)}
    before = versions()
    Outcome.objects.filter(pk=outcome.pk).update(unit=None)  # moved to the whole scope: before and after
    assert moved(before) == {indicator(hsn_measure), DataVersion.unit_scope_of(hsn.pk, unit.pk)} | whole(hsn)


def test_moving_a_figure_between_units_moves_both_units_and_not_the_whole_scope():
    hsn = hsn_plan(2025)
    measure = only_adopter(hsn)
    one, two = OrganisationalUnit.objects.order_by("pk")[:2]
    outcome = Outcome.objects.create(
        indicator=measure.indicator, unit=one, year=2025, period_kind=PeriodKind.MONTH, period_number=4, value=1
    )
    before = versions()
    Outcome.objects.filter(pk=outcome.pk).update(unit=two)
    assert moved(before) == {
        indicator(measure),
        DataVersion.unit_scope_of(hsn.pk, one.pk),
        DataVersion.unit_scope_of(hsn.pk, two.pk),
    }
    before = versions()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM kpis_outcome")
    assert DataVersion.unit_scope_of(hsn.pk, two.pk) in moved(before)
    override = StatusOverride.objects.bulk_create(
        [
            StatusOverride(
                indicator=measure.indicator,
                unit=one,
                year=2025,
                period_kind=PeriodKind.MONTH,
                period_number=4,
                status="red",
                comment="Bedömd för hand",
            )
        ]
    )[0]
    before = versions()
    StatusOverride.objects.filter(pk=override.pk).update(unit=None)
    assert moved(before) == {indicator(measure), DataVersion.unit_scope_of(hsn.pk, one.pk)} | whole(hsn)


def test_plan_rows_move_their_plan():
    hsn = hsn_plan(2025)
    measure = only_adopter(hsn)
    before = versions()
    Target.objects.filter(measure=measure).update(wording="Kortare än 9 minuter")
    assert moved(before) == both(hsn)
    rs = rs_plan_2018()
    before = versions()
    GoalAssessment.objects.bulk_create(
        [
            GoalAssessment(
                goal=Goal.objects.filter(plan=rs).first(),
                year=2018,
                period_kind=PeriodKind.TERTIAL,
                period_number=1,
                status="green",
            )
        ]
    )
    assert moved(before) == both(rs)
    before = versions()
    Measure.objects.filter(pk=measure.pk).update(name="Nytt namn")
    assert moved(before) == both(hsn)
    before = versions()
    StatusOverride.objects.bulk_create(
        [
            StatusOverride(
                indicator=measure.indicator,
                year=2025,
                period_kind=PeriodKind.MONTH,
                period_number=4,
                status="green",
                comment="Bedömt på plats",
            )
        ]
    )
    assert moved(before) == {indicator(measure)} | whole(hsn)


def test_shared_rows_move_the_global_version():
    before = versions()
    OrganisationalUnit.objects.filter(pk=OrganisationalUnit.objects.order_by("pk").first().pk).update(name="Ny")
    assert moved(before) == {GLOBAL}
    before = versions()
    Goal.objects.filter(plan=rs_plan_2018()).update(title="Ett nytt mål")  # read by the plans below too
    assert moved(before) == {GLOBAL}


def test_a_login_keeps_the_pages_and_a_new_name_moves_them(client):
    user = get_user_model().objects.create_user(username="ledamot", password="x-lösen-2025")
    before = versions()
    get_user_model().objects.filter(pk=user.pk).update(last_login=timezone.now())  # what a login writes
    assert moved(before) == set()
    get_user_model().objects.filter(pk=user.pk).update(first_name="Kim")
    assert moved(before) == {GLOBAL}


def test_a_version_passes_the_clock_so_no_value_comes_back():
    started = int(time.time() * 1_000_000)
    Plan.objects.filter(pk=hsn_plan(2025).pk).update(title="Plan med budget 2025 (ändrad)")
    # A database restored from a backup, or made anew for tests, cannot reach a value already used.
    assert versions()[GLOBAL] >= started - 1_000_000  # SQLite's clock has milliseconds; some slack


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_truncate_moves_the_global_version():
    before = versions()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE kpis_nationalvalue")
    assert moved(before) == {GLOBAL}


def test_migrate_makes_the_cache_table_and_the_triggers_whatever_the_cache(tmp_path):
    database = tmp_path / "ny.sqlite3"
    environment = {"DATABASE_URL": f"sqlite:///{database}", "REDIS_URL": "redis://127.0.0.1:1/0", "PATH": ""}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=environment,
        check=True,
        capture_output=True,
    )
    with sqlite3.connect(database) as made:
        tables = {name for (name,) in made.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        triggers = {name for (name,) in made.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert settings.DATABASE_CACHE_TABLE in tables  # made even though CACHES named Redis
    assert {"kpis_outcome_data_version_update", "meetings_followupreport_data_version_delete"} <= triggers


def test_migrating_back_makes_figures_move_their_plans_own_version_again():
    # The code before kpis 0018 keys the measure page on the plan's own version: after a
    # migration back, the figures' triggers must move it again, or those pages stay stale.
    import importlib

    migration = importlib.import_module("kpis.migrations.0018_indicator_data_versions")
    hsn = hsn_plan(2025)
    measure = only_adopter(hsn)
    before = versions()
    migration.remake_plan_triggers(None, StatementRunner())
    assert GLOBAL in moved(before)  # nothing cached under the other rule is served
    before = versions()
    Outcome.objects.bulk_create([april_figure(measure)])
    assert hsn.pk in moved(before)
    before = versions()
    migration.remake_triggers(None, StatementRunner())
    assert GLOBAL in moved(before)
    before = versions()
    Outcome.objects.filter(indicator=measure.indicator).update(value=2)
    assert moved(before) == {indicator(measure)} | whole(hsn)


class StatementRunner:
    """What the migration's functions use of a schema editor (SQLite's cannot open inside the
    test's transaction): the connection, and a way to run a statement."""

    connection = connection

    def execute(self, statement: str, params=None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)


def april_figure(measure: Measure) -> Outcome:
    return Outcome(indicator=measure.indicator, year=2025, period_kind=PeriodKind.MONTH, period_number=4, value=1)
