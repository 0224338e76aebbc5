"""The parts of the dashboards' pages drawn from a release's figures alone: the table of
domains, the growth chart with its table, and the tables of capabilities. A release never
changes once made, so each worker draws them once for each release it shows
(`releases.latest_figures`, whose key they are kept under), and every page that shows the
release gets the same bytes. They hold released, already suppressed aggregates only."""

from __future__ import annotations

from dataclasses import dataclass

from flask import get_template_attribute, request
from markupsafe import Markup

from learnset.dashboards import charts
from learnset.dashboards.kept import Kept
from learnset.dashboards.releases import ReleasedFigures

MACROS = "dashboards/_macros.html"


@dataclass(frozen=True)
class ReleaseTables:
    domains: Markup
    growth: Markup
    capabilities: Markup


_DRAWN: Kept[ReleaseTables] = Kept(256)


def release_tables(
    figures: ReleasedFigures, caption: str, chart_id: str, cohort_name: str, spread: bool
) -> ReleaseTables:
    """`_macros.html`'s `domains_table` (under `caption`), `growth_section` (with its chart)
    and `capability_tables` of the release, drawn once for each release and page."""

    def draw() -> ReleaseTables:
        chart = charts.growth_chart(chart_id, figures.growth, cohort_name)
        return ReleaseTables(
            get_template_attribute(MACROS, "domains_table")(figures.domains, caption),
            get_template_attribute(MACROS, "growth_section")(figures.growth, chart),
            get_template_attribute(MACROS, "capability_tables")(figures.capabilities, spread),
        )

    # Links in the tables start with the app's own path.
    key = (figures.key, caption, chart_id, cohort_name, spread, request.script_root)
    return _DRAWN.get(key if figures.key is not None else None, draw)
