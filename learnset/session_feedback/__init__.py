"""Feedback on a session (a Meeting): three quick questions its set's participants answer
after it, and the answers its tutors see, without names, once the window has closed and 3 or
more answered. Not to be confused with `feedback/`, which is feedback on the service itself."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The pages, a home panel, a test for the session page, and a part of "download your data"."""
    from learnset.accounts import personal_data
    from learnset.db import get_db, utcnow
    from learnset.main.panels import home_panel
    from learnset.meetings.models import Meeting
    from learnset.session_feedback import panels, services, summary, views

    app.register_blueprint(views.bp)
    summary.listen_for_changed_sessions()
    home_panel(panels.asked_now)
    personal_data.register(
        "session_feedback",
        services.personal_data_reads,
        services.build_personal_data,
        services.erase_personal_data,
    )

    def session_feedback_open(meeting: Meeting) -> bool:
        """For the session page: whether its participants are being asked about it now (by its
        dates, and then, only if those say so, by when it was first answered)."""
        days, now = views.window_days(), utcnow()
        return services.window(meeting, days).is_open(now) and (
            services.window_of(get_db(), meeting, days).is_open(now)
        )

    app.jinja_env.globals["session_feedback_open"] = session_feedback_open
