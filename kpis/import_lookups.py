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
    """``find(indicator_text, measure_text, year)`` → (indicator, problem), and the plans each
    indicator feeds. Only indicators adopted by plans the person reads (by body): another body's
    indicator is no indicator.

    Either column takes the words a user has at hand: the indicator's code, Kolada id or name,
    the measure's number in the plan ("1.2"), name or short name (case and spacing aside), or
    last the id in the system (the indicator's in the indicator column, the measure's in the
    measure column). A measure's number or name is read in the plans that cover the row's year
    (each year's plan numbers its measures anew), in any plan when none does. Every reading of
    the text counts: it must lead to one indicator, else the row is refused and asks for the
    code or the id, so a file never lands on an indicator it did not mean. Measures of one
    indicator in several plans are one indicator, since outcomes belong to the indicator."""
    readable = Measure.objects.select_related(None)
    if user is not None:
        readable = visible_to(user, readable, "plan__body")
    rows = list(
        readable.values_list("pk", "indicator_id", "code", "name", "short_name", "plan__start_year", "plan__end_year")
    )
    indicator_of_measure = {pk: indicator_id for pk, indicator_id, *_rest in rows}
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(pk__in=set(indicator_of_measure.values())).only(
            "pk", "code", "kolada_id", "name", "split_by_sex"
        )
    }
    # What locks a figure is every plan it feeds, also those of bodies the person does not read.
    plans_of = Measure.objects.plans_by_indicator(indicators)
    by_indicator_text: dict[str, set[int]] = {}
    for indicator in indicators.values():
        for text in (indicator.code, indicator.kolada_id, indicator.name):
            if text.strip():
                by_indicator_text.setdefault(_words(text), set()).add(indicator.pk)
    by_measure_text: dict[str, list[tuple[int, int, int]]] = {}  # text → (indicator, first, last year)
    for _pk, indicator_id, *texts, start_year, end_year in rows:
        for text in texts:
            if text.strip():
                by_measure_text.setdefault(_words(text), []).append((indicator_id, start_year, end_year))

    def by_number(text: str, targets: dict) -> int | None:
        # isdecimal, not isdigit: "²" is a digit that int() refuses; the length bound keeps int()
        # from a thousand-digit cell.
        return targets.get(int(text)) if text.isdecimal() and len(text) <= 18 else None

    def find(indicator_text: str, measure_text: str, year: int | None = None):
        text = indicator_text or measure_text
        key = _words(text)
        if not key:
            return None, _("The cell is empty; name the measure or indicator.")
        measures = by_measure_text.get(key, [])
        of_year = {ind for ind, first, last in measures if year is not None and first <= year <= last}
        named = by_indicator_text.get(key, set()) | (of_year or {ind for ind, _first, _last in measures})
        by_id = by_number(key, {pk: pk for pk in indicators} if indicator_text else indicator_of_measure)
        candidates = named | ({by_id} if by_id is not None else set())
        if len(candidates) > 1:
            return None, _(
                "“%(value)s” fits more than one indicator; use the indicator's code or Kolada id, or the "
                "measure's id in the system (the admin's list of measures shows it)."
            ) % {"value": text}
        if candidates:
            return indicators[candidates.pop()], None
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
