"""Notifications in the app and by email (issue 19, item 2): the features that act tell the
people concerned through `services.notify`, in the same transaction as the action; each person
chooses, per kind, an email at once, a daily or weekly summary, or nothing at all."""

from __future__ import annotations

from flask import Flask, g
from flask_login import current_user


def unread_count() -> int:
    """The header's count for the signed-in person: counted with the sign-in's own query
    (learnset/accounts/sign_ins.py), else asked once a request."""
    from learnset.db import get_db
    from learnset.notifications import services

    if not current_user.is_authenticated:
        return 0
    loaded: int | None = current_user.unread_notifications
    if loaded is not None:
        return loaded
    if "learnset_unread" not in g:
        g.learnset_unread = services.unread_count(get_db(), current_user)
    count: int = g.learnset_unread
    return count


def init_app(app: Flask) -> None:
    """The pages, the header's count, the emails, the summaries' command and "download your
    data"."""
    from learnset.accounts import personal_data
    from learnset.notifications import commands, emails, services, views

    del emails  # imported for its mail builders
    app.register_blueprint(views.bp)
    app.jinja_env.globals["unread_notifications"] = unread_count
    app.cli.add_command(commands.send_digests_command)
    personal_data.register(
        "notifications",
        services.personal_data_reads,
        services.build_personal_data,
        services.erase_personal_data,
    )
