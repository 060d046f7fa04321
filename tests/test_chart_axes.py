"""The charts' y axis: zero-based for counts and shares, round ticks in the PDF's SVG."""

from decimal import Decimal

import pytest

from kpis.charts import axis_from_zero, line_chart_svg, nice_ticks, tick_decimals
from kpis.models import Measure
from kpis.selectors import ChartSeries

D = Decimal


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        (D(198), D(216), [D(200), D(205), D(210), D(215)]),
        (D(0), D(164100), [D(0), D(50000), D(100000), D(150000)]),
        (D("5.2"), D("6.9"), [D("5.5"), D("6.0"), D("6.5")]),
        (D(-3), D(12), [D(0), D(5), D(10)]),
    ],
)
def test_ticks_fall_on_round_numbers(low, high, ticks):
    step, found = nice_ticks(low, high)
    assert found == ticks and all(str(tick) != "-0" for tick in found)
    assert tick_decimals(step) == (1 if step < 1 else 0)


@pytest.mark.parametrize(
    ("unit", "aggregation", "values", "expected"),
    [
        ("%", "ytd_mean", [D(80), D(82)], True),
        ("antal", "latest", [D(1200)], True),
        ("ton", "ytd_sum", [D(20)], True),  # a cumulative sum counts from zero
        ("minuter", "latest", [D("9.5")], False),
        ("%", "latest", [D(-2), D(3)], False),  # the data demands otherwise
    ],
)
def test_counts_and_shares_start_at_zero_unless_the_data_is_negative(unit, aggregation, values, expected):
    assert axis_from_zero(Measure(unit=unit, aggregation=aggregation), values) is expected


def test_the_pdf_chart_draws_the_limit_and_round_ticks_with_the_measures_unit():
    measure = Measure(name="Energi", unit="kWh/m²", decimals=0, aggregation="latest")
    series = ChartSeries(
        "month",
        [(m, str(m)) for m in range(1, 13)],
        [("2026", {1: D(215), 2: D(212), 3: D(209), 4: D(206)}, "this-year")],
    )
    svg = line_chart_svg(
        title="Energi", measure=measure, series=series, target_value=D(200), target_label="Gräns: högst 200 kWh/m²"
    )
    assert ">200</text>" in svg and ">215</text>" in svg and "stroke-dasharray" in svg
    assert "Gräns: högst 200 kWh/m²" in svg
