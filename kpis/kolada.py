"""National (and other regions') comparison values from Kolada's data API format.

The file is the data endpoint's JSON: ``{"values": [{"kpi": "N79036", "municipality": "0000",
"period": 2024, "values": [{"gender": "T", "value": 82.3, "count": 1, "status": ""}, …]}, …]}``
(v2 and v3 share this shape). Rows are matched to indicators by ``Indicator.kolada_id``; municipality
"0000" is the nation (riket), other ids are kept with their code. A value of null (status
"Missing") is skipped. The import is all or nothing and idempotent (a value already stored is
updated in place). The file is held to ``IMPORT_MAX_BYTES`` and ``IMPORT_MAX_ROWS`` values;
anything that is not this shape is a ``KoladaFileError`` naming the entry.
"""

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from goalplan.choices import Sex
from goalplan.models import MAX_YEAR, MIN_YEAR
from goalplan.periods import PeriodKind
from kpis.models import Indicator, NationalValue
from kpis.uploads import UnreadableFile, check_size, format_count

SOURCE = "Kolada"
# NationalValue.value holds 16 digits, 4 after the comma.
VALUE_PLACES = Decimal("0.0001")
VALUE_LIMIT = Decimal("1e12")
# Kolada's area ids: "0000" (riket), "0023" (a region), "1860", "G12345" (groups).
AREA_CODE_LENGTH = NationalValue._meta.get_field("area_code").max_length
AREA_CODE = re.compile(rf"[A-Za-z0-9]{{1,{AREA_CODE_LENGTH}}}")


class KoladaFileError(ValueError):
    """The file is not in Kolada's data format; nothing was imported."""


@dataclass
class KoladaResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    unknown_kpis: tuple[str, ...] = ()


@dataclass(frozen=True)
class KoladaValue:
    kpi: str
    area: str
    year: int
    sex: str
    value: Decimal


def import_kolada(data: bytes) -> KoladaResult:
    """Store every value of a Kolada data file, or none. Raises KoladaFileError in Swedish."""
    try:
        check_size(len(data))
    except UnreadableFile as error:
        raise KoladaFileError(error.message) from error
    rows = _parse(data)
    indicators_by_kpi: dict[str, list[Indicator]] = {}
    for indicator in Indicator.objects.exclude(kolada_id=""):
        indicators_by_kpi.setdefault(indicator.kolada_id.strip().upper(), []).append(indicator)
    result, unknown = KoladaResult(), set()
    # Every entry is checked before the first write: a bad entry near the end writes nothing.
    values = list(_values(rows, result))
    with transaction.atomic():
        for item in values:
            indicators = indicators_by_kpi.get(item.kpi)
            if not indicators:
                unknown.add(item.kpi)
                continue
            for indicator in indicators:
                national = item.area == NationalValue.NATIONAL_AREA_CODE
                stored, created = NationalValue.objects.get_or_create(
                    indicator=indicator,
                    area_code=item.area,
                    year=item.year,
                    period_kind=PeriodKind.YEAR,
                    period_number=0,
                    sex=item.sex,
                    defaults={"value": item.value, "source": SOURCE, "area_name": "Riket" if national else item.area},
                )
                if created:
                    result.created += 1
                elif stored.value != item.value:
                    stored.value = item.value
                    stored.save(update_fields=["value"])
                    result.updated += 1
                else:
                    result.unchanged += 1
    result.unknown_kpis = tuple(sorted(unknown))
    return result


def _parse(data: bytes) -> list:
    not_kolada = _("The file is not Kolada data (a JSON object with a list “values”).")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        # RecursionError: deeply nested brackets exhaust the JSON parser's stack.
        raise KoladaFileError(not_kolada) from error
    rows = document.get("values") if isinstance(document, dict) else document
    if not isinstance(rows, list):
        raise KoladaFileError(not_kolada)
    return rows


def _values(rows: list, result: KoladaResult):
    """Each value of the file, checked; missing values and unknown sexes are counted as skipped."""
    limit, seen = settings.IMPORT_MAX_ROWS, 0
    for index, row in enumerate(rows, start=1):
        entry = _entry(index, row)
        for item in entry["values"]:
            seen += 1
            if seen > limit:
                raise KoladaFileError(
                    _("The file has more than %(limit)s values and cannot be imported. Split it into smaller files.")
                    % {"limit": format_count(limit)}
                )
            if not isinstance(item, dict):
                raise KoladaFileError(
                    _("Entry %(index)s has a value that is not an object with gender and value.") % {"index": index}
                )
            gender, value = str(item.get("gender", "T")).upper(), item.get("value")
            if value is None or gender not in Sex.values:
                result.skipped += 1
                continue
            yield KoladaValue(entry["kpi"], entry["area"], entry["year"], gender, _number(index, value))


def _entry(index: int, row) -> dict:
    lacks = _("Entry %(index)s lacks kpi, municipality, period or values.") % {"index": index}
    if not isinstance(row, dict) or not all(k in row for k in ("kpi", "municipality", "period")):
        raise KoladaFileError(lacks)
    values, period = row.get("values"), str(row["period"]).strip()
    if not isinstance(values, list):
        raise KoladaFileError(lacks)
    if (
        isinstance(row["period"], bool)
        or not (period.isdecimal() and len(period) == 4)
        or not MIN_YEAR <= int(period) <= MAX_YEAR
    ):
        raise KoladaFileError(
            _("Entry %(index)s has the period “%(period)s”, not a year between %(min)s and %(max)s.")
            % {"index": index, "period": period[:20], "min": MIN_YEAR, "max": MAX_YEAR}
        )
    area = str(row["municipality"]).strip()
    if not AREA_CODE.fullmatch(area):
        raise KoladaFileError(
            _("Entry %(index)s has the municipality “%(area)s”, not a Kolada area id.")
            % {"index": index, "area": area[:20]}
        )
    return {"kpi": str(row["kpi"]).strip().upper(), "area": area, "year": int(period), "values": values}


def _number(index: int, value) -> Decimal:
    # bool is an int to Python but never a figure; NaN and Infinity are valid JSON to Python.
    number = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
    elif isinstance(value, str) and len(value) <= 40:
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite() or abs(number) >= VALUE_LIMIT:
        raise KoladaFileError(
            _("Entry %(index)s has the value “%(value)s”, not a number Kolada publishes.")
            % {"index": index, "value": str(value)[:20]}
        )
    return number.quantize(VALUE_PLACES)
