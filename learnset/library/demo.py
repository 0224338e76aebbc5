"""The demo's library history: the programme lead once reworded an exercise in the app, and a
note in the year's first session, then put the original words back, so their histories have
versions to compare and restore."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.curriculum.models import Programme, ProgrammeSession
from learnset.curriculum.texts import session_text
from learnset.library import editing, versions
from learnset.library.models import ContentItem

EDITED = "questions-not-advice"
PROGRAMME = "unlocking-commissioning"


def load(db: Session, admin: User, now: datetime) -> None:
    """Once: an edit of one item's summary and a restore of its first version. The words end as
    the files have them, so a later `flask content sync` has nothing to keep or report."""
    item = db.scalar(select(ContentItem).where(ContentItem.slug == EDITED))
    if item is None or versions.latest_number(db, item) > 1:
        return
    opened = versions.latest_number(db, item)
    words = editing.ItemChanges(
        title=item.title,
        summary=item.summary,
        minutes=item.minutes,
        capabilities=[capability.slug for capability in item.capabilities],
        body=item.body,
    )
    reworded = replace(words, summary=item.summary + " Try it in pairs before using it in a set.")
    edit = editing.save_item(db, admin, item, reworded, opened, now - timedelta(days=3))
    if edit is not None:
        editing.restore(db, admin, item, edit.number - 1, edit.number, now)
    _session_history(db, admin, now)


def _session_history(db: Session, admin: User, now: datetime) -> None:
    """Once: a line added to the facilitator notes of the year's first session, then undone."""
    session = db.scalar(
        select(ProgrammeSession)
        .join(Programme)
        .where(Programme.slug == PROGRAMME, ProgrammeSession.number == 1)
    )
    if session is None or versions.latest_number(db, session) > 1:
        return
    text = session_text(session).rstrip("\n") + "\n\nArrive early and set the chairs in a circle.\n"
    edit = editing.save_session(
        db, admin, session, text, versions.latest_number(db, session), now - timedelta(days=2)
    )
    if edit is not None:
        editing.restore(db, admin, session, edit.number - 1, edit.number, now)
