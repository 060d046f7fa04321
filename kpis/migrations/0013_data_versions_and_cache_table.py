"""Data versions kept by database triggers, and the table of the database cache.

The versions key the cached committee pages (kpis.cache): triggers on every table those pages
read move them on every insert, update and delete, whatever wrote (kpis.triggers has the SQL for
SQLite and PostgreSQL). Replaces the save signals and hand-placed calls, which QuerySet.update(),
bulk writes and raw SQL went around. The follow-up reports' triggers are made by meetings 0005.

The cache table is made here too, whatever CACHES says at migrate time, so that `migrate` is the
only step a new machine, a deploy or the test database needs before the database cache works.
"""

from django.conf import settings
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations, models

from kpis import triggers

# The tables of kpis and goalplan the dashboard and the measure page read (auth_user: the names
# on a target's versions). Fixed here: a later change of the list is a migration of its own.
TABLES = [
    "kpis_outcome",
    "kpis_nationalvalue",
    "kpis_statusoverride",
    "kpis_measure",
    "kpis_target",
    "kpis_historicaltarget",
    "goalplan_goalassessment",
    "goalplan_body",
    "goalplan_organisationalunit",
    "goalplan_plan",
    "goalplan_goalarea",
    "goalplan_goal",
    "kpis_indicator",
    "auth_user",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = triggers.global_function_statements(vendor)
    for table in TABLES:
        statements += triggers.create_statements(vendor, table)
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = [statement for table in TABLES for statement in triggers.drop_table_statements(vendor, table)]
    for statement in statements + triggers.drop_global_function_statements(vendor):
        schema_editor.execute(statement, params=None)


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, settings.DATABASE_CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(settings.DATABASE_CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("goalplan", "0006_history_of_goal_areas_and_assignments"),
        ("kpis", "0012_roles_for_indicators"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("scope", models.BigIntegerField(primary_key=True, serialize=False, verbose_name="scope")),
                ("version", models.BigIntegerField(verbose_name="version")),
            ],
            options={
                "verbose_name": "data version",
                "verbose_name_plural": "data versions",
                "default_permissions": (),
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
        migrations.RunPython(create_cache_table, drop_cache_table, elidable=False),
    ]
