"""The measure page: chart, outcome table with export, breakdown per unit and sex, forecast."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

from config.routers import reads_from_replica
from goalplan.choices import Sex
from goalplan.models import OrganisationalUnit
from goalplan.periods import Period, PeriodKind
from goalplan.selectors import visible_to
from kpis.cache import cached_fragment
from kpis.charts import chart_caption, measure_figure, target_label
from kpis.models import Measure, NationalValue, Outcome, Target
from kpis.plan_views import period_from_request
from kpis.selectors import chart_series
from kpis.status import ALL_UNITS, evaluate_measures
from kpis.tables import OutcomeTable

EXPORT_FORMATS = ("csv", "xlsx")


@login_required
@reads_from_replica
def measure_detail(request, pk: int):
    # Visibility first: a measure of a plan the person may not read is a 404 before the export
    # and before any cached page is read.
    measures = Measure.objects.select_related("plan__body", "goal_area", "goal", "decided_by", "indicator")
    measure = get_object_or_404(visible_to(request.user, measures, "plan__body"), pk=pk)
    period = period_from_request(request, measure.plan)

    def outcome_table() -> OutcomeTable:
        table = OutcomeTable(
            Outcome.objects.filter(indicator_id=measure.indicator_id)
            .select_related("unit")
            .order_by("-year", "-period_number"),
            measure=measure,
        )
        RequestConfig(request, paginate={"per_page": 50}).configure(table)
        return table

    export_format = request.GET.get("_export")
    if export_format in EXPORT_FORMATS:
        exporter = TableExport(export_format, outcome_table(), exclude_columns=())
        return exporter.response(f"utfall-{measure.pk}.{export_format}")

    def render_body() -> str:
        by_sex = evaluate_measures([measure], period)
        overall = next(e for e in by_sex if e.sex == Sex.TOTAL)
        by_unit = [
            e
            for e in evaluate_measures([measure], period, unit=ALL_UNITS, with_trend=False)
            if e.unit_id is not None and e.sex == Sex.TOTAL
        ]
        units = OrganisationalUnit.objects.in_bulk([e.unit_id for e in by_unit])
        target_versions = list(
            Target.history.filter(measure_id=measure.pk, year=period.year)
            .select_related("decided_by", "history_user")
            .order_by("-history_date")[:20]
        )
        # The same indicator in other plans (the readable ones): the figures shown here are theirs too.
        adoptions = visible_to(
            request.user,
            Measure.objects.filter(indicator_id=measure.indicator_id).exclude(pk=measure.pk).select_related("plan"),
            "plan__body",
        )
        body_context = {
            "measure": measure,
            "other_adoptions": list(adoptions.order_by("plan__start_year", "pk")),
            "period": period,
            "overall": overall,
            "by_sex": by_sex if measure.split_by_sex else [],
            "by_unit": [(units[e.unit_id], e) for e in by_unit],
            "table": outcome_table(),  # built only on a cache miss (it counts and pages the rows)
            **chart_for(measure, period, overall),
            "comments": measure.indicator.outcomes.exclude(comment="")
            .select_related("unit")
            .order_by("-year", "-period_number")[:10],
            "comparisons": measure.indicator.national_values.order_by("-year", "-period_number", "area_code", "sex")[
                :30
            ],
            # Every version of the year's target, newest first: a changed target keeps its former value in sight.
            "target_versions": target_versions,
            "target_changed": len(target_versions) > 1,
        }
        return render_to_string("kpis/_measure_body.html", body_context, request=request)

    context = {
        "measure": measure,
        "period": period,
        "body_html": cached_fragment(
            request, name=f"measure-{measure.pk}", plan_id=measure.plan_id, year=period.year, render=render_body
        ),
    }
    return render(request, "kpis/measure_detail.html", context)


def chart_for(measure: Measure, period: Period, overall) -> dict:
    """The chart's figure and its caption, for the page's context."""
    series = chart_series([measure], year=period.year)[measure.pk]
    national = {}
    if series.reported_as in (PeriodKind.MONTH, PeriodKind.YEAR_TO_DATE):
        national = dict(
            NationalValue.objects.filter(
                indicator_id=measure.indicator_id,
                year=period.year,
                period_kind=series.reported_as,
                sex=Sex.TOTAL,
                area_code=NationalValue.NATIONAL_AREA_CODE,
            ).values_list("period_number", "value")
        )
    figure = measure_figure(
        title=measure.short_name or measure.name[:90],
        measure=measure,
        series=series,
        target_value=overall.threshold_value,
        target_label=target_label(overall),
        national_values=national,
    )
    return {"figure": figure, "chart_caption": chart_caption(series, period.year)}
