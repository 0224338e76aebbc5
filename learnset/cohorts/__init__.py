"""Learning sets: their pages, members and tutors, and the invitations that bring people in."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The learning sets' pages and invitations."""
    from learnset.cohorts import views

    app.register_blueprint(views.bp)
