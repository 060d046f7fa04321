"""The entry page as a new administrator meets it: the period chosen by name, an error summary at
the top that says nothing was saved, plausibility questions (a share outside 0–100 %, an
exponent, a value far from the indicator's own history) answered by a comment or a
confirmation, values shown back the Swedish way, and the reason a locked period asks for.

On another region's plan: a share, a count with two years of monthly history, split by sex."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from goalplan.models import Body, Plan
from goalplan.periods import Period, PeriodKind
from kpis.models import Measure, Outcome
from kpis.plausibility import modified_z_score
from tests.entry_forms import entry_post_data

pytestmark = pytest.mark.django_db
URL = "/admin/kpis/outcome/enter/"
MAY = Period(2026, PeriodKind.MONTH, 5)


@pytest.fixture
def plan():
    body = Body.objects.create(name="Kulturnämnden i Söderby", short_name="KN-SB")
    plan = Plan.objects.create(
        title="Verksamhetsplan 2026 Kultur", kind=Plan.Kind.OPERATIONAL_PLAN, body=body, start_year=2026, end_year=2026
    )
    plan.share = Measure.objects.create(plan=plan, name="Andel nöjda besökare", unit="%", decimals=1, order=1)
    plan.visits = Measure.objects.create(plan=plan, name="Antal besök på biblioteken", unit="st", order=2)
    for year in (2024, 2025):
        for month in range(1, 13):
            Outcome.objects.create(
                indicator=plan.visits.indicator,
                year=year,
                period_kind=PeriodKind.MONTH,
                period_number=month,
                value=Decimal(2900 + 10 * (month % 5)),
            )
    return plan


@pytest.fixture
def admin_sv(client):
    client.force_login(get_user_model().objects.create_superuser("kontrollant"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    return client


def query(plan, period="month-5"):
    return {"plan": plan.pk, "year": 2026, "period": period}


def post(client, plan, values, *, extra=None, period="month-5"):
    """The page as posted with ``values`` (row label → typed text) and anything else (``extra``)."""
    page = client.get(URL, query(plan, period)).context["page"]
    labels = {row.measure.pk: row.measure.name for row in page.entry_rows}
    data = entry_post_data(page.formset, lambda form: values.get(labels[form.initial["measure_id"]], ""))
    return client.post(f"{URL}?plan={plan.pk}&year=2026&period={period}", {**data, **(extra or {})})


def stored(measure, period=MAY):
    row = Outcome.objects.in_period(period).filter(indicator=measure.indicator, unit=None).first()
    return row.value if row else None


def test_the_period_is_chosen_by_name(plan, admin_sv):
    page = admin_sv.get(URL, query(plan, "year")).content.decode()
    assert "Verksamhetsplan 2026 Kultur – 2026" in page
    for name in ("Maj", "Ack maj", "R12 maj", "T2", "Helår"):
        assert f">{name}</option>" in page
    assert 'name="period_number"' not in page  # no number to know (full year = 0)


def test_links_made_before_still_open_the_page(plan, admin_sv):
    old = admin_sv.get(URL, {"plan": plan.pk, "year": 2026, "period_kind": "year", "period_number": 0})
    assert old.context["page"].period == Period.full_year(2026)
    tertial = admin_sv.get(URL, {"plan": plan.pk, "year": 2026, "period_kind": "tertial", "period_number": 2})
    assert tertial.context["page"].period == Period.tertial(2026, 2)
    wrong = admin_sv.get(URL, {"plan": plan.pk, "year": 2026, "period_kind": "tertial", "period_number": 5})
    assert "Välj ett giltigt alternativ" in wrong.content.decode()


def test_an_error_is_summed_up_at_the_top_and_nothing_is_saved(plan, admin_sv):
    response = post(admin_sv, plan, {"Andel nöjda besökare": "abc", "Antal besök på biblioteken": "2 950"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Inget sparades.") < page.index('class="entry-table"')
    assert "Andel nöjda besökare</a>: Fyll i ett tal." in page
    assert stored(plan.visits) is None  # the valid row was not saved on its own
    assert 'value="2 950"' in page  # and is still there as typed


def test_a_share_over_100_is_questioned_then_saved_when_confirmed(plan, admin_sv):
    response = post(admin_sv, plan, {"Andel nöjda besökare": "200 %"})
    page = response.content.decode()
    assert "Inget sparades." in page
    assert "En andel utanför 0–100 %." in page
    assert 'name="confirm_plausible"' in page
    assert stored(plan.share) is None
    response = post(admin_sv, plan, {"Andel nöjda besökare": "200 %"}, extra={"confirm_plausible": "1"})
    assert response.status_code == 302
    assert stored(plan.share) == Decimal(200)


def test_a_comment_explains_a_questioned_value(plan, admin_sv):
    page = admin_sv.get(URL, query(plan)).context["page"]
    data = entry_post_data(page.formset, lambda form: "-5" if form.initial["measure_id"] == plan.share.pk else "")
    data["form-0-comment"] = "Enkäten räknades om"
    response = admin_sv.post(f"{URL}?plan={plan.pk}&year=2026&period=month-5", data)
    assert response.status_code == 302
    assert stored(plan.share) == Decimal(-5)


def test_an_exponent_is_questioned_with_how_it_was_read(plan, admin_sv):
    page = post(admin_sv, plan, {"Antal besök på biblioteken": "3e3"}).content.decode()
    assert "3e3 är skrivet med exponent: det lästes som 3\xa0000\xa0st." in page
    assert stored(plan.visits) is None


def test_a_value_far_from_the_indicator_s_history_is_questioned(plan, admin_sv):
    page = post(admin_sv, plan, {"Antal besök på biblioteken": "29 500"}).content.decode()
    assert "Långt från nyckeltalets tidigare värden (median 2\xa0920\xa0st)." in page
    assert stored(plan.visits) is None
    assert post(admin_sv, plan, {"Antal besök på biblioteken": "2 960"}).status_code == 302
    assert stored(plan.visits) == Decimal(2960)


def test_an_unchanged_value_is_not_questioned_again(plan, admin_sv):
    Outcome.objects.create(
        indicator=plan.share.indicator, year=2026, period_kind=PeriodKind.MONTH, period_number=5, value=Decimal(120)
    )
    page = admin_sv.get(URL, query(plan)).context["page"]
    data = entry_post_data(page.formset, lambda form: "120" if form.initial["measure_id"] == plan.share.pk else "2 930")
    assert admin_sv.post(f"{URL}?plan={plan.pk}&year=2026&period=month-5", data).status_code == 302


def test_values_are_shown_back_the_swedish_way(plan, admin_sv):
    Outcome.objects.create(
        indicator=plan.visits.indicator, year=2026, period_kind=PeriodKind.MONTH, period_number=5, value=Decimal(2950)
    )
    Outcome.objects.create(
        indicator=plan.share.indicator, year=2026, period_kind=PeriodKind.MONTH, period_number=5, value=Decimal("86.5")
    )
    page = admin_sv.get(URL, query(plan)).content.decode()
    assert 'value="2\xa0950"' in page
    assert 'value="86,5"' in page


def test_the_modified_z_score():
    history = [Decimal(v) for v in (10, 11, 9, 10, 12, 10, 11, 9)]
    assert modified_z_score(Decimal(10), history) == 0
    assert modified_z_score(Decimal(30), history) > 3.5
    assert modified_z_score(Decimal(30), history[:5]) is None  # too little history
    flat = [Decimal(5)] * 8
    assert modified_z_score(Decimal(6), flat) is None  # no spread: nothing to judge by
    mostly_flat = [Decimal(5)] * 6 + [Decimal(6), Decimal(7)]  # MAD 0: the mean deviation instead
    assert modified_z_score(Decimal(50), mostly_flat) > 3.5


def test_an_english_page_shows_and_reads_values_the_swedish_way(plan, client):
    client.force_login(get_user_model().objects.create_superuser("controller-en"))
    Outcome.objects.create(
        indicator=plan.visits.indicator, year=2026, period_kind=PeriodKind.MONTH, period_number=5, value=Decimal(2950)
    )
    response = client.get(URL, query(plan), HTTP_ACCEPT_LANGUAGE="en")
    assert 'value="2\xa0950"' in response.content.decode()
    page = response.context["page"]
    data = entry_post_data(
        page.formset, lambda form: "2\xa0950" if form.initial["measure_id"] == plan.visits.pk else ""
    )
    saved = client.post(f"{URL}?plan={plan.pk}&year=2026&period=month-5", data, HTTP_ACCEPT_LANGUAGE="en")
    assert saved.status_code == 302
    assert stored(plan.visits) == Decimal(2950)


def test_a_rate_of_change_in_percent_may_be_negative(plan, admin_sv):
    plan.share.name = "Nettokostnadsutveckling"
    plan.share.save()
    assert post(admin_sv, plan, {"Nettokostnadsutveckling": "-1,5"}).status_code == 302
    assert stored(plan.share) == Decimal("-1.5")


def test_an_old_link_with_an_impossible_full_year_number_is_refused(plan, admin_sv):
    page = admin_sv.get(URL, {"plan": plan.pk, "year": 2026, "period_kind": "year", "period_number": 7})
    assert "Välj ett giltigt alternativ" in page.content.decode()


def test_the_mean_deviation_stand_in_is_not_too_eager():
    history = [Decimal(v) for v in (10, 10, 10, 10, 12, 14)]  # MAD 0
    assert abs(modified_z_score(Decimal(13), history) - Decimal("2.39")) < Decimal("0.01")
