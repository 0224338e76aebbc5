"""Released cohort figures, engagement, planning from gaps and the programme view: read-only
pages over the other features' data, with no models of their own."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The dashboards' pages and `flask figures release`."""
    from learnset.dashboards import commands, shown, views

    app.register_blueprint(views.bp)
    app.jinja_env.globals.update(
        mean_html=shown.mean_html,
        change_html=shown.change_html,
        heat_rows=shown.heat_rows,
        activity_cells=shown.activity_cells,
        engagement_rows=shown.engagement_rows,
        programme_rows=shown.programme_rows,
    )
    app.cli.add_command(commands.figures_group)
