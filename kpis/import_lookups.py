"""What an outcome file's texts mean: its columns by heading, its periods ("april", "T1", "helår"),
indicators (code, Kolada id, the measure's number or name, or the id in the system) and units (code, name or
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


def _words(text: str) -> str:
    """A text as looked up: lower case, its runs of spaces (and line breaks of a pasted name) one."""
    return " ".join(text.lower().split())


def indicator_lookup(user):
    """``find(indicator_text, measure_text)`` → (indicator, problem), and the plans each indicator
    feeds. Only indicators adopted by plans the person reads (by body): another body's indicator
    is no indicator.

    Either column takes the words a user has at hand, tried in this order: the indicator's code,
    its Kolada id, the measure's number in the plan ("1.2"), the indicator's name, the measure's
    name or short name; last the number in the system (the indicator's in the indicator column,
    the measure's in the measure column). A text that names measures of several indicators
    matches none (the row asks for the code); measures of one indicator in several plans are one
    indicator, since outcomes belong to the indicator."""
    readable = Measure.objects.select_related(None).only("pk", "plan_id", "indicator_id", "code", "name", "short_name")
    if user is not None:
        readable = visible_to(user, readable, "plan__body")
    readable = list(readable)
    indicator_of_measure = {measure.pk: measure.indicator_id for measure in readable}
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(pk__in=set(indicator_of_measure.values())).only(
            "pk", "code", "kolada_id", "name", "split_by_sex"
        )
    }
    # What locks a figure is every plan it feeds, also those of bodies the person does not read.
    plans_of = Measure.objects.plans_by_indicator(indicators)
    # One table per kind of text, in the order they are tried: the first that knows a text wins.
    sources = [
        [(i.code, i.pk) for i in indicators.values()],
        [(i.kolada_id, i.pk) for i in indicators.values()],
        [(m.code, m.indicator_id) for m in readable],
        [(i.name, i.pk) for i in indicators.values()],
        [(m.name, m.indicator_id) for m in readable] + [(m.short_name, m.indicator_id) for m in readable],
    ]
    tables: list[dict[str, set[int]]] = [{} for _source in sources]
    for table, source in zip(tables, sources, strict=True):
        for text, indicator_id in source:
            if text.strip():
                table.setdefault(_words(text), set()).add(indicator_id)

    def by_number(text: str, targets: dict) -> int | None:
        # isdecimal, not isdigit: "²" is a digit that int() refuses; the length bound keeps int()
        # from a thousand-digit cell.
        return targets.get(int(text)) if text.isdecimal() and len(text) <= 18 else None

    def find(indicator_text: str, measure_text: str):
        text = indicator_text or measure_text
        key = _words(text)
        if not key:
            return None, _("The cell is empty; name the measure or indicator.")
        by_id = by_number(key, {pk: pk for pk in indicators} if indicator_text else indicator_of_measure)
        named = next((table[key] for table in tables if key in table), None)
        # A number that is one measure's number in its plan and another's id in the system is
        # neither: a file of ids must not silently land on other indicators.
        if named is not None and (len(named) > 1 or by_id not in (None, *named)):
            return None, _("“%(value)s” names more than one indicator; use its code.") % {"value": text}
        if named is not None or by_id is not None:
            return indicators[next(iter(named)) if named else by_id], None
        return None, _("There is no indicator or measure with code, Kolada id, number, name or id “%(value)s”.") % {
            "value": text
        }

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
