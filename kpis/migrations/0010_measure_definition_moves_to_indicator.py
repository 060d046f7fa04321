import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """What moved to the indicator leaves the measure; the indicator links become required."""

    dependencies = [
        ("kpis", "0009_measures_become_indicators"),
    ]

    operations = [
        migrations.AlterField(
            model_name="measure",
            name="indicator",
            field=models.ForeignKey(
                help_text="What is measured; plans that adopt the same indicator share its outcomes.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="measures",
                to="kpis.indicator",
                verbose_name="indicator",
            ),
        ),
        migrations.AlterField(
            model_name="nationalvalue",
            name="indicator",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="national_values",
                to="kpis.indicator",
                verbose_name="indicator",
            ),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="indicator",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="outcomes",
                to="kpis.indicator",
                verbose_name="indicator",
            ),
        ),
        migrations.AlterField(
            model_name="statusoverride",
            name="indicator",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="status_overrides",
                to="kpis.indicator",
                verbose_name="indicator",
            ),
        ),
        migrations.RemoveField(
            model_name="historicalmeasure",
            name="aggregation",
        ),
        migrations.RemoveField(
            model_name="historicalmeasure",
            name="decimals",
        ),
        migrations.RemoveField(
            model_name="historicalmeasure",
            name="direction",
        ),
        migrations.RemoveField(
            model_name="historicalmeasure",
            name="frequency",
        ),
        migrations.RemoveField(
            model_name="historicalmeasure",
            name="kolada_id",
        ),
        migrations.RemoveField(
            model_name="historicalmeasure",
            name="source",
        ),
        migrations.RemoveField(
            model_name="historicalmeasure",
            name="split_by_sex",
        ),
        migrations.RemoveField(
            model_name="historicalmeasure",
            name="unit",
        ),
        migrations.RemoveField(
            model_name="historicaloutcome",
            name="measure",
        ),
        migrations.RemoveField(
            model_name="historicalstatusoverride",
            name="measure",
        ),
        migrations.AddIndex(
            model_name="outcome",
            index=models.Index(
                fields=["indicator", "year", "period_kind", "period_number"], name="kpis_outcom_indicat_e08223_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="nationalvalue",
            constraint=models.UniqueConstraint(
                fields=("indicator", "area_code", "year", "period_kind", "period_number", "sex"),
                name="national_value_unique_per_period",
                violation_error_message="There is already a comparison value for this indicator, area, period and sex.",
            ),
        ),
        migrations.AddConstraint(
            model_name="outcome",
            constraint=models.UniqueConstraint(
                condition=models.Q(("unit__isnull", True)),
                fields=("indicator", "year", "period_kind", "period_number", "sex"),
                name="outcome_unique_without_unit",
                violation_error_message="There is already an outcome for this indicator, period and sex (whole scope).",
            ),
        ),
        migrations.AddConstraint(
            model_name="outcome",
            constraint=models.UniqueConstraint(
                condition=models.Q(("unit__isnull", False)),
                fields=("indicator", "unit", "year", "period_kind", "period_number", "sex"),
                name="outcome_unique_with_unit",
                violation_error_message="There is already an outcome for this indicator, period, unit and sex.",
            ),
        ),
        migrations.AddConstraint(
            model_name="statusoverride",
            constraint=models.UniqueConstraint(
                condition=models.Q(("unit__isnull", True)),
                fields=("indicator", "year", "period_kind", "period_number", "sex"),
                name="status_override_unique_without_unit",
                violation_error_message="This indicator already has a status set by hand for this period and sex.",
            ),
        ),
        migrations.AddConstraint(
            model_name="statusoverride",
            constraint=models.UniqueConstraint(
                condition=models.Q(("unit__isnull", False)),
                fields=("indicator", "unit", "year", "period_kind", "period_number", "sex"),
                name="status_override_unique_with_unit",
                violation_error_message="This indicator already has a status set by hand for this period, unit and sex.",
            ),
        ),
        migrations.RemoveField(
            model_name="measure",
            name="aggregation",
        ),
        migrations.RemoveField(
            model_name="measure",
            name="decimals",
        ),
        migrations.RemoveField(
            model_name="measure",
            name="direction",
        ),
        migrations.RemoveField(
            model_name="measure",
            name="frequency",
        ),
        migrations.RemoveField(
            model_name="measure",
            name="kolada_id",
        ),
        migrations.RemoveField(
            model_name="measure",
            name="source",
        ),
        migrations.RemoveField(
            model_name="measure",
            name="split_by_sex",
        ),
        migrations.RemoveField(
            model_name="measure",
            name="unit",
        ),
        migrations.RemoveField(
            model_name="nationalvalue",
            name="measure",
        ),
        migrations.RemoveField(
            model_name="statusoverride",
            name="measure",
        ),
        migrations.RemoveField(
            model_name="outcome",
            name="measure",
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.CheckConstraint(
                condition=models.Q(("decimals__lte", 4)),
                name="indicator_decimals_at_most_4",
                violation_error_message="An indicator can have at most 4 decimals.",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.UniqueConstraint(
                condition=models.Q(("code", ""), _negated=True),
                fields=("code",),
                name="indicator_unique_code",
                violation_error_message="Another indicator already has this code.",
            ),
        ),
    ]
