"""Reminders: each person with missing figures in a round is e-mailed, the rule's number of
working days before the deadline and on it, a list of exactly their missing figures.

Run by cron (``manage.py send_reminders``, e.g. every weekday morning). It is safe to run as often
as one likes: a person gets one reminder a round and day (a unique row in SentReminder, written in
the same transaction as the sending, so a message that fails to go is tried again next run). A
reporter is reminded of their units' figures, an indicator's responsible person of the whole
plan's figure.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from goalplan.models import OrganisationalUnit
from goalplan.selectors import readable_plans
from kpis.access import outcome_scope_for
from kpis.duties import Duty, duties_of
from kpis.my_reporting import entry_url
from kpis.rounds import RoundSchedule
from meetings.models import FollowUpReport, ReportingRule, SentReminder
from meetings.schedule import reminder_days

logger = logging.getLogger(__name__)


@dataclass
class Reminder:
    report: FollowUpReport
    schedule: RoundSchedule
    recipient: object  # a user with an e-mail address
    missing: list[Duty]


def due_reminders(today: datetime.date) -> list[Reminder]:
    """Every reminder due today: per round with a reminder day today and still open, per person
    their missing figures."""
    reminders = []
    drafts = FollowUpReport.objects.filter(plan__isnull=False, state=FollowUpReport.State.DRAFT)
    for report in drafts.select_related("plan", "meeting", "body__reporting_rule"):
        rule = ReportingRule.for_body(report.body)
        schedule = report.schedule(rule)
        if today not in reminder_days(schedule, rule) or (schedule.locks_on and today >= schedule.locks_on):
            continue
        missing: dict[int, list[Duty]] = defaultdict(list)
        duties = [duty for duty in duties_of(report.plan, schedule.period) if not duty.reported]
        reporters = _reporters_of({duty.unit.pk for duty in duties if duty.unit is not None})
        for duty in duties:
            people = reporters.get(duty.unit.pk, []) if duty.unit else [duty.indicator.responsible_person_id]
            for person in people:
                if person is not None:
                    missing[person].append(duty)
        recipients = get_user_model().objects.filter(pk__in=missing, is_active=True).exclude(email="")
        for person in recipients.order_by("pk"):
            if theirs := _theirs(person, report, missing[person.pk]):
                reminders.append(Reminder(report, schedule, person, theirs))
    return reminders


def _theirs(person, report: FollowUpReport, duties: list[Duty]) -> list[Duty]:
    """The figures the person may both read (the plan) and write (the unit, or the whole plan for
    an administrator): a unit's former reporter, or a responsible person without the right to
    enter the figure, is not mailed the plan's names."""
    if not readable_plans(person).filter(pk=report.plan_id).exists():
        return []
    scope = outcome_scope_for(person)
    return [duty for duty in duties if scope.allows_unit(duty.unit.pk if duty.unit else None)]


def _reporters_of(unit_ids: set[int]) -> dict[int, list[int]]:
    through = OrganisationalUnit.reporters.through
    people: dict[int, list[int]] = defaultdict(list)
    for unit_id, user_id in through.objects.filter(organisationalunit_id__in=unit_ids).values_list(
        "organisationalunit_id", "user_id"
    ):
        people[unit_id].append(user_id)
    return people


def message_of(reminder: Reminder) -> tuple[str, str]:
    """The subject and text of a reminder, in the site's language."""
    schedule, report = reminder.schedule, reminder.report
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Reminder: figures missing for %(round)s, deadline %(deadline)s") % {
            "round": schedule.title,
            "deadline": schedule.deadline,
        }
        lines = [
            _("Hello %(name)s,") % {"name": reminder.recipient.get_full_name() or reminder.recipient.get_username()},
            "",
            _("These figures are missing in %(round)s (%(plan)s). The deadline for entry is %(deadline)s.")
            % {"round": schedule.title, "plan": report.plan, "deadline": schedule.deadline},
        ]
        by_place: dict[tuple, list[Duty]] = defaultdict(list)
        for duty in reminder.missing:
            by_place[(duty.unit, duty.entry_period)].append(duty)
        for (unit, period), duties in by_place.items():
            lines += ["", f"{unit or _('Whole plan')}, {period.label()}:"]
            lines += [f"- {' '.join(filter(None, [d.indicator.code, str(d.measure)]))}" for d in duties]
            lines.append(_("Enter them: %(url)s") % {"url": settings.SITE_URL + entry_url(report.plan, period, unit)})
        lines += ["", _("This message was sent by the goal and KPI follow-up.")]
    return subject, "\n".join(lines)


def send_reminders(today: datetime.date) -> tuple[int, int]:
    """Send the reminders due today that have not been sent: (sent, failed). A message that fails
    to go (the mail server down, an address refused) is logged and left for the next run; the
    others go."""
    sent = failed = 0
    for reminder in due_reminders(today):
        subject, text = message_of(reminder)
        try:
            with transaction.atomic():
                SentReminder.objects.create(
                    report=reminder.report,
                    recipient=reminder.recipient,
                    sent_on=today,
                    address=reminder.recipient.email,
                    missing=len(reminder.missing),
                    text=text,
                )
                send_mail(subject, text, None, [reminder.recipient.email])
        except IntegrityError:
            continue  # sent today already (another run)
        except Exception:  # noqa: BLE001 — any failure of the mail backend: logged, tried again next run
            logger.exception("Reminder to %s for report %s not sent", reminder.recipient.email, reminder.report.pk)
            failed += 1
            continue
        sent += 1
    return sent, failed
