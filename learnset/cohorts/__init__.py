"""Learning sets: their pages, members and tutors, and the invitations that bring people in."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The learning sets' pages and invitations, one at a time or from a CSV file."""
    # The pages share one blueprint; importing bulk_views adds the import's routes to it.
    from learnset.cohorts import bulk_views, views  # noqa: F401

    app.register_blueprint(views.bp)
