"""Send today's reporting reminders (see meetings.reminders); safe to run repeatedly, e.g. from
cron every weekday at 07:00: ``0 7 * * 1-5 cd /srv/malstyrning && .venv/bin/python manage.py send_reminders``."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from meetings.reminders import send_reminders


class Command(BaseCommand):
    help = "Sends the reminders due today to the people with missing figures in open reporting rounds."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to send for (YYYY-MM-DD), if not today.")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"Not a date (YYYY-MM-DD): {date}") from None
        sent, failed = send_reminders(today)
        self.stdout.write(f"{sent} reminder(s) sent for {today.isoformat()}.")
        if failed:
            # A non-zero exit for cron's mail; the failed ones are tried again on the next run.
            raise CommandError(f"{failed} reminder(s) could not be sent (see the log); the next run tries again.")
