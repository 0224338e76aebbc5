"""Certificates of attendance and CPD: a participant issues one for a programme year or dates
they choose, downloads it as a PDF or prints its page, and anyone can check it by its
reference on a public page that shows only the name, programme, dates and hours."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The certificate pages and their part of "download your data"."""
    from learnset.accounts import personal_data
    from learnset.certificates import queries, services, views

    app.register_blueprint(views.bp)
    personal_data.register(
        "certificates",
        queries.personal_data_reads,
        queries.build_personal_data,
        services.erase_personal_data,
    )
