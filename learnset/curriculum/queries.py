"""Reading programmes for their pages: a fixed number of queries however long the programme."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from learnset.curriculum.models import Programme, ProgrammeSession, ProgrammeStep


def current_programmes(db: Session) -> list[Programme]:
    """The programmes whose files are in content/programme/, in their order."""
    return list(
        db.scalars(
            select(Programme)
            .where(Programme.archived_at.is_(None))
            .options(selectinload(Programme.sessions))
            .order_by(Programme.position, Programme.title, Programme.id)
        )
    )


def programme_choices(db: Session) -> list[tuple[str, str]]:
    """(slug, title) of each current programme, in their order, for a form's choices."""
    rows = db.execute(
        select(Programme.slug, Programme.title)
        .where(Programme.archived_at.is_(None))
        .order_by(Programme.position, Programme.title, Programme.id)
    )
    return [(slug, title) for slug, title in rows]


def programme_by_slug(db: Session, slug: str) -> Programme | None:
    """A current programme with its sessions, their steps and the library items they use."""
    return db.scalar(
        select(Programme)
        .where(Programme.slug == slug, Programme.archived_at.is_(None))
        .options(
            selectinload(Programme.sessions)
            .selectinload(ProgrammeSession.steps)
            .selectinload(ProgrammeStep.content_item)
        )
    )
