"""Live challenges (what each participant is working on, its updates and gains) and the
stories of emerging practice published from them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The challenges' and stories' pages, two home panels, their part of a download."""
    from learnset.accounts import personal_data as downloads
    from learnset.challenges import (
        panels,
        personal_data,
        story_views,
        update_file_views,
        update_views,  # noqa: F401 (its routes join views.bp)
        views,
    )
    from learnset.files import responses
    from learnset.main.panels import home_panel

    app.register_blueprint(views.bp)
    app.register_blueprint(story_views.bp)
    app.register_blueprint(update_file_views.bp)
    responses.accept_uploads(app)
    home_panel(panels.own_challenges_panel)
    home_panel(panels.presenting_panel)
    downloads.register(
        "live_challenges",
        personal_data.challenge_reads,
        personal_data.build_challenges,
        personal_data.erase_challenges,
    )
    downloads.register_files("live_challenges", personal_data.export_files)
