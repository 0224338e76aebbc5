"""Self-assessment against the capability framework: ratings, gaps, progress and a focus for
the month; the framework page."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The self-assessment pages, two home panels, its part of a download, remind-check-ins."""
    from learnset import unsaved
    from learnset.accounts import personal_data as downloads
    from learnset.assessment import commands, panels, personal_data, shown, views, wording
    from learnset.main.panels import home_panel

    app.register_blueprint(views.bp)
    app.add_template_filter(wording.gap_text)
    app.add_template_filter(wording.movement_text)
    app.jinja_env.globals.update(
        gap_rows=shown.gap_rows,
        figure_rows=shown.figure_rows,
        assessment_rows=shown.assessment_rows,
        recommended_rows=shown.recommended_rows,
    )
    home_panel(panels.capabilities_panel)
    home_panel(panels.shared_assessments_panel)
    downloads.register(
        "self_assessment",
        personal_data.self_assessment_reads,
        personal_data.build_self_assessment,
        personal_data.erase_self_assessment,
    )
    app.cli.add_command(commands.remind_check_ins_command)
    # A check-in's rating form is built per capability: its text boxes, for the page that hands
    # unsaved text back when the database fails.
    unsaved.text_boxes_named(r"[\w-]+-evidence", "Evidence")
    unsaved.text_boxes_named(r"[\w-]+-reason", "What changed")
