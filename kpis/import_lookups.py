"""What an outcome file's texts mean: its columns by heading, its periods ("april", "T1", "helår"),
indicators (code, Kolada id, name or number; or a measure's number) and units (code, name or
number). Each text is looked up once per file: files repeat the same few on every row."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.utils.translation import gettext as _

from goalplan.models import OrganisationalUnit
from goalplan.periods import MONTH_NAMES, Period, PeriodKind
from goalplan.selectors import visible_to
from kpis.models import Indicator, Measure


def period_parser() -> Callable[[int, str], Period]:
    by_name = {}
    for month in range(1, 13):
        name = str(MONTH_NAMES[month]).lower()
        by_name[name] = (PeriodKind.MONTH, month)
        by_name[f"ack {name}"] = (PeriodKind.YEAR_TO_DATE, month)
    for number in (1, 2, 3):
        by_name[f"t{number}"] = (PeriodKind.TERTIAL, number)
    by_name.update({"helår": (PeriodKind.YEAR, 0), "year": (PeriodKind.YEAR, 0), "delår": (PeriodKind.YEAR_TO_DATE, 8)})

    def parse(year: int, text: str) -> Period:
        text = text.strip().lower()
        if text in by_name:
            kind, number = by_name[text]
            return Period(year, kind, number)
        return Period.from_token(year, text)

    # A file names a handful of periods on every row: each is worked out once.
    return cache(parse)


def columns_of(heading: list[str], column_names: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Each known column's place in the heading, by any of its names (Swedish or English)."""
    aliases = {alias: name for name, names in column_names.items() for alias in names}
    return {
        aliases[text.strip().lower()]: index for index, text in enumerate(heading) if text.strip().lower() in aliases
    }


def indicator_lookup(user):
    """``find(indicator_text, measure_text)`` → (indicator, problem), and the plans each indicator
    feeds. Only indicators adopted by plans the person reads (by body): another body's indicator
    is no indicator. The indicator column is matched by code, then Kolada id, then name, then
    number; the measure column by the measure's number, giving its indicator."""
    readable = Measure.objects.select_related(None).only("pk", "plan_id", "indicator_id")
    if user is not None:
        readable = visible_to(user, readable, "plan__body")
    indicator_of_measure = {measure.pk: measure.indicator_id for measure in readable}
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(pk__in=set(indicator_of_measure.values())).only(
            "pk", "code", "kolada_id", "name", "split_by_sex"
        )
    }
    # What locks a figure is every plan it feeds, also those of bodies the person does not read.
    plans_of = Measure.objects.plans_by_indicator(indicators)
    by_text: list[dict[str, list[int]]] = [{}, {}, {}]  # code, Kolada id, name
    for indicator in indicators.values():
        for table, text in zip(by_text, (indicator.code, indicator.kolada_id, indicator.name), strict=True):
            if text.strip():
                table.setdefault(text.strip().lower(), []).append(indicator.pk)

    def find(indicator_text: str, measure_text: str):
        if indicator_text:
            key = indicator_text.strip().lower()
            for table in by_text:
                if key in table:
                    if len(table[key]) > 1:
                        return None, _("“%(value)s” names more than one indicator; use its code.") % {
                            "value": indicator_text
                        }
                    return indicators[table[key][0]], None
            # isdecimal, not isdigit: "²" is a digit that int() refuses; the length bound keeps
            # int() from a thousand-digit cell.
            if key.isdecimal() and len(key) <= 18 and int(key) in indicators:
                return indicators[int(key)], None
            return None, _("There is no indicator with code, Kolada id, name or number “%(value)s”.") % {
                "value": indicator_text
            }
        if measure_text.isdecimal() and len(measure_text) <= 18 and int(measure_text) in indicator_of_measure:
            return indicators[indicator_of_measure[int(measure_text)]], None
        return None, _("There is no measure with number “%(value)s”.") % {"value": measure_text}

    # Files repeat the same few hundred indicators on every row: each text is looked up once.
    return cache(find), plans_of


def unit_lookup() -> Callable[[str], int | None]:
    """Find a unit by its code, else its name, else its number in the system — in that order, so
    a code that looks like another unit's number means the unit with that code. A name two
    units share matches neither (the row asks for the code)."""
    by_code, by_name, ids = {}, {}, set()
    for pk, code, name in OrganisationalUnit.objects.values_list("pk", "code", "name"):
        if code:
            by_code[code.strip().lower()] = pk
        by_name.setdefault(name.strip().lower(), []).append(pk)
        ids.add(pk)

    def find(text: str) -> int | None:
        key = text.strip().lower()
        if key in by_code:
            return by_code[key]
        if key in by_name:
            return by_name[key][0] if len(by_name[key]) == 1 else None
        return int(key) if key.isdigit() and int(key) in ids else None

    return cache(find)
