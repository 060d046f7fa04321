"""Reminders by e-mail: the rule's working days before the deadline and on it, each person one
message listing exactly their missing figures, never the same reminder twice, none once they
have reported (locmem e-mail backend, as pytest-django sets it)."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from goalplan.roles import REPORTERS
from meetings.models import Meeting, ReportingRule, SentReminder
from meetings.schedule import reminder_days
from tests.test_my_reporting import APRIL, T1, enter, region  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
D = datetime.date
FIRST_REMINDER = D(2026, 5, 13)  # 3 working days before the deadline 19 May (14 May is a holiday)
DEADLINE = D(2026, 5, 19)


@pytest.fixture
def people(region):
    region["reporter"].email = "norr@norrby.se"
    region["reporter"].first_name = "Nora"
    region["reporter"].save()
    region["admin"].email = "controller@norrby.se"
    region["admin"].save()
    return region


def send(day):
    call_command("send_reminders", date=day.isoformat(), stdout=io.StringIO())


def test_two_runs_on_a_reminder_day_send_each_person_one_message_with_exactly_their_figures(people, mailoutbox):
    enter(people, "monthly", APRIL, unit=people["north"])
    send(FIRST_REMINDER)
    send(FIRST_REMINDER)
    assert sorted(message.to[0] for message in mailoutbox) == ["controller@norrby.se", "norr@norrby.se"]
    reporter = next(message for message in mailoutbox if message.to == ["norr@norrby.se"])
    assert reporter.subject == "Påminnelse: siffror saknas för Tertialrapport T1 2026, sista dag 2026-05-19"
    body = reporter.body
    assert body.startswith("Hej Nora,")
    assert "Område Norr, april 2026:\n- Sjukfrånvaro\n" in body
    assert "Område Norr, T1 2026:\n- Patientnöjdhet\n" in body
    assert "Andel besök inom 90 dagar" not in body  # reported
    assert "Område Syd" not in body  # not their unit
    assert f"/admin/kpis/outcome/enter/?plan={people['plan'].pk}&year=2026&period=tertial-1&unit=" in body
    controller = next(message for message in mailoutbox if message.to == ["controller@norrby.se"])
    assert "Hela planen, april 2026:\n- Nettokostnadsutveckling\n" in controller.body
    assert SentReminder.objects.filter(sent_on=FIRST_REMINDER).count() == 2


def test_no_reminder_on_other_days(people, mailoutbox):
    for day in (D(2026, 5, 12), D(2026, 5, 15), D(2026, 5, 20)):
        send(day)
    assert mailoutbox == []


def test_the_deadline_reminds_again_only_of_what_is_still_missing(people, mailoutbox):
    send(FIRST_REMINDER)
    for name, period in (("monthly", APRIL), ("tertial", T1)):
        enter(people, name, period, unit=people["north"])
    for sex in ("T", "K", "M"):
        enter(people, "by_sex", APRIL, unit=people["north"], sex=sex)
    mailoutbox.clear()
    send(DEADLINE)
    assert [message.to for message in mailoutbox] == [["controller@norrby.se"]]  # the reporter has reported


def test_a_person_without_address_or_inactive_gets_nothing(people, mailoutbox):
    people["reporter"].email = ""
    people["reporter"].save()
    people["admin"].is_active = False
    people["admin"].save()
    send(FIRST_REMINDER)
    assert mailoutbox == []


def test_a_message_that_fails_to_go_is_tried_again(people, mailoutbox, monkeypatch):
    def fail(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("meetings.reminders.send_mail", fail)
    with pytest.raises(CommandError, match="2 reminder"):
        send(FIRST_REMINDER)
    assert not SentReminder.objects.exists()  # nothing logged as sent
    monkeypatch.undo()
    send(FIRST_REMINDER)
    assert len(mailoutbox) == 2


def test_the_log_is_read_in_the_admin_and_written_by_no_one(people, admin_client_sv):
    send(FIRST_REMINDER)
    page = admin_client_sv.get("/admin/meetings/sentreminder/").content.decode()
    assert "norr@norrby.se" in page
    assert admin_client_sv.get("/admin/meetings/sentreminder/add/").status_code == 403


def test_only_people_who_may_read_and_enter_the_figures_are_reminded(people, mailoutbox, settings):
    settings.COMMITTEE_PAGES_VISIBILITY = "members"
    people["reporter"].groups.remove(Group.objects.get(name=REPORTERS))  # a former reporter
    member = people["reporter"].__class__.objects.create_user("ledamot-annan", email="ledamot@annan.se")
    indicator = people["whole"].indicator
    indicator.responsible_person = member  # may neither read the plan nor enter its figures
    indicator.save()
    send(FIRST_REMINDER)
    assert [message.to for message in mailoutbox] == []


def test_no_reminder_before_entry_opens(people, mailoutbox):
    # A meeting the day after entry opens: the rule's first reminder (3 working days before the
    # deadline) would fall in April, before the period has ended.
    report = people["plan"].reports.get()
    report.meeting = Meeting.objects.create(body=people["plan"].body, starts_on=D(2026, 5, 5))
    report.save()
    schedule = report.schedule()
    assert (schedule.opens_on, schedule.deadline) == (D(2026, 5, 4), D(2026, 5, 4))
    assert reminder_days(schedule, ReportingRule.for_body(report.body)) == [D(2026, 5, 4)]
    send(D(2026, 4, 28))
    assert mailoutbox == []
