"""Oversight for the programme's admins: the audit log (read, filtered, exported as CSV) and the
emails the queue gave up on, with a way to send them again."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The audit log and failed email pages."""
    from learnset.governance import mail_views, views

    assert mail_views  # its routes join the blueprint on import
    app.register_blueprint(views.bp)
