"""Charts for the pages: a sparkline as SVG points and the measure chart as a plotly figure.

No status is decided here; lines and points only show values the status engine and the
selectors hand over.
"""

import json
from decimal import Decimal

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from goalplan.periods import MONTH_NAMES

SPARKLINE_WIDTH = 96
SPARKLINE_HEIGHT = 24


def sparkline_points(values: list[Decimal], *, width: int = SPARKLINE_WIDTH, height: int = SPARKLINE_HEIGHT) -> str:
    """The "x,y x,y …" points of a polyline drawing the values (empty for fewer than two)."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or Decimal(1)
    step = Decimal(width - 2) / (len(values) - 1)
    points = []
    for index, value in enumerate(values):
        x = 1 + step * index
        y = Decimal(height - 2) - (value - low) / span * (height - 4) if high != low else Decimal(height) / 2
        points.append(f"{x:.1f},{y:.1f}")
    return " ".join(points)


def measure_figure(
    *,
    title: str,
    unit: str,
    this_year: int,
    this_year_values: dict[int, Decimal],
    last_year_values: dict[int, Decimal],
    target_value: Decimal | None,
    target_label: str,
    national_values: dict[int, Decimal],
) -> dict:
    """The measure chart: outcome per month this year and last year, the target line and riket."""
    months = list(range(1, 13))
    month_names = [str(MONTH_NAMES[m])[:3] for m in months]

    def line(values: dict[int, Decimal]) -> list[float | None]:
        return [float(values[m]) if m in values else None for m in months]

    figure = go.Figure()
    figure.add_trace(go.Scatter(x=months, y=line(last_year_values), name=str(this_year - 1), mode="lines+markers",
                                line={"color": "#8a8f98", "width": 2}, marker={"symbol": "circle-open"}))
    figure.add_trace(go.Scatter(x=months, y=line(this_year_values), name=str(this_year), mode="lines+markers",
                                line={"color": "#1f4e79", "width": 3}, marker={"symbol": "circle"}))
    if national_values:
        figure.add_trace(go.Scatter(x=months, y=line(national_values), name=_("National (riket)"), mode="lines+markers",
                                    line={"color": "#6b4c9a", "dash": "dot"}, marker={"symbol": "diamond"}))
    if target_value is not None:
        figure.add_trace(go.Scatter(x=[1, 12], y=[float(target_value)] * 2, name=target_label, mode="lines",
                                    line={"color": "#b42318", "dash": "dash", "width": 2}))
    figure.update_layout(
        title={"text": title, "font": {"size": 14}},
        separators=", ",
        margin={"l": 56, "r": 16, "t": 48, "b": 48},
        height=360,
        legend={"orientation": "h", "y": -0.2},
        xaxis={"tickmode": "array", "tickvals": months, "ticktext": month_names, "range": [0.5, 12.5]},
        yaxis={"title": {"text": unit}, "separatethousands": True},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    # Through plotly's own JSON encoder, then back to plain data for the page's json_script.
    return json.loads(figure.to_json())
