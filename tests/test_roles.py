"""Who may do what: committee members read, reporters write their own units' outcomes only."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from goalplan.models import OrganisationalUnit
from goalplan.periods import PeriodKind
from goalplan.roles import COMMITTEE_MEMBERS, REPORTERS
from kpis.imports import ImportFailed, import_outcomes
from kpis.models import Measure, Outcome
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db

# Not in the admin: history (shown on its model's history page), the data versions, which
# database triggers alone write (kpis.triggers), and pending imports, which have no admin pages
# at all (tests/test_pending_import.py).
OUR_MODELS = [
    m
    for label in ("goalplan", "kpis", "budget", "meetings")
    for m in apps.get_app_config(label).get_models()
    if not m.__name__.startswith("Historical") and m.__name__ not in {"DataVersion", "PendingImport"}
]


def person(username: str, group: str, *, staff: bool):
    user = get_user_model().objects.create_user(username=username, password="x-lösen-2025", is_staff=staff)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def member(client):
    client.force_login(person("ledamot", COMMITTEE_MEMBERS, staff=False))
    return client


@pytest.fixture
def reporter(client):
    user = person("rapportor", REPORTERS, staff=True)
    own = OrganisationalUnit.objects.get(name="Akutvård")
    own.reporters.add(user)
    client.force_login(user)
    return client, user, own, OrganisationalUnit.objects.get(name="Kirurgi")


def test_the_roles_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Administratörer", REPORTERS, COMMITTEE_MEMBERS}


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m.__name__)
def test_committee_member_gets_403_on_every_admin_page_and_post(member, model):
    opts = model._meta
    obj = model.objects.first()
    urls = [
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
    ]
    if obj is not None:
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    for url in urls:
        assert member.get(url).status_code == 403, url
        assert member.post(url, {}).status_code == 403, url


def test_committee_member_reads_the_dashboards(member):
    assert member.get(f"/planer/{hsn_plan(2025).pk}/").status_code == 200
    assert member.get("/admin/").status_code == 403


def outcome_post(measure, unit) -> dict:
    return {
        "indicator": measure.indicator_id,
        "year": 2025,
        "period_kind": "month",
        "period_number": 4,
        "unit": unit.pk,
        "sex": "T",
        "value": "55",
        "accomplished": "unknown",
        "count": "",
        "comment": "",
    }


def test_reporter_saves_own_unit_but_not_another_through_the_admin(reporter, monkeypatch):
    # In the tertial round of 2025, before it closed (2025-05-15): what is tested is the approval.
    monkeypatch.setattr("meetings.selectors.timezone.localdate", lambda: datetime.date(2025, 5, 5))
    client, _user, own, other = reporter
    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    add = reverse("admin:kpis_outcome_add")
    assert client.post(add, outcome_post(measure, own)).status_code == 302
    refused = client.post(add, outcome_post(measure, other))
    assert refused.status_code == 200 and "egna enheter" in refused.content.decode()
    assert not Outcome.objects.filter(unit=other).exists()


def test_reporter_cannot_see_or_change_another_units_outcome(reporter):
    client, _user, _own, other = reporter
    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    foreign = Outcome.objects.create(
        indicator=measure.indicator,
        year=2025,
        period_kind=PeriodKind.MONTH,
        period_number=4,
        unit=other,
        value=Decimal("10"),
    )
    change = reverse("admin:kpis_outcome_change", args=[foreign.pk])
    assert client.get(change).status_code in (302, 403, 404)
    crafted = {**outcome_post(measure, other), "value": "99", "expected_version": foreign.version}
    client.post(change, crafted)
    foreign.refresh_from_db()
    assert foreign.value == Decimal("10")


def test_reporter_cannot_use_the_entry_page_for_another_unit(reporter):
    client, _user, own, other = reporter
    plan = hsn_plan(2025)
    url = reverse("admin:kpis_outcome_entry")
    assert (
        client.get(f"{url}?plan={plan.pk}&year=2025&period_kind=month&period_number=4&unit={own.pk}").status_code == 200
    )
    assert (
        client.get(f"{url}?plan={plan.pk}&year=2025&period_kind=month&period_number=4&unit={other.pk}").status_code
        == 403
    )
    assert (
        client.post(f"{url}?plan={plan.pk}&year=2025&period_kind=month&period_number=4&unit={other.pk}", {}).status_code
        == 403
    )


def test_reporter_cannot_import_another_units_outcomes(reporter, monkeypatch):
    # In the tertial round per April 2025, before it closed: what is tested is the unit.
    monkeypatch.setattr("meetings.selectors.timezone.localdate", lambda: datetime.date(2025, 5, 5))
    _client, user, own, other = reporter
    measure = Measure.objects.filter(plan=hsn_plan(2025)).first()
    data = (
        f"mätetal;år;period;enhet;kön;värde\n{measure.pk};2025;month-4;{own.name};T;50\n"
        f"{measure.pk};2025;month-4;{other.name};T;60\n"
    ).encode()
    with pytest.raises(ImportFailed) as failure:
        import_outcomes(data, "utfall.csv", user=user)
    [error] = failure.value.errors
    assert (error.row, error.column) == (3, "enhet")
    assert not Outcome.objects.filter(indicator=measure.indicator, year=2025).exists()
