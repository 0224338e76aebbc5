"""Loading checked programmes into the database: matched by slug, rebuilt when a file changed,
archived when their folder has gone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.curriculum.models import Programme, ProgrammeSession, ProgrammeStep
from learnset.curriculum.reading import ProgrammeSpec
from learnset.library.models import ContentItem

Note = Callable[[str, str], None]


def _fill(programme: Programme, spec: ProgrammeSpec, items: dict[str, ContentItem]) -> None:
    programme.title = spec.title
    programme.summary = spec.summary
    programme.position = spec.position
    programme.session_minutes = spec.session_minutes
    programme.aims = spec.aims
    programme.source_path = spec.source_path
    programme.content_hash = spec.content_hash
    programme.sessions = [
        ProgrammeSession(
            number=session.number,
            title=session.title,
            minutes=session.minutes,
            aims=session.aims,
            preparation=session.preparation,
            facilitator_notes=session.facilitator_notes,
            source_path=session.source_path,
            steps=[
                ProgrammeStep(
                    position=position,
                    minutes=step.minutes,
                    activity=step.activity,
                    content_item=items[step.item] if step.item else None,
                )
                for position, step in enumerate(session.steps, start=1)
            ],
        )
        for session in spec.sessions
    ]


def load_programmes(
    db: Session,
    specs: list[ProgrammeSpec],
    items: dict[str, ContentItem],
    now: datetime,
    note: Note,
) -> None:
    """Match the programmes to their folders; a changed one has its sessions rebuilt."""
    stored = {programme.slug: programme for programme in db.scalars(select(Programme))}
    for spec in specs:
        programme = stored.get(spec.slug)
        if programme is None:
            programme = Programme(slug=spec.slug, created_at=now, updated_at=now)
            db.add(programme)
            _fill(programme, spec, items)
            outcome = "added"
        else:
            changed = programme.content_hash != spec.content_hash
            if changed:
                # The old sessions go before the new ones with the same numbers arrive.
                programme.sessions = []
                db.flush()
                _fill(programme, spec, items)
                programme.updated_at = now
            outcome = (
                "restored" if programme.archived_at else ("updated" if changed else "unchanged")
            )
            programme.archived_at = None
        note("programme", outcome)
    present = {spec.slug for spec in specs}
    for slug, programme in stored.items():
        if programme.archived_at is None and slug not in present:
            programme.archived_at = now
            note("programme", "archived")
    db.flush()
