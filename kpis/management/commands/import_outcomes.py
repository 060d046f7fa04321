"""Bulk import of outcomes from a CSV or XLSX file: manage.py import_outcomes FILE."""

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kpis.imports import ImportFailed, import_outcomes
from kpis.uploads import FileError, format_count, read_file


class Command(BaseCommand):
    help = "Import outcomes from a CSV or XLSX file: all rows or none (see kpis/imports.py for the columns)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", help="Username recorded as the one who entered the rows (and whose rights apply)."
        )
        parser.add_argument("--reason", default="", help="Reason, required to change periods in approved reports.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")

    def handle(self, *args, file: Path, user: str | None, reason: str, dry_run: bool, **options):
        person = None
        if user:
            try:
                person = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist as error:
                raise CommandError(_("There is no user “%(user)s”.") % {"user": user}) from error
        started = time.perf_counter()

        rows_word, rate_word = _("rows"), _("rows/s")

        def progress(rows: int) -> None:
            rate = rows / (time.perf_counter() - started)
            sys.stderr.write(f"\r{rows:>10,} {rows_word}  {rate:>10,.0f} {rate_word}")
            sys.stderr.flush()

        try:
            result = import_outcomes(
                read_file(file), file.name, user=person, reason=reason, dry_run=dry_run, progress=progress
            )
        except ImportFailed as failure:
            sys.stderr.write("\n")
            if [type(error) for error in failure.errors] == [FileError]:
                # The file itself was refused (unreadable, too large, a conflict): one message.
                raise CommandError(str(failure.errors[0])) from failure
            for error in failure.errors:
                self.stderr.write(str(error))
            if failure.unlisted_count:
                self.stderr.write(failure.more_errors_text())
            raise CommandError(
                _("Nothing was imported: %(count)s errors.") % {"count": format_count(failure.error_count)}
            ) from failure
        seconds = time.perf_counter() - started
        sys.stderr.write("\n")
        rate = f"{result.rows / seconds:,.0f}" if seconds else "–"
        self.stdout.write(
            _(
                "%(rows)s rows in %(seconds).1f s (%(rate)s rows/s): %(created)s new, "
                "%(updated)s changed, %(unchanged)s unchanged."
            )
            % {**vars(result), "seconds": seconds, "rate": rate}
        )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
