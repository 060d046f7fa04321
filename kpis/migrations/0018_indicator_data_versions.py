"""The indicators' data versions (scope 2⁶² + indicator id): the figures' triggers are made again
so that a figure moves its indicator's version rather than the versions of the plans adopting it
(kpis.triggers). The measure page keys on it, so an administrator saving a few measures' figures
no longer empties the cached pages of every other measure of the plan.

Both ways the global version moves too: a measure page cached under the other rule (keyed on the
plan's version, which figures no longer move, or the other way round) is then never served. A
machine still running the code before this migration keys its measure pages on the plan's
version: deploy the new code everywhere right after migrating."""

from dataclasses import replace

from django.db import migrations

from kpis import triggers

TABLES = ["kpis_outcome", "kpis_nationalvalue", "kpis_statusoverride"]


def remake_triggers(apps, schema_editor, *, by_plan: bool = False):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        # Backwards: the rule before, figures moving the adopting plans' own versions, on which
        # the measure page of the code before keys.
        lookups = tuple(replace(lookup, indicator_scope=False) for lookup in triggers.PLAN_TABLES[table])
        create = triggers.plan_table_statements(vendor, table, lookups if by_plan else None)
        for statement in triggers.drop_table_statements(vendor, table) + create:
            schema_editor.execute(statement, params=None)
    schema_editor.execute(triggers.global_bump_statement(vendor), params=None)


def remake_plan_triggers(apps, schema_editor):
    remake_triggers(apps, schema_editor, by_plan=True)


class Migration(migrations.Migration):
    dependencies = [("kpis", "0017_goal_page_triggers")]

    operations = [migrations.RunPython(remake_triggers, remake_plan_triggers, elidable=False)]
