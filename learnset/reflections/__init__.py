"""The reflective log: reflections, their versions, sharing and comments, the bin, and text
kept when a sign-in ends mid-sentence."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The log's pages, four home panels, the log's part of a download."""
    from learnset.accounts import personal_data as downloads
    from learnset.files import responses
    from learnset.main.panels import home_panel

    # The log's pages share one blueprint; importing each module adds its routes to it.
    from learnset.reflections import (  # noqa: F401
        attachment_views,
        bin_views,
        editor_views,
        kept_views,
        note_views,
        panels,
        personal_data,
        reading_views,
        revalidation_views,
        views,
    )

    app.register_blueprint(views.bp)
    app.register_blueprint(attachment_views.bp)
    responses.accept_uploads(app)
    home_panel(panels.kept_text_panel)
    home_panel(panels.new_comments_panel)
    home_panel(panels.shared_with_you_panel)
    home_panel(panels.log_panel)
    downloads.register(
        "reflective_log",
        personal_data.reads,
        personal_data.build,
        personal_data.erase,
    )
    downloads.register_files("reflective_log", personal_data.files)
    downloads.register_files("quick_notes", personal_data.note_photos)
