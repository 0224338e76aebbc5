"""Accounts: signing in and out, passwords and one's own account, with the security every page
relies on (deny by default, sign-in sessions kept on the server, the security headers)."""

from __future__ import annotations

from flask import Flask

from learnset.extensions import login_manager


def init_app(app: Flask) -> None:
    """Sign-in security, the account pages, the account's part of a download, create-admin."""
    # The pages share one blueprint; importing each module adds its routes to it.
    from learnset.accounts import (  # noqa: F401
        commands,
        passkey_views,
        personal_data,
        second_step,
        security,
        sso_views,
        two_factor,
        two_factor_views,
        views,
    )

    security.init_app(app)
    # Someone made a tutor or an admin while signed in passes the second step now.
    app.before_request(second_step.ask_when_due)
    # A page needing a sign-in, opened while a second step waits, goes back to that step.
    login_manager.unauthorized_handler(second_step.send_on)
    app.register_blueprint(views.bp)
    sso_views.init_app(app)
    personal_data.register(
        "account",
        personal_data.account_reads,
        personal_data.build_account,
        personal_data.erase_account,
    )
    personal_data.register(
        "sign_in_security",
        two_factor.personal_data_reads,
        two_factor.build_personal_data,
        two_factor.erase_personal_data,
    )
    app.cli.add_command(commands.create_admin_command)
