"""The bulk import's history: one row per outcome written, equal to what was stored, with the
person, the reason and the kind of change (+ new, ~ changed), nothing for unchanged rows; and the
write costs the same few statements for ten rows as for two thousand (PostgreSQL)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from goalplan.models import OrganisationalUnit
from kpis.imports import import_outcomes
from kpis.models import Measure, Outcome
from tests.selectors import hsn_plan

pytestmark = pytest.mark.django_db

HEADING = "mätetal;år;period;enhet;kön;värde;kommentar"
YEAR = 2032
REASON = "Rättad källa från registret"


@pytest.fixture
def measure() -> Measure:
    return Measure.objects.filter(plan=hsn_plan(2025), indicator__split_by_sex=False).order_by("pk").first()


@pytest.fixture
def importer():
    return get_user_model().objects.create_superuser("importor", "importor@example.se", "lösen-import-2025")


def rows_for(measure: Measure, count: int, value: str = "10") -> bytes:
    """A file of ``count`` distinct outcomes of one measure (years × units × months from YEAR on),
    each with a comment of its own."""
    units = [""] + list(OrganisationalUnit.objects.order_by("pk").values_list("name", flat=True))
    cells = [(year, unit, month) for year in range(YEAR, YEAR + 10) for unit in units for month in range(1, 13)]
    assert len(cells) >= count
    rows = [
        f"{measure.pk};{year};month-{month};{unit};T;{value};rad {index}"
        for index, (year, unit, month) in enumerate(cells[:count])
    ]
    return ("\n".join([HEADING, *rows]) + "\n").encode("utf-8")


def tracked(row) -> tuple:
    """The outcome's own fields of an outcome or of one of its history rows."""
    names = [field.attname for field in Outcome._meta.concrete_fields]
    return tuple(getattr(row, name) for name in names)


def test_new_rows_get_one_history_row_each_equal_to_the_stored_outcome(measure, importer):
    result = import_outcomes(rows_for(measure, 30), "nya.csv", user=importer, reason=REASON)
    assert result.created == 30
    outcomes = {o.pk: o for o in Outcome.objects.filter(indicator=measure.indicator, year__gte=YEAR)}
    history = list(Outcome.history.filter(id__in=outcomes))
    assert len(history) == 30 and {row.id for row in history} == set(outcomes)
    for row in history:
        assert tracked(row) == tracked(outcomes[row.id])
        assert (row.history_type, row.history_change_reason, row.history_user_id) == ("+", REASON, importer.pk)
        assert row.entered_by_id == importer.pk and row.version == 1
    assert len({row.history_date for row in history}) == 1  # one import, one moment
    assert {row.comment for row in history} == {f"rad {index}" for index in range(30)}


def test_changed_rows_get_a_change_row_and_unchanged_rows_none(measure, importer):
    import_outcomes(rows_for(measure, 20), "forsta.csv", user=None)
    first = {o.pk: o.version for o in Outcome.objects.filter(indicator=measure.indicator, year__gte=YEAR)}
    data = rows_for(measure, 20).decode().splitlines()
    # Rows 1-5 change their value; the other fifteen stay as stored.
    changed = [line.replace(";10;", ";12,5;") if 1 <= index <= 5 else line for index, line in enumerate(data)]
    result = import_outcomes(("\n".join(changed) + "\n").encode(), "andra.csv", user=importer, reason=REASON)
    assert (result.created, result.updated, result.unchanged) == (0, 5, 15)
    changes = list(Outcome.history.filter(id__in=first, history_type="~"))
    assert len(changes) == 5
    stored = {o.pk: o for o in Outcome.objects.filter(pk__in=[row.id for row in changes])}
    for row in changes:
        assert tracked(row) == tracked(stored[row.id])  # the new value, version, person and time
        assert str(row.value) == "12.5000" and row.version == first[row.id] + 1
        assert (row.history_change_reason, row.history_user_id, row.entered_by_id) == (REASON, importer.pk, importer.pk)
    assert Outcome.history.filter(id__in=first).count() == 20 + 5  # the first import's 20, the 5 changes


def test_without_a_reason_the_history_says_the_rows_came_from_a_file(measure):
    import_outcomes(rows_for(measure, 3), "utan.csv", user=None)
    reasons = Outcome.history.filter(indicator_id=measure.indicator_id, year__gte=YEAR).values_list(
        "history_change_reason", "history_user_id"
    )
    assert set(reasons) == {(translation.gettext("Imported from a file"), None)}


def test_a_dry_run_writes_neither_rows_nor_history(measure, importer):
    history_before = Outcome.history.count()
    result = import_outcomes(rows_for(measure, 12), "prov.csv", user=importer, dry_run=True)
    assert result.created == 12
    assert not Outcome.objects.filter(indicator=measure.indicator, year__gte=YEAR).exists()
    assert Outcome.history.count() == history_before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="batching on SQLite follows its parameter limit")
def test_the_write_is_the_same_few_statements_for_ten_rows_as_for_two_thousand(measure, importer):
    """Another helper's data-version triggers fire per statement: a bigger file must not mean more."""
    statements = []
    for count in (10, 2000):
        counted = []
        for value in ("10", "11"):  # every row new, then every row changed
            data = rows_for(measure, count, value)
            with CaptureQueriesContext(connection) as queries:
                import_outcomes(data, "antal.csv", user=importer)
            # COPY bypasses Django's query log; the statements around it are counted.
            counted.append(len(queries))
        assert (
            Outcome.history.filter(id__in=Outcome.objects.filter(indicator=measure.indicator, year__gte=YEAR)).count()
            == 2 * count
        )
        statements.append(counted)
        Outcome.objects.filter(indicator=measure.indicator, year__gte=YEAR).delete()
    assert statements[0] == statements[1]


def test_the_entry_page_history_names_who_changed_the_value_and_when(measure, importer):
    """The entry page shares the history writer: its change row holds the stored row (the person
    and time of the change), not the in-memory row it compared with."""
    from goalplan.periods import Period, PeriodKind
    from kpis.services import OutcomeEntry, outcomes_record_for_period

    import_outcomes(rows_for(measure, 1), "forsta.csv", user=None)
    outcome = Outcome.objects.get(indicator=measure.indicator, year=YEAR, period_number=1, unit=None)
    outcomes_record_for_period(
        period=Period(YEAR, PeriodKind.MONTH, 1),
        unit=None,
        user=importer,
        entries=[OutcomeEntry(measure=measure, value=11, comment="rättat", expected_version=outcome.version)],
    )
    change = Outcome.history.filter(id=outcome.pk).latest("history_id")
    outcome.refresh_from_db()
    assert (change.history_type, change.entered_by_id, change.history_user_id) == ("~", importer.pk, importer.pk)
    assert tracked(change) == tracked(outcome)
