"""Released cohort figures, engagement, planning from gaps and the programme view: read-only
pages over the other features' data, with no models of their own."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The dashboards' pages and `flask figures release`."""
    from learnset.dashboards import commands, views

    app.register_blueprint(views.bp)
    app.cli.add_command(commands.figures_group)
