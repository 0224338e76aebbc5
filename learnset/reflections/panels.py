"""What the reflective log adds to a person's home page."""

from __future__ import annotations

from flask import session
from sqlalchemy.orm import Session

from learnset import authz
from learnset.accounts.models import User
from learnset.dates import UK
from learnset.db import utcnow
from learnset.main.panels import Panel, list_panel
from learnset.reflections import queries, rescue
from learnset.reflections.exports import appraisal_year


def kept_text_panel(db: Session, user: User) -> Panel | None:
    """Writing kept when the sign-in expired, if the person came back some other way."""
    waiting = rescue.waiting(db, session, user, utcnow())
    return list_panel("reflections/_panel_kept_text.html", "rescues", waiting, order=5)


def new_comments_panel(db: Session, user: User) -> Panel | None:
    # Only a participant's reflections can be shared, so only they can have comments.
    if not authz.takes_part_anywhere(user):
        return None
    news = queries.new_comments(db, user)
    return list_panel("reflections/_panel_new_comments.html", "news", news, order=20)


def shared_with_you_panel(db: Session, user: User) -> Panel | None:
    recent = queries.recently_shared(db, user)
    return list_panel("reflections/_panel_shared.html", "reflections", recent, order=50)


def log_panel(db: Session, user: User) -> Panel | None:
    if not authz.takes_part_anywhere(user):
        return None
    since, _today = appraisal_year(utcnow().astimezone(UK).date())
    return Panel(
        "reflections/_panel_log.html", {"summary": queries.log_summary(db, user, since)}, order=60
    )
