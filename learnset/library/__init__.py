"""The learning library: content/ synced into the database, and the library pages."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The library pages and `flask content sync`."""
    from learnset.library import commands, views

    app.register_blueprint(views.bp)
    app.cli.add_command(commands.content_group)
