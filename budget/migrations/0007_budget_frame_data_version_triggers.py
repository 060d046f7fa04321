from django.db import migrations

from kpis.trigger_migrations import migration_for

# The plan page links to its body's budget for the year only when a frame exists: a new frame
# moves the pages' version like the other tables they read.
TABLES = ["budget_budgetframe"]


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0006_history_of_savings_effects"),
        ("kpis", "0019_indicator_responsibility"),
    ]

    operations = [migration_for(TABLES)]
