"""The monthly sessions (a Meeting in code, a "session" on screen): schedules, plans, presenters,
attendance, emergent topics and calendar feeds."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The sessions', topics' and calendar pages, two home panels, their part of a download."""
    from learnset.accounts import personal_data as downloads
    from learnset.main.panels import home_panel

    # Planning a session adds its routes to the sessions' blueprint as it is imported.
    from learnset.meetings import (
        calendar_views,
        panels,
        personal_data,
        plan_views,  # noqa: F401
        programme_views,  # noqa: F401
        topic_views,
        views,
    )

    app.register_blueprint(views.bp)
    app.register_blueprint(topic_views.bp)
    app.register_blueprint(calendar_views.bp)
    home_panel(panels.participant_sessions)
    home_panel(panels.tutor_sessions)
    downloads.register(
        "sessions",
        personal_data.session_reads,
        personal_data.build_sessions,
        personal_data.erase_sessions,
    )
