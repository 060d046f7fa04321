"""Targets: every target resolves to a threshold in the measure's unit, and a value to a status."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goalplan.choices import Status
from kpis.formatting import format_measure_value, format_percent_change, rounded_to_measure
from kpis.models import Measure, Target, TargetKind

Direction = Measure.Direction

BASE_YEAR_KINDS = (TargetKind.CHANGE_FROM_BASE_YEAR, TargetKind.LOWER_THAN_YEAR, TargetKind.HIGHER_THAN_YEAR)


def default_tolerance_percent() -> Decimal:
    return Decimal(str(getattr(settings, "KPI_YELLOW_TOLERANCE_PERCENT", "5")))


@dataclass(frozen=True)
class Reference:
    """What a relative target is compared with: a base year's value or the national value."""

    value: Decimal
    label: str  # e.g. "2019", "jan–apr 2019", "riket 2024"
    stated: bool = False  # stated in the plan (rather than taken from stored outcomes)

    def text(self, measure: Measure) -> str:
        """E.g. "2019: 250 ton"."""
        return f"{self.label}: {format_measure_value(self.value, measure)}"


PASSES = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
OPERATOR_WORDS = {
    ">=": gettext_lazy("at least %(value)s"),
    ">": gettext_lazy("more than %(value)s"),
    "<=": gettext_lazy("at most %(value)s"),
    "<": gettext_lazy("less than %(value)s"),
}


@dataclass(frozen=True)
class Threshold:
    """The limit a value must pass, in the measure's unit: "högst 200 ton"."""

    operator: str
    value: Decimal
    reference: Reference | None = None
    percent: Decimal | None = None  # the relative change a change-from-base target asks for

    def passes(self, value: Decimal) -> bool:
        return PASSES[self.operator](value, self.value)

    def text(self, measure: Measure) -> str:
        """E.g. "högst 200 ton (−20 % jämfört med 2019: 250 ton)"."""
        limit = OPERATOR_WORDS[self.operator] % {"value": format_measure_value(self.value, measure)}
        if self.reference is None:
            return limit
        if self.percent is not None:
            return _("%(limit)s (%(change)s compared with %(reference)s)") % {
                "limit": limit,
                "change": format_percent_change(self.percent),
                "reference": self.reference.text(measure),
            }
        return f"{limit} ({self.reference.text(measure)})"


def _better(measure: Measure) -> str:
    return "<=" if measure.direction == Direction.LOWER_IS_BETTER else ">="


def resolve_threshold(target: Target, measure: Measure, reference: Reference | None) -> Threshold | None:
    """The target as a limit in the measure's unit, or None when it cannot be formed.

    A change from a base year of p % gives the limit base × (1 + p/100), passed from the better
    side: for a lower-is-better measure a negative p is the reduction asked for and a positive p
    the largest rise allowed; for a higher-is-better measure a positive p is the rise asked for
    and a negative p the largest fall allowed.
    """
    # The limit is compared as printed: rounded to the measure's decimals like the value, so
    # "201 st" against "högst 201 st" is met (the unrounded 200,8 would fail it).
    kind, value = target.kind, target.value
    fixed = {TargetKind.AT_LEAST: ">=", TargetKind.MORE_THAN: ">", TargetKind.AT_MOST: "<=", TargetKind.LESS_THAN: "<"}
    if kind in fixed:
        return Threshold(fixed[kind], rounded_to_measure(value, measure))
    if reference is None:
        return None
    if kind == TargetKind.LOWER_THAN_YEAR:
        return Threshold("<", rounded_to_measure(reference.value, measure), reference)
    if kind == TargetKind.HIGHER_THAN_YEAR:
        return Threshold(">", rounded_to_measure(reference.value, measure), reference)
    if kind == TargetKind.CHANGE_FROM_BASE_YEAR:
        limit = rounded_to_measure(reference.value * (1 + value / 100), measure)
        return Threshold(_better(measure), limit, reference, percent=value)
    if kind == TargetKind.RELATIVE_TO_NATIONAL:
        return Threshold(_better(measure), rounded_to_measure(reference.value + value, measure), reference)
    return None


def tolerance_band(target: Target, threshold: Threshold) -> Decimal:
    """How far short of the threshold is still yellow, in the measure's unit: the target's own
    tolerance, else ``KPI_YELLOW_TOLERANCE_PERCENT`` of the threshold."""
    if target.tolerance is not None:
        return target.tolerance
    return abs(threshold.value) * default_tolerance_percent() / 100


class Reason:
    """Why a status is what it is, in words (translated when shown)."""

    NO_TARGET = gettext_lazy("No target for the year.")
    ONLY_WORDED = gettext_lazy("The target is only worded; set the status by hand.")
    NO_OUTCOME = gettext_lazy("No outcome.")
    NOT_DUE = gettext_lazy("Not due yet: the measure is reported later in the year.")
    ACCOMPLISHED = gettext_lazy("Accomplished.")
    NOT_ACCOMPLISHED = gettext_lazy("Not accomplished.")
    NOT_ACCOMPLISHED_YET = gettext_lazy("Not accomplished yet.")
    NO_REFERENCE = gettext_lazy("The comparison value for the same months (base year or national) is missing.")
    ZERO_BASE = gettext_lazy("The base year's value is zero.")
    MET = gettext_lazy("Target met.")
    MET_INCOMPLETE = gettext_lazy(
        "The months there are meet the target, but some are missing: not green until complete."
    )
    CLOSE = gettext_lazy("Close to the target (within the tolerance).")
    ON_TRACK = gettext_lazy("Not met yet; the forecast for the year meets the target.")
    NOT_MET = gettext_lazy("Target not met.")


@dataclass(frozen=True)
class TargetResult:
    """How a value stands against a target."""

    status: Status
    threshold: Threshold | None = None
    compared_value: Decimal | None = None
    reason: str = ""  # lazy: translated when shown, not for each of the many evaluations nobody reads
    band: Decimal | None = None

    @property
    def explanation(self) -> str:
        return str(self.reason)


# The results that say only why there is no status: the same few for every key of a region.
NO_TARGET = TargetResult(Status.MISSING, reason=Reason.NO_TARGET)
ONLY_WORDED = TargetResult(Status.MISSING, reason=Reason.ONLY_WORDED)
NO_OUTCOME = TargetResult(Status.MISSING, reason=Reason.NO_OUTCOME)
NOT_DUE = TargetResult(Status.NOT_DUE, reason=Reason.NOT_DUE)
ACCOMPLISHED = TargetResult(Status.GREEN, reason=Reason.ACCOMPLISHED)
NOT_ACCOMPLISHED = TargetResult(Status.RED, reason=Reason.NOT_ACCOMPLISHED)
NOT_ACCOMPLISHED_YET = TargetResult(Status.YELLOW, reason=Reason.NOT_ACCOMPLISHED_YET)
ZERO_BASE = TargetResult(Status.MISSING, reason=Reason.ZERO_BASE)
NO_REFERENCE = TargetResult(Status.MISSING, reason=Reason.NO_REFERENCE)


class TargetRule:
    """One measure's target for one evaluation: its limit and tolerance band resolved once per
    reference (once for a fixed limit), then every unit's and sex's value judged against them."""

    def __init__(self, target: Target | None, measure: Measure):
        self.target, self.measure = target, measure
        self._limits: dict[Reference | None, tuple[Threshold, Decimal] | None] = {}

    def limit(self, reference: Reference | None) -> tuple[Threshold, Decimal] | None:
        """The threshold and its tolerance band against ``reference``, or None when it cannot be formed."""
        if reference not in self._limits:
            threshold = resolve_threshold(self.target, self.measure, reference)
            self._limits[reference] = threshold and (threshold, tolerance_band(self.target, threshold))
        return self._limits[reference]

    def judge(
        self,
        value: Decimal | None,
        accomplished: bool | None = None,
        reference: Reference | None = None,
        *,
        final: bool = True,
        on_track: bool = False,
    ) -> TargetResult:
        """The traffic light for one value (see ``evaluate_target``)."""
        target = self.target
        if target is None:
            return NO_TARGET
        kind = target.kind
        if kind == TargetKind.WORDING_ONLY:
            return ONLY_WORDED
        if kind == TargetKind.ACCOMPLISHED:
            if accomplished is None:
                return NO_OUTCOME
            return ACCOMPLISHED if accomplished else (NOT_ACCOMPLISHED if final else NOT_ACCOMPLISHED_YET)
        if value is None:
            return NO_OUTCOME
        if kind == TargetKind.CHANGE_FROM_BASE_YEAR and reference is not None and reference.value == 0:
            return ZERO_BASE
        limit = self.limit(reference)
        if limit is None:
            return NO_REFERENCE
        threshold, band = limit
        compared = rounded_to_measure(value, self.measure)
        if threshold.passes(compared):
            return TargetResult(Status.GREEN, threshold, compared, Reason.MET, band)
        if abs(compared - threshold.value) <= band:
            return TargetResult(Status.YELLOW, threshold, compared, Reason.CLOSE, band)
        if on_track:
            return TargetResult(Status.YELLOW, threshold, compared, Reason.ON_TRACK, band)
        return TargetResult(Status.RED, threshold, compared, Reason.NOT_MET, band)


def evaluate_target(
    *,
    target: Target | None,
    measure: Measure,
    value: Decimal | None,
    accomplished: bool | None = None,
    reference: Reference | None = None,
    final: bool = True,
    on_track: bool = False,
) -> TargetResult:
    """The traffic light for one value against one target.

    ``final``: the period closes the year, so a yes/no target not yet accomplished is red rather
    than yellow. ``on_track``: the full-year forecast meets the target, which makes a miss yellow.
    """
    return TargetRule(target, measure).judge(value, accomplished, reference, final=final, on_track=on_track)
