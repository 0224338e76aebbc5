"""The dashboards' command: flask figures release."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from learnset.dashboards import releases
from learnset.db import database, utcnow
from learnset.framework.queries import current_framework
from learnset.session_feedback.summary import tally_closed

figures_group = AppGroup("figures", help="Cohort figures, released in rounds.")


@figures_group.command("release")
def release_figures_command() -> None:
    """For cron, daily: release the figures of each set whose check-in round has closed, and
    tally the feedback of each session whose window has closed for good (for the programme
    report)."""
    with database().writer_sessions.begin() as session:
        now = utcnow()
        results = releases.release_closed_rounds(session, current_framework(session), now)
        tallied = tally_closed(session, now)
    for result in results:
        if result.release is None:
            click.echo(
                f"{result.cohort.name}: not released, fewer than 3 participants have shared a "
                "check-in since the last release."
            )
        else:
            click.echo(
                f"{result.cohort.name}: released, with new check-ins from "
                f"{result.release.contributors} participants."
            )
    if not results:
        click.echo("No check-in round has closed since the last release of any set.")
    click.echo(f"Tallied the feedback of {tallied} session{'' if tallied == 1 else 's'}.")


@figures_group.command("count-for-report")
def count_for_report_command() -> None:
    """Once, after upgrading: keep the programme report's counts with each set's latest release
    made before releases kept them (until then the report shows none for that set)."""
    with database().writer_sessions.begin() as session:
        counted = releases.count_latest_releases(session)
    click.echo(f"Counted the programme report's figures for {counted} releases.")
