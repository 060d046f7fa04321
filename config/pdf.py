"""What every PDF of the product shares (follow-up reports, the plan diff): the print stylesheets,
a resource fetcher that fetches nothing, and a limit on fresh renders per person.

Here, not in an app, so that any app may make a PDF without importing another app.
"""

from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from config.palette import PALETTE_CSS

REPORT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "report.css"
# The palette's custom properties first: report.css colours statuses with them.
PDF_STYLESHEETS = [PALETTE_CSS, REPORT_CSS]
RATE_WINDOW_SECONDS = 60
# One limit for every kind of PDF (the cache slots are shared).
RENDER_SLOT_PREFIX = "report-pdf-renders"


def refuse_to_fetch(url: str, *args, **kwargs):
    """WeasyPrint's resource fetcher: a PDF is self-contained, so nothing may be fetched (no
    network, no files outside what we pass in)."""
    raise ValueError(f"The report may not load {url!r}")


class TooManyRenders(Exception):
    """The person has had REPORT_PDF_RENDERS_PER_MINUTE fresh renders within the last minute."""


def take_render_slot(user) -> None:
    """Count one fresh render for the person, or raise TooManyRenders when none is left.

    One cache slot per render that expires a minute after it was taken, so no window of sixty
    seconds holds more renders than the limit; ``cache.add`` is atomic, so parallel requests
    cannot share a slot.
    """
    for slot in range(settings.REPORT_PDF_RENDERS_PER_MINUTE):
        if cache.add(f"{RENDER_SLOT_PREFIX}:{user.pk}:{slot}", 1, timeout=RATE_WINDOW_SECONDS):
            return
    raise TooManyRenders
