"""Numbers for a person, the Swedish way: the one place a figure is turned into text.

Pages, PDF reports, exports' labels, charts and the admin all call these, so "6,2 %" is written
the same everywhere.
"""

import functools
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import get_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Units that are not printed after the number ("4,01", not "4,01 index").
SILENT_UNITS = {"", "index", "antal"}


@functools.cache
def _separators(language: str | None) -> tuple[str, str] | None:
    """The language's decimal and thousand separators, when it groups by three (sv, en)."""
    if get_format("NUMBER_GROUPING", language) != 3:
        return None
    return get_format("DECIMAL_SEPARATOR", language), get_format("THOUSAND_SEPARATOR", language)


# Django writes a Decimal of more digits than this with an exponent ("1e+201"); so do we, through it.
MAX_DIGITS_WRITTEN = 200


def _digits_written(value: Decimal) -> int:
    _sign, digits, exponent = value.as_tuple()
    return abs(exponent) + len(digits)


# Below these a Decimal prints as zero (Django's rule: no "-0,0" for -0,04 at one decimal).
CUTOFFS = {decimals: Decimal("0." + "1".rjust(decimals, "0")) for decimals in range(9)}


def format_number(value: Decimal, decimals: int) -> str:
    """A number the Swedish way: 1 234,5 (grouped with non-breaking spaces, decimal comma).

    The same text as Django's ``number_format(value, decimal_pos=decimals, use_l10n=True,
    force_grouping=True)`` (tests/test_number_format.py compares them), written out for Decimals
    because Django looks the active language's three formats up on every call: a 400-measure
    dashboard prints some 1 000 numbers, and that took it 15 ms.
    """
    separators = _separators(get_language())
    if (
        separators is None
        or not isinstance(value, Decimal)
        or decimals not in CUTOFFS
        or not value.is_finite()
        or _digits_written(value) > MAX_DIGITS_WRITTEN
    ):
        return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    decimal_separator, thousand_separator = separators
    if abs(value) < CUTOFFS[decimals]:
        value = Decimal(0)
    text = f"{value:f}"
    sign, text = ("-", text[1:]) if text[0] == "-" else ("", text)
    whole, _point, fraction = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", thousand_separator)
    # Django cuts the decimals it does not show (it does not round them): callers round first.
    return sign + grouped + (decimal_separator + fraction[:decimals].ljust(decimals, "0") if decimals else "")


# The quantum of each number of decimals (0 → 1, 1 → 0.1, …): made once, used for every value.
QUANTA = {decimals: Decimal(1).scaleb(-decimals) for decimals in range(9)}


# Units longer than this may wrap to the line after their number (never inside themselves).
LONG_UNIT = 8


def rounded_to_measure(value: Decimal, measure) -> Decimal:
    """The value as printed: rounded half up to the measure's decimals."""
    return value.quantize(QUANTA[measure.decimals], rounding=ROUND_HALF_UP)


def format_measure_value(value: Decimal | None, measure) -> str:
    """An outcome with the measure's decimals and unit: "6,2 %", "9,5 minuter", "–" when missing."""
    if value is None:
        return "–"
    number = format_number(rounded_to_measure(value, measure), measure.decimals)
    unit = measure.unit.strip()
    if unit.lower() in SILENT_UNITS:
        return number
    # Never a line break inside the number or the unit ("12,5 mi/nuter", "utlok/100 / vpl"); a
    # short unit stays with its number ("88 %" on a tablet), a long one may go to the next line
    # of a narrow report column ("3,66" over "utlok/100 vpl") rather than be cut.
    joiner = "\xa0" if len(unit) <= LONG_UNIT else " "
    return f"{number}{joiner}{unit.replace(' ', '\xa0')}"


def format_percent_change(change: Decimal) -> str:
    """A relative change with its sign and one decimal: "−12,0 %", "+3,5 %"."""
    rounded = change.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
    return f"{sign}{format_number(abs(rounded), 1)}\xa0%"


def format_yes_no(accomplished: bool) -> str:
    return _("Yes") if accomplished else _("No")


def format_amount_tkr(value: Decimal | None) -> str:
    """An amount in tkr as the plans print it: "-1 117 400", "–" when missing."""
    return "–" if value is None else format_number(value, 0)


def format_period_value(period_value, measure) -> str:
    """A period value (``kpis.status.PeriodValue``) for a person: the number with its unit, or
    yes/no for accomplishment targets."""
    if period_value.value is None and period_value.accomplished is not None:
        return format_yes_no(period_value.accomplished)
    return format_measure_value(period_value.value, measure)
