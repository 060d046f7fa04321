"""Two people saving the first outcome of the same period at the same moment, in real threads.

Exactly one save wins; the other person gets the Swedish conflict message (never a 500, a
"database is locked" or an IntegrityError), on SQLite and on PostgreSQL alike.

These tests commit for real (transactional tests): other threads cannot see rows inside a test's
rolled-back transaction. pytest-django runs transactional tests after all the others and empties
the database after each one, so the seeds are loaded again here whenever an earlier transactional
test (the browser tests, the previous test here) has emptied it.
"""

import threading
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from goalplan.choices import Sex
from goalplan.models import Plan
from goalplan.periods import Period, PeriodKind
from goalplan.seeds import seed_fixture_paths
from kpis.models import Measure, Outcome, Target
from kpis.services import OutcomeEntry, outcome_save, outcomes_record_for_period
from tests.entry_forms import entry_post_data as posted_rows
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db(transaction=True)

# The conflict message of kpis.services in Swedish (“… har ändrats av någon annan …”).
CONFLICT_IN_SWEDISH = "har ändrats av någon annan efter att du öppnade"
ROUNDS = 4  # several races, each on a period of its own: one lucky interleaving proves little
THREAD_TIMEOUT_SECONDS = 60


@pytest.fixture
def plan() -> Plan:
    """The seeded 2025 plan of the health and medical care committee."""
    if not Plan.objects.filter(body__short_name="HSN", start_year=2025).exists():
        call_command("loaddata", *[str(path) for path in seed_fixture_paths()], verbosity=0)
    return hsn_plan(2025)


@pytest.fixture
def two_administrators():
    users = get_user_model().objects
    return (
        users.create_superuser("samtidig-a", "a@example.se", "lösen-a-2025"),
        users.create_superuser("samtidig-b", "b@example.se", "lösen-b-2025"),
    )


def numeric_measure(plan: Plan) -> Measure:
    """A measure of the plan that takes a number (not a yes/no target)."""
    accomplished = Target.objects.filter(kind=Target.Kind.ACCOMPLISHED).values("measure")
    measures = Measure.objects.filter(plan=plan).exclude(pk__in=accomplished)
    return measures.order_by("order", "pk").first()


def empty_months(measure: Measure, count: int) -> list[Period]:
    """Months of the plan year with no stored outcome of the measure yet (the first entry races)."""
    taken = set(
        Outcome.objects.filter(indicator=measure.indicator, year=2025, period_kind=PeriodKind.MONTH).values_list(
            "period_number", flat=True
        )
    )
    months = [Period(2025, PeriodKind.MONTH, n) for n in range(12, 0, -1) if n not in taken]
    assert len(months) >= count, "the seeds left too few empty months for the test"
    return months[:count]


def run_at_once(*jobs):
    """Run the jobs in threads released together: ("saved" | "refused" | "crashed", result)."""
    # "refused": a ValidationError; "crashed": any other exception (a 500 on a page).
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def work(index, job):
        try:
            with translation.override("sv"):
                barrier.wait(timeout=THREAD_TIMEOUT_SECONDS)
                outcomes[index] = ("saved", job())
        except ValidationError as error:
            outcomes[index] = ("refused", error)
        except BaseException as error:  # noqa: BLE001 - any other exception is the failure sought
            outcomes[index] = ("crashed", error)
        finally:
            # Each thread has a connection of its own: left open, the test database stays in use.
            connection.close()

    threads = [threading.Thread(target=work, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=THREAD_TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a save hung"
    return outcomes


def stored(measure: Measure, period: Period):
    return Outcome.objects.filter(
        indicator=measure.indicator,
        year=period.year,
        period_kind=period.kind,
        period_number=period.number,
        unit=None,
        sex=Sex.TOTAL,
    )


def test_two_first_entries_of_a_period_save_one_and_refuse_the_other_with_the_conflict_message(
    plan, two_administrators
):
    measure = numeric_measure(plan)
    for period in empty_months(measure, ROUNDS):
        values = (Decimal("11.5"), Decimal("22.5"))

        def enter(user, value, period=period):
            return outcomes_record_for_period(
                period=period,
                unit=None,
                user=user,
                entries=[OutcomeEntry(measure=measure, sex=Sex.TOTAL, value=value, expected_version=0)],
            )

        results = run_at_once(
            *(
                lambda user=user, value=value: enter(user, value)
                for user, value in zip(two_administrators, values, strict=True)
            )
        )
        kinds = sorted(kind for kind, _result in results)
        assert kinds == ["refused", "saved"], results
        (winner,) = [index for index, (kind, _result) in enumerate(results) if kind == "saved"]
        refusal = next(result for kind, result in results if kind == "refused")
        assert [error.code for error in refusal.error_list] == ["conflict"], refusal.messages
        assert CONFLICT_IN_SWEDISH in refusal.messages[0]
        assert results[winner][1].created == 1
        assert [row.value for row in stored(measure, period)] == [values[winner]]
        assert stored(measure, period).get().entered_by == two_administrators[winner]


def test_two_single_first_saves_of_the_same_outcome_save_one_and_refuse_the_other(plan, two_administrators):
    measure = numeric_measure(plan)
    for period in empty_months(measure, ROUNDS):
        values = (Decimal("33.5"), Decimal("44.5"))

        def save(user, value, period=period):
            outcome = Outcome(
                indicator=measure.indicator,
                year=period.year,
                period_kind=period.kind,
                period_number=period.number,
                sex=Sex.TOTAL,
                value=value,
            )
            return outcome_save(outcome=outcome, user=user, expected_version=None)

        results = run_at_once(
            *(
                lambda user=user, value=value: save(user, value)
                for user, value in zip(two_administrators, values, strict=True)
            )
        )
        assert sorted(kind for kind, _result in results) == ["refused", "saved"], results
        refusal = next(result for kind, result in results if kind == "refused")
        # Either the insert's unique index or the validation that runs first saw the other row.
        assert "Det finns redan ett utfall för det här nyckeltalet" in " ".join(refusal.messages)
        winner = next(result for kind, result in results if kind == "saved")
        assert [row.value for row in stored(measure, period)] == [winner.value]


def entry_post_data(formset, *, measure: Measure, value: str) -> dict:
    """The entry page's form as the person sent it: one value typed, every other row left blank."""
    return posted_rows(
        formset,
        lambda form: value if form.initial["measure_id"] == measure.pk and form.initial["sex"] == Sex.TOTAL else "",
    )


def test_two_administrators_on_the_entry_page_one_saves_the_other_sees_the_conflict(plan, two_administrators):
    measure = numeric_measure(plan)
    for period in empty_months(measure, ROUNDS):
        url = (
            f"{reverse('admin:kpis_outcome_entry')}?plan={plan.pk}&year={period.year}"
            f"&period_kind=month&period_number={period.number}&unit="
        )
        clients, posts = [], []
        for user, typed in zip(two_administrators, ("55,5", "66,5"), strict=True):
            client = Client(HTTP_ACCEPT_LANGUAGE="sv")
            client.force_login(user)
            page = client.get(url)  # both open the page before either saves: both see version 0
            assert page.status_code == 200
            assert {
                form.initial["version"]
                for form in page.context["page"].formset.forms
                if form.initial["measure_id"] == measure.pk
            } == {0}
            clients.append(client)
            posts.append(entry_post_data(page.context["page"].formset, measure=measure, value=typed))

        results = run_at_once(
            *(
                lambda client=client, data=data, url=url: client.post(url, data)
                for client, data in zip(clients, posts, strict=True)
            )
        )
        assert all(kind == "saved" for kind, _response in results), results  # no exception, no 500
        statuses = sorted(response.status_code for _kind, response in results)
        assert statuses == [200, 302], statuses
        (loser,) = [response for _kind, response in results if response.status_code == 200]
        assert CONFLICT_IN_SWEDISH in loser.content.decode()
        winner = next(index for index, (_kind, response) in enumerate(results) if response.status_code == 302)
        assert [row.value for row in stored(measure, period)] == [Decimal(("55.5", "66.5")[winner])]
