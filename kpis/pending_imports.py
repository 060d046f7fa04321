"""Outcome files waiting between their preview and their confirmation (kpis.PendingImport).

The bytes are kept in the database, so the confirmation may reach any app server: none keeps a
file of its own. A pending import belongs to the person who uploaded it (nobody else sees or
confirms it, not even an administrator), is imported at most once, and expires after
``IMPORT_PENDING_SECONDS``. A person has at most one (``PendingImport.objects.store``): a new
upload replaces their previous one and removes everybody's expired ones.
"""

import hashlib

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from kpis.imports import ImportResult, import_outcomes
from kpis.models import PendingImport
from kpis.uploads import UnreadableFile


class PendingImportGone(UnreadableFile):
    """The preview can no longer be confirmed: it expired, was imported, replaced or never existed."""


def _gone() -> PendingImportGone:
    return PendingImportGone(
        _(
            "There is no file waiting to be imported: it has been imported already, replaced by a newer "
            "upload, or was never uploaded by you. Upload the file again."
        )
    )


def _expired() -> PendingImportGone:
    return PendingImportGone(
        _("The preview has expired: a file waits at most %(minutes)s minutes for its confirmation. Upload it again.")
        % {"minutes": settings.IMPORT_PENDING_SECONDS // 60}
    )


def pending_import_of(*, user, pending_id: int | None) -> PendingImport | None:
    """The person's own pending import with this number (None if there is none)."""
    if pending_id is None:
        return None
    return PendingImport.objects.of(user).defer("content").filter(pk=pending_id).first()


def pending_import_confirm(*, user, pending_id: int | None) -> ImportResult:
    """Import the person's pending file, all or nothing, and only once.

    The pending row is locked and deleted in the import's transaction: a second confirmation
    waits for the first and then finds nothing (on SQLite the write transaction itself is
    exclusive). A failed import (an error, a conflict) rolls the deletion back with the rows, so
    the person can try again without uploading anew. Raises PendingImportGone or ImportFailed.
    """
    refusal = _gone()
    if pending_id is not None:
        with transaction.atomic():
            pending = PendingImport.objects.of(user).select_for_update().filter(pk=pending_id).first()
            if pending is not None:
                content = bytes(pending.content)  # PostgreSQL gives a memoryview
                intact = hashlib.sha256(content).hexdigest() == pending.sha256
                if intact and not pending.has_expired():
                    result = import_outcomes(content, pending.file_name, user=user, reason=pending.reason)
                    pending.delete()
                    return result
                # Removed for good (this transaction commits): it can never be confirmed.
                pending.delete()
                refusal = _expired() if intact else _gone()
    raise refusal
