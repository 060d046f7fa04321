"""Plausibility of an entered figure: what the entry page asks a person to confirm, or to explain
in a comment, before it saves.

- A share (unit "%") outside 0–100 %: "200 %" is nearly always a slip.
- A number typed with an exponent ("1e3"): no one in a region's office means that.
- A value far outside the indicator's own history for the same unit, sex and kind of period, by
  the modified z-score of Iglewicz and Hoaglin: |0,6745 × (x − median) / MAD| > 3,5, from at
  least six earlier figures. The median and the median absolute deviation are not pulled by the
  outliers a mean and standard deviation would be (one wrong month does not hide the next).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from kpis.formatting import format_measure_value

OUTLIER_Z = Decimal("3.5")
Z_FACTOR = Decimal("0.6745")
# When half the history is one value (MAD 0): 0,7979 × (x − median) / mean absolute deviation
# (IBM's and Iglewicz–Hoaglin's stand-in, 0,7979 ≈ 1 / 1,2533).
MEAN_DEVIATION_FACTOR = Decimal("0.7979")
MIN_HISTORY = 6
HISTORY_LENGTH = 24
CHANGE_WORDS = ("utveckling", "förändring", "ökning", "minskning", "jämfört med")
EXPONENT = re.compile(r"\d\s*[eE]\s*[-+]?\d")


def modified_z_score(value: Decimal, history: Sequence[Decimal]) -> Decimal | None:
    """How far ``value`` lies from the history's median, in robust standard deviations; None
    with too little history, or a history without spread."""
    if len(history) < MIN_HISTORY:
        return None
    median = statistics.median(history)
    deviations = [abs(x - median) for x in history]
    mad = statistics.median(deviations)
    if mad:
        return Z_FACTOR * (value - median) / mad
    mean_deviation = sum(deviations, Decimal(0)) / len(deviations)
    if not mean_deviation:
        return None
    return MEAN_DEVIATION_FACTOR * (value - median) / mean_deviation


def _is_share(measure, history: Sequence[Decimal]) -> bool:
    """A "%" indicator is a share unless it reads as a rate of change: its wording says so
    ("Nettokostnadsutveckling", "-förändring") or its own history went below zero."""
    if measure.unit.strip() != "%":
        return False
    name = str(measure).lower()
    if any(word in name for word in CHANGE_WORDS):
        return False
    return not any(value < 0 for value in history)


def implausibilities(typed: str, value: Decimal | None, measure, history: Sequence[Decimal]) -> list[str]:
    """What looks wrong with one entered value, in words for the person (empty: nothing)."""
    found = []
    if EXPONENT.search(typed or ""):
        found.append(
            _("%(typed)s is written with an exponent: it was read as %(value)s.")
            % {"typed": typed.strip(), "value": format_measure_value(value, measure)}
        )
    if value is None:
        return found
    if _is_share(measure, history) and not Decimal(0) <= value <= Decimal(100):
        found.append(_("A share outside 0–100 %."))
    score = modified_z_score(value, history)
    if score is not None and abs(score) > OUTLIER_Z:
        found.append(
            _("Far from the indicator's earlier figures (median %(median)s).")
            % {"median": format_measure_value(statistics.median(history), measure)}
        )
    return found
