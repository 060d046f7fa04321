"""The migration step the apps' migrations share for new tables of the cached pages: make their
data-version triggers (kpis.triggers), and drop them when migrated back."""

from django.db import migrations

from kpis import triggers


def migration_for(tables: list[str]) -> migrations.RunPython:
    """The step that makes the tables' triggers, and drops them when migrated back."""

    def create(apps, schema_editor):
        for table in tables:
            for statement in triggers.create_statements(schema_editor.connection.vendor, table):
                schema_editor.execute(statement, params=None)

    def drop(apps, schema_editor):
        for table in tables:
            for statement in triggers.drop_table_statements(schema_editor.connection.vendor, table):
                schema_editor.execute(statement, params=None)

    return migrations.RunPython(create, drop, elidable=False)
