"""A programme session's running order as a session's agenda: clock times from its start."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from learnset.curriculum.models import ProgrammeSession, ProgrammeStep
from learnset.dates import clock


def step_times(session: ProgrammeSession, starts: time) -> list[tuple[time, time]]:
    """When each step of the running order starts and ends, for a session starting then."""
    moment = datetime.combine(date(2000, 1, 1), starts)
    times = []
    for step in session.steps:
        ends = moment + timedelta(minutes=step.minutes)
        times.append((moment.time(), ends.time()))
        moment = ends
    return times


def timed_steps(
    session: ProgrammeSession, starts: time = time(10, 0)
) -> list[tuple[ProgrammeStep, str, str]]:
    """Each step with its start and end in words ("10am", "10:15am"), for a page."""
    return [
        (step, clock(begin), clock(end))
        for step, (begin, end) in zip(session.steps, step_times(session, starts), strict=True)
    ]


def ends_at(session: ProgrammeSession, starts: time) -> time:
    return (datetime.combine(date(2000, 1, 1), starts) + timedelta(minutes=session.minutes)).time()


def agenda_markdown(session: ProgrammeSession, starts: time) -> str:
    """The running order with times, then what participants prepare: the draft's agenda, which
    participants see once the session is published (so never the facilitator notes)."""
    lines = [
        f"- **{clock(begin)} to {clock(end)}**: {step.activity} ({step.minutes} minutes)"
        for step, (begin, end) in zip(session.steps, step_times(session, starts), strict=True)
    ]
    return "\n".join(
        ["## Running order", "", *lines, "", "## Before the session", "", session.preparation, ""]
    )
