"""Programmes of sessions: the year's curriculum and shorter courses, from content/programme/,
and the pages that show them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The programmes' pages (content sync loads them: learnset/library/sync.py)."""
    from learnset.curriculum import views

    app.register_blueprint(views.bp)
