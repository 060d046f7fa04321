"""National (and other regions') comparison values from Kolada's data API format.

The file is the data endpoint's JSON: ``{"values": [{"kpi": "N79036", "municipality": "0000",
"period": 2024, "values": [{"gender": "T", "value": 82.3, "count": 1, "status": ""}, …]}, …]}``
(v2 and v3 share this shape). Rows are matched to measures by ``Measure.kolada_id``; municipality
"0000" is the nation (riket), other ids are kept with their code. A value of null (status
"Missing") is skipped. The import is all or nothing and idempotent (a value already stored is
updated in place).
"""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from goalplan.choices import Sex
from goalplan.periods import PeriodKind
from kpis.models import Measure, NationalValue

SOURCE = "Kolada"


class KoladaFileError(ValueError):
    """The file is not in Kolada's data format; nothing was imported."""


@dataclass
class KoladaResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    unknown_kpis: tuple[str, ...] = ()


def import_kolada(data: bytes) -> KoladaResult:
    try:
        document = json.loads(data.decode("utf-8"))
        rows = document["values"] if isinstance(document, dict) else document
        assert isinstance(rows, list)
    except (ValueError, KeyError, AssertionError, UnicodeDecodeError) as error:
        raise KoladaFileError(_("The file is not Kolada data (a JSON object with a list “values”).")) from error
    measures_by_kpi: dict[str, list[Measure]] = {}
    for measure in Measure.objects.exclude(kolada_id=""):
        measures_by_kpi.setdefault(measure.kolada_id.strip().upper(), []).append(measure)
    result, unknown = KoladaResult(), set()
    with transaction.atomic():
        for index, row in enumerate(rows, start=1):
            try:
                kpi, area, year = str(row["kpi"]).upper(), str(row["municipality"]), int(row["period"])
                values = row["values"]
            except (KeyError, TypeError, ValueError) as error:
                raise KoladaFileError(_("Entry %(index)s lacks kpi, municipality, period or values.") % {"index": index}) from error
            measures = measures_by_kpi.get(kpi)
            if not measures:
                unknown.add(kpi)
                continue
            for item in values:
                gender, value = str(item.get("gender", "T")).upper(), item.get("value")
                if value is None or gender not in Sex.values:
                    result.skipped += 1
                    continue
                for measure in measures:
                    national = area == NationalValue.NATIONAL_AREA_CODE
                    stored, created = NationalValue.objects.get_or_create(
                        measure=measure, area_code=area, year=year, period_kind=PeriodKind.YEAR, period_number=0,
                        sex=gender,
                        defaults={"value": Decimal(str(value)), "source": SOURCE,
                                  "area_name": "Riket" if national else area},
                    )
                    if created:
                        result.created += 1
                    elif stored.value != Decimal(str(value)):
                        stored.value = Decimal(str(value))
                        stored.save(update_fields=["value"])
                        result.updated += 1
                    else:
                        result.unchanged += 1
    result.unknown_kpis = tuple(sorted(unknown))
    return result
