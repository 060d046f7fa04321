"""Draft report PDFs: made at most once per content, and a limit on fresh renders per person.

A draft's PDF shows the live data, and making it costs one to three seconds of CPU. It is kept in
the default cache under a digest of the report's content (``meetings.reports.report_content``:
every figure, status, comment, budget row and adjustment it prints, and the report's own
fields) instead of under the data versions of ``kpis.cache``, because those versions move only
for what the committee pages read (the tables ``kpis.triggers`` watches): the PDF also prints the
budget follow-up, the meeting and the proposed adjustments, which do not move them.

A digest of the content itself needs none of that: any change to what the PDF would print gives
a new key, in every process and with either cache, and an unchanged draft is never made twice.
The content costs about 50 ms to read (the report page reads it on every view anyway); the
render it saves costs twenty times that. The time the PDF was made is left out of the digest: a
kept PDF truthfully says when it was made from the same figures.

Fresh renders are limited per person (``REPORT_PDF_RENDERS_PER_MINUTE``) with one cache slot per
render that expires a minute after it was taken, so no window of sixty seconds holds more renders
than the limit; ``cache.add`` is atomic in Redis, so parallel requests cannot share a slot (in the
database cache, two requests racing for a slot that has expired but is still in the table may both
get it: a render more at most). Both caches are shared by every process of the machine (Redis by
every machine), so the limit is one for all of them.
"""

import hashlib
import json
import time
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from config.pdf import PDF_STYLESHEETS, take_render_slot
from meetings.models import FollowUpReport
from meetings.pdf import render_report_pdf
from meetings.reports import report_content

KEY_PREFIX = "report-pdf"
LOCK_SECONDS = 10
# What else shapes the PDF besides its content: a deploy that changes the layout makes new keys.
LAYOUT_FILES = [
    *PDF_STYLESHEETS,
    *sorted((Path(settings.BASE_DIR) / "templates" / "meetings").glob("*.html")),
]


@lru_cache(maxsize=1)
def layout_digest() -> str:
    """A digest of the templates and stylesheet the PDF is made with."""
    digest = hashlib.sha256()
    for path in LAYOUT_FILES:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def draft_pdf_key(report: FollowUpReport, content: dict) -> str:
    """The cache key of a draft's PDF: the report, its content (not the time made), the layout."""
    printed = {key: value for key, value in content.items() if key != "made_at"}
    text = json.dumps([report.pk, printed], sort_keys=True, default=str, ensure_ascii=False)
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"{KEY_PREFIX}:{report.pk}:{layout_digest()[:16]}:{digest}"


def report_pdf_for(*, report: FollowUpReport, user) -> bytes:
    """An approved report's stored PDF, else the draft's PDF from the cache or made now."""
    if report.is_approved and report.pdf:
        return bytes(report.pdf)
    content = report_content(report)
    key = draft_pdf_key(report, content)
    pdf = cache.get(key)
    if pdf is not None:
        return pdf
    # Right after a change many readers may ask for the same draft: one makes it, the others wait
    # for it briefly instead of each spending seconds on the same PDF.
    locked = cache.add(f"{key}:lock", 1, timeout=LOCK_SECONDS)
    if not locked:
        deadline = time.monotonic() + LOCK_SECONDS
        while pdf is None and time.monotonic() < deadline:
            time.sleep(0.1)
            pdf = cache.get(key)
        if pdf is not None:
            return pdf
    try:
        take_render_slot(user)
        pdf = render_report_pdf(content)
        cache.set(key, pdf, settings.REPORT_PDF_CACHE_SECONDS)
    finally:
        if locked:
            cache.delete(f"{key}:lock")
    return pdf
