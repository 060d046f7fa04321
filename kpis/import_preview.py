"""The outcome import's preview: every row of the file as it was read (which indicator, period,
unit and sex, the value as a number) and what confirming would do with it, so the person sees a
misread value or a wrong indicator before anything is saved."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from goalplan.choices import Sex
from goalplan.models import OrganisationalUnit
from goalplan.periods import Period
from kpis.formatting import format_number, format_yes_no


@dataclass(frozen=True)
class PreviewRow:
    row_number: int
    indicator: str
    period: str
    unit: str
    sex: str
    value: str
    comment: str
    change: str  # "new", "changed" or "unchanged"
    previous: str  # the stored value a changed row replaces

    @property
    def change_label(self) -> str:
        return {"new": _("New"), "changed": _("Changed"), "unchanged": _("Unchanged")}[self.change]


def value_as_read(value: Decimal | None, accomplished: bool | None) -> str:
    """The value the Swedish way with every decimal the file gave: "82,5", "1 234", "Ja"."""
    if value is None:
        return "–" if accomplished is None else format_yes_no(accomplished)
    exponent = value.normalize().as_tuple().exponent
    return format_number(value, max(0, -exponent) if isinstance(exponent, int) else 0)


def named(indicator) -> str:
    """The indicator by its name and code, once: "Hållbart säkerhetsengagemang (HSE)" has it."""
    if not indicator.code or indicator.code in indicator.name:
        return indicator.name
    return f"{indicator.name} ({indicator.code})"


def preview_rows(parsed: dict, first_row_of: dict, indicators: dict, stored: dict) -> list[PreviewRow]:
    """The first ``IMPORT_PREVIEW_MAX_ROWS`` rows in the file's order (the counts cover all)."""
    keys = sorted(parsed, key=first_row_of.__getitem__)[: settings.IMPORT_PREVIEW_MAX_ROWS]
    unit_names = dict(
        OrganisationalUnit.objects.filter(pk__in={key[4] for key in keys} - {None}).values_list("pk", "name")
    )
    sexes = dict(Sex.choices)
    rows = []
    for key in keys:
        indicator_id, year, kind, number, unit_id, sex = key
        row, current = parsed[key], stored.get(key)
        indicator = indicators[indicator_id]
        change = "new" if current is None else ("changed" if current.differs_from(row) else "unchanged")
        rows.append(
            PreviewRow(
                row_number=first_row_of[key],
                indicator=named(indicator),
                period=Period(year, kind, number).label(),
                unit=unit_names[unit_id] if unit_id else _("Whole plan"),
                sex=sexes[sex],
                value=value_as_read(row.value, row.accomplished),
                comment=row.comment,
                change=change,
                previous=value_as_read(current.value, current.accomplished) if change == "changed" else "",
            )
        )
    return rows
