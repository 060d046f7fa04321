"""Follow-up reports move the global data version on every write (see kpis.triggers).

The plan dashboard's page reads the plan's reports, and an approval locks periods: a report
approved or un-approved by a conditional UPDATE (meetings.services) moves the version as a save
does. Here rather than in kpis 0013 because the table is meetings'.
"""

from django.db import migrations

from kpis.trigger_migrations import migration_for

TABLES = ["meetings_followupreport"]


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0013_data_versions_and_cache_table"),
        ("meetings", "0004_administrators_approve_reports"),
    ]

    operations = [migration_for(TABLES)]
