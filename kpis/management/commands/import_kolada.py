"""Import comparison values from a Kolada data file: manage.py import_kolada FILE."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kpis.kolada import KoladaFileError, import_kolada
from kpis.uploads import UnreadableFile, read_file


class Command(BaseCommand):
    help = "Import national comparison values from a Kolada-format JSON file (matched by the measures' Kolada id)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            result = import_kolada(read_file(file))
        except UnreadableFile as error:
            raise CommandError(error.message) from error
        except KoladaFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Kolada: %(created)s new, %(updated)s changed, %(unchanged)s unchanged, %(skipped)s without value.")
            % vars(result)
        )
        if result.unknown_kpis:
            self.stdout.write(_("No measure has the Kolada id: %(ids)s") % {"ids": ", ".join(result.unknown_kpis)})
