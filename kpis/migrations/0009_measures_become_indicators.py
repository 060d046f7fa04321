"""Every measure becomes an indicator (with the measure's own id) adopted by that measure.

Outcomes, comparison values and status overrides move to the indicator by copying the measure
id into the indicator column: one UPDATE per table, no join, whatever the number of rows (8,8
million outcomes at region scale). The audit history moves the same way, and each historical row
of a measure gives the historical row of its indicator's definition (unit, decimals, direction,
…) at the same moment, by the same person, with the same reason, so "who changed the direction
of this measure, and why" is still answered.

Backwards it works: each measure gets its indicator's definition back, the first measure of an
indicator its figures and their history, and every other measure adopting it a copy of the
figures (as they were typed per measure before indicators). An indicator with figures that no
measure adopts has nowhere to go back to: then it refuses with a message naming it, checked by
0012 before anything (the measure library, the roles) is undone.
"""

from django.db import migrations
from django.db.models import Count, F, OuterRef, Subquery

DEFINITION = ("unit", "decimals", "direction", "frequency", "aggregation", "split_by_sex", "source", "kolada_id")
BATCH = 2000


def _reset_sequence(schema_editor, model) -> None:
    """Rows inserted with explicit ids: the next id PostgreSQL hands out must come after them."""
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite takes max(id) + 1 by itself
    table = model._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM {schema_editor.quote_name(table)}), 1))",
            [table],
        )


def measures_to_indicators(apps, schema_editor):
    Measure = apps.get_model("kpis", "Measure")
    Indicator = apps.get_model("kpis", "Indicator")
    HistoricalMeasure = apps.get_model("kpis", "HistoricalMeasure")
    HistoricalIndicator = apps.get_model("kpis", "HistoricalIndicator")

    batch = []
    for measure in Measure.objects.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(
            Indicator(
                pk=measure.pk,
                name=measure.short_name or measure.name,
                description="",
                **{field: getattr(measure, field) for field in DEFINITION},
            )
        )
        if len(batch) >= BATCH:
            Indicator.objects.bulk_create(batch)
            batch = []
    Indicator.objects.bulk_create(batch)
    _reset_sequence(schema_editor, Indicator)

    Measure.objects.update(indicator_id=F("pk"))
    for name in ("Outcome", "NationalValue", "StatusOverride", "HistoricalOutcome", "HistoricalStatusOverride"):
        apps.get_model("kpis", name).objects.update(indicator_id=F("measure_id"))
    HistoricalMeasure.objects.update(indicator_id=F("id"))

    batch = []
    for row in HistoricalMeasure.objects.order_by("history_id").iterator(chunk_size=BATCH):
        batch.append(
            HistoricalIndicator(
                id=row.id,
                name=row.short_name or row.name,
                description="",
                history_date=row.history_date,
                history_type=row.history_type,
                history_change_reason=row.history_change_reason,
                history_user_id=row.history_user_id,
                **{field: getattr(row, field) for field in DEFINITION},
            )
        )
        if len(batch) >= BATCH:
            HistoricalIndicator.objects.bulk_create(batch)
            batch = []
    HistoricalIndicator.objects.bulk_create(batch)


def refuse_unless_every_figure_has_a_measure(apps, schema_editor):
    """Backwards, figures go back to measures: an indicator with figures that no measure adopts
    has nowhere to go. Refuse before anything is undone (0012 runs this first on the way back)."""
    Indicator = apps.get_model("kpis", "Indicator")
    orphaned = list(
        Indicator.objects.annotate(adoptions=Count("measures"))
        .filter(adoptions=0)
        .exclude(outcomes=None, national_values=None, status_overrides=None)
        .values_list("name", flat=True)
        .distinct()[:5]
    )
    if orphaned:
        raise RuntimeError(
            "Cannot migrate back: these indicators have figures but no plan adopts them, and measures "
            "are where figures were kept before indicators; adopt or delete them first: " + "; ".join(orphaned)
        )


def indicators_to_measures(apps, schema_editor):
    Measure = apps.get_model("kpis", "Measure")
    Indicator = apps.get_model("kpis", "Indicator")
    HistoricalMeasure = apps.get_model("kpis", "HistoricalMeasure")

    refuse_unless_every_figure_has_a_measure(apps, schema_editor)

    adopters: dict[int, list[int]] = {}
    for measure in Measure.objects.select_related("indicator").order_by("pk").iterator(chunk_size=BATCH):
        for field in DEFINITION:
            setattr(measure, field, getattr(measure.indicator, field))
        measure.save(update_fields=list(DEFINITION))
        adopters.setdefault(measure.indicator_id, []).append(measure.pk)
    # The first measure of each indicator takes its figures and their history; a figure several
    # measures shared is copied to each of the others (as it was typed per measure before).
    first = Measure.objects.filter(indicator_id=OuterRef("indicator_id")).order_by("pk").values("pk")[:1]
    for name in ("Outcome", "NationalValue", "StatusOverride", "HistoricalOutcome", "HistoricalStatusOverride"):
        apps.get_model("kpis", name).objects.update(measure_id=Subquery(first))
    for name in ("Outcome", "NationalValue", "StatusOverride"):
        model = apps.get_model("kpis", name)
        for indicator_id, measure_ids in adopters.items():
            for other in measure_ids[1:]:
                copies = []
                for row in model.objects.filter(indicator_id=indicator_id, measure_id=measure_ids[0]):
                    row.pk = None
                    row.measure_id = other
                    copies.append(row)
                model.objects.bulk_create(copies, batch_size=BATCH)
    current = {indicator.pk: indicator for indicator in Indicator.objects.all()}
    for row in HistoricalMeasure.objects.exclude(indicator_id=None).iterator(chunk_size=BATCH):
        indicator = current.get(row.indicator_id)
        if indicator is not None:
            HistoricalMeasure.objects.filter(history_id=row.history_id).update(
                **{field: getattr(indicator, field) for field in DEFINITION}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0008_indicator"),
    ]

    operations = [
        migrations.RunPython(measures_to_indicators, indicators_to_measures, elidable=False),
    ]
