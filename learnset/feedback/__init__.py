"""Feedback on the service: a page anyone can send it from (linked from the phase banner and
the footer), and the admins' list of what was sent."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The feedback pages and its part of "download your data"."""
    from learnset.accounts import personal_data
    from learnset.feedback import services, views

    app.register_blueprint(views.bp)
    personal_data.register(
        "feedback",
        services.personal_data_reads,
        services.build_personal_data,
        services.erase_personal_data,
    )
