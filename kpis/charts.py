"""Charts for the pages: a sparkline as SVG points and the measure chart as a plotly figure.

No status is decided here; lines and points only show values the status engine and the
selectors hand over.
"""

from decimal import ROUND_CEILING, Decimal

from django.utils.html import escape
from django.utils.translation import gettext as _

from config.palette import PALETTE
from kpis.formatting import format_number

SPARKLINE_WIDTH = 96
SPARKLINE_HEIGHT = 24


def sparkline_points(values: list[Decimal], *, width: int = SPARKLINE_WIDTH, height: int = SPARKLINE_HEIGHT) -> str:
    """The "x,y x,y …" points of a polyline drawing the values (empty for fewer than two).

    In floats: a drawing a tenth of a pixel wide needs no decimal arithmetic, and a 400-measure
    dashboard draws 400 of them."""
    if len(values) < 2:
        return ""
    floats = [float(value) for value in values]
    low, high = min(floats), max(floats)
    span = (high - low) or 1.0
    step = (width - 2) / (len(floats) - 1)
    middle = height / 2
    return " ".join(
        f"{1 + step * index:.1f},{(height - 2) - (value - low) / span * (height - 4) if high != low else middle:.1f}"
        for index, value in enumerate(floats)
    )


def chart_text(text: object) -> str:
    """Text for a plotly label, shown as written: plotly.js would render <a href> as a live link."""
    # Only &, < and > are escaped: plotly.js decodes &amp; &lt; &gt; back to characters when it
    # draws text but shows other entities (&quot;, &#x27;) literally, so html.escape() would turn
    # quotes in measure names into "&quot;". Without a "<" no tag can start.
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Units whose values are counts or shares: their axis starts at zero unless the data is negative,
# so that a two-point gap does not look dramatic.
ZERO_BASED_UNITS = {"%", "procent", "antal", "st", "st.", "stycken", "personer", "patienter", "besök"}
# The measure's own line in the site's accent colour; the others from the palette's chart colours.
LINE_COLOURS = {"this-year": PALETTE["brand"]} | {
    kind: PALETTE[f"chart-{kind}"] for kind in ("last-year", "national", "target")
}


def axis_from_zero(measure, values: list[Decimal]) -> bool:
    """Whether the y axis starts at zero: for counts, shares and cumulative sums, unless a value is
    negative; other units (minutes, days, tkr) are scaled to their data."""
    counted = measure.unit.strip().lower() in ZERO_BASED_UNITS or measure.aggregation == "ytd_sum"
    return counted and all(value >= 0 for value in values)


def chart_caption(series, year: int) -> str:
    """What the chart shows, in words (the form the measure is reported in)."""
    captions = {
        "month": _(
            "The outcome per month in %(year)s and the year before, with the target's limit; "
            "the same figures are in the table below."
        ),
        "ytd": _(
            "The outcome year to date, month by month, in %(year)s and the year before, with the "
            "target's limit; the same figures are in the table below."
        ),
        "tertial": _(
            "The outcome per tertial in %(year)s and the year before, with the target's limit; "
            "the same figures are in the table below."
        ),
        "year": _(
            "The outcome per year up to %(year)s, with the target's limit; the same figures are in the table below."
        ),
    }
    return captions[str(series.reported_as)] % {"year": year}


def target_label(evaluation) -> str:
    """The legend of the target line: the limit it is drawn at, in the measure's unit."""
    if evaluation.threshold_text:
        return _("Limit: %(limit)s") % {"limit": evaluation.threshold_text}
    return _("Target: %(wording)s") % {"wording": evaluation.target_text}


def measure_figure(
    *, title: str, measure, series, target_value: Decimal | None, target_label: str, national_values: dict[int, Decimal]
) -> dict:
    """The measure chart (``kpis.selectors.ChartSeries``) as plotly.js data: this year and last year in the form the
    measure is reported, riket, and the target line at the limit in the measure's unit."""
    # Every text placed in the figure goes through chart_text, user-written or not: one rule.
    xs = [x for x, _label in series.ticks]

    def line(values: dict[int, Decimal]) -> list[float | None]:
        return [float(values[x]) if x in values else None for x in xs]

    # Plain data in the form plotly's own Figure(...).to_json() gives (tests/test_chart_figure.py
    # holds it so, and valid): building a plotly Figure validates every property, a seventh of an
    # uncached measure page at region scale.
    traces = [
        _scatter(
            xs,
            line(values),
            label,
            "lines+markers",
            {"color": LINE_COLOURS[kind], "width": 3 if kind == "this-year" else 2},
            {"symbol": "circle" if kind == "this-year" else "circle-open"},
        )
        for label, values, kind in series.lines
    ]
    if national_values and series.reported_as != "year":
        traces.append(
            _scatter(
                xs,
                line(national_values),
                _("National (riket)"),
                "lines+markers",
                {"color": LINE_COLOURS["national"], "dash": "dot"},
                {"symbol": "diamond"},
            )
        )
    if target_value is not None:
        traces.append(
            _scatter(
                [xs[0], xs[-1]],
                [float(target_value)] * 2,
                target_label,
                "lines",
                {"color": LINE_COLOURS["target"], "dash": "dash", "width": 2},
            )
        )
    values = [v for _label, line_values, _kind in series.lines for v in line_values.values()]
    values += [target_value] if target_value is not None else []
    layout = {
        # Not plotly's default template, which would add some 10 KiB of styling to every page.
        "template": {"data": {"scatter": [{"type": "scatter"}]}},
        "title": {"font": {"size": 14}, "text": chart_text(title)},
        "margin": {"l": 56, "r": 16, "t": 48, "b": 48},
        "legend": {"orientation": "h", "y": -0.2},
        "xaxis": {
            "tickmode": "array",
            "tickvals": xs,
            "ticktext": [chart_text(label) for _x, label in series.ticks],
            "range": [xs[0] - 0.5, xs[-1] + 0.5],
        },
        "yaxis": {
            "title": {"text": chart_text(measure.unit)},
            "separatethousands": True,
            "exponentformat": "none",
            "rangemode": "tozero" if axis_from_zero(measure, values) else "normal",
        },
        "separators": ", ",
        "height": 360,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
    }
    return {"data": traces, "layout": layout}


def _scatter(xs, ys, name, mode: str, line: dict, marker: dict | None = None) -> dict:
    """A scatter trace as plotly writes it; its name through chart_text."""
    trace = {"line": line, **({"marker": marker} if marker else {}), "mode": mode, "name": chart_text(name)}
    return {**trace, "x": xs, "y": ys, "type": "scatter"}


# Presentation attributes rather than CSS classes: PDF renderers do not style inline SVG from the
# page's stylesheet. (colour, dash pattern) per line kind.
SVG_LINE_STYLES = {
    "this-year": (LINE_COLOURS["this-year"], ""),
    "last-year": (LINE_COLOURS["last-year"], ""),
    "target": (LINE_COLOURS["target"], "5 3"),
}
SVG_TEXT = 'font-family="DejaVu Sans, sans-serif" font-size="9" fill="#333"'


def nice_ticks(low: Decimal, high: Decimal, count: int = 5) -> tuple[Decimal, list[Decimal]]:
    """About ``count`` y-axis ticks at round numbers (1, 2 or 5 × a power of ten) within low–high."""
    raw = (high - low) / (count - 1) if high > low else Decimal(1)
    magnitude = Decimal(10) ** raw.adjusted()
    step = next(m * magnitude for m in (Decimal(1), Decimal(2), Decimal(5), Decimal(10)) if m * magnitude >= raw)
    first = (low / step).to_integral_value(rounding=ROUND_CEILING) * step + 0  # never "-0"
    ticks, value = [], first
    while value <= high:
        ticks.append(value)
        value += step
    return step, ticks


def tick_decimals(step: Decimal) -> int:
    """As many decimals as the tick step needs (none for 50, one for 0,5)."""
    return max(0, -step.normalize().as_tuple().exponent)


def line_chart_svg(
    *, title: str, measure, series, target_value: Decimal | None, target_label: str, width: int = 520, height: int = 220
) -> str:
    """The same chart as ``measure_figure`` as vector SVG, for the PDF reports.

    Made by us rather than by a browser-based exporter: it needs no network and no Chromium, and
    takes well under a millisecond.
    """
    left, right, top, bottom = 56, 12, 14, 52
    plot_width, plot_height = width - left - right, height - top - bottom
    lines = series.lines
    values = [v for _label, line_values, _kind in lines for v in line_values.values()]
    if target_value is not None:
        values.append(target_value)
    if not values:
        return ""
    low, high = min(values), max(values)
    pad = (high - low) * Decimal("0.1") or (abs(high) * Decimal("0.1")) or Decimal(1)
    low, high = (Decimal(0) if axis_from_zero(measure, values) else low - pad), high + pad
    xs = [x for x, _label in series.ticks]

    def x(position: int) -> float:
        return left + (xs.index(position) + 0.5) * plot_width / len(xs)

    def y(value: Decimal) -> float:
        return top + float((high - value) / (high - low)) * plot_height

    def stroke(kind: str) -> str:
        colour, dash = SVG_LINE_STYLES[kind]
        return f'stroke="{colour}" stroke-width="1.8" fill="none"' + (f' stroke-dasharray="{dash}"' if dash else "")

    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img"><title>{escape(title)}</title>'
        )
    ]
    step, ticks = nice_ticks(low, high)
    for value in ticks:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#e1e5ea" stroke-width="0.6"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y(value) + 3:.1f}" text-anchor="end" {SVG_TEXT}>'
            f"{escape(format_number(value, tick_decimals(step)))}</text>"
        )
    for position, label in series.ticks:
        parts.append(
            f'<text x="{x(position):.1f}" y="{top + plot_height + 14}" text-anchor="middle" {SVG_TEXT}>'
            f"{escape(label)}</text>"
        )
    if target_value is not None:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(target_value):.1f}" y2="{y(target_value):.1f}" '
            f"{stroke('target')}/>"
        )
    for _label, line_values, kind in lines:
        run: list[str] = []
        for position in [*xs, None]:
            if position in line_values:
                run.append(f"{x(position):.1f},{y(line_values[position]):.1f}")
            elif run:
                if len(run) > 1:
                    parts.append(f'<polyline points="{" ".join(run)}" {stroke(kind)}/>')
                run = []
        colour = SVG_LINE_STYLES[kind][0]
        for position, value in line_values.items():
            if position in xs:
                parts.append(f'<circle cx="{x(position):.1f}" cy="{y(value):.1f}" r="2.6" fill="{colour}"/>')
    legend = [(label, kind) for label, _values, kind in lines]
    if target_value is not None:
        legend.append((target_label, "target"))
    legend_x = left
    for label, kind in legend:
        parts.append(
            f'<line x1="{legend_x}" x2="{legend_x + 18}" y1="{height - 14}" y2="{height - 14}" {stroke(kind)}/>'
        )
        parts.append(f'<text x="{legend_x + 22}" y="{height - 11}" {SVG_TEXT}>{escape(label)}</text>')
        legend_x += 34 + 5.4 * len(label)
    parts.append("</svg>")
    return "".join(parts)
