"""The plans' whole-scope data versions (scope −plan id) and their units' (−(plan id × 2³² + unit
id)): the triggers of the tables that move plans' versions are made again so that a unit's figures
leave the whole scope's version alone and move their unit's (kpis.triggers). The plan dashboard
keys on them, so saving a clinic's month no longer empties the region's cached dashboard, nor
another clinic's."""

from django.db import migrations

from kpis import triggers

TABLES = [
    "kpis_outcome",
    "kpis_nationalvalue",
    "kpis_statusoverride",
    "kpis_measure",
    "kpis_target",
    "kpis_historicaltarget",
    "goalplan_goalassessment",
]


def remake_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        for statement in triggers.drop_table_statements(vendor, table) + triggers.create_statements(vendor, table):
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("kpis", "0015_pending_import")]

    # Backwards the new triggers stay: they move every version the old ones did, and more.
    operations = [migrations.RunPython(remake_triggers, migrations.RunPython.noop, elidable=False)]
