"""What a round asks each unit for (duties), and 'Min rapportering': a reporter's missing figures
in the rounds open now, with the deadline and a link into the entry page set to plan, period
and unit. On another region's plan: two units, monthly, tertial and yearly indicators, one split
by sex, one reported for the whole plan only."""

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from goalplan.models import Goal, GoalAssessment, OrganisationalUnit
from goalplan.periods import Period, PeriodKind
from kpis.access import RoundClosed, write_rules_for
from kpis.duties import duties_of
from kpis.models import Measure, Outcome
from kpis.my_reporting import goal_analysis_tasks, reporting_tasks
from tests.entry_forms import entry_post_data
from tests.round_region import enter, make_region

pytestmark = pytest.mark.django_db
D = datetime.date
T1 = Period.tertial(2026, 1)
APRIL = Period(2026, PeriodKind.MONTH, 4)
IN_THE_ROUND = D(2026, 5, 11)  # entry opens 4 May, closes 19 May (meeting 2 June)


@pytest.fixture
def region():
    return make_region()


def test_a_tertial_round_asks_each_unit_for_its_figures_and_the_whole_plan_for_every_figure(region):
    duties = duties_of(region["plan"], T1)
    asked = {(duty.measure.name, duty.unit.name if duty.unit else None, duty.entry_period) for duty in duties}
    per_unit = {
        (name, unit, period)
        for name, period in (
            ("Andel besök inom 90 dagar", APRIL),
            ("Sjukfrånvaro", APRIL),
            ("Patientnöjdhet", T1),
        )
        for unit in (None, "Område Norr", "Område Syd")
    }
    # The yearly indicator is not due in T1; the inactive unit reports nothing; the whole-plan
    # indicator only for the whole plan.
    assert asked == per_unit | {("Nettokostnadsutveckling", None, APRIL)}
    assert not any(duty.reported for duty in duties)


def test_a_figure_is_reported_when_every_sex_has_a_value(region):
    north = region["north"]
    enter(region, "monthly", APRIL, unit=north)
    enter(region, "tertial", T1, unit=north)
    enter(region, "by_sex", APRIL, unit=north, sex="T")
    enter(region, "by_sex", APRIL, unit=north, sex="K")
    enter(region, "monthly", Period(2026, PeriodKind.MONTH, 3), unit=region["south"])  # March is not April
    reported = {
        (duty.measure.name, duty.unit.name) for duty in duties_of(region["plan"], T1, whole_plan=False) if duty.reported
    }
    assert reported == {("Andel besök inom 90 dagar", "Område Norr"), ("Patientnöjdhet", "Område Norr")}
    enter(region, "by_sex", APRIL, unit=north, sex="M")
    # A figure stored for the round's own period counts as well.
    enter(region, "monthly", T1, unit=region["south"])
    reported = {
        (duty.measure.name, duty.unit.name) for duty in duties_of(region["plan"], T1, whole_plan=False) if duty.reported
    }
    assert ("Sjukfrånvaro", "Område Norr") in reported
    assert ("Andel besök inom 90 dagar", "Område Syd") in reported


def test_the_reporter_sees_their_unit_s_missing_figures_with_links_into_the_entry_page(region):
    enter(region, "monthly", APRIL, unit=region["north"])
    (task,) = reporting_tasks(region["reporter"], today=IN_THE_ROUND)
    assert task.unit == region["north"]
    assert task.notice.schedule.deadline == D(2026, 5, 19)
    assert task.reported_count == 1
    assert {duty.measure.name for duty in task.missing} == {"Sjukfrånvaro", "Patientnöjdhet"}
    links = {link.period: link for link in task.entry_links}
    assert {period: link.missing for period, link in links.items()} == {APRIL: 1, T1: 1}
    url = urlsplit(links[T1].url)
    assert url.path == "/admin/kpis/outcome/enter/"
    assert parse_qs(url.query) == {
        "plan": [str(region["plan"].pk)],
        "year": ["2026"],
        "period": ["tertial-1"],
        "unit": [str(region["north"].pk)],
    }


def test_nothing_to_report_before_the_round_opens_or_once_it_is_locked(region):
    assert reporting_tasks(region["reporter"], today=D(2026, 4, 30)) == []
    assert reporting_tasks(region["reporter"], today=D(2026, 5, 26)) == []  # locked from the papers' day
    assert len(reporting_tasks(region["reporter"], today=D(2026, 5, 20))) == 1  # late, still to report


def test_the_responsible_administrator_sees_the_whole_plan_s_figure(region):
    (task,) = reporting_tasks(region["admin"], today=IN_THE_ROUND)
    assert task.unit is None
    assert [duty.measure.name for duty in task.duties] == ["Nettokostnadsutveckling"]


def test_a_member_has_nothing_to_report(region):
    member = get_user_model().objects.create_user("ledamot")
    assert reporting_tasks(member, today=IN_THE_ROUND) == []


def test_the_page_in_swedish(region, client, monkeypatch):
    monkeypatch.setattr("kpis.my_reporting.timezone.localdate", lambda: IN_THE_ROUND)
    client.force_login(region["reporter"])
    page = client.get("/min-rapportering/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Min rapportering" in page
    assert "Tertialrapport T1 2026 – Område Norr" in page
    assert "sista dag 2026-05-19 (5 arbetsdagar kvar)"  # 14 May is Kristi himmelsfärdsdag in page
    assert "0 av 3 siffror rapporterade." in page
    assert "Mata in april 2026: 2 siffror saknas" in page
    assert "Mata in T1 2026: 1 siffra saknas" in page


def test_the_page_asks_a_fixed_number_of_queries(region, client, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr("kpis.my_reporting.timezone.localdate", lambda: IN_THE_ROUND)
    for index in range(20):
        unit = OrganisationalUnit.objects.create(name=f"Enhet {index}", body=region["plan"].body)
        unit.reporters.add(region["reporter"])
        Measure.objects.create(plan=region["plan"], name=f"Mått {index}", unit="st")
    client.force_login(region["reporter"])
    with django_assert_max_num_queries(20):
        assert client.get("/min-rapportering/").status_code == 200


def test_a_round_without_a_deadline_is_still_to_report(region):
    report = region["plan"].reports.get()
    report.meeting = None
    report.save()
    (task,) = reporting_tasks(region["reporter"], today=IN_THE_ROUND)
    assert task.notice.state == "unscheduled"
    assert task.notice.schedule.deadline is None


def entry_post(client, region, value, *, day, monkeypatch):
    """The reporter's April entry page for Område Norr, posted with ``value`` for every row."""
    monkeypatch.setattr("meetings.selectors.timezone.localdate", lambda: day)
    url = "/admin/kpis/outcome/enter/"
    query = {"plan": region["plan"].pk, "year": 2026, "period": "month-4", "unit": region["north"].pk}
    page = client.get(url, query).context["page"]
    data = entry_post_data(page.formset, lambda form: value)
    return client.post(f"{url}?plan={region['plan'].pk}&year=2026&period=month-4&unit={region['north'].pk}", data)


def test_a_round_closes_by_itself_for_reporters_on_its_lock_date(region, client, monkeypatch):
    client.force_login(region["reporter"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    # Locked from 2026-05-26 (the papers for the meeting on 2 June).
    assert entry_post(client, region, "70", day=D(2026, 5, 25), monkeypatch=monkeypatch).status_code == 302
    refused = entry_post(client, region, "71", day=D(2026, 5, 26), monkeypatch=monkeypatch)
    assert refused.status_code == 403  # as for an approved period, and the page says why
    assert "Periodens rapporteringsomgång har stängts" in refused.content.decode()
    assert set(Outcome.objects.filter(unit=region["north"]).values_list("value", flat=True)) == {Decimal(70)}
    # An administrator still corrects it, without a reason (it is not approved).
    client.force_login(region["admin"])
    assert entry_post(client, region, "72", day=D(2026, 5, 26), monkeypatch=monkeypatch).status_code == 302


def test_the_closed_round_s_refusal_names_it(region):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("meetings.selectors.timezone.localdate", lambda: D(2026, 5, 26))
        rules = write_rules_for(region["reporter"])
    with pytest.raises(RoundClosed, match="rapporteringsomgång har stängts"), translation.override("sv"):
        rules.check(plan_ids=[region["plan"].pk], period=APRIL, unit_id=region["north"].pk)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("meetings.selectors.timezone.localdate", lambda: D(2026, 5, 25))
        write_rules_for(region["reporter"]).check(
            plan_ids=[region["plan"].pk], period=APRIL, unit_id=region["north"].pk
        )


def test_the_owner_of_a_goal_s_analysis_sees_it_in_each_open_round(region, client, monkeypatch):
    goal = Goal.objects.create(
        plan=region["plan"], kind=Goal.Kind.RESULT_GOAL, title="Kortare väntetider", analysis_owner=region["admin"]
    )
    Goal.objects.create(plan=region["plan"], kind=Goal.Kind.RESULT_GOAL, title="Någon annans mål")
    [task] = goal_analysis_tasks(region["admin"], today=IN_THE_ROUND)
    assert (task.goal, task.notice.schedule.period, task.is_written) == (goal, T1, False)
    assert "goal=" in task.assessment_url and "period_kind=tertial" in task.assessment_url
    assert goal_analysis_tasks(region["reporter"], today=IN_THE_ROUND) == []
    assert goal_analysis_tasks(region["admin"], today=D(2026, 6, 20)) == []  # no round open
    GoalAssessment.objects.create(
        goal=goal, year=2026, period_kind="tertial", period_number=1, comment="Kortare köer i maj."
    )
    [task] = goal_analysis_tasks(region["admin"], today=IN_THE_ROUND)
    assert task.is_written and task.assessment_url.endswith(f"/{task.assessment.pk}/change/")
    monkeypatch.setattr("kpis.rounds.timezone.localdate", lambda: IN_THE_ROUND)
    monkeypatch.setattr("kpis.my_reporting.timezone.localdate", lambda: IN_THE_ROUND)
    client.force_login(region["admin"])
    page = client.get("/min-rapportering/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert (
        "Mål där du ansvarar för analysen" in page and "Kortare väntetider" in page and "Någon annans mål" not in page
    )
