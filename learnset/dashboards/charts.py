"""The dashboards' charts, drawn with the chart kit (learnset/charts/)."""

from __future__ import annotations

from collections.abc import Sequence

from learnset.charts import Series, Svg, TrendSeries, radar, series_key, trend_chart
from learnset.dashboards.cohort_figures import Growth
from learnset.dashboards.figures import Figure
from learnset.dashboards.programme_report import DomainGrowth


def growth_chart(chart_id: str, growth: Growth, cohort_name: str) -> Svg:
    """Each domain's mean level month by month; suppressed months leave a gap in the line."""
    domains = len(growth.domains)
    return trend_chart(
        chart_id,
        f"{cohort_name}: mean level in each domain, month by month",
        f"A line chart with one line for each of the {domains} domains of the framework, from "
        "level 1 at the foot to 5 at the top, one point a month. Lines differ by colour, dash "
        "pattern and marker. A month where fewer than 3 participants had shared a "
        "self-assessment has no point. The table that follows gives the same figures.",
        [point.month.short_label for point in growth.points],
        [
            TrendSeries(
                series_key(position),
                name,
                [figure.value for figure in growth.series(domain_id)],
            )
            for position, (domain_id, name) in enumerate(growth.domains)
        ],
    )


MIN_AXES = 3


def programme_radar(chart_id: str, growth: Sequence[DomainGrowth]) -> Svg | None:
    """The programme's released mean levels in each domain: at baseline and latest; None with
    fewer than three domains, where a radar has no shape (the table says it all)."""
    if len(growth) < MIN_AXES:
        return None
    return radar(
        chart_id,
        "Across the programme: mean level in each domain at baseline and latest",
        f"A radar chart with one axis for each of the {len(growth)} domains of the framework, "
        "from level 1 at the centre to 5 at the edge, with two shapes: the baseline (dashed, "
        "squares) and the latest (solid, circles), from the learning sets' released figures. "
        "A domain with no released figure has no point. The table that follows gives the same "
        "figures.",
        [domain.name for domain in growth],
        [
            Series("baseline", "Baseline", [_level(domain.baseline) for domain in growth]),
            Series("latest", "Latest", [_level(domain.latest) for domain in growth]),
        ],
    )


def _level(figure: Figure) -> float | None:
    return None if figure.suppressed or figure.value is None else float(figure.value)
