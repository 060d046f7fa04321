"""The measure chart is written as plain data, without building a plotly Figure (whose validation
of every property was a seventh of an uncached measure page): it must be exactly what plotly makes
of it, so plotly's own round trip (validated on the way in) gives it back unchanged."""

import json
from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.utils.translation import override

from kpis.charts import measure_figure
from kpis.models import Indicator
from kpis.selectors import ChartSeries

MONTHS = [(m, name) for m, name in enumerate(["jan", "feb", "mar", "apr", "maj", "jun"], start=1)]


def round_trip(figure: dict) -> dict:
    return json.loads(go.Figure(figure).to_json())


@pytest.mark.parametrize("target", [Decimal("88"), None])
@pytest.mark.parametrize("national", [{1: Decimal("81.5"), 3: Decimal("82.25")}, {}])
@pytest.mark.parametrize("reported_as", ["month", "year"])
def test_the_chart_is_what_plotly_makes_of_it(target, national, reported_as):
    measure = Indicator(name='Andel <patienter> & "besök"', unit="%", decimals=1)
    series = ChartSeries(
        reported_as=reported_as,
        ticks=MONTHS,
        lines=[
            ("2025", {1: Decimal("85.1"), 2: Decimal("86.4"), 4: Decimal("-0.5")}, "this-year"),  # March missing
            ("2024", {m: Decimal(80 + m) for m, _name in MONTHS}, "last-year"),
        ],
    )
    with override("sv"):
        figure = measure_figure(
            title='Väntetid <b>"i telefon"</b>',
            measure=measure,
            series=series,
            target_value=target,
            target_label="Gräns: minst 88,0 %",
            national_values=national,
        )
    assert round_trip(figure) == figure
    assert figure["data"][0]["y"] == [85.1, 86.4, None, -0.5, None, None]
    assert figure["layout"]["title"]["text"] == 'Väntetid &lt;b&gt;"i telefon"&lt;/b&gt;'  # shown as written
    names = [trace["name"] for trace in figure["data"]]
    assert ("Riket" in " ".join(names)) == bool(national and reported_as != "year")
    assert ("Gräns: minst 88,0 %" in names) == (target is not None)


def test_an_invalid_property_would_be_seen():
    # The round trip validates: a check that cannot fail is no check.
    with pytest.raises(ValueError):
        round_trip({"data": [{"type": "scatter", "mode": "lines", "colour": "red"}], "layout": {}})
