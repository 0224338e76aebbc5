"""The home page, which shows each feature's panels, and the public pages (landing, privacy,
accessibility, health check)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The home and public pages."""
    # webapp adds the manifest and the service worker to the same blueprint.
    from learnset.main import views, webapp  # noqa: F401

    app.register_blueprint(views.bp)
