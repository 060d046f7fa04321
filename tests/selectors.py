"""Look-ups of seeded objects by what the documents call them (not by fixture pk)."""

from goalplan.models import Body, Plan


def hsn_plan(year: int) -> Plan:
    """The health and medical care committee's plan for a year."""
    return Plan.objects.get(body__short_name="HSN", start_year=year, end_year=year)


def rs_plan_2018() -> Plan:
    return Plan.objects.get(body__short_name="RS", start_year=2018)


def body(short_name: str) -> Body:
    return Body.objects.get(short_name=short_name)
