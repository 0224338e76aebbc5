"""The dashboards' charts, drawn with the chart kit (learnset/charts/)."""

from __future__ import annotations

from learnset.charts import Svg, TrendSeries, series_key, trend_chart
from learnset.dashboards.cohort_figures import Growth


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
