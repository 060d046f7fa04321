"""Charts for the pages: a sparkline as SVG points and the measure chart as a plotly figure.

No status is decided here; lines and points only show values the status engine and the
selectors hand over.
"""

import json
from decimal import Decimal

import plotly.graph_objects as go
from django.utils.html import escape
from django.utils.translation import gettext as _

from goalplan.periods import MONTH_NAMES
from kpis.formatting import format_number

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


def chart_text(text: object) -> str:
    """Text for a plotly label, shown as written: plotly.js would render <a href> as a live link."""
    # Only &, < and > are escaped: plotly.js decodes &amp; &lt; &gt; back to characters when it
    # draws text but shows other entities (&quot;, &#x27;) literally, so html.escape() would turn
    # quotes in measure names into "&quot;". Without a "<" no tag can start.
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
    # Every text placed in the figure goes through chart_text, user-written or not: one rule.
    months = list(range(1, 13))
    month_names = [chart_text(str(MONTH_NAMES[m])[:3]) for m in months]

    def line(values: dict[int, Decimal]) -> list[float | None]:
        return [float(values[m]) if m in values else None for m in months]

    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=months, y=line(last_year_values), name=chart_text(this_year - 1), mode="lines+markers",
        line={"color": "#8a8f98", "width": 2}, marker={"symbol": "circle-open"},
    ))
    figure.add_trace(go.Scatter(
        x=months, y=line(this_year_values), name=chart_text(this_year), mode="lines+markers",
        line={"color": "#1f4e79", "width": 3}, marker={"symbol": "circle"},
    ))
    if national_values:
        figure.add_trace(go.Scatter(
            x=months, y=line(national_values), name=chart_text(_("National (riket)")),
            mode="lines+markers", line={"color": "#6b4c9a", "dash": "dot"},
            marker={"symbol": "diamond"},
        ))
    if target_value is not None:
        figure.add_trace(go.Scatter(
            x=[1, 12], y=[float(target_value)] * 2, name=chart_text(target_label), mode="lines",
            line={"color": "#b42318", "dash": "dash", "width": 2},
        ))
    figure.update_layout(
        template="none",  # plotly's default template would add some 10 KiB of styling to every page
        title={"text": chart_text(title), "font": {"size": 14}},
        separators=", ",
        margin={"l": 56, "r": 16, "t": 48, "b": 48},
        height=360,
        legend={"orientation": "h", "y": -0.2},
        xaxis={"tickmode": "array", "tickvals": months, "ticktext": month_names, "range": [0.5, 12.5]},
        yaxis={"title": {"text": chart_text(unit)}, "separatethousands": True},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    # Through plotly's own JSON encoder, then back to plain data for the page's json_script.
    return json.loads(figure.to_json())


# Presentation attributes rather than CSS classes: PDF renderers do not style inline SVG from the
# page's stylesheet. (colour, dash pattern) per line kind.
SVG_LINE_STYLES = {
    "this-year": ("#1f4e79", ""),
    "last-year": ("#8a8f98", ""),
    "target": ("#b42318", "5 3"),
}
SVG_TEXT = 'font-family="DejaVu Sans, sans-serif" font-size="9" fill="#333"'


def line_chart_svg(
    *,
    title: str,
    lines: list[tuple[str, dict[int, Decimal], str]],
    target_value: Decimal | None,
    target_label: str,
    decimals: int,
    width: int = 520,
    height: int = 220,
) -> str:
    """A vector line chart per month (January–December) as SVG, for the PDF reports.

    ``lines``: (legend label, {month: value}, kind in SVG_LINE_STYLES). Made by us rather than by a
    browser-based exporter: it needs no network and no Chromium, and takes well under a millisecond.
    """
    left, right, top, bottom = 56, 12, 14, 52
    plot_width, plot_height = width - left - right, height - top - bottom
    values = [v for _label, series, _kind in lines for v in series.values()]
    if target_value is not None:
        values.append(target_value)
    if not values:
        return ""
    low, high = min(values), max(values)
    pad = (high - low) * Decimal("0.1") or (abs(high) * Decimal("0.1")) or Decimal(1)
    low, high = low - pad, high + pad

    def x(month: int) -> float:
        return left + (month - 0.5) * plot_width / 12

    def y(value: Decimal) -> float:
        return top + float((high - value) / (high - low)) * plot_height

    def stroke(kind: str) -> str:
        colour, dash = SVG_LINE_STYLES[kind]
        return f'stroke="{colour}" stroke-width="1.8" fill="none"' + (f' stroke-dasharray="{dash}"' if dash else "")

    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
              f'height="{height}" role="img"><title>{escape(title)}</title>')]
    for step in range(5):
        value = low + (high - low) * step / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     f'stroke="#e1e5ea" stroke-width="0.6"/>')
        parts.append(f'<text x="{left - 6}" y="{y(value) + 3:.1f}" text-anchor="end" {SVG_TEXT}>'
                     f'{escape(format_number(value, decimals))}</text>')
    for month in range(1, 13):
        parts.append(f'<text x="{x(month):.1f}" y="{top + plot_height + 14}" text-anchor="middle" {SVG_TEXT}>'
                     f'{escape(str(MONTH_NAMES[month])[:3])}</text>')
    if target_value is not None:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(target_value):.1f}" y2="{y(target_value):.1f}" '
                     f'{stroke("target")}/>')
    for _label, series, kind in lines:
        run: list[str] = []
        for month in range(1, 14):
            if month in series:
                run.append(f"{x(month):.1f},{y(series[month]):.1f}")
            elif run:
                if len(run) > 1:
                    parts.append(f'<polyline points="{" ".join(run)}" {stroke(kind)}/>')
                run = []
        colour = SVG_LINE_STYLES[kind][0]
        for month, value in series.items():
            parts.append(f'<circle cx="{x(month):.1f}" cy="{y(value):.1f}" r="2.6" fill="{colour}"/>')
    legend = [(label, kind) for label, _series, kind in lines]
    if target_value is not None:
        legend.append((target_label, "target"))
    legend_x = left
    for label, kind in legend:
        parts.append(f'<line x1="{legend_x}" x2="{legend_x + 18}" y1="{height - 14}" y2="{height - 14}" {stroke(kind)}/>')
        parts.append(f'<text x="{legend_x + 22}" y="{height - 11}" {SVG_TEXT}>{escape(label)}</text>')
        legend_x += 34 + 5.4 * len(label)
    parts.append("</svg>")
    return "".join(parts)
