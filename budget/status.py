"""Budget and savings statuses: a budget against its forecast, a savings effect against its plan."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from goalplan.choices import Status
from kpis.status.targets import default_tolerance_percent


def default_budget_tolerance_percent() -> Decimal:
    return Decimal(str(getattr(settings, "KPI_BUDGET_TOLERANCE_PERCENT", "1")))


@dataclass(frozen=True)
class BudgetResult:
    """A budget (net, tkr; costs negative) against its full-year forecast."""

    status: Status
    deviation_tkr: Decimal | None = None


def evaluate_budget(*, budget_tkr: Decimal | None, forecast_tkr: Decimal | None) -> BudgetResult:
    """Green when the forecast keeps the budget; yellow when it misses by at most
    ``KPI_BUDGET_TOLERANCE_PERCENT`` of the budget; red beyond; missing without a forecast.

    Amounts are net (income positive, costs negative), so the deviation forecast − budget is
    positive when the result is better than budgeted.
    """
    if budget_tkr is None or forecast_tkr is None:
        return BudgetResult(Status.MISSING)
    deviation = forecast_tkr - budget_tkr
    if deviation >= 0:
        return BudgetResult(Status.GREEN, deviation)
    if -deviation <= abs(budget_tkr) * default_budget_tolerance_percent() / 100:
        return BudgetResult(Status.YELLOW, deviation)
    return BudgetResult(Status.RED, deviation)


def evaluate_savings(*, planned_tkr: Decimal | None, achieved_tkr: Decimal | None) -> Status:
    """A savings measure's effect for a year: achieved against planned, same tolerance as targets."""
    if planned_tkr is None or achieved_tkr is None:
        return Status.MISSING
    if achieved_tkr >= planned_tkr:
        return Status.GREEN
    if planned_tkr - achieved_tkr <= abs(planned_tkr) * default_tolerance_percent() / 100:
        return Status.YELLOW
    return Status.RED
