"""Feedback from colleagues (360°): a participant asks colleagues without accounts about
chosen capabilities and sees their view, anonymised and released at close, beside their own."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The pages, the raters' emails, its part of a download, of the appraisal portfolio and of
    revalidation outputs, and remind-colleague-feedback."""
    from learnset.accounts import personal_data

    # The pages share one blueprint; importing each module adds its routes to it.
    from learnset.colleague_feedback import (  # noqa: F401
        commands,
        emails,
        portfolio,
        rater_views,
        report_views,
        services,
        views,
    )
    from learnset.reflections.exports import portfolio_section
    from learnset.reflections.revalidation import feedback_report_source

    app.register_blueprint(views.bp)
    personal_data.register(
        "colleague_feedback",
        services.personal_data_reads,
        services.build_personal_data,
        services.erase_personal_data,
    )
    portfolio_section(portfolio.appraisal_section)
    feedback_report_source(portfolio.latest_report)
    app.cli.add_command(commands.remind_colleague_feedback_command)
