"""Loading checked programmes into the database: matched by slug, their sessions by number (so
a session keeps its id, and its history of versions, across syncs), archived when their folder
has gone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.curriculum.models import Programme, ProgrammeSession, ProgrammeStep
from learnset.curriculum.reading import ProgrammeSpec, SessionSpec
from learnset.curriculum.texts import session_text
from learnset.framework.loading import archive_gone
from learnset.library.models import ContentItem

Note = Callable[[str, str], None]
# What a file says that is stored as it is, column by column.
SESSION_COLUMNS = ("number", "title", "minutes", "aims", "preparation", "facilitator_notes")
PROGRAMME_COLUMNS = (
    "title",
    "summary",
    "position",
    "session_minutes",
    "aims",
    "source_path",
    "content_hash",
)


def _copy(spec: object, record: object, columns: tuple[str, ...]) -> None:
    for column in columns:
        setattr(record, column, getattr(spec, column))


def fill_session(
    session: ProgrammeSession, spec: SessionSpec, items: dict[str, ContentItem]
) -> None:
    """Make a session say what its file (or the editor's text) says."""
    _copy(spec, session, SESSION_COLUMNS)
    session.steps = [
        ProgrammeStep(
            position=position,
            minutes=step.minutes,
            activity=step.activity,
            content_item=items[step.item] if step.item else None,
        )
        for position, step in enumerate(spec.steps, start=1)
    ]


def _fill(
    programme: Programme,
    spec: ProgrammeSpec,
    items: dict[str, ContentItem],
    keep: frozenset[int] = frozenset(),
) -> None:
    _copy(spec, programme, PROGRAMME_COLUMNS)
    stored = {session.number: session for session in programme.sessions}
    sessions = []
    for session_spec in spec.sessions:
        session = stored.get(session_spec.number)
        if session is None:
            session = ProgrammeSession()
            fill_session(session, session_spec, items)
        elif session_spec.number not in keep:
            if session_text(session) != session_text(session_spec):
                fill_session(session, session_spec, items)
            session.edited_in_app_at = None
        session.source_path = session_spec.source_path
        sessions.append(session)
    present = {session.number for session in sessions}
    sessions += [stored[number] for number in sorted(keep - present) if number in stored]
    programme.sessions = sorted(sessions, key=lambda session: session.number)


def _snapshot(programme: Programme) -> tuple[Any, ...]:
    sessions = tuple(session_text(session) for session in programme.sessions)
    fields = (programme.title, programme.summary, programme.position, programme.session_minutes)
    return (*fields, programme.aims, sessions)


def load_programmes(
    db: Session,
    specs: list[ProgrammeSpec],
    items: dict[str, ContentItem],
    now: datetime,
    note: Note,
    keep: frozenset[tuple[str, int]] = frozenset(),
) -> dict[str, Programme]:
    """Match the programmes to their folders and their sessions to the files. The sessions in
    `keep` (programme slug, session number) were edited in the app and stay as they are."""
    stored = {programme.slug: programme for programme in db.scalars(select(Programme))}
    current = {}
    for spec in specs:
        programme = stored.get(spec.slug)
        kept = frozenset(number for slug, number in keep if slug == spec.slug)
        if programme is None:
            programme = Programme(slug=spec.slug, created_at=now, updated_at=now)
            db.add(programme)
            _fill(programme, spec, items)
            outcome = "added"
        else:
            before = _snapshot(programme)
            _fill(programme, spec, items, kept)
            changed = _snapshot(programme) != before
            if changed:
                programme.updated_at = now
            outcome = (
                "restored" if programme.archived_at else ("updated" if changed else "unchanged")
            )
            programme.archived_at = None
        current[spec.slug] = programme
        note("programme", outcome)
    for _programme in archive_gone(stored, {spec.slug for spec in specs}, now):
        note("programme", "archived")
    db.flush()
    return current
