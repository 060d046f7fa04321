"""A covering index for the whole scope's outcomes (see Outcome.Meta.indexes)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0013_data_versions_and_cache_table"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="outcome",
            index=models.Index(
                condition=models.Q(("unit__isnull", True)),
                fields=[
                    "indicator",
                    "period_kind",
                    "year",
                    "period_number",
                    "sex",
                    "unit",
                    "value",
                    "count",
                    "accomplished",
                ],
                name="outcome_whole_scope_covering",
            ),
        ),
    ]
