"""The home page asks a participant about the sessions whose feedback window is open."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from learnset import authz
from learnset.accounts.models import User
from learnset.db import utcnow
from learnset.main.panels import Panel, list_panel
from learnset.session_feedback import queries


def asked_now(db: Session, user: User) -> Panel | None:
    if not authz.takes_part_anywhere(user):  # only participants are asked
        return None
    asked = queries.asked_now(db, user, utcnow(), current_app.config["SESSION_FEEDBACK_DAYS"])
    return list_panel("session_feedback/_home.html", "asked", asked, order=15)
