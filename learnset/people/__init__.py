"""Everyone's accounts, for the programme's admins: find, deactivate, make admin, sign out."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The people pages."""
    from learnset.people import views

    app.register_blueprint(views.bp)
