"""Line charts of levels 1 to 5: a small one per capability over a participant's assessments,
and a wider trend of mean levels month by month, one line per series."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from learnset.charts import svg
from learnset.charts.svg import LOOKS, MAX_LEVEL, TREND_LOOKS, Series, Svg, TrendSeries

# --- A small line chart per capability, assessments in order ------------------------------------

LINE_WIDTH = 340
LINE_HEIGHT = 200
PLOT_LEFT = 36.0
PLOT_RIGHT = 320.0
PLOT_TOP = 16.0
PLOT_BOTTOM = 136.0


def _spaced_point(
    index: int, count: int, level: float, left: float, right: float, top: float, bottom: float
) -> tuple[float, float]:
    """The `index`-th of `count` points, evenly spaced from left to right (one alone in the
    middle), at a level between 1 at the bottom and MAX_LEVEL at the top."""
    x = left + (right - left) * index / (count - 1) if count > 1 else (left + right) / 2
    y = bottom - (bottom - top) * (level - 1) / (MAX_LEVEL - 1)
    return round(x, 1), round(y, 1)


def line_point(index: int, count: int, level: float) -> tuple[float, float]:
    """Where the `index`-th of `count` assessments at a level sits: evenly spaced, 1 at the foot."""
    return _spaced_point(index, count, level, PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM)


def _level_gridline(
    level: int, y: float, left: float, right: float, label_x: float, font_size: int
) -> list[str]:
    """A horizontal line across the plot at a level, with the level written to its left."""
    return [
        svg.element(
            "line",
            class_="app-chart__gridline",
            x1=svg.number(left),
            y1=svg.number(y),
            x2=svg.number(right),
            y2=svg.number(y),
            stroke="#d8dde0",
            stroke_width=1,
        ),
        f'<text class="app-chart__text app-chart__text--scale" x="{svg.number(label_x)}"'
        f' y="{svg.number(y + 4)}" text-anchor="end" font-size="{font_size}" fill="#4c6272">'
        f"{level}</text>",
    ]


def _period_label(label: str, x: float, y: float, anchor: str = "middle") -> str:
    """A date or month under the plot, in the charts' small text."""
    return (
        f'<text class="app-chart__text" x="{svg.number(x)}" y="{svg.number(y)}"'
        f' text-anchor="{anchor}" font-size="12" fill="#212b32">{escape(label)}</text>'
    )


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
) -> Svg:
    """Levels 1 to 5 over a run of assessments; the first and last are labelled with their dates."""
    count = len(labels)
    parts = svg.opening(chart_id, title, description, LINE_WIDTH, LINE_HEIGHT)
    parts.append('<g class="app-chart__grid">')
    for level in range(1, MAX_LEVEL + 1):
        _, y = line_point(0, count, level)
        parts += _level_gridline(level, y, PLOT_LEFT, PLOT_RIGHT, PLOT_LEFT - 10, font_size=12)
    shown = {0, count - 1} if count > 3 else set(range(count))
    for index in sorted(shown):
        x, _ = line_point(index, count, 1)
        anchor = "start" if index == 0 and count > 1 else "end" if index == count - 1 else "middle"
        if count == 1 or 0 < index < count - 1:
            anchor = "middle"
        parts.append(_period_label(labels[index], x, PLOT_BOTTOM + 20, anchor))
    parts.append("</g>")
    for entry in series:
        look = LOOKS[entry.key]
        points = svg.placed(entry.values, lambda index, value: line_point(index, count, value))
        present = [point for point in points if point is not None]
        if len(present) > 1:
            parts.append(
                svg.element(
                    "polyline",
                    points=svg.points(present),
                    **svg.stroke(entry.key, look, fill="none"),
                )
            )
        parts += svg.series_markers(entry, points, look, size=4)
    parts.extend(svg.legend(series, PLOT_LEFT - 20, LINE_HEIGHT - 14, LINE_WIDTH - 20))
    parts.append("</svg>")
    return Svg("".join(parts))


# --- A wider chart of mean levels over time, one line per series --------------------------------

TREND_WIDTH = 680
TREND_LEFT = 44.0
TREND_RIGHT = 636.0
TREND_TOP = 16.0
TREND_BOTTOM = 236.0
LEGEND_LINE = 24.0


def trend_point(index: int, count: int, level: float) -> tuple[float, float]:
    """Where the `index`-th of `count` periods at a (mean) level sits; level 1 at the foot."""
    return _spaced_point(index, count, level, TREND_LEFT, TREND_RIGHT, TREND_TOP, TREND_BOTTOM)


def _runs(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Unbroken stretches of points: a missing value breaks the line rather than bridging it."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _stacked_legend(series: Sequence[TrendSeries], x: float, y: float) -> list[str]:
    """A key below the chart, one series a line, so long names never collide."""
    parts = ['<g class="app-chart__legend">']
    for position, entry in enumerate(series):
        top = y + position * LEGEND_LINE
        parts += svg.legend_entry(entry.key, entry.name, TREND_LOOKS[entry.key], x, top)
    parts.append("</g>")
    return parts


def trend_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[TrendSeries],
) -> Svg:
    """Mean levels 1 to 5 over periods (months), every period labelled; a missing value (not
    enough responses to show) leaves a gap in its line rather than a guess."""
    count = len(labels)
    height = int(TREND_BOTTOM + 44 + LEGEND_LINE * len(series))
    parts = svg.opening(chart_id, title, description, TREND_WIDTH, height)
    parts.append('<g class="app-chart__grid">')
    for level in range(1, MAX_LEVEL + 1):
        _, y = trend_point(0, count, level)
        parts += _level_gridline(level, y, TREND_LEFT, TREND_RIGHT, TREND_LEFT - 12, font_size=13)
    # Every label when they fit, else every other one (always the last).
    step = 1 if count <= 12 else 2
    for index, label in enumerate(labels):
        if index % step and index != count - 1:
            continue
        x, _ = trend_point(index, count, 1)
        parts.append(_period_label(label, x, TREND_BOTTOM + 22))
    parts.append("</g>")
    for entry in series:
        look = TREND_LOOKS[entry.key]
        points = [
            trend_point(index, count, float(value)) if value is not None else None
            for index, value in enumerate(entry.values)
        ]
        for run in _runs(points):
            if len(run) > 1:
                parts.append(
                    svg.element(
                        "polyline",
                        points=svg.points(run),
                        **svg.stroke(entry.key, look, fill="none"),
                    )
                )
        for point in points:
            if point is not None:
                parts.append(svg.marker(entry.key, point[0], point[1], look, hollow=False, size=4))
    parts.extend(_stacked_legend(series, TREND_LEFT, TREND_BOTTOM + 48))
    parts.append("</svg>")
    return Svg("".join(parts))
