"""Everyone's accounts, for the programme's admins: find, deactivate, make admin, sign out."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The people pages."""
    # The pages share one blueprint; importing each module adds its routes to it.
    from learnset.people import sso_domain_views, two_factor_views, views  # noqa: F401

    app.register_blueprint(views.bp)
