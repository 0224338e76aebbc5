"""Charts as server-rendered SVG: standard library only, every word escaped, no inline styles.

Each chart names itself for assistive technology (role="img", a <title> and a <desc>) and the
page puts the same figures in a table beside it. Series differ by stroke pattern and marker
shape as well as colour, so they survive print, greyscale and high-contrast modes; colours are
presentation attributes, which the stylesheet's classes can override (forced colours, print).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from html import escape
from typing import Any

MAX_LEVEL = 5


@dataclass(frozen=True)
class Look:
    colour: str
    width: int
    dash: str | None
    marker: str


# NHS.UK palette: grey, blue and green, each with its own stroke pattern and marker.
LOOKS = {
    "baseline": Look("#4c6272", 2, "8 5", "square"),
    "latest": Look("#005eb8", 3, None, "circle"),
    "target": Look("#007f3b", 2, "2 4", "diamond"),
}
# Trend charts draw a line per framework domain (the cohort dashboards): blue, purple, green.
TREND_LOOKS = {
    "series-1": Look("#005eb8", 3, None, "circle"),
    "series-2": Look("#330072", 3, "8 5", "square"),
    "series-3": Look("#007f3b", 3, "2 4", "diamond"),
    "series-4": Look("#7c2855", 3, "12 4 2 4", "circle"),
}


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    values: Sequence[int | None]
    # Points drawn hollow (carried forward rather than rated afresh), by position.
    hollow: Sequence[bool] = ()


@dataclass(frozen=True)
class TrendSeries:
    """A line of mean levels, one value per period; None where nothing may be shown."""

    key: str
    name: str
    values: Sequence[float | Decimal | None]


class Svg:
    """SVG markup that Jinja inserts as it is (it was escaped while it was built)."""

    def __init__(self, markup: str) -> None:
        self.markup = markup

    def __html__(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup


def _number(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attributes(**attributes: Any) -> str:
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        parts.append(f'{name.rstrip("_").replace("_", "-")}="{escape(str(value))}"')
    return " ".join(parts)


def _element(tag: str, **attributes: Any) -> str:
    return f"<{tag} {_attributes(**attributes)}/>"


def series_key(position: int) -> str:
    """The look of the n-th line (from 0) in a chart of several: colour, dashes and marker."""
    return f"series-{position % 4 + 1}"


def _marker(kind: str, x: float, y: float, look: Look, hollow: bool, size: float = 5) -> str:
    fill = "#ffffff" if hollow else look.colour
    common = {
        "class_": f"app-chart__marker app-chart__marker--{kind}"
        + (" app-chart__marker--hollow" if hollow else ""),
        "fill": fill,
        "stroke": look.colour,
        "stroke_width": 2,
    }
    if look.marker == "circle":
        return _element("circle", cx=_number(x), cy=_number(y), r=_number(size), **common)
    if look.marker == "square":
        side = size * 1.7
        return _element(
            "rect",
            x=_number(x - side / 2),
            y=_number(y - side / 2),
            width=_number(side),
            height=_number(side),
            **common,
        )
    points = [(x, y - size * 1.3), (x + size * 1.3, y), (x, y + size * 1.3), (x - size * 1.3, y)]
    return _element("polygon", points=_points(points), **common)


def _points(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{_number(x)},{_number(y)}" for x, y in points)


def _stroke(key: str, look: Look, **extra: Any) -> dict[str, Any]:
    return {
        "class_": f"app-chart__line app-chart__line--{key}",
        "stroke": look.colour,
        "stroke_width": look.width,
        "stroke_dasharray": look.dash,
        "stroke_linejoin": "round",
        **extra,
    }


def _open(chart_id: str, title: str, description: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {width} {height}"'
        f' role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]


def _legend(series: Sequence[Series], x: float, y: float, width: float) -> list[str]:
    """A key below the chart, so it prints with it: a stroke sample and a marker per series."""
    parts = ['<g class="app-chart__legend">']
    step = width / max(len(series), 1)
    for position, entry in enumerate(series):
        parts += _legend_entry(entry.key, entry.name, LOOKS[entry.key], x + position * step, y)
    parts.append("</g>")
    return parts


def _legend_entry(key: str, name: str, look: Look, left: float, y: float) -> list[str]:
    """A stroke sample with its marker, then the series' name."""
    return [
        _element(
            "line",
            x1=_number(left),
            y1=_number(y),
            x2=_number(left + 36),
            y2=_number(y),
            **_stroke(key, look),
        ),
        _marker(key, left + 18, y, look, hollow=False, size=4),
        f'<text class="app-chart__text" x="{_number(left + 44)}" y="{_number(y + 5)}"'
        f' font-size="14" fill="#212b32">{escape(name)}</text>',
    ]


# --- Radar: one per domain (radars stop being readable past about 8 axes) -----------------------

RADAR_WIDTH = 640
RADAR_HEIGHT = 540
RADAR_CENTRE = (320.0, 250.0)
RADAR_RADIUS = 160.0
LABEL_GAP = 18.0
LABEL_LINE = 15.0
LABEL_CHARACTERS = 20


def radar_point(index: int, count: int, level: float) -> tuple[float, float]:
    """Where a level sits on axis `index` of `count`: axis 0 points up, then clockwise."""
    angle = -math.pi / 2 + 2 * math.pi * index / count
    radius = RADAR_RADIUS * level / MAX_LEVEL
    return (
        round(RADAR_CENTRE[0] + radius * math.cos(angle), 1),
        round(RADAR_CENTRE[1] + radius * math.sin(angle), 1),
    )


def _axis_label(index: int, count: int, label: str) -> str:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    cos, sin = math.cos(angle), math.sin(angle)
    x = RADAR_CENTRE[0] + (RADAR_RADIUS + LABEL_GAP) * cos
    y = RADAR_CENTRE[1] + (RADAR_RADIUS + LABEL_GAP) * sin
    anchor = "start" if cos > 0.3 else "end" if cos < -0.3 else "middle"
    lines = textwrap.wrap(label, LABEL_CHARACTERS) or [""]
    # Labels above the centre grow upwards, those below grow downwards, the rest sit centred.
    if sin < -0.3:
        first = y - LABEL_LINE * (len(lines) - 1)
    elif sin > 0.3:
        first = y + LABEL_LINE * 0.8
    else:
        first = y - LABEL_LINE * (len(lines) - 1) / 2 + 5
    spans = "".join(
        f'<tspan x="{_number(x)}" y="{_number(first + LABEL_LINE * n)}">{escape(line)}</tspan>'
        for n, line in enumerate(lines)
    )
    return (
        f'<text class="app-chart__text" text-anchor="{anchor}" font-size="13"'
        f' fill="#212b32">{spans}</text>'
    )


def radar(
    chart_id: str, title: str, description: str, axes: Sequence[str], series: Sequence[Series]
) -> Svg:
    """A radar chart of levels 1 to 5 on each axis, one closed shape per complete series."""
    count = len(axes)
    parts = _open(chart_id, title, description, RADAR_WIDTH, RADAR_HEIGHT)
    parts.append('<g class="app-chart__grid">')
    for level in range(1, MAX_LEVEL + 1):
        ring = [radar_point(i, count, level) for i in range(count)]
        parts.append(
            _element(
                "polygon",
                class_="app-chart__gridline",
                points=_points(ring),
                fill="none",
                stroke="#aeb7bd",
                stroke_width=1,
            )
        )
        # The scale sits midway between the first two spokes, where no marker can land.
        (x0, y0), (x1, y1) = radar_point(0, count, level), radar_point(1, count, level)
        parts.append(
            f'<text class="app-chart__text app-chart__text--scale" x="{_number((x0 + x1) / 2)}"'
            f' y="{_number((y0 + y1) / 2 + 4)}" text-anchor="middle" font-size="11"'
            f' fill="#4c6272" stroke="#ffffff" stroke-width="3" paint-order="stroke">{level}</text>'
        )
    for index, label in enumerate(axes):
        x, y = radar_point(index, count, MAX_LEVEL)
        parts.append(
            _element(
                "line",
                class_="app-chart__gridline",
                x1=_number(RADAR_CENTRE[0]),
                y1=_number(RADAR_CENTRE[1]),
                x2=_number(x),
                y2=_number(y),
                stroke="#aeb7bd",
                stroke_width=1,
            )
        )
        parts.append(_axis_label(index, count, label))
    parts.append("</g>")
    for entry in series:
        look = LOOKS[entry.key]
        points = [
            radar_point(index, count, value) if value is not None else None
            for index, value in enumerate(entry.values)
        ]
        present = [point for point in points if point is not None]
        if present and len(present) == count:
            fill = look.colour if entry.key == "latest" else "none"
            parts.append(
                _element(
                    "polygon",
                    points=_points(present),
                    **_stroke(
                        entry.key,
                        look,
                        fill=fill,
                        fill_opacity="0.12" if fill != "none" else None,
                    ),
                )
            )
        for index, point in enumerate(points):
            if point is not None:
                hollow = bool(entry.hollow[index]) if index < len(entry.hollow) else False
                parts.append(_marker(entry.key, point[0], point[1], look, hollow))
    parts.extend(_legend(series, 80, RADAR_HEIGHT - 22, RADAR_WIDTH - 120))
    parts.append("</svg>")
    return Svg("".join(parts))


# --- A small line chart per capability, assessments in order ------------------------------------

LINE_WIDTH = 340
LINE_HEIGHT = 200
PLOT_LEFT = 36.0
PLOT_RIGHT = 320.0
PLOT_TOP = 16.0
PLOT_BOTTOM = 136.0


def line_point(index: int, count: int, level: float) -> tuple[float, float]:
    """Where the `index`-th of `count` assessments at a level sits: evenly spaced, 1 at the foot."""
    if count > 1:
        x = PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * index / (count - 1)
    else:
        x = (PLOT_LEFT + PLOT_RIGHT) / 2
    y = PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * (level - 1) / (MAX_LEVEL - 1)
    return round(x, 1), round(y, 1)


def _level_gridline(
    level: int, y: float, left: float, right: float, label_x: float, font_size: int
) -> list[str]:
    """A horizontal line across the plot at a level, with the level written to its left."""
    return [
        _element(
            "line",
            class_="app-chart__gridline",
            x1=_number(left),
            y1=_number(y),
            x2=_number(right),
            y2=_number(y),
            stroke="#d8dde0",
            stroke_width=1,
        ),
        f'<text class="app-chart__text app-chart__text--scale" x="{_number(label_x)}"'
        f' y="{_number(y + 4)}" text-anchor="end" font-size="{font_size}" fill="#4c6272">'
        f"{level}</text>",
    ]


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
) -> Svg:
    """Levels 1 to 5 over a run of assessments; the first and last are labelled with their dates."""
    count = len(labels)
    parts = _open(chart_id, title, description, LINE_WIDTH, LINE_HEIGHT)
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
        parts.append(
            f'<text class="app-chart__text" x="{_number(x)}" y="{_number(PLOT_BOTTOM + 20)}"'
            f' text-anchor="{anchor}" font-size="12" fill="#212b32">{escape(labels[index])}</text>'
        )
    parts.append("</g>")
    for entry in series:
        look = LOOKS[entry.key]
        points = [
            line_point(index, count, value) if value is not None else None
            for index, value in enumerate(entry.values)
        ]
        present = [point for point in points if point is not None]
        if len(present) > 1:
            parts.append(
                _element(
                    "polyline", points=_points(present), **_stroke(entry.key, look, fill="none")
                )
            )
        for index, point in enumerate(points):
            if point is not None:
                hollow = bool(entry.hollow[index]) if index < len(entry.hollow) else False
                parts.append(_marker(entry.key, point[0], point[1], look, hollow, size=4))
    parts.extend(_legend(series, PLOT_LEFT - 20, LINE_HEIGHT - 14, LINE_WIDTH - 20))
    parts.append("</svg>")
    return Svg("".join(parts))


# --- The charts of a participant's progress -----------------------------------------------------


def domain_radar(chart_id: str, domain: Any, first_label: str) -> Svg:
    """A domain's capabilities: the first assessment shown, the latest, and the targets."""
    capabilities = domain.capabilities
    series = [
        Series(
            "baseline", first_label, [e.first.current if e.first else None for e in capabilities]
        ),
        Series("latest", "Latest", [e.latest.current if e.latest else None for e in capabilities]),
        Series("target", "Target", [e.latest.target if e.latest else None for e in capabilities]),
    ]
    return radar(
        chart_id,
        f"{domain.domain.name}: {first_label.lower()}, latest and target levels",
        f"A radar chart with one axis for each of the {len(capabilities)} capabilities in "
        f"{domain.domain.name}, from level 1 at the centre to 5 at the edge. It shows three "
        f"shapes: {first_label.lower()} (dashed, squares), latest (solid, circles) and target "
        "(dotted, diamonds). The table that follows gives the same figures.",
        [entry.capability.name for entry in capabilities],
        series,
    )


def capability_line(chart_id: str, entry: Any, format_date: Callable[[datetime], str]) -> Svg:
    """One capability's current level and target over the participant's assessments."""
    history = entry.history
    return line_chart(
        chart_id,
        f"{entry.capability.name} over time",
        f"A line chart of your level and your target, from 1 to 5, in each of your "
        f"{len(history)} assessments in order. Hollow circles mark ratings carried forward "
        "rather than rated afresh. The table that follows gives the same figures.",
        [format_date(point.submitted_at) for point in history],
        [
            Series(
                "latest",
                "Your level",
                [point.current for point in history],
                [point.carried_forward for point in history],
            ),
            Series("target", "Your target", [point.target for point in history]),
        ],
    )


# --- A wider chart of mean levels over time, one line per series --------------------------------

TREND_WIDTH = 680
TREND_LEFT = 44.0
TREND_RIGHT = 636.0
TREND_TOP = 16.0
TREND_BOTTOM = 236.0
LEGEND_LINE = 24.0


def trend_point(index: int, count: int, level: float) -> tuple[float, float]:
    """Where the `index`-th of `count` periods at a (mean) level sits; level 1 at the foot."""
    if count > 1:
        x = TREND_LEFT + (TREND_RIGHT - TREND_LEFT) * index / (count - 1)
    else:
        x = (TREND_LEFT + TREND_RIGHT) / 2
    y = TREND_BOTTOM - (TREND_BOTTOM - TREND_TOP) * (level - 1) / (MAX_LEVEL - 1)
    return round(x, 1), round(y, 1)


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
        parts += _legend_entry(entry.key, entry.name, TREND_LOOKS[entry.key], x, top)
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
    parts = _open(chart_id, title, description, TREND_WIDTH, height)
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
        parts.append(
            f'<text class="app-chart__text" x="{_number(x)}" y="{_number(TREND_BOTTOM + 22)}"'
            f' text-anchor="middle" font-size="12" fill="#212b32">{escape(label)}</text>'
        )
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
                    _element(
                        "polyline", points=_points(run), **_stroke(entry.key, look, fill="none")
                    )
                )
        for point in points:
            if point is not None:
                parts.append(_marker(entry.key, point[0], point[1], look, hollow=False, size=4))
    parts.extend(_stacked_legend(series, TREND_LEFT, TREND_BOTTOM + 48))
    parts.append("</svg>")
    return Svg("".join(parts))
