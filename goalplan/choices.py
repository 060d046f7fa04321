"""Choice sets shared by several apps.

The traffic light lives here, once: each status carries its symbol, its Swedish label and the
CSS class that colours it (the colours themselves are static/css/palette.css), so that no
template or view has to know which colour "red" is. Every page, PDF and report shows a status
with ``{% status_badge %}`` (goalplan/templatetags/status_badge.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Traffic-light status of a goal, measure or assignment for a follow-up period."""

    GREEN = "green", _("Met")
    YELLOW = "yellow", _("On track")
    RED = "red", _("Not met")
    MISSING = "missing", _("No data")
    # A measure reported per tertial or per year has nothing due in February: not missing.
    NOT_DUE = "not_due", _("Reported later")

    @property
    def css_class(self) -> str:
        """The badge's CSS class, coloured by the palette: "status-red"."""
        return f"status-{self.value}"

    @property
    def symbol(self) -> str:
        """A symbol that carries the status without colour (WCAG 1.4.1)."""
        return STATUS_SYMBOLS[self]

    @property
    def text(self) -> str:
        """Symbol and word, readable without colour: "▲ Ej uppfyllt"."""
        return f"{self.symbol} {self.label}"

    @property
    def severity(self) -> int:
        """How bad a known status is (red worst); missing data has no severity (None-like -1)."""
        return STATUS_SEVERITY[self]


STATUS_SYMBOLS = {
    Status.GREEN: "●",
    Status.YELLOW: "◆",
    Status.RED: "▲",
    Status.MISSING: "○",
    Status.NOT_DUE: "◌",
}


# Rank used when statuses are combined (a goal from its measures): the worst known one wins.
STATUS_SEVERITY = {
    Status.NOT_DUE: -2,
    Status.MISSING: -1,
    Status.GREEN: 0,
    Status.YELLOW: 1,
    Status.RED: 2,
}


# What a person can record as a judgement (an assessment): never "reported later".
ASSESSMENT_STATUS_CHOICES = [(s.value, s.label) for s in (Status.GREEN, Status.YELLOW, Status.RED, Status.MISSING)]


class Sex(models.TextChoices):
    """Sex split used in Swedish official statistics."""

    TOTAL = "T", _("Total")
    WOMEN = "K", _("Women")
    MEN = "M", _("Men")
