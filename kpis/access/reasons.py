"""Change reasons: validated, and kept in the audit history of every row a write touches."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The audit history keeps a change reason in a 100-character column (django-simple-history).
REASON_MAX_LENGTH = 100

# The reason given for the write under way: every history row written meanwhile keeps it,
# including rows the database deletes along (a measure's outcomes) and rows a service deletes
# with a queryset (a cleared entry-page value). django-simple-history reads _change_reason.
_reason_of_write: ContextVar[str | None] = ContextVar("reason_of_write", default=None)


@contextlib.contextmanager
def reason_in_history(reason: str | None) -> Iterator[None]:
    """Every save and delete inside keeps ``reason`` in its history (unless it has its own)."""
    token = _reason_of_write.set((reason or "").strip() or None)
    try:
        yield
    finally:
        _reason_of_write.reset(token)


def keep_reason_of_write(sender, instance, **kwargs) -> None:
    """pre_save / pre_delete receiver: give the row the reason of the write under way."""
    reason = _reason_of_write.get()
    if reason and not getattr(instance, "_change_reason", None):
        instance._change_reason = reason


def validate_reason(reason: str) -> str:
    """The reason stripped, refused when longer than the history can keep or not plain text."""
    reason = (reason or "").strip()
    if any(ord(character) < 32 or 127 <= ord(character) < 160 for character in reason):
        # PostgreSQL refuses NUL in text; other control characters have no place in a reason.
        raise ValidationError(_("The reason may not contain control characters."), code="reason_invalid")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("The reason may be at most %(max)s characters (it has %(length)s).")
            % {"max": REASON_MAX_LENGTH, "length": len(reason)},
            code="reason_too_long",
        )
    return reason
