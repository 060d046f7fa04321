import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Indicators (nyckeltal) beside measures: the new tables and nullable links. 0009 fills them,
    0010 drops what moved."""

    dependencies = [
        ("goalplan", "0006_history_of_goal_areas_and_assignments"),
        ("kpis", "0007_target_tolerance_is_a_share_of_the_limit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalIndicator",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "code",
                    models.CharField(
                        blank=True,
                        help_text="A short code that import files and the entry page can name the indicator by, e.g. VG-90-BESOK.",
                        max_length=30,
                        verbose_name="code",
                    ),
                ),
                (
                    "name",
                    models.TextField(
                        help_text="What is measured, in the words used across plans.", verbose_name="name"
                    ),
                ),
                (
                    "description",
                    models.TextField(blank=True, help_text="How and where it is measured.", verbose_name="definition"),
                ),
                (
                    "unit",
                    models.CharField(
                        blank=True, help_text="E.g. %, minuter, antal, tkr.", max_length=40, verbose_name="unit"
                    ),
                ),
                ("decimals", models.PositiveSmallIntegerField(default=0, verbose_name="decimals")),
                (
                    "direction",
                    models.CharField(
                        choices=[("higher", "Higher is better"), ("lower", "Lower is better")],
                        default="higher",
                        max_length=10,
                        verbose_name="direction",
                    ),
                ),
                (
                    "frequency",
                    models.CharField(
                        choices=[("monthly", "Monthly"), ("tertial", "Per tertial"), ("yearly", "Yearly")],
                        default="monthly",
                        max_length=10,
                        verbose_name="frequency",
                    ),
                ),
                (
                    "aggregation",
                    models.CharField(
                        choices=[
                            ("latest", "Latest value (point in time)"),
                            ("ytd_sum", "Cumulative sum year to date"),
                            ("ytd_mean", "Mean year to date"),
                            ("r12_sum", "Rolling 12 months, sum"),
                            ("r12_mean", "Rolling 12 months, mean"),
                            ("weighted_mean", "Count-weighted mean"),
                        ],
                        default="latest",
                        help_text="How the value for a longer period is formed from monthly outcomes.",
                        max_length=20,
                        verbose_name="period value",
                    ),
                ),
                ("split_by_sex", models.BooleanField(default=False, verbose_name="split by sex")),
                ("source", models.CharField(blank=True, max_length=200, verbose_name="source")),
                ("kolada_id", models.CharField(blank=True, db_index=True, max_length=20, verbose_name="Kolada id")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical indicator",
                "verbose_name_plural": "historical indicators",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Indicator",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "code",
                    models.CharField(
                        blank=True,
                        help_text="A short code that import files and the entry page can name the indicator by, e.g. VG-90-BESOK.",
                        max_length=30,
                        verbose_name="code",
                    ),
                ),
                (
                    "name",
                    models.TextField(
                        help_text="What is measured, in the words used across plans.", verbose_name="name"
                    ),
                ),
                (
                    "description",
                    models.TextField(blank=True, help_text="How and where it is measured.", verbose_name="definition"),
                ),
                (
                    "unit",
                    models.CharField(
                        blank=True, help_text="E.g. %, minuter, antal, tkr.", max_length=40, verbose_name="unit"
                    ),
                ),
                ("decimals", models.PositiveSmallIntegerField(default=0, verbose_name="decimals")),
                (
                    "direction",
                    models.CharField(
                        choices=[("higher", "Higher is better"), ("lower", "Lower is better")],
                        default="higher",
                        max_length=10,
                        verbose_name="direction",
                    ),
                ),
                (
                    "frequency",
                    models.CharField(
                        choices=[("monthly", "Monthly"), ("tertial", "Per tertial"), ("yearly", "Yearly")],
                        default="monthly",
                        max_length=10,
                        verbose_name="frequency",
                    ),
                ),
                (
                    "aggregation",
                    models.CharField(
                        choices=[
                            ("latest", "Latest value (point in time)"),
                            ("ytd_sum", "Cumulative sum year to date"),
                            ("ytd_mean", "Mean year to date"),
                            ("r12_sum", "Rolling 12 months, sum"),
                            ("r12_mean", "Rolling 12 months, mean"),
                            ("weighted_mean", "Count-weighted mean"),
                        ],
                        default="latest",
                        help_text="How the value for a longer period is formed from monthly outcomes.",
                        max_length=20,
                        verbose_name="period value",
                    ),
                ),
                ("split_by_sex", models.BooleanField(default=False, verbose_name="split by sex")),
                ("source", models.CharField(blank=True, max_length=200, verbose_name="source")),
                ("kolada_id", models.CharField(blank=True, db_index=True, max_length=20, verbose_name="Kolada id")),
            ],
            options={
                "verbose_name": "indicator",
                "verbose_name_plural": "indicators",
                "ordering": ["name", "pk"],
            },
        ),
        migrations.AlterModelOptions(
            name="measure",
            options={
                "base_manager_name": "objects",
                "ordering": ["plan", "goal_area__order", "goal__order", "order", "pk"],
                "verbose_name": "measure",
                "verbose_name_plural": "measures",
            },
        ),
        migrations.AlterModelOptions(
            name="nationalvalue",
            options={
                "ordering": ["indicator", "-year", "-period_number", "area_code", "sex"],
                "verbose_name": "comparison value",
                "verbose_name_plural": "comparison values",
            },
        ),
        migrations.AlterModelOptions(
            name="outcome",
            options={
                "ordering": ["indicator", "-year", "period_kind", "-period_number", "unit", "sex"],
                "verbose_name": "outcome",
                "verbose_name_plural": "outcomes",
            },
        ),
        migrations.AlterModelOptions(
            name="statusoverride",
            options={
                "ordering": ["indicator", "-year", "period_kind", "-period_number"],
                "verbose_name": "status override",
                "verbose_name_plural": "status overrides",
            },
        ),
        migrations.RemoveConstraint(
            model_name="measure",
            name="measure_decimals_at_most_4",
        ),
        migrations.RemoveConstraint(
            model_name="nationalvalue",
            name="national_value_unique_per_period",
        ),
        migrations.RemoveConstraint(
            model_name="outcome",
            name="outcome_unique_without_unit",
        ),
        migrations.RemoveConstraint(
            model_name="outcome",
            name="outcome_unique_with_unit",
        ),
        migrations.RemoveConstraint(
            model_name="statusoverride",
            name="status_override_unique_without_unit",
        ),
        migrations.RemoveConstraint(
            model_name="statusoverride",
            name="status_override_unique_with_unit",
        ),
        migrations.RemoveIndex(
            model_name="outcome",
            name="kpis_outcom_measure_083a05_idx",
        ),
        migrations.AddField(
            model_name="historicalindicator",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="historicalindicator",
            name="responsible_unit",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The organisational unit whose figure this is (empty: the whole scope of the plans that adopt it).",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="goalplan.organisationalunit",
                verbose_name="responsible unit",
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="responsible_unit",
            field=models.ForeignKey(
                blank=True,
                help_text="The organisational unit whose figure this is (empty: the whole scope of the plans that adopt it).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="indicators",
                to="goalplan.organisationalunit",
                verbose_name="responsible unit",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeasure",
            name="indicator",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="What is measured; plans that adopt the same indicator share its outcomes.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="kpis.indicator",
                verbose_name="indicator",
            ),
        ),
        migrations.AddField(
            model_name="historicaloutcome",
            name="indicator",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="kpis.indicator",
                verbose_name="indicator",
            ),
        ),
        migrations.AddField(
            model_name="historicalstatusoverride",
            name="indicator",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="kpis.indicator",
                verbose_name="indicator",
            ),
        ),
        migrations.AddField(
            model_name="measure",
            name="indicator",
            field=models.ForeignKey(
                null=True,
                help_text="What is measured; plans that adopt the same indicator share its outcomes.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="measures",
                to="kpis.indicator",
                verbose_name="indicator",
            ),
        ),
        migrations.AddField(
            model_name="nationalvalue",
            name="indicator",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="national_values",
                to="kpis.indicator",
                verbose_name="indicator",
            ),
        ),
        migrations.AddField(
            model_name="outcome",
            name="indicator",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="outcomes",
                to="kpis.indicator",
                verbose_name="indicator",
            ),
        ),
        migrations.AddField(
            model_name="statusoverride",
            name="indicator",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="status_overrides",
                to="kpis.indicator",
                verbose_name="indicator",
            ),
        ),
        # Nullable while 0009 runs backwards (refilled there before 0008's reverse needs it).
        migrations.AlterField(
            model_name="outcome",
            name="measure",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="outcomes",
                to="kpis.measure",
                verbose_name="measure",
            ),
        ),
        migrations.AlterField(
            model_name="nationalvalue",
            name="measure",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="national_values",
                to="kpis.measure",
                verbose_name="measure",
            ),
        ),
        migrations.AlterField(
            model_name="statusoverride",
            name="measure",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="status_overrides",
                to="kpis.measure",
                verbose_name="measure",
            ),
        ),
    ]
