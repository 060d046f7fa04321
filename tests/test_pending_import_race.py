"""Two clicks on "Bekräfta importen" at the same moment, in real threads: the file is imported once.

Transactional like tests/test_concurrent_saves.py (whose helpers it uses): the threads must see
each other's committed rows.
"""

import pytest
from django.contrib.auth import get_user_model

from kpis.models import Outcome, PendingImport
from kpis.pending_imports import PendingImportGone, pending_import_confirm
from tests.test_concurrent_saves import ROUNDS, numeric_measure, plan, run_at_once  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_confirmations_at_once_import_the_file_once(plan):  # noqa: F811 (fixture)
    user = get_user_model().objects.create_superuser("dubbelklick", "d@example.se", "lösen-d-2025")
    measure = numeric_measure(plan)
    for round_number in range(ROUNDS):
        year = 2040 + round_number
        data = f"mätetal;år;period;enhet;kön;värde;kommentar\n{measure.pk};{year};month-1;;T;42;\n".encode()
        pending = PendingImport.objects.store(user=user, file_name="dubbel.csv", content=data)

        def confirm(pending=pending):
            try:
                return pending_import_confirm(user=user, pending_id=pending.pk)
            except PendingImportGone as gone:
                return gone

        results = [result for _kind, result in run_at_once(confirm, confirm)]
        assert sorted(type(result).__name__ for result in results) == ["ImportResult", "PendingImportGone"], results
        assert next(r for r in results if not isinstance(r, PendingImportGone)).created == 1
        outcome = Outcome.objects.get(indicator=measure.indicator, year=year)
        assert Outcome.history.filter(id=outcome.pk).count() == 1
        assert not PendingImport.objects.filter(pk=pending.pk).exists()
