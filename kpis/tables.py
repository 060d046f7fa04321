"""Tables of the measure page (django-tables2), sortable and exportable to CSV/XLSX."""

import django_tables2 as tables
from django.core.paginator import Paginator
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from kpis.formatting import format_measure_value
from kpis.models import Outcome

# A cell a spreadsheet would read as a formula (=, +, -, @, tab, CR) is prefixed with ' on export.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """Text for an exported cell that a spreadsheet cannot run as a formula."""
    return f"'{text}" if text and text.startswith(FORMULA_STARTS) else text


class OutcomeTable(tables.Table):
    """Stored outcomes of a measure, one row per period, unit and sex."""

    MAX_PER_PAGE = 200

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        # ?per_page= comes from the address: a negative or huge number must not break the page.
        per_page = min(max(per_page or 50, 1), self.MAX_PER_PAGE)
        return super().paginate(paginator_class, per_page, page, *args, **kwargs)

    # Plain accessors rather than render_* methods where no formatting is needed: django-tables2
    # inspects a render method's signature for every cell.
    period = tables.Column(
        verbose_name=_("Period"),
        accessor="period_label",
        empty_values=(),
        order_by=("year", "period_kind", "period_number"),
    )
    unit = tables.Column(verbose_name=_("Unit"), default=_("Whole plan"), order_by=("unit__name",))
    sex = tables.Column(verbose_name=_("Sex"), accessor="get_sex_display", order_by=("sex",))
    # No empty values: a yes/no outcome has no number and reads "Ja"/"Nej", not the default "—".
    value = tables.Column(
        verbose_name=_("Outcome"), empty_values=(), attrs={"td": {"class": "number"}, "th": {"class": "number"}}
    )
    comment = tables.Column(verbose_name=_("Comment"), default="")
    # Not a DateTimeColumn: that one compiles a template for every cell (a third of the table's time).
    updated_at = tables.Column(verbose_name=_("Updated"))

    class Meta:
        model = Outcome
        fields = ("period", "unit", "sex", "value", "comment", "updated_at")
        order_by = ("-period",)
        attrs = {"class": "data-table"}
        empty_text = _("No outcomes yet.")
        template_name = "kpis/_outcome_table.html"

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure

    def render_value(self, record):
        if record.value is None and record.accomplished is not None:
            return _("Yes") if record.accomplished else _("No")
        return format_measure_value(record.value, self.measure)

    def render_updated_at(self, value):
        # "Y-m-d H:i" names no month or day: strftime writes it the same in every language, at a
        # tenth of date_format's cost (50 rows a page).
        return localtime(value).strftime("%Y-%m-%d %H:%M")

    def page_cells(self) -> list[list[tuple[str, bool]]]:
        """The shown page's rows as their cells read, column by column, each with whether it is a
        number (right-aligned, the outcome): the same texts as
        django-tables2's cells (tests/test_outcome_table.py compares them), formed directly, since
        django-tables2 inspects a render method's signature for every cell (a third of an
        uncached measure page's time)."""
        texts = {
            "period": lambda record: record.period_label,
            "unit": lambda record: record.unit.name if record.unit else self.columns["unit"].default,
            "sex": lambda record: record.get_sex_display(),
            "value": self.render_value,
            "comment": lambda record: record.comment or "",
            "updated_at": lambda record: self.render_updated_at(record.updated_at),
        }
        getters = [(texts[column.name], column.name == "value") for column in self.columns]
        return [[(text(row.record), number) for text, number in getters] for row in self.paginated_rows]

    # Export: numbers as numbers, text that cannot run as a formula.
    def value_period(self, record):
        return record.period_label

    def value_value(self, record):
        return record.value

    def value_comment(self, value):
        return safe_cell(value or "")

    def value_updated_at(self, value):
        return value.isoformat(sep=" ")

    def value_unit(self, record):
        return safe_cell(record.unit.name) if record.unit else ""
