"""Triggers on the two tables the goal page reads that no other cached page did (the goal area's
assignments, the bodies a goal is shared with): the goal page is cached from now on, keyed by the
data versions like the dashboard, so their writes move the global version (kpis.triggers)."""

from django.db import migrations

from kpis.trigger_migrations import migration_for

TABLES = ["goalplan_assignment", "goalplan_goal_shared_with"]


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0016_whole_scope_data_versions"),
        ("goalplan", "0006_history_of_goal_areas_and_assignments"),
    ]

    operations = [migration_for(TABLES)]
