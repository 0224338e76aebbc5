"""A participant's progress as charts: a radar per domain, a line per capability, drawn with
the chart kit (learnset/charts/)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from learnset.charts import Series, Svg, line_chart, radar


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
