"""The drawing under every chart: looks, series, markers, strokes and legends as SVG text, with
every word escaped and colours as presentation attributes that the stylesheet can override."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
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
    values: Sequence[float | None]
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


def number(value: float) -> str:
    """A coordinate to one decimal place, without a trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@cache
def _attribute(name: str) -> str:
    """An attribute's SVG name: "class_" is "class", "stroke_width" is "stroke-width"."""
    return name.rstrip("_").replace("_", "-")


def attribute_text(**attributes: Any) -> str:
    """Attributes as SVG writes them, escaped; those that are None left out."""
    return " ".join(
        f'{_attribute(name)}="{escape(str(value))}"'
        for name, value in attributes.items()
        if value is not None
    )


def element(tag: str, **attributes: Any) -> str:
    """An empty element; attribute names lose a trailing "_" and write "-" for "_"."""
    return f"<{tag} {attribute_text(**attributes)}/>"


def series_key(position: int) -> str:
    """The look of the n-th line (from 0) in a chart of several: colour, dashes and marker."""
    return f"series-{position % 4 + 1}"


@cache
def _marker_paint(kind: str, look: Look, hollow: bool) -> str:
    """A marker's attributes after its position (class, fill, stroke): a chart has few kinds."""
    return attribute_text(
        class_=f"app-chart__marker app-chart__marker--{kind}"
        + (" app-chart__marker--hollow" if hollow else ""),
        fill="#ffffff" if hollow else look.colour,
        stroke=look.colour,
        stroke_width=2,
    )


# Levels are whole numbers and a chart's axes few, so markers land on a few hundred places:
# each is drawn once per process.
@lru_cache(maxsize=4096)
def marker(kind: str, x: float, y: float, look: Look, hollow: bool, size: float = 5) -> str:
    """A series' marker at a point: circle, square or diamond, hollow when carried forward.

    Pages draw hundreds, so the position is written straight in (numbers need no escaping)
    after the paint, which is made once per kind."""
    paint = _marker_paint(kind, look, hollow)
    if look.marker == "circle":
        return f'<circle cx="{number(x)}" cy="{number(y)}" r="{number(size)}" {paint}/>'
    if look.marker == "square":
        side = size * 1.7
        return (
            f'<rect x="{number(x - side / 2)}" y="{number(y - side / 2)}"'
            f' width="{number(side)}" height="{number(side)}" {paint}/>'
        )
    corners = [(x, y - size * 1.3), (x + size * 1.3, y), (x, y + size * 1.3), (x - size * 1.3, y)]
    return f'<polygon points="{points(corners)}" {paint}/>'


Point = tuple[float, float]


def placed(
    values: Sequence[float | None], place: Callable[[int, float], Point]
) -> list[Point | None]:
    """Where each of a series' values sits on the chart; None where it has no value."""
    return [
        place(index, value) if value is not None else None for index, value in enumerate(values)
    ]


def series_markers(
    entry: Series, points: Sequence[Point | None], look: Look, size: float = 5
) -> list[str]:
    """A marker at each point of a series, hollow where the series says it was carried forward."""
    markers = []
    for index, point in enumerate(points):
        if point is not None:
            hollow = bool(entry.hollow[index]) if index < len(entry.hollow) else False
            markers.append(marker(entry.key, point[0], point[1], look, hollow, size))
    return markers


def points(xy: Sequence[tuple[float, float]]) -> str:
    """A points attribute: "x,y x,y ..."."""
    return " ".join(f"{number(x)},{number(y)}" for x, y in xy)


def stroke(key: str, look: Look, **extra: Any) -> dict[str, Any]:
    """The attributes of a series' line: its class, colour, width and dashes."""
    return {
        "class_": f"app-chart__line app-chart__line--{key}",
        "stroke": look.colour,
        "stroke_width": look.width,
        "stroke_dasharray": look.dash,
        "stroke_linejoin": "round",
        **extra,
    }


def opening(chart_id: str, title: str, description: str, width: int, height: int) -> list[str]:
    """The <svg> element, named for assistive technology by its <title> and <desc>."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {width} {height}"'
        f' role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]


def legend(series: Sequence[Series], x: float, y: float, width: float) -> list[str]:
    """A key below the chart, so it prints with it: a stroke sample and a marker per series."""
    return [_legend(tuple((entry.key, entry.name) for entry in series), x, y, width)]


# Every chart of a kind on a page has the same key: drawn once, however many charts.
@lru_cache(maxsize=64)
def _legend(series: tuple[tuple[str, str], ...], x: float, y: float, width: float) -> str:
    parts = ['<g class="app-chart__legend">']
    step = width / max(len(series), 1)
    for position, (key, name) in enumerate(series):
        parts += legend_entry(key, name, LOOKS[key], x + position * step, y)
    parts.append("</g>")
    return "".join(parts)


def legend_entry(key: str, name: str, look: Look, left: float, y: float) -> list[str]:
    """A stroke sample with its marker, then the series' name."""
    return [
        element(
            "line",
            x1=number(left),
            y1=number(y),
            x2=number(left + 36),
            y2=number(y),
            **stroke(key, look),
        ),
        marker(key, left + 18, y, look, hollow=False, size=4),
        f'<text class="app-chart__text" x="{number(left + 44)}" y="{number(y + 5)}"'
        f' font-size="14" fill="#212b32">{escape(name)}</text>',
    ]
