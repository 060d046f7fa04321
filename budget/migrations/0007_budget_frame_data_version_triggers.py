from django.db import migrations

from kpis import triggers

# The plan page links to its body's budget for the year only when a frame exists: a new frame
# moves the pages' version like the other tables they read.
TABLES = ["budget_budgetframe"]


def create_triggers(apps, schema_editor):
    for table in TABLES:
        for statement in triggers.create_statements(schema_editor.connection.vendor, table):
            schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    for table in TABLES:
        for statement in triggers.drop_table_statements(schema_editor.connection.vendor, table):
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0006_history_of_savings_effects"),
        ("kpis", "0019_indicator_responsibility"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
