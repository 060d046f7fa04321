"""Tables of the measure page (django-tables2), sortable and exportable to CSV/XLSX."""

import django_tables2 as tables
from django.core.paginator import Paginator
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from kpis.exports import Number, Sheet
from kpis.formatting import format_measure_value
from kpis.models import Outcome


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

    def sheet(self) -> Sheet:
        """Every outcome of the table (not only the page shown) as a spreadsheet (kpis.exports):
        values as numbers with the measure's decimals, the whole plan's rows named as such."""
        columns = self.columns
        sheet = Sheet(title=_("Outcomes"), headers=[str(columns[name].header) for name in self.Meta.fields])
        whole_plan = str(columns["unit"].default)
        for record in self.data:
            if record.value is None and record.accomplished is not None:
                value = _("Yes") if record.accomplished else _("No")
            else:
                value = Number(record.value, self.measure.decimals)
            unit = record.unit.name if record.unit else whole_plan
            sheet.append(
                [record.period_label, unit, record.get_sex_display(), value, record.comment, record.updated_at]
            )
        return sheet
