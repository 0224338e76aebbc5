"""The learning library: content/ synced into the database, and the library pages."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The library pages, editing in the app, and `flask content sync` and `export`."""
    # The pages share one blueprint; importing each module adds its routes to it.
    from learnset.library import commands, edit_views, programme_edit_views, views  # noqa: F401

    app.register_blueprint(views.bp)
    app.cli.add_command(commands.content_group)
