"""Follow-up reports as PDF with WeasyPrint: A4, table of contents, page numbers, vector charts."""

from django.template.loader import render_to_string
from django.utils import translation

from config.pdf import PDF_STYLESHEETS, refuse_to_fetch


def render_report_pdf(content: dict) -> bytes:
    """The PDF of a report's content (see meetings.reports), always in Swedish."""
    from weasyprint import CSS, HTML

    with translation.override("sv"):
        html = render_to_string("meetings/report_pdf.html", {"report": content})
    document = HTML(string=html, url_fetcher=refuse_to_fetch)
    return document.write_pdf(stylesheets=[CSS(filename=str(path)) for path in PDF_STYLESHEETS], pdf_tags=True)
