"""Reporting rounds: each follow-up report's entry opening, deadline and lock date, from its
meeting and the body's rule in Swedish working days; shown on the plan page and in the admin."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from goalplan.models import Body, Plan
from goalplan.periods import Period
from kpis.rounds import RoundState, notices_for, rounds_of_plan
from meetings.models import FollowUpReport, Meeting, ReportingRule
from meetings.schedule import reminder_days
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db
D = datetime.date


def dates(report):
    schedule = report.schedule()
    return schedule.opens_on, schedule.deadline, schedule.locks_on, schedule.meeting_on


@pytest.mark.parametrize(
    ("kind", "period_end", "expected"),
    [
        # Opens the first working day after the period (1 May and 1 January are holidays);
        # papers five working days before the meeting, entry closing five before that.
        ("tertial", D(2025, 4, 30), (D(2025, 5, 2), D(2025, 5, 8), D(2025, 5, 15), D(2025, 5, 22))),
        ("interim", D(2025, 8, 31), (D(2025, 9, 1), D(2025, 9, 10), D(2025, 9, 17), D(2025, 9, 24))),
        ("annual", D(2024, 12, 31), (D(2025, 1, 2), D(2025, 2, 13), D(2025, 2, 20), D(2025, 2, 27))),
    ],
)
def test_the_seed_calendar_of_2025(kind, period_end, expected):
    report = FollowUpReport.objects.get(body__short_name="HSN", kind=kind, period_end=period_end)
    assert dates(report) == expected


def test_the_2021_tertial_round_counts_over_ascension_day():
    report = FollowUpReport.objects.get(body__short_name="HSN", kind="tertial", period_end=D(2021, 4, 30))
    # Meeting Wednesday 19 May 2021; 13 May was Kristi himmelsfärdsdag.
    assert dates(report) == (D(2021, 5, 3), D(2021, 5, 4), D(2021, 5, 11), D(2021, 5, 19))


@pytest.fixture
def other_region():
    """Another region's board with its own rule, a plan and a tertial report to a meeting on
    the Thursday after midsummer 2026."""
    board = Body.objects.create(name="Regionstyrelsen i Norrby", short_name="RS-N", kind="board")
    plan = Plan.objects.create(
        body=board, title="Verksamhetsplan 2026", kind="verksamhetsplan", start_year=2026, end_year=2026
    )
    meeting = Meeting.objects.create(body=board, starts_on=D(2026, 6, 25))
    report = FollowUpReport.objects.create(
        body=board, plan=plan, kind="tertial", period_end=D(2026, 4, 30), meeting=meeting, title="T1 2026"
    )
    ReportingRule.objects.create(body=board, opens_after=3, papers_before_meeting=3, entry_closes_before_papers=2)
    return report


def test_a_body_s_own_rule(other_region):
    # Midsommarafton 19 June 2026 is a day off: three working days before Thursday 25 June are
    # 24, 23 and 22 June; two before that 18 and 17 June.
    assert dates(other_region) == (D(2026, 5, 6), D(2026, 6, 17), D(2026, 6, 22), D(2026, 6, 25))
    assert reminder_days(other_region.schedule(), other_region.body.reporting_rule) == [
        D(2026, 6, 12),
        D(2026, 6, 17),
    ]


def test_dates_set_by_hand_win_and_are_checked(other_region):
    other_region.entry_deadline = D(2026, 6, 10)
    other_region.locks_on = D(2026, 6, 12)
    assert dates(other_region)[1:3] == (D(2026, 6, 10), D(2026, 6, 12))
    other_region.entry_opens_on = D(2026, 6, 11)
    with pytest.raises(ValidationError) as refused:
        other_region.full_clean()
    assert "entry_deadline" in refused.value.message_dict
    other_region.entry_opens_on, other_region.locks_on = None, D(2026, 6, 10)
    with pytest.raises(ValidationError) as refused:
        other_region.full_clean()
    assert "locks_on" in refused.value.message_dict


def test_a_meeting_right_after_the_period_still_leaves_a_day_to_report(other_region):
    other_region.meeting.starts_on = D(2026, 5, 5)
    other_region.meeting.save()
    opens, deadline, locks, _meeting = dates(FollowUpReport.objects.get(pk=other_region.pk))
    assert opens == deadline == D(2026, 5, 6)
    assert locks == D(2026, 5, 7)


def test_a_report_without_meeting_has_no_deadline(other_region):
    other_region.meeting = None
    other_region.save()
    schedule = other_region.schedule()
    assert (schedule.deadline, schedule.locks_on) == (None, None)
    assert schedule.state(D(2026, 5, 20)) == RoundState.UNSCHEDULED


def test_the_state_of_a_round_through_its_days(other_region):
    schedule = other_region.schedule()
    assert schedule.state(D(2026, 5, 5)) == RoundState.UPCOMING
    assert schedule.state(D(2026, 5, 6)) == RoundState.OPEN
    assert schedule.state(D(2026, 6, 17)) == RoundState.OPEN
    assert schedule.working_days_left(D(2026, 6, 15)) == 2
    assert schedule.state(D(2026, 6, 18)) == RoundState.LATE
    assert schedule.state(D(2026, 6, 22)) == RoundState.LOCKED


def test_a_page_names_the_round_of_its_period_and_every_open_one(other_region):
    plan = other_region.plan
    assert [r.report_id for r in rounds_of_plan(plan)] == [other_region.pk]
    # The tertial round is the round of "Ack april" too (the same months).
    shown = notices_for(plan, Period.from_token(2026, "ytd-4"), today=D(2026, 11, 1))
    assert [(n.schedule.report_id, n.state) for n in shown] == [(other_region.pk, RoundState.LOCKED)]
    assert notices_for(plan, Period.from_token(2026, "ytd-3"), today=D(2026, 11, 1)) == []
    assert len(notices_for(plan, Period.from_token(2026, "ytd-3"), today=D(2026, 6, 1))) == 1


def test_the_plan_page_shows_the_round_in_swedish(admin_client_sv, monkeypatch):
    plan = hsn_plan(2025)
    monkeypatch.setattr("kpis.rounds.timezone.localdate", lambda: D(2025, 5, 5))
    page = admin_client_sv.get(f"/planer/{plan.pk}/?year=2025&period=tertial-1").content.decode()
    assert "Tertialrapport per april 2025" in page
    assert "Öppen för inmatning" in page
    assert "Inmatning 2025-05-02 till 2025-05-08 (3 arbetsdagar kvar)" in page
    assert "låst från 2025-05-15" in page
    assert "sammanträde 2025-05-22" in page


def test_the_report_admin_shows_the_round_and_the_rule_admin_saves(admin_client_sv):
    report = FollowUpReport.objects.get(body__short_name="HSN", kind="tertial", period_end=D(2025, 4, 30))
    page = admin_client_sv.get(f"/admin/meetings/followupreport/{report.pk}/change/").content.decode()
    assert "Inmatning öppnar: 2025-05-02" in page
    assert "sista dag: 2025-05-08" in page
    hsn = report.body
    response = admin_client_sv.post(
        "/admin/meetings/reportingrule/add/",
        {
            "body": hsn.pk,
            "opens_after": 2,
            "papers_before_meeting": 5,
            "entry_closes_before_papers": 3,
            "reminder_days": 2,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert dates(report)[:2] == (D(2025, 5, 5), D(2025, 5, 12))


def test_the_calendar_shows_each_report_s_deadline(admin_client_sv, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page = admin_client_sv.get("/sammantraden/HSN/2025/").content.decode()
    assert "sista dag för inmatning 2025-05-08, låst från 2025-05-15" in page
    assert "sista dag för inmatning 2025-09-10, låst från 2025-09-17" in page


def test_the_entry_page_shows_the_round_of_its_period(admin_client_sv, monkeypatch):
    plan = hsn_plan(2025)
    monkeypatch.setattr("kpis.rounds.timezone.localdate", lambda: D(2025, 5, 9))
    page = admin_client_sv.get(
        "/admin/kpis/outcome/enter/", {"plan": plan.pk, "year": 2025, "period_kind": "tertial", "period_number": 1}
    ).content.decode()
    assert "Tertialrapport per april 2025" in page
    assert "Sista dagen har passerat" in page


def test_a_month_s_page_names_the_round_that_month_ends(other_region):
    april = Period(2026, "month", 4)
    assert [n.schedule.report_id for n in notices_for(other_region.plan, april, today=D(2026, 11, 1))] == [
        other_region.pk
    ]
