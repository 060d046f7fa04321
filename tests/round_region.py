"""Another region than the seeds' for the reporting-round tests (Min rapportering, approval)."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from goalplan.models import Body, OrganisationalUnit, Plan
from goalplan.roles import ADMINISTRATORS, REPORTERS
from kpis.models import Measure, Outcome
from meetings.models import FollowUpReport, Meeting

D = datetime.date


def make_region() -> dict:
    """Another region's board with a tertial round: T1 2026, meeting 2 June (entry opens 4 May,
    closes 19 May, locks 26 May); two active units and one closed; a reporter of Område Norr and a
    controller; monthly, split by sex, tertial, yearly and whole-plan-only indicators."""
    body = Body.objects.create(name="Regionstyrelsen i Norrby", short_name="RS-NB", kind="board")
    north = OrganisationalUnit.objects.create(name="Område Norr", body=body)
    south = OrganisationalUnit.objects.create(name="Område Syd", body=body)
    OrganisationalUnit.objects.create(name="Nedlagd enhet", body=body, is_active=False)
    plan = Plan.objects.create(
        title="Verksamhetsplan 2026 Norrby", kind=Plan.Kind.OPERATIONAL_PLAN, body=body, start_year=2026, end_year=2026
    )
    users = get_user_model().objects
    admin = users.create_user("controller", is_staff=True)
    admin.groups.add(Group.objects.get(name=ADMINISTRATORS))
    reporter = users.create_user("rapportor-norr", is_staff=True)
    reporter.groups.add(Group.objects.get(name=REPORTERS))
    north.reporters.add(reporter)

    def measure(name, *, per_unit=True, responsible=None, **fields):
        created = Measure.objects.create(plan=plan, name=name, unit="%", **fields)
        created.indicator.reported_per_unit = per_unit
        created.indicator.responsible_person = responsible
        created.indicator.save()
        return created

    measures = {
        "monthly": measure("Andel besök inom 90 dagar"),
        "by_sex": measure("Sjukfrånvaro", split_by_sex=True),
        "tertial": measure("Patientnöjdhet", frequency="tertial"),
        "yearly": measure("Medarbetarindex", frequency="yearly"),
        "whole": measure("Nettokostnadsutveckling", per_unit=False, responsible=admin),
    }
    meeting = Meeting.objects.create(body=body, starts_on=D(2026, 6, 2))
    report = FollowUpReport.objects.create(
        body=body, plan=plan, kind="tertial", period_end=D(2026, 4, 30), meeting=meeting, title="Tertialrapport T1 2026"
    )
    return {
        "plan": plan,
        "report": report,
        "north": north,
        "south": south,
        "admin": admin,
        "reporter": reporter,
        **measures,
    }


def enter(region, name, period, *, unit, sex="T", value="88"):
    Outcome.objects.create(
        indicator=region[name].indicator,
        unit=unit,
        sex=sex,
        year=period.year,
        period_kind=period.kind,
        period_number=period.number,
        value=Decimal(value),
    )
