"""With the cache on, in the database cache and in Redis, the plan dashboard and the measure page
show a changed outcome at once, whatever wrote it: QuerySet.update(), bulk_update, bulk_create,
raw SQL. No writer calls anything: database triggers move the data versions the pages are keyed by.
"""

import socket
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.db.models import QuerySet

from config.routers import use_replica
from goalplan.models import Body, OrganisationalUnit
from goalplan.periods import PeriodKind
from goalplan.selectors import units_of_plan
from kpis.cache import data_versions
from kpis.models import DataVersion, Measure, Outcome, Target
from tests.selectors import body, hsn_plan, rs_plan_2018

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/0"
# The fragments the cache keeps: rendered on a miss, not rendered when served from the cache.
FRAGMENTS = {"goalplan/_dashboard_body.html", "kpis/_measure_body.html", "goalplan/_goal_body.html"}
WAITING_TIME = "Medelväntetid för besvarade samtal"  # an HSN 2025 measure in minutes, monthly


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture(params=["database", "redis"])
def cache_on(request, settings):
    """Dashboard caching on, in the database cache or Redis, under keys of this test's own."""
    prefix = f"test-{uuid.uuid4().hex}"
    if request.param == "redis":
        if not redis_reachable():
            pytest.skip("Redis is not reachable on 127.0.0.1:6379")
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    else:
        backend = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": settings.DATABASE_CACHE_TABLE}
    settings.CACHES = {"default": {**backend, "KEY_PREFIX": prefix}}
    settings.DASHBOARD_CACHE_ENABLED = True
    yield request.param
    if request.param == "redis":  # only this test's keys: others may share the server
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)


def visit(client, url: str) -> tuple[str, bool]:
    """The page's text, and whether its fragment was rendered (False: served from the cache)."""
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), bool(FRAGMENTS & {t.name for t in response.templates})


def waiting_time_measure() -> Measure:
    return Measure.objects.get(plan=hsn_plan(2025), name__startswith=WAITING_TIME)


def goal_of_waiting_time():
    """A goal of HSN 2025 that the waiting-time measure serves (in the seeds it serves none), with
    the measure's goal area."""
    from goalplan.models import Goal

    measure = waiting_time_measure()
    goal, _created = Goal.objects.get_or_create(
        plan=measure.plan, title="Kortare väntetider i telefon", defaults={"goal_area": measure.goal_area}
    )
    Measure.objects.filter(pk=measure.pk).update(goal=goal)
    return goal


def april_outcome(measure: Measure, value: str) -> Outcome:
    return Outcome(
        indicator=measure.indicator, year=2025, period_kind=PeriodKind.MONTH, period_number=4, value=Decimal(value)
    )


def minutes(value: str) -> str:
    return f"{value}\xa0minuter"


@pytest.fixture(params=["dashboard", "measure page", "goal page"])
def page_url(request):
    if request.param == "dashboard":
        return f"/planer/{hsn_plan(2025).pk}/?year=2025&period=month-4"
    if request.param == "goal page":
        return f"/mal/{goal_of_waiting_time().pk}/?year=2025&period=month-4"
    return f"/matetal/{waiting_time_measure().pk}/?year=2025&period=month-4"


def assert_shows_at_once(client, url: str, value: str, *, gone: str | None = None) -> None:
    """The page is made again and shows value (and no longer gone); the next visit is a cache hit."""
    page, rendered = visit(client, url)
    assert rendered, "the change did not move the page's key"
    assert minutes(value) in page
    if gone is not None:
        assert minutes(gone) not in page
    page, rendered = visit(client, url)
    assert not rendered, "the page was not served from the cache"
    assert minutes(value) in page


def test_every_write_path_shows_at_once(cache_on, page_url, admin_client_sv):
    measure = waiting_time_measure()
    outcome = Outcome.objects.bulk_create([april_outcome(measure, "12.5")])[0]  # an insert without signals
    assert_shows_at_once(admin_client_sv, page_url, "12,5")

    Outcome.objects.filter(pk=outcome.pk).update(value=Decimal("8.5"))
    assert_shows_at_once(admin_client_sv, page_url, "8,5", gone="12,5")

    outcome.value = Decimal("7.5")
    Outcome.objects.bulk_update([outcome], ["value"])
    assert_shows_at_once(admin_client_sv, page_url, "7,5", gone="8,5")

    with connection.cursor() as cursor:
        cursor.execute("UPDATE kpis_outcome SET value = %s WHERE id = %s", [Decimal("6.5"), outcome.pk])
    assert_shows_at_once(admin_client_sv, page_url, "6,5", gone="7,5")

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM kpis_outcome WHERE id = %s", [outcome.pk])
    page, rendered = visit(admin_client_sv, page_url)
    assert rendered and minutes("6,5") not in page

    with connection.cursor() as cursor:  # an insert by raw SQL, as another program would write it
        cursor.execute(
            "INSERT INTO kpis_outcome (indicator_id, year, period_kind, period_number, sex, value, comment, "
            "version, entered_at, updated_at) VALUES (%s, 2025, 'month', 4, 'T', %s, '', 1, %s, %s)",
            [measure.indicator_id, Decimal("5.5"), "2025-05-02 08:00:00+00:00", "2025-05-02 08:00:00+00:00"],
        )
    assert_shows_at_once(admin_client_sv, page_url, "5,5")


def test_a_change_of_another_plans_figures_keeps_this_plans_page(cache_on, admin_client_sv):
    hsn_url = f"/planer/{hsn_plan(2025).pk}/?year=2025&period=month-4"
    visit(admin_client_sv, hsn_url)
    assert visit(admin_client_sv, hsn_url)[1] is False
    # An indicator the RS plan adopts and HSN 2025 does not.
    rs_only = next(
        m.indicator_id
        for m in Measure.objects.filter(plan=rs_plan_2018())
        if Measure.objects.plans_by_indicator({m.indicator_id})[m.indicator_id] == {rs_plan_2018().pk}
    )
    Outcome.objects.bulk_create(
        [Outcome(indicator_id=rs_only, year=2025, period_kind=PeriodKind.MONTH, period_number=4, value=1)]
    )
    Outcome.objects.filter(indicator_id=rs_only).update(value=2)
    assert visit(admin_client_sv, hsn_url)[1] is False  # still the cached page
    # A unit is read by every plan's pages: renaming one moves every page's key.
    OrganisationalUnit.objects.filter(pk=OrganisationalUnit.objects.order_by("pk").first().pk).update(name="Ny enhet")
    assert visit(admin_client_sv, hsn_url)[1] is True


def test_a_cached_measure_page_names_only_the_plans_the_reader_may_open(cache_on, settings, client, admin_user):
    settings.COMMITTEE_PAGES_VISIBILITY = "members"
    measure = waiting_time_measure()
    Measure.objects.create(plan=rs_plan_2018(), indicator=measure.indicator, name=measure.name, order=99)
    url = f"/matetal/{measure.pk}/?year=2025&period=month-4"
    client.force_login(admin_user)
    assert rs_plan_2018().title in visit(client, url)[0]  # the administrator reads every body
    member = get_user_model().objects.create_user(username="hsn-ledamot", password="x-lösen-2025")
    body("HSN").members.add(member)
    client.force_login(member)
    page, rendered = visit(client, url)
    assert rendered and rs_plan_2018().title not in page  # not the administrator's cached page


def test_versions_are_read_from_the_database_the_page_reads(monkeypatch, settings):
    monkeypatch.setitem(settings.DATABASES, "replica", settings.DATABASES["default"])
    connections["replica"] = connections["default"]  # a replica alias on the test database
    used = []
    real_using = QuerySet.using
    monkeypatch.setattr(
        QuerySet, "using", lambda self, alias: used.append((self.model, alias)) or real_using(self, alias)
    )
    try:
        with use_replica():
            data_versions(hsn_plan(2025).pk)
    finally:
        del connections["replica"]
    assert used == [(DataVersion, "replica")]


def test_versions_are_read_in_one_query(django_assert_num_queries):
    plan = hsn_plan(2025)
    with django_assert_num_queries(1):
        before = data_versions(plan.pk)
    Body.objects.filter(short_name="HSN").update(name="Hälso- och sjukvårdsnämnden (ny)")
    after = data_versions(plan.pk)
    assert after[0] > before[0] and after[1] == before[1]


def test_a_units_figures_leave_the_whole_scope_dashboard_cached(cache_on, admin_client_sv):
    """An administrator saving a clinic's month must not empty the region's dashboard for every
    member; the unit's dashboard and the measure page (which breaks the figures down per unit)
    show the change at once, and a figure of the whole scope moves the region's dashboard too."""
    # A unit the plan's figures break down by (goalplan.selectors.units_of_plan).
    plan_units = units_of_plan(hsn_plan(2025)).order_by("pk")
    measure, unit = waiting_time_measure(), plan_units.first()
    whole = f"/planer/{hsn_plan(2025).pk}/?year=2025&period=month-4"
    of_unit, measure_page = f"{whole}&unit={unit.pk}", f"/matetal/{measure.pk}/?year=2025&period=month-4"
    for url in (whole, of_unit, measure_page):
        visit(admin_client_sv, url)
        assert visit(admin_client_sv, url)[1] is False
    before = data_versions(hsn_plan(2025).pk, whole_scope=True)

    unit_outcome = april_outcome(measure, "42.5")
    unit_outcome.unit = unit
    Outcome.objects.bulk_create([unit_outcome])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE kpis_outcome SET value = %s WHERE unit_id = %s", [Decimal("41.5"), unit.pk])

    assert data_versions(hsn_plan(2025).pk, whole_scope=True) == before
    assert visit(admin_client_sv, whole)[1] is False
    assert_shows_at_once(admin_client_sv, of_unit, "41,5")
    assert visit(admin_client_sv, measure_page)[1] is True
    # Another unit's figures leave this unit's dashboard cached, and move that unit's own.
    other = plan_units.exclude(pk=unit.pk).first()
    of_other = f"{whole}&unit={other.pk}"
    visit(admin_client_sv, of_other)
    other_outcome = april_outcome(measure, "39.5")
    other_outcome.unit = other
    Outcome.objects.bulk_create([other_outcome])
    assert visit(admin_client_sv, of_unit)[1] is False
    assert_shows_at_once(admin_client_sv, of_other, "39,5")

    Outcome.objects.bulk_create([april_outcome(measure, "13.5")])  # the whole scope's own figure
    assert data_versions(hsn_plan(2025).pk, whole_scope=True)[1] > before[1]
    assert_shows_at_once(admin_client_sv, whole, "13,5")


def test_a_goal_page_shows_a_new_assignment_and_sharing_at_once(cache_on, admin_client_sv):
    from goalplan.models import Assignment

    goal = goal_of_waiting_time()
    url = f"/mal/{goal.pk}/?year=2025&period=month-4"
    visit(admin_client_sv, url)
    assert visit(admin_client_sv, url)[1] is False
    Assignment.objects.bulk_create(
        [Assignment(plan=goal.plan, goal_area=goal.goal_area, text="Ett nytt uppdrag", decided_by=goal.plan.body)]
    )
    page, rendered = visit(admin_client_sv, url)
    assert rendered and "Ett nytt uppdrag" in page
    other = Body.objects.exclude(pk=goal.plan.body_id).order_by("pk").first()
    goal.shared_with.add(other)
    page, rendered = visit(admin_client_sv, url)
    assert rendered and other.name in page


def test_another_measures_figures_keep_a_measure_page_cached(cache_on, admin_client_sv):
    """An administrator saving some measures' figures leaves the other measures' pages cached
    (they key on their own indicator's version), while the measure's own figures and its plan's
    target move its page."""
    measure = waiting_time_measure()
    other = next(
        m
        for m in Measure.objects.filter(plan=measure.plan).exclude(indicator=measure.indicator).order_by("pk")
        if Measure.objects.plans_by_indicator({m.indicator_id})[m.indicator_id] == {measure.plan_id}
    )
    url = f"/matetal/{measure.pk}/?year=2025&period=month-4"
    visit(admin_client_sv, url)
    assert visit(admin_client_sv, url)[1] is False
    unit = OrganisationalUnit.objects.order_by("pk").first()
    Outcome.objects.bulk_create(
        [
            Outcome(indicator=other.indicator, year=2025, period_kind=PeriodKind.MONTH, period_number=4, value=3),
            Outcome(
                indicator=other.indicator, unit=unit, year=2025, period_kind=PeriodKind.MONTH, period_number=4, value=4
            ),
        ]
    )
    assert visit(admin_client_sv, url)[1] is False  # still the cached page

    unit_outcome = april_outcome(measure, "44.5")
    unit_outcome.unit = unit
    Outcome.objects.bulk_create([unit_outcome])  # its own indicator, a unit's figure: in its breakdown
    assert_shows_at_once(admin_client_sv, url, "44,5")

    Target.objects.filter(measure=measure, year=2025).update(wording="Kortare än 4 minuter")
    page, rendered = visit(admin_client_sv, url)
    assert rendered and "Kortare än 4 minuter" in page


def test_the_same_period_of_another_year_is_another_page(cache_on, admin_user):
    """A default period (no ?year=) can move from "Ack april" 2025 to "Ack april" 2026 on a figure
    that moves no version of the page's key: the year is part of the key."""
    from django.test import RequestFactory

    from goalplan.periods import Period
    from kpis.cache import cached_fragment

    request = RequestFactory().get("/matetal/1/")
    request.user = admin_user
    renders = []

    def fragment(period):
        return cached_fragment(
            request,
            name="test-period-year",
            plan_id=hsn_plan(2025).pk,
            period=period,
            render=lambda: renders.append(period) or period.query,
        )

    april_2025, april_2026 = Period.from_token(2025, "ytd-4"), Period.from_token(2026, "ytd-4")
    assert fragment(april_2025) == april_2025.query
    assert fragment(april_2026) == april_2026.query
    assert fragment(april_2025) == april_2025.query  # a hit
    assert renders == [april_2025, april_2026]
