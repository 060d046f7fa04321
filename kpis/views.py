"""The measure page: chart, outcome table with export, breakdown per unit and sex, forecast."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from config.routers import reads_from_replica
from kpis.cache import cached_fragment
from kpis.exports import EXPORT_FORMATS, download
from kpis.pages import measure_page, outcome_table, readable_measures
from kpis.plan_views import period_form


@login_required
@reads_from_replica
def measure_detail(request, pk: int):
    # Visibility first: a measure of a plan the person may not read is a 404 before the export
    # and before any cached page is read.
    measure = get_object_or_404(readable_measures(request.user), pk=pk)
    if (export_format := request.GET.get("_export")) in EXPORT_FORMATS:
        return download(outcome_table(request, measure).sheet(), export_format, f"{measure} utfall")
    form, period = period_form(request, measure.plan)
    context = {
        "measure": measure,
        "period": period,
        "period_form": form,
        "body_html": measure_fragment(request, measure, period),
    }
    return render(request, "kpis/measure_detail.html", context, status=200 if form.is_valid() else 400)


def measure_fragment(request, measure, period) -> str:
    """The measure page's body, from the shared cache when it holds it for the same data: keyed on
    its plan (its target) and its indicator (its figures), so other indicators' figures leave it."""

    def render_body() -> str:  # only on a cache miss (the table counts and pages the rows)
        page = measure_page(measure=measure, period=period, user=request.user, table=outcome_table(request, measure))
        return render_to_string("kpis/_measure_body.html", {"page": page}, request=request)

    return cached_fragment(
        request,
        name=f"measure-{measure.pk}",
        plan_id=measure.plan_id,
        indicator_id=measure.indicator_id,
        period=period,
        render=render_body,
    )
