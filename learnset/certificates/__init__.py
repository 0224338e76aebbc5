"""Certificates of attendance and CPD: a participant issues one for a programme year or dates
they choose, downloads it as a PDF or prints its page, and anyone can check it by its
reference on a public page that shows only the name, programme, dates and hours."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The certificate pages and their part of "download your data"."""
    from learnset.accounts import personal_data
    from learnset.certificates import queries, views

    app.register_blueprint(views.bp)
    # Certificates go with the account (a foreign key with ON DELETE CASCADE).
    personal_data.register("certificates", queries.export_personal_data)
