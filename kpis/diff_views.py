"""The plan diff ("Jämför planer"): a page, CSV and PDF over kpis.plan_diff."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from config.pdf import PDF_STYLESHEETS, RATE_WINDOW_SECONDS, TooManyRenders, refuse_to_fetch, take_render_slot
from config.routers import reads_from_replica
from goalplan.models import Plan
from goalplan.selectors import visible_to
from kpis.exports import EXPORT_FORMATS, download
from kpis.plan_diff import ChangeKind, PlanDiff, plan_diff, plan_diff_sheet, previous_plan


@login_required
@reads_from_replica
def plan_diff_page(request):
    # Only plans the person reads are offered or compared: any other is a 404, as on every page.
    plans = visible_to(request.user, Plan.objects.select_related("body"), "body").order_by(
        "body__order", "body__name", "-start_year", "-end_year", "title"
    )
    context = _diff_context(request.GET, plans)
    diff, export_format = context["diff"], request.GET.get("format")
    if diff is not None and export_format in EXPORT_FORMATS:
        sheet = plan_diff_sheet(diff, include_unchanged=context["include_unchanged"])
        return download(sheet, export_format, f"{_('Comparison')} {diff.old_plan} – {diff.new_plan}")
    if diff is not None and export_format == "pdf":
        return _pdf_response(request, diff, include_unchanged=context["include_unchanged"])
    return render(request, "kpis/plan_diff.html", context)


def _diff_context(params, plans) -> dict:
    """What the page shows for ?fran=&till= (the new plan's previous one when fran is left out)."""
    new_plan = _plan_or_404(plans, params.get("till"))
    old_plan = _plan_or_404(plans, params.get("fran"))
    if old_plan is None and new_plan is not None and "fran" not in params:
        old_plan = previous_plan(new_plan, plans=plans)
    include_unchanged = params.get("visa_oforandrade") == "1"
    diff = plan_diff(old_plan=old_plan, new_plan=new_plan) if old_plan and new_plan else None
    query = {"fran": old_plan.pk, "till": new_plan.pk} if diff else {}
    if include_unchanged:
        query["visa_oforandrade"] = 1
    return {
        "plans": plans,
        "old_plan": old_plan,
        "new_plan": new_plan,
        "diff": diff,
        "sections": _listed(diff, include_unchanged) if diff else [],
        "kinds": list(ChangeKind),
        "include_unchanged": include_unchanged,
        "query": urlencode(query),
        "no_previous": new_plan is not None and old_plan is None and "fran" not in params,
    }


def _plan_or_404(plans, value: str | None) -> Plan | None:
    """The plan named by a parameter; None when not given, 404 when not one the person reads."""
    if not value:
        return None
    try:
        pk = int(value)
    except ValueError:
        raise Http404 from None
    return get_object_or_404(plans, pk=pk)


def _listed(diff: PlanDiff, include_unchanged: bool) -> list[tuple]:
    """(section, its entries to show) for the templates."""
    return [(section, section.listed(include_unchanged=include_unchanged)) for section in diff.sections]


def _download(content: bytes, content_type: str, diff: PlanDiff, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="jamforelse-{diff.old_plan.pk}-{diff.new_plan.pk}.{extension}"'
    )
    return response


def _pdf_response(request, diff: PlanDiff, *, include_unchanged: bool) -> HttpResponse:
    """The diff as an A4 PDF: self-contained (nothing fetched), limited per person like reports."""
    from weasyprint import CSS, HTML

    try:
        take_render_slot(request.user)
    except TooManyRenders:
        response = HttpResponse(
            _("Too many PDFs in a short time: try again in a minute."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(RATE_WINDOW_SECONDS)
        return response
    html = render_to_string(
        "kpis/plan_diff_pdf.html",
        {
            "diff": diff,
            "sections": _listed(diff, include_unchanged),
            "kinds": list(ChangeKind),
            "include_unchanged": include_unchanged,
        },
    )
    pdf = HTML(string=html, url_fetcher=refuse_to_fetch).write_pdf(
        stylesheets=[CSS(filename=str(path)) for path in PDF_STYLESHEETS], pdf_tags=True
    )
    return _download(pdf, "application/pdf", diff, "pdf")
