"""Radar charts: one per framework domain (radars stop being readable past about 8 axes)."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from functools import lru_cache
from html import escape

from learnset.charts import svg
from learnset.charts.svg import LOOKS, MAX_LEVEL, Series, Svg

RADAR_WIDTH = 640
RADAR_HEIGHT = 540
RADAR_CENTRE = (320.0, 250.0)
RADAR_RADIUS = 160.0
LABEL_GAP = 18.0
LABEL_LINE = 15.0
LABEL_CHARACTERS = 20


# Levels are whole numbers on a handful of axes: the few points there are, worked out once.
@lru_cache(maxsize=1024)
def radar_point(index: int, count: int, level: float) -> tuple[float, float]:
    """Where a level sits on axis `index` of `count`: axis 0 points up, then clockwise."""
    angle = -math.pi / 2 + 2 * math.pi * index / count
    radius = RADAR_RADIUS * level / MAX_LEVEL
    return (
        round(RADAR_CENTRE[0] + radius * math.cos(angle), 1),
        round(RADAR_CENTRE[1] + radius * math.sin(angle), 1),
    )


@lru_cache(maxsize=1024)
def _point_text(index: int, count: int, level: float) -> str:
    """A radar point as a shape's points attribute writes it, "x,y": each formatted once."""
    x, y = radar_point(index, count, level)
    return f"{svg.number(x)},{svg.number(y)}"


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
        f'<tspan x="{svg.number(x)}" y="{svg.number(first + LABEL_LINE * n)}">'
        f"{escape(line)}</tspan>"
        for n, line in enumerate(lines)
    )
    return (
        f'<text class="app-chart__text" text-anchor="{anchor}" font-size="13"'
        f' fill="#212b32">{spans}</text>'
    )


# The rings, spokes and labels depend on the axes alone: a framework has a few domains, so a
# few grids serve every chart of every page.
@lru_cache(maxsize=64)
def _grid(axes: tuple[str, ...]) -> str:
    """The chart's grid: a ring per level, a spoke per axis, and the axes' labels."""
    count = len(axes)
    parts = ['<g class="app-chart__grid">']
    for level in range(1, MAX_LEVEL + 1):
        ring = [radar_point(i, count, level) for i in range(count)]
        parts.append(
            svg.element(
                "polygon",
                class_="app-chart__gridline",
                points=svg.points(ring),
                fill="none",
                stroke="#aeb7bd",
                stroke_width=1,
            )
        )
        # The scale sits midway between the first two spokes, where no marker can land.
        (x0, y0), (x1, y1) = radar_point(0, count, level), radar_point(1, count, level)
        parts.append(
            f'<text class="app-chart__text app-chart__text--scale" x="{svg.number((x0 + x1) / 2)}"'
            f' y="{svg.number((y0 + y1) / 2 + 4)}" text-anchor="middle" font-size="11"'
            f' fill="#4c6272" stroke="#ffffff" stroke-width="3" paint-order="stroke">{level}</text>'
        )
    for index, label in enumerate(axes):
        x, y = radar_point(index, count, MAX_LEVEL)
        parts.append(
            svg.element(
                "line",
                class_="app-chart__gridline",
                x1=svg.number(RADAR_CENTRE[0]),
                y1=svg.number(RADAR_CENTRE[1]),
                x2=svg.number(x),
                y2=svg.number(y),
                stroke="#aeb7bd",
                stroke_width=1,
            )
        )
        parts.append(_axis_label(index, count, label))
    parts.append("</g>")
    return "".join(parts)


@lru_cache(maxsize=8)
def _shape_paint(key: str) -> str:
    """A series' closed shape's attributes after its points: the same on every chart."""
    look = LOOKS[key]
    fill = look.colour if key == "latest" else "none"
    opacity = "0.12" if fill != "none" else None
    return svg.attribute_text(**svg.stroke(key, look, fill=fill, fill_opacity=opacity))


def radar(
    chart_id: str, title: str, description: str, axes: Sequence[str], series: Sequence[Series]
) -> Svg:
    """A radar chart of levels 1 to 5 on each axis, one closed shape per complete series."""
    count = len(axes)
    parts = svg.opening(chart_id, title, description, RADAR_WIDTH, RADAR_HEIGHT)
    parts.append(_grid(tuple(axes)))
    for entry in series:
        look = LOOKS[entry.key]
        points = svg.placed(entry.values, lambda index, value: radar_point(index, count, value))
        present = [point for point in points if point is not None]
        if present and len(present) == count:
            shape = " ".join(
                _point_text(index, count, value)
                for index, value in enumerate(entry.values)
                if value is not None
            )
            parts.append(f'<polygon points="{shape}" {_shape_paint(entry.key)}/>')
        parts += svg.series_markers(entry, points, look)
    parts.extend(svg.legend(series, 80, RADAR_HEIGHT - 22, RADAR_WIDTH - 120))
    parts.append("</svg>")
    return Svg("".join(parts))
