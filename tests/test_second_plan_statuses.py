"""Every rule of the status engine on a second committee's plan that is not in the seeds.

The Miljö- och samhällsbyggnadsnämnden of another region, its plan for 2026 with its own units,
base years entered month by month through the outcome import, partial months and other target
forms. Each case checks the figures a committee reads on the dashboard and the measure page, and
that the measure page's explanation names the rule used (span, limit, coverage).
"""

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from goalplan.choices import Sex, Status
from goalplan.models import Body, Goal, GoalArea, GoalAssessment, OrganisationalUnit, Plan
from goalplan.periods import Period, PeriodKind
from kpis.imports import import_outcomes
from kpis.models import Measure, Outcome, Target
from kpis.status import ForecastMethod, Trend, evaluate_measures, evaluate_plan

pytestmark = pytest.mark.django_db

D = Decimal
T1 = Period.tertial(2026, 1)
APRIL_YTD = Period(2026, PeriodKind.YEAR_TO_DATE, 4)


@pytest.fixture
def plan():
    body = Body.objects.create(name="Miljö- och samhällsbyggnadsnämnden (Region Exempel)", short_name="MSN-EX")
    OrganisationalUnit.objects.create(name="Kollektivtrafik", code="KT", body=body)
    OrganisationalUnit.objects.create(name="Fastighet", code="FA", body=body)
    plan = Plan.objects.create(
        title="Verksamhetsplan 2026", kind=Plan.Kind.OPERATIONAL_PLAN, body=body, start_year=2026, end_year=2026
    )
    area = GoalArea.objects.create(plan=plan, name="Hållbar region", order=1)
    plan.goal = Goal.objects.create(
        plan=plan, goal_area=area, kind=Goal.Kind.RESULT_GOAL, title="Minskad miljöpåverkan"
    )
    plan.area = area
    return plan


def add_measure(plan, name, *, kind, value=None, wording, base_year=None, base_value=None, **fields) -> Measure:
    fields = {"unit": "ton", "decimals": 0, "direction": "lower", "aggregation": "latest", **fields}
    measure = Measure.objects.create(plan=plan, goal_area=plan.area, goal=plan.goal, name=name, **fields)
    target = Target(
        measure=measure,
        year=2026,
        kind=kind,
        value=None if value is None else D(value),
        wording=wording,
        base_year=base_year,
        base_value=None if base_value is None else D(base_value),
    )
    target.full_clean()
    target.save()
    return measure


def import_months(measure, values_by_month, *, sex="T", unit=""):
    """Through the outcome import, as an administrator enters a base year month by month."""
    lines = ["mätetal;år;period;enhet;kön;värde;kommentar"] + [
        f"{measure.pk};{year};month-{month};{unit};{sex};{str(value).replace('.', ',')};"
        for (year, month), value in values_by_month.items()
    ]
    import_outcomes("\n".join(lines).encode(), "utfall.csv", user=None)


def chart_of(page: str) -> dict:
    return json.loads(
        re.search(r'<script id="measure-figure" type="application/json">(.*?)</script>', page, re.DOTALL).group(1)
    )


def one(measure, period=T1, sex=Sex.TOTAL):
    return next(e for e in evaluate_measures([measure], period) if e.sex == sex and e.unit_id is None)


def measure_page(client, measure, period=T1) -> str:
    return client.get(f"/matetal/{measure.pk}/?{period.query}").content.decode()


def explanation(page: str) -> str:
    """The measure page's "why" under the status: the rule, the limit, the span, the coverage."""
    return re.search(r'<span class="note explanation">(.*?)</span>', page, re.DOTALL).group(1)


def assert_explained(page: str, *, span: str, limit: str | None = None, coverage: str | None = None) -> None:
    text = explanation(page)
    assert f"Värdet avser {span}." in text, text
    if limit:
        assert f"Gräns: {limit}." in text, text
    if coverage:
        assert coverage in text, text


# 1. Like for like: a base year entered month by month, a cumulative measure ----------------------


def test_a_cumulative_forecast_is_compared_with_the_base_years_full_year(plan, admin_client_sv):
    waste = add_measure(
        plan,
        "Avfall till förbränning",
        kind="change_from_base",
        value="-20",
        base_year=2019,
        wording="-20 % jämfört med 2019",
        aggregation="ytd_sum",
    )
    import_months(waste, {(2019, m): 20 for m in range(1, 11)} | {(2019, 11): 25, (2019, 12): 25})  # 250 ton
    import_months(waste, {(2026, 1): 16, (2026, 2): 15, (2026, 3): 14, (2026, 4): 13})  # 58 ton so far
    evaluation = one(waste)
    assert evaluation.value.value == D(58)
    assert (evaluation.forecast.value, evaluation.forecast.method) == (D(174), ForecastMethod.LINEAR)
    # The forecast for 2026 against 2019 as a whole (250 ton), not against its January–April (80).
    assert evaluation.judged_on_forecast
    assert (evaluation.reference.value, evaluation.threshold_value) == (D(250), D(200))
    assert evaluation.status == Status.GREEN
    with translation.override("sv"):
        assert evaluation.threshold_text == "högst 200\xa0ton (−20,0\xa0% jämfört med 2019: 250\xa0ton)"
    page = measure_page(admin_client_sv, waste)
    assert_explained(page, span="jan–apr 2026", limit="högst 200\xa0ton (−20,0\xa0% jämfört med 2019: 250\xa0ton)")
    assert "högst 200\xa0ton (−20,0\xa0% jämfört med 2019: 250\xa0ton)" in page
    assert "Bedömt på prognosen för helåret" in page and "Värdet avser jan–apr 2026" in page


def test_a_level_is_compared_with_the_same_months_of_the_base_year(plan, admin_client_sv):
    sick = add_measure(
        plan,
        "Sjukfrånvaro",
        kind="lower_than_year",
        base_year=2025,
        wording="Lägre än 2025",
        unit="%",
        decimals=1,
        aggregation="ytd_mean",
    )
    import_months(sick, {(2025, m): 7 for m in range(1, 5)} | {(2025, m): 5 for m in range(5, 13)})
    import_months(sick, {(2026, m): 6 for m in range(1, 5)})
    evaluation = one(sick)
    assert (evaluation.reference.value, evaluation.reference.label) == (D(7), "jan–apr 2025")
    assert evaluation.status == Status.GREEN  # 6 against January–April 2025 (7), not the year (5,7)
    assert_explained(
        measure_page(admin_client_sv, sick), span="jan–apr 2026", limit="lägre än 7,0\xa0% (jan–apr 2025: 7,0\xa0%)"
    )


# 2. Trends of cumulative measures ----------------------------------------------------------------


def test_a_cumulative_measure_with_falling_months_improves_whatever_the_window_is_called(plan, admin_client_sv):
    trips = add_measure(
        plan,
        "Sjukresor",
        kind="at_most",
        value="1300",
        wording="Högst 1 300 resor",
        unit="antal",
        aggregation="ytd_sum",
    )
    import_months(trips, {(2025, 9): 120, (2025, 10): 115, (2025, 11): 110, (2025, 12): 105})
    import_months(trips, {(2026, 1): 100, (2026, 2): 95, (2026, 3): 90, (2026, 4): 85})
    for period in (T1, APRIL_YTD):
        evaluation = one(trips, period)
        assert evaluation.value.value == D(370)
        assert evaluation.trend == Trend.IMPROVING  # 370 against September–December's 450
        assert evaluation.trend_compared_with.label() == "sep–dec 2025"
    page = measure_page(admin_client_sv, trips, APRIL_YTD)
    assert "Trenden jämför med sep–dec 2025" in explanation(page)
    assert_explained(page, span="jan–apr 2026", limit="högst 1\xa0300")


# 3. Relative target: the tolerance is a share of the limit ---------------------------------------


@pytest.mark.parametrize(("april", "expected"), [("199", Status.GREEN), ("206", Status.YELLOW), ("211", Status.RED)])
def test_a_relative_target_just_outside_its_limit_is_yellow_within_the_band(plan, admin_client_sv, april, expected):
    energy = add_measure(
        plan,
        "Energianvändning i lokaler",
        kind="change_from_base",
        value="-20",
        base_year=2019,
        base_value="250",
        wording="-20 % jämfört med 2019",
        unit="kWh/m²",
    )
    import_months(energy, {(2026, 4): april})
    evaluation = one(energy)
    assert (evaluation.threshold_value, evaluation.result.band) == (D(200), D(10))  # 5 % of 200, not of 20
    assert evaluation.status == expected
    page = measure_page(admin_client_sv, energy)
    assert_explained(page, span="april 2026", limit="högst 200\xa0kWh/m² (−20,0\xa0% jämfört med 2019: 250\xa0kWh/m²)")
    assert "Gräns: högst 200\xa0kWh/m² (−20,0\xa0% jämfört med 2019: 250\xa0kWh/m²)" in page
    assert "Värdet avser april 2026" in page  # a point-in-time value speaks for its month, not for T1
    target_line = next(trace for trace in chart_of(page)["data"] if trace["name"].startswith("Gräns: "))
    assert target_line["y"] == [200.0, 200.0]  # drawn at 200 kWh/m², not at -20


def test_a_sign_that_contradicts_the_wording_is_refused(plan):
    measure = Measure.objects.create(plan=plan, name="Utsläpp", unit="ton")
    target = Target(
        measure=measure,
        year=2026,
        kind="change_from_base",
        value=D(10),
        base_year=2019,
        wording="Minska med 10 % jämfört med 2019",
    )
    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        target.full_clean()
    assert "anger en minskning" in str(refused.value.message_dict["value"])


# 4. Coverage: an incomplete tertial, and K/M from one month --------------------------------------


def test_an_incomplete_tertial_is_marked_everywhere_and_is_never_green(plan, admin_client_sv):
    satisfied = add_measure(
        plan,
        "Andel nöjda resenärer",
        kind="at_least",
        value="90",
        wording="Minst 90 %",
        unit="%",
        direction="higher",
        aggregation="ytd_mean",
        split_by_sex=True,
    )
    for sex, value in (("T", 95), ("K", 96), ("M", 94)):
        import_months(satisfied, {(2026, 4): value}, sex=sex)
    for sex in (Sex.TOTAL, Sex.WOMEN, Sex.MEN):
        evaluation = one(satisfied, sex=sex)
        assert evaluation.value.coverage.months_with_data == 1 and not evaluation.value.complete
        assert evaluation.status == Status.YELLOW  # meets 90 % on April alone: not green until complete
    with translation.override("sv"):
        assert one(satisfied).coverage_text == "bygger på 1 av 4 månader"
    dashboard = admin_client_sv.get(f"/planer/{plan.pk}/?{T1.query}").content.decode()
    assert "bygger på 1 av 4 månader" in dashboard
    page = measure_page(admin_client_sv, satisfied)
    assert_explained(page, span="jan–apr 2026", limit="minst 90\xa0%", coverage="Bygger på 1 av 4 månader.")
    assert "Bygger på 1 av 4 månader." in page and "De månader som finns når målvärdet" in page
    export = admin_client_sv.get(f"/planer/{plan.pk}/?{T1.query}&_export=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(export), delimiter=";"))
    coverage = rows[0].index("Underlag")
    assert next(row for row in rows if row[2] == "Andel nöjda resenärer")[coverage] == "bygger på 1 av 4 månader"


# 5. Not due is not missing -----------------------------------------------------------------------


def test_a_yearly_measure_in_t1_and_a_tertial_measure_in_february_are_not_due(plan, admin_client_sv):
    chargers = add_measure(
        plan,
        "Antal laddplatser",
        kind="at_least",
        value="40",
        wording="Minst 40",
        unit="antal",
        direction="higher",
        frequency="yearly",
    )
    inspections = add_measure(
        plan,
        "Andel genomförda tillsynsbesök",
        kind="at_least",
        value="80",
        wording="Minst 80 %",
        unit="%",
        direction="higher",
        frequency="tertial",
    )
    assert one(chargers).status == Status.NOT_DUE
    assert one(chargers, Period.full_year(2026)).status == Status.MISSING
    assert one(inspections, Period(2026, PeriodKind.MONTH, 2)).status == Status.NOT_DUE
    assert one(inspections).status == Status.MISSING
    dashboard = admin_client_sv.get(f"/planer/{plan.pk}/?{T1.query}").content.decode()
    # The tertial measure is due in T1 and missing; the yearly one is not due, and not counted as missing.
    assert "Inga utfall för perioden: 1 mätetal saknar utfall, 1 rapporteras senare" in dashboard
    assert "◌ Rapporteras senare" in dashboard
    assert "rapporteras senare under året" in explanation(measure_page(admin_client_sv, chargers))


# 6. R12 across a year boundary --------------------------------------------------------------------


def test_r12_in_january_trends_against_r12_in_december(plan, admin_client_sv):
    hours = add_measure(
        plan,
        "Bokade timmar",
        kind="at_least",
        value="2800",
        wording="2 800 tim i snitt/mån (R12)",
        unit="tim",
        direction="higher",
        aggregation="r12_mean",
    )
    import_months(hours, {(2025, 1): 2400} | {(2025, m): 2800 for m in range(2, 13)} | {(2026, 1): 3000})
    january = Period(2026, PeriodKind.YEAR_TO_DATE, 1)
    evaluation = one(hours, january)
    assert evaluation.value.value == D("2816.6667")
    assert evaluation.trend == Trend.IMPROVING  # against R12 December 2025 = 2 766,7
    assert evaluation.trend_compared_with.label() == "2025"  # R12 December 2025: January–December
    assert evaluation.forecast.method == ForecastMethod.ROLLING
    assert evaluation.status == Status.GREEN
    page = measure_page(admin_client_sv, hours, january)
    assert_explained(page, span="feb 2025–jan 2026", limit="minst 2\xa0800\xa0tim")
    assert "resten av året som samma månader i fjol" in page
    assert "antas gälla resten av året" not in page
    assert "Värdet avser feb 2025–jan 2026" in page


# 7. Honest sentences --------------------------------------------------------------------------------


def test_a_plan_with_no_outcomes_says_so(plan, admin_client_sv):
    add_measure(plan, "Avfall", kind="at_most", value="100", wording="Högst 100 ton")
    second_goal = Goal.objects.create(plan=plan, goal_area=plan.area, kind=Goal.Kind.RESULT_GOAL, title="Fler resor")
    Measure.objects.create(plan=plan, goal_area=plan.area, goal=second_goal, name="Resor", unit="antal")
    page = admin_client_sv.get(f"/planer/{plan.pk}/?{T1.query}").content.decode()
    assert "Inga utfall för perioden: 2 mätetal saknar utfall" in page
    assert "Inget av 2 resultatmål kan bedömas: utfall saknas." in page
    assert "0 av 2" not in page and "Inga mätetal matchar filtren" not in page


def test_a_goal_with_only_a_missing_measure_is_not_called_met(plan, admin_client_sv):
    add_measure(plan, "Avfall", kind="at_most", value="100", wording="Högst 100 ton")
    [goal] = [g for g in evaluate_plan_goals(plan) if g.goal == plan.goal]
    assert goal.status == Status.MISSING and goal.note == ""
    GoalAssessment.objects.create(
        goal=plan.goal, year=2026, period_kind=PeriodKind.TERTIAL, period_number=1, status=Status.GREEN
    )
    [goal] = [g for g in evaluate_plan_goals(plan) if g.goal == plan.goal]
    with translation.override("sv"):
        assert (goal.status, goal.note) == (Status.GREEN, "enligt bedömningen; mätetalen saknar utfall")
    assert (
        "enligt bedömningen; mätetalen saknar utfall"
        in admin_client_sv.get(f"/planer/{plan.pk}/?{T1.query}").content.decode()
    )


def evaluate_plan_goals(plan):
    from kpis.status import evaluate_goals

    return evaluate_goals(plan, T1, evaluations=evaluate_plan(plan, T1))


def test_per_unit_values_carry_their_own_coverage(plan):
    share = add_measure(
        plan,
        "Andel fossilfria fordon",
        kind="at_least",
        value="50",
        wording="Minst 50 %",
        unit="%",
        direction="higher",
        aggregation="ytd_mean",
    )
    import_months(share, {(2026, m): 60 for m in range(1, 5)}, unit="KT")
    import_months(share, {(2026, 4): 70}, unit="FA")
    by_unit = {e.unit_id: e for e in evaluate_measures([share], T1, unit="all-units") if e.unit_id}
    units = {u.code: u.pk for u in OrganisationalUnit.objects.filter(body=plan.body)}
    assert (by_unit[units["KT"]].status, by_unit[units["KT"]].value.complete) == (Status.GREEN, True)
    assert (by_unit[units["FA"]].status, by_unit[units["FA"]].value.coverage.months_with_data) == (Status.YELLOW, 1)
    assert Outcome.objects.filter(indicator=share.indicator).count() == 5


# 8. Charts and trends for every way a measure is reported ---------------------------------------


def test_a_measure_reported_year_to_date_gets_its_chart_and_a_trend_against_last_year(plan, admin_client_sv):
    visits = add_measure(
        plan,
        "Resor i kollektivtrafiken",
        kind="at_least",
        value="120000",
        wording="Minst 120 000",
        unit="antal",
        direction="higher",
        aggregation="ytd_sum",
    )
    reported = {
        2025: [9000, 19000, 30000, 41000, 52000, 61000, 70000, 80000, 91000, 102000, 112000, 124000],
        2026: [10000, 21000, 32000, 44000],
    }
    Outcome.objects.bulk_create(
        Outcome(
            indicator=visits.indicator,
            year=year,
            period_kind=PeriodKind.YEAR_TO_DATE,
            period_number=month,
            sex=Sex.TOTAL,
            value=D(value),
        )
        for year, values in reported.items()
        for month, value in enumerate(values, start=1)
    )
    evaluation = one(visits)
    assert (evaluation.value.value, evaluation.value.stored) == (D(44000), True)
    assert evaluation.forecast.method == ForecastMethod.SEASONAL  # 44 000 × 124 000 / 41 000
    assert evaluation.forecast.value == D("133073.1707")
    # September–December 2025 is Ack december − Ack augusti 2025 (124 000 − 80 000 = 44 000).
    assert (evaluation.trend, evaluation.trend_compared_with.label()) == (Trend.FLAT, "sep–dec 2025")
    page = measure_page(admin_client_sv, visits)
    assert_explained(page, span="jan–apr 2026", limit="minst 120\xa0000")
    assert "Det rapporterade värdet för perioden." in explanation(page)
    chart = chart_of(page)
    lines = {trace["name"]: trace["y"] for trace in chart["data"]}
    assert lines["2026"][:4] == [10000.0, 21000.0, 32000.0, 44000.0] and lines["2025"][11] == 124000.0
    assert lines["Gräns: minst 120\xa0000"] == [120000.0, 120000.0]
    assert chart["layout"]["yaxis"]["rangemode"] == "tozero"
    assert "Utfallet ackumulerat till och med varje månad 2026" in page


def test_a_measure_reported_per_year_is_charted_per_year(plan, admin_client_sv):
    chargers = add_measure(
        plan,
        "Laddplatser",
        kind="at_least",
        value="40",
        wording="Minst 40",
        unit="antal",
        direction="higher",
        frequency="yearly",
    )
    for year, value in ((2023, 12), (2024, 20), (2025, 31)):
        Outcome.objects.create(
            indicator=chargers.indicator,
            year=year,
            period_kind=PeriodKind.YEAR,
            period_number=0,
            sex=Sex.TOTAL,
            value=D(value),
        )
    chart = chart_of(measure_page(admin_client_sv, chargers, Period.full_year(2026)))
    [per_year] = [trace for trace in chart["data"] if trace["name"] == "Per år"]
    assert per_year["x"] == [2021, 2022, 2023, 2024, 2025, 2026]
    assert per_year["y"] == [None, None, 12.0, 20.0, 31.0, None]


# 9. What a controller found checking this plan by hand ---------------------------------------------


def store(measure, year, number, value=None, kind=PeriodKind.MONTH, **fields):
    return Outcome.objects.create(
        indicator=measure.indicator,
        year=year,
        period_kind=kind,
        period_number=number,
        value=None if value is None else D(str(value)),
        **fields,
    )


def test_a_cumulative_measure_closing_the_year_is_judged_on_the_years_sum(plan):
    waste = add_measure(plan, "Avfall", kind="at_most", value="3000", wording="Högst 3 000", aggregation="ytd_sum")
    for month in range(1, 13):
        store(waste, 2026, month, 300)  # 3 600 for the year
    for period in (Period.tertial(2026, 3), Period(2026, PeriodKind.MONTH, 12), Period.full_year(2026)):
        evaluation = one(waste, period)
        assert (evaluation.forecast.value, evaluation.status) == (D(3600), Status.RED), period
    with translation.override("sv"):
        assert "Bedömt på årets utfall (hela året, 3\xa0600\xa0ton)." in one(waste, Period.tertial(2026, 3)).explanation


def test_no_value_for_the_period_is_never_green_whatever_the_year_to_date_says(plan):
    trips = add_measure(
        plan,
        "Resor",
        kind="change_from_base",
        value="-10",
        base_year=2018,
        base_value="867",
        wording="Minska med 10 %",
        aggregation="ytd_sum",
    )
    for month, value in ((4, 250), (8, 510), (12, 800)):
        store(trips, 2026, month, value, kind=PeriodKind.YEAR_TO_DATE)
    april = one(trips, Period(2026, PeriodKind.MONTH, 4))
    assert (april.value.value, april.status) == (None, Status.MISSING)  # the year to date alone is no April
    second = one(trips, Period.tertial(2026, 2))
    assert (second.value.value, second.forecast.value) == (D(260), D(765))  # Ack aug − Ack april; 510 × 12 / 8
    assert one(trips, Period.full_year(2026)).status == Status.YELLOW  # 800 against högst 780


def test_a_yearly_measure_with_its_years_figure_is_judged_in_t3(plan):
    share = add_measure(
        plan,
        "Andel",
        kind="more_than",
        value="60",
        wording="Mer än 60",
        unit="%",
        direction="higher",
        frequency="yearly",
    )
    store(share, 2026, 0, 63, kind=PeriodKind.YEAR)
    assert (one(share, Period.tertial(2026, 3)).value.value, one(share, Period.tertial(2026, 3)).status) == (
        D(63),
        Status.GREEN,
    )


def test_an_accomplished_target_is_green_from_the_month_it_was_done(plan):
    adopted = add_measure(plan, "Antagen plan", kind="accomplished", wording="Genomfört ja/nej", unit="")
    store(adopted, 2026, 3, accomplished=True)
    for period in (Period.tertial(2026, 1), Period.tertial(2026, 2), Period.tertial(2026, 3), Period.full_year(2026)):
        assert one(adopted, period).status == Status.GREEN, period
    assert one(adopted, Period(2026, PeriodKind.MONTH, 2)).status == Status.MISSING


def test_the_limit_is_compared_as_it_is_printed(plan):
    units = add_measure(
        plan,
        "Enheter",
        kind="change_from_base",
        value="-20",
        base_year=2019,
        base_value="251",
        wording="Minska med 20 %",
        unit="st",
    )
    store(units, 2026, 4, "200.6")
    evaluation = one(units)
    with translation.override("sv"):
        assert (evaluation.value_text, evaluation.threshold_text.split(" (")[0]) == ("201\xa0st", "högst 201\xa0st")
    assert evaluation.status == Status.GREEN


def test_a_units_sum_is_not_compared_with_the_regions_base_year(plan):
    waste = add_measure(
        plan,
        "Avfall per enhet",
        kind="change_from_base",
        value="-20",
        base_year=2019,
        wording="Minska med 20 %",
        aggregation="ytd_sum",
    )
    unit = OrganisationalUnit.objects.get(code="KT")
    for month in range(1, 13):
        store(waste, 2019, month, 20)
    for month in range(1, 5):
        store(waste, 2026, month, 8, unit=unit)
    [by_unit] = [e for e in evaluate_measures([waste], T1, unit="all-units") if e.unit_id == unit.pk]
    [filtered] = [e for e in evaluate_measures([waste], T1, unit=unit) if e.unit_id == unit.pk]
    assert by_unit.status == filtered.status == Status.MISSING  # no base year of the unit's own
    assert by_unit.reference is None


def test_a_weighted_mean_says_when_a_month_has_no_count(plan):
    share = add_measure(
        plan,
        "Andel viktad",
        kind="at_least",
        value="75",
        wording="Minst 75 %",
        unit="%",
        direction="higher",
        aggregation="weighted_mean",
    )
    store(share, 2026, 1, 80, count=100)
    store(share, 2026, 2, 40)  # no count: not in the weighted mean
    store(share, 2026, 3, 80, count=100)
    store(share, 2026, 4, 80, count=100)
    evaluation = one(share)
    assert (evaluation.value.value, evaluation.value.coverage.months_with_data) == (D(80), 3)
    assert evaluation.status == Status.YELLOW


def test_a_point_in_time_measure_read_per_tertial_trends_against_the_tertial_before(plan):
    share = add_measure(
        plan,
        "Andel per tertial",
        kind="at_least",
        value="90",
        wording="Minst 90 %",
        unit="%",
        direction="higher",
        frequency="tertial",
    )
    store(share, 2026, 4, 85)
    store(share, 2026, 8, 60)
    evaluation = one(share, Period.tertial(2026, 2))
    assert (evaluation.trend, evaluation.trend_compared_with.label()) == (Trend.WORSENING, "april 2026")


def test_an_override_of_t1_is_the_override_of_year_to_date_april(plan):
    from kpis.models import StatusOverride

    share = add_measure(
        plan,
        "Andel med bedömning",
        kind="at_least",
        value="70",
        wording="Minst 70 %",
        unit="%",
        direction="higher",
        aggregation="ytd_mean",
    )
    for month in range(1, 5):
        store(share, 2026, month, 73)
    StatusOverride.objects.create(
        indicator=share.indicator,
        year=2026,
        period_kind=PeriodKind.TERTIAL,
        period_number=1,
        status=Status.RED,
        comment="Bristande underlag",
    )
    assert one(share, T1).status == one(share, APRIL_YTD).status == Status.RED


def test_an_r12_forecast_is_judged_against_the_same_limit_as_its_value(plan):
    sick = add_measure(
        plan,
        "Sjukfrånvaro R12",
        kind="lower_than_year",
        base_year=2025,
        wording="Lägre än 2025",
        unit="%",
        decimals=1,
        aggregation="r12_mean",
    )
    for month in range(1, 13):
        store(sick, 2024, month, 7)
        store(sick, 2025, month, "7.5")
    for month in range(1, 5):
        store(sick, 2026, month, "6.5")
    evaluation = one(sick)
    assert evaluation.forecast.value == evaluation.value.value
    assert evaluation.forecast.status == evaluation.status


def test_figures_stored_per_tertial_or_year_to_date_make_the_spans_they_tile(plan):
    energy = add_measure(
        plan,
        "Energi per tertial",
        kind="at_most",
        value="3000",
        wording="Högst 3 000 MWh",
        unit="MWh",
        aggregation="ytd_sum",
        frequency="tertial",
    )
    for number, value in ((1, 1150), (2, 950), (3, 1200)):
        store(energy, 2026, number, value, kind=PeriodKind.TERTIAL)
    interim = one(energy, Period.interim(2026))
    assert (interim.value.value, interim.value.stored) == (D(2100), True)  # T1 + T2
    assert one(energy, Period.full_year(2026)).value.value == D(3300)
    assert one(energy, Period.full_year(2026)).status == Status.RED
    assert one(energy, Period.tertial(2026, 2)).forecast.value == D(3150)  # 2 100 × 12 / 8
    visits = add_measure(
        plan,
        "Besök ack",
        kind="at_least",
        value="100",
        wording="Minst 100",
        unit="antal",
        direction="higher",
        aggregation="ytd_sum",
    )
    for month, value in ((4, 250), (8, 510), (12, 800)):
        store(visits, 2026, month, value, kind=PeriodKind.YEAR_TO_DATE)
    assert one(visits, Period.tertial(2026, 2)).value.value == D(260)  # Ack augusti − Ack april
    assert one(visits, Period.tertial(2026, 3)).value.value == D(290)
    share = add_measure(
        plan,
        "Nöjdhet per tertial",
        kind="at_least",
        value="80",
        wording="Minst 80 %",
        unit="%",
        direction="higher",
        aggregation="ytd_mean",
        frequency="tertial",
    )
    store(share, 2026, 1, 79, kind=PeriodKind.TERTIAL)
    store(share, 2026, 2, "82.5", kind=PeriodKind.TERTIAL)
    assert one(share, Period.interim(2026)).value.value == D("80.75")


def test_a_cumulative_measure_reported_per_month_is_charted_as_its_running_sum(plan, admin_client_sv):
    visits = add_measure(
        plan,
        "Besök per månad",
        kind="at_least",
        value="12000",
        wording="Minst 12 000",
        unit="antal",
        direction="higher",
        aggregation="ytd_sum",
    )
    for month in range(1, 5):
        store(visits, 2026, month, 1000)
    lines = {trace["name"]: trace["y"] for trace in chart_of(measure_page(admin_client_sv, visits))["data"]}
    assert lines["2026"][:5] == [1000.0, 2000.0, 3000.0, 4000.0, None]  # against the year's 12 000
    assert lines["Gräns: minst 12\xa0000"] == [12000.0, 12000.0]


def test_a_yes_no_answer_shows_no_coverage_and_its_latest_answer_counts(plan):
    adopted = add_measure(plan, "Antagen policy", kind="accomplished", wording="Genomfört ja/nej", unit="")
    store(adopted, 2026, 3, accomplished=True)
    first = one(adopted, Period.tertial(2026, 1))
    assert (first.status, first.coverage_text) == (Status.GREEN, "")
    store(adopted, 2026, 6, accomplished=False)  # undone in June
    assert one(adopted, Period.tertial(2026, 2)).status == Status.YELLOW
    assert one(adopted, Period.full_year(2026)).status == Status.RED
