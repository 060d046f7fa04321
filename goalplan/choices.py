"""Choice sets shared by several apps.

The traffic light lives here, once: each status carries its colour, its symbol and its
Swedish label, so that no template or view has to know which colour "red" is.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Traffic-light status of a goal, measure or assignment for a follow-up period."""

    GREEN = "green", _("Met")
    YELLOW = "yellow", _("On track")
    RED = "red", _("Not met")
    MISSING = "missing", _("No data")

    @property
    def color(self) -> str:
        """CSS colour name used by the status badge."""
        return STATUS_COLORS[self]

    @property
    def symbol(self) -> str:
        """A symbol that carries the status without colour (WCAG 1.4.1)."""
        return STATUS_SYMBOLS[self]


STATUS_COLORS = {
    Status.GREEN: "green",
    Status.YELLOW: "yellow",
    Status.RED: "red",
    Status.MISSING: "grey",
}
STATUS_SYMBOLS = {
    Status.GREEN: "●",
    Status.YELLOW: "◆",
    Status.RED: "▲",
    Status.MISSING: "○",
}


class Sex(models.TextChoices):
    """Sex split used in Swedish official statistics."""

    TOTAL = "T", _("Total")
    WOMEN = "K", _("Women")
    MEN = "M", _("Men")
